"""Cutting one affiliation line into the strings that may name an organisation.

"1Dept. of CS, Tsinghua University, Beijing 100084, China; {a,b}@x.cn" → segments
["Dept. of CS", "Tsinghua University", "Beijing 100084", "China"] after emails, URLs, footnote
marks and notes ("Equal contribution", "Corresponding author") are removed; the matcher then
keeps what names an organisation. Countries and US states found in the line become country
hints for ambiguous acronyms.
"""

import re
import unicodedata
from functools import lru_cache

from papers.institutions.names import ascii_fold

EMAIL = re.compile(r"\{[^{}]*\}\s*@\s*[\w\-]+(?:\.[\w\-]+)+|\S+@\S+")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w\-]+\.(?:com|org|net|edu|io|ai|cn)/\S*", re.I)
BRACED = re.compile(r"\{[^{}]*\}?")
NOTE = re.compile(
    r"(?:equal(?:ly)? contribut\w*|contributed equally|corresponding authors?|"
    r"(?:work|research|part of this work) (?:was )?(?:done|performed|conducted|carried out) "
    r"(?:while|during|at|when|as)|(?:an )?intern(?:ship)? at|(?:now|currently|presently) "
    r"(?:at|with)|(?:present|current|permanent) address|on leave from|project leads?|"
    r"these authors)[^,;.]*",
    re.I,
)
MARKS = "*∗†‡§¶‖♯♮♭⋆★☆✉#±∓⊥⊤♠♣♥♦"
MARK_RUN = re.compile(
    rf"(?:(?<=\s)|^)[{re.escape(MARKS)}\d,]+(?=\s*[A-Z\u3400-\u9fff])|[{re.escape(MARKS)}]+"
)
# "a Fudan University, b …"; "Also with Microsoft Research"
LETTER_MARK = re.compile(
    r"^(?:[a-h]|[Aa]lso\s+(?:with|at)|(?:[Aa]lso\s+)?[Aa]ffiliated\s+with)\s+(?=[A-Z\u3400-\u9fff])"
)
# commas, semicolons, slashes, " & ", and a spaced dash between a unit and its university or
# before a street address ("Instituto de Física - Universidade de São Paulo")
SEPARATORS = re.compile(r"\s*(?:[,;，、；|/]|\s&(?:\s|$)|\s[-–—](?=\s))\s*")
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


# Spacing accents a PDF text layer prints beside their letter ("F´ısica", "M ´ exico"), and
# the combining accent each stands for.
SPACING_ACCENTS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "˜": "\u0303", "ˆ": "\u0302",
                   "¸": "\u0327", "ˇ": "\u030c", "˚": "\u030a"}  # fmt: skip
ACCENTS = "".join(SPACING_ACCENTS)
SPACING_ACCENT = re.compile(rf"\s?([{ACCENTS}])\s?([A-Za-zıȷ])|\s[{ACCENTS}](?=\s|$)")
# Unicode categories of characters that can only be a footnote mark next to a name: symbols,
# modifier letters (superscript ᵃ ᵇ), superscript/circled digits, private-use and unassigned
# code points (a font's own glyphs), plus "?" and U+FFFD (a glyph the text layer lost).
MARK_CATEGORIES = frozenset({"So", "Sm", "Sk", "Co", "Cn", "Lm", "No"})
KEPT_SYMBOLS = frozenset("&+'’ʼ©®™")
# A note that runs to the end of the line: funding, venue, licence, status, correspondence,
# keywords, captions. What follows it on the line is part of the note, never an affiliation.
NOTE_START = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|permission to\b|licensed\b|this (?:work|research|paper|"
    r"article|project|study|material) (?:is|was|has|were)\b|(?:partially |partly |also )?"
    r"(?:supported|funded|sponsored)\b|(?:in )?proceedings\b|published\b|accepted\b|"
    r"under review\b|submitted\b|preprint\b|to appear\b|(?:\d+(?:st|nd|rd|th) )?"
    r"(?:annual |international )*(?:conference|workshop|symposium)\b|keywords?\b|index terms\b|"
    r"figure\s?\d|fig\.\s?\d|table\s?\d|correspond\w*\b|e-?mails?\b|contact\b|"
    r"code\b|project page\b|available\b|technical report\b|arxiv\b)",
    re.I,
)


def accents_joined(text: str) -> str:
    """Spacing accents of a PDF text layer put back on their letter ("F´ısica" → "Física",
    "M ´ exico" → "México"); a stray one is dropped."""
    if not any(c in SPACING_ACCENTS for c in text):
        return text

    def join(match: re.Match) -> str:
        if match.group(1) is None:
            return ""
        letter = {"ı": "i", "ȷ": "j"}.get(match.group(2), match.group(2))
        return unicodedata.normalize("NFC", letter + SPACING_ACCENTS[match.group(1)])

    return SPACING_ACCENT.sub(join, text)


def is_mark(char: str) -> bool:
    """Whether a character can only be a footnote mark (see MARK_CATEGORIES)."""
    if char in "?\ufffd":
        return True
    if char in KEPT_SYMBOLS or char.isascii():
        return char in MARKS
    return unicodedata.category(char) in MARK_CATEGORIES


def marks_unified(text: str) -> str:
    """Every mark character written as "†", so one pattern finds them all."""
    if text.isascii() and "?" not in text:
        return text
    return "".join("†" if is_mark(c) else c for c in text)


def line_clean(line: str) -> str:
    """The line without emails, URLs, braced e-mail lists, notes and "Affiliation:" labels,
    footnote marks turned into "; " separators, a trailing "and" (the line goes on);
    whitespace collapsed."""
    text = marks_unified(accents_joined(" ".join(line.split())))
    text = re.sub(r"^\s*(?:affiliations?|authors?[’']? addresses)\s*:\s*", "", text, flags=re.I)
    for pattern in (EMAIL, URL, BRACED, NOTE):
        text = pattern.sub(" ", text)
    # A footnote mark starts a new organisation ("1 UC Berkeley 2 ICSI", "∗MSR, †PSU").
    text = MARK_RUN.sub(" ; ", text)
    # a line that goes on to the next one ("…, Brussels, Belgium and")
    text = re.sub(r"\s(?:and|&)\s*$", "", " ".join(text.split()))
    return text.strip(" ,;.&")


@lru_cache(maxsize=4096)
def line_segments(line: str) -> tuple[str, ...]:
    """The cleaned line cut at commas, semicolons, slashes, " & ", " - " and Chinese separators; a
    piece starting with a lower-case connector ("at Chicago") is
    joined back to the piece before it."""
    segments: list[str] = []
    for piece in SEPARATORS.split(line_clean(line)):
        piece = LETTER_MARK.sub("", piece.strip(" .:"))
        if piece.count("(") != piece.count(")"):
            piece = piece.strip("()[]")
        if NOTE_START.match(piece):
            break
        if not piece:
            continue
        if segments and piece.startswith(CONNECTORS):
            segments[-1] = f"{segments[-1]} {piece}"
        else:
            segments.append(piece)
    return tuple(segments)


@lru_cache(maxsize=20_000)
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
