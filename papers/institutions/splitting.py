"""Cutting one affiliation line into the strings that may name an organisation.

"1Dept. of CS, Tsinghua University, Beijing 100084, China; {a,b}@x.cn" → segments
["Dept. of CS", "Tsinghua University", "Beijing 100084", "China"] after emails, URLs, footnote
marks and notes ("Equal contribution", "Corresponding author") are removed; the matcher then
keeps what names an organisation. Countries and US states found in the line become country
hints for ambiguous acronyms.
"""

import re

from papers.institutions.names import ascii_fold

EMAIL = re.compile(r"\{[^{}]*\}\s*@\s*[\w\-]+(?:\.[\w\-]+)+|\S+@\S+")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w\-]+\.(?:com|org|net|edu|io|ai|cn)/\S*", re.I)
BRACED = re.compile(r"\{[^{}]*\}?")
NOTE = re.compile(
    r"(?:equal(?:ly)? contribut\w*|contributed equally|corresponding authors?|"
    r"work (?:done|performed) (?:while|during|at)|project lead|these authors)[^,;.]*",
    re.I,
)
MARKS = "*∗†‡§¶‖♯♮♭⋆★☆✉#±∓⊥⊤♠♣♥♦"
MARK_RUN = re.compile(
    rf"(?:(?<=\s)|^)[{re.escape(MARKS)}\d,]+(?=\s*[A-Z\u3400-\u9fff])|[{re.escape(MARKS)}]+"
)
SEPARATORS = re.compile(r"\s*(?:[,;，、；|/]|\s&(?:\s|$))\s*")
POSTCODE = re.compile(r"^(?:[A-Z]{1,2}-?)?\d[\d\- ]{2,}\d?$|^\d+$")
CONNECTORS = ("at ", "of ", "in ", "for ", "and ", "de ")

COUNTRIES = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "united states of america": "US",
    "u s a": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "england": "GB",
    "scotland": "GB",
    "china": "CN",
    "p r china": "CN",
    "pr china": "CN",
    "prc": "CN",
    "people's republic of china": "CN",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "japan": "JP",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "singapore": "SG",
    "india": "IN",
    "germany": "DE",
    "france": "FR",
    "italy": "IT",
    "spain": "ES",
    "portugal": "PT",
    "netherlands": "NL",
    "the netherlands": "NL",
    "belgium": "BE",
    "switzerland": "CH",
    "austria": "AT",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "finland": "FI",
    "poland": "PL",
    "czech republic": "CZ",
    "czechia": "CZ",
    "russia": "RU",
    "israel": "IL",
    "iran": "IR",
    "turkey": "TR",
    "canada": "CA",
    "mexico": "MX",
    "brazil": "BR",
    "argentina": "AR",
    "chile": "CL",
    "colombia": "CO",
    "australia": "AU",
    "new zealand": "NZ",
    "ireland": "IE",
    "greece": "GR",
    "egypt": "EG",
    "saudi arabia": "SA",
    "united arab emirates": "AE",
    "uae": "AE",
    "qatar": "QA",
    "pakistan": "PK",
    "vietnam": "VN",
    "thailand": "TH",
    "malaysia": "MY",
    "indonesia": "ID",
    "philippines": "PH",
    "south africa": "ZA",
    "nigeria": "NG",
    "lebanon": "LB",
    "hungary": "HU",
    "romania": "RO",
    "ukraine": "UA",
    "luxembourg": "LU",
    "中国": "CN",
    "香港": "HK",
    "澳门": "MO",
    "台湾": "TW",
}
US_STATES = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
    "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
    "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota",
    "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia",
    "wisconsin", "wyoming", "district of columbia",
}  # fmt: skip
US_STATE_ABBREVIATIONS = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
    ]
)
US_STATE_CODES = re.compile(r"\b[A-Z]{2}\s+\d{5}\b|,\s*(?:CA|NY|MA|WA|PA|IL|TX|NJ|GA|MD)\b")
CHINESE_CITIES = {
    "beijing", "shanghai", "shenzhen", "hangzhou", "guangzhou", "nanjing", "wuhan", "chengdu",
    "xi'an", "xian", "hefei", "tianjin", "harbin", "changsha", "suzhou", "xiamen", "jinan",
    "qingdao", "dalian", "chongqing", "shenyang", "changchun", "fuzhou", "kunming",
}  # fmt: skip


def line_clean(line: str) -> str:
    """The line without emails, URLs, braced e-mail lists, notes and "Affiliation:" labels,
    footnote marks turned into "; " separators; whitespace collapsed."""
    text = " ".join(line.split())
    text = re.sub(r"^\s*(?:affiliations?|authors?[’']? addresses)\s*:\s*", "", text, flags=re.I)
    for pattern in (EMAIL, URL, BRACED, NOTE):
        text = pattern.sub(" ", text)
    # A footnote mark starts a new organisation ("1 UC Berkeley 2 ICSI", "∗MSR, †PSU").
    text = MARK_RUN.sub(" ; ", text)
    return " ".join(text.split()).strip(" ,;.&")


def line_segments(line: str) -> list[str]:
    """The cleaned line cut at commas, semicolons, slashes, " & " and Chinese separators; a
    piece starting with a lower-case connector ("at Chicago") is
    joined back to the piece before it."""
    segments: list[str] = []
    for piece in SEPARATORS.split(line_clean(line)):
        piece = piece.strip(" .:")
        if piece.count("(") != piece.count(")"):
            piece = piece.strip("()[]")
        if not piece:
            continue
        if segments and piece.startswith(CONNECTORS):
            segments[-1] = f"{segments[-1]} {piece}"
        else:
            segments.append(piece)
    return segments


def place_country(segment: str) -> str:
    """The ISO country a segment names (a country, a US state, a big Chinese city), or ""."""
    folded = " ".join(re.sub(r"[^\w' ]", " ", ascii_fold(segment)).split())
    folded = re.sub(r"\s*\d[\d\- ]*$", "", folded)
    if folded in COUNTRIES:
        return COUNTRIES[folded]
    if folded in US_STATES or segment.strip() in US_STATE_ABBREVIATIONS:
        return "US"
    if folded in CHINESE_CITIES:
        return "CN"
    return COUNTRIES.get(segment.strip(), "")


def is_place_or_postcode(segment: str) -> bool:
    """Whether the segment is only a country, US state, known city or a postal code."""
    return bool(place_country(segment)) or bool(POSTCODE.match(segment.strip()))


def line_country_hints(line: str) -> frozenset[str]:
    """Countries the line names (last segments, US postal codes), for ambiguous acronyms."""
    hints = {c for c in (place_country(s) for s in line_segments(line)) if c}
    if US_STATE_CODES.search(line):
        hints.add("US")
    return frozenset(hints)
