"""Whether a string the registry does not know reads like an organisation, and what kind.

Precision first: an unmatched string is kept (for editors) only when it is shaped like an
organisation's name. `organisation_shape` answers
- "org": a whole organisation by its own name ("Kessler Polytechnic University", "Acme
  Robotics Inc.", "Quantum Leap Technologies GmbH", "…大学");
- "institute": an institute, laboratory, centre or academy that may stand alone ("Institute
  for Advanced Study", "Tübingen AI Center") but is dropped beside an organisation;
- "unit": a part of an organisation (department, school of, faculty, key laboratory, college
  of, division, group): never an institution of its own;
- "": anything else: notes, venues, grants, titles and prose, people's names, places.

The organisation word must be the head of the name: the last word, the first word ("Institut
Curie", "Universität Hamburg"), or followed by "of/for/de/…", a legal suffix or a
parenthesis ("Laboratory Medicine" in a title is not a laboratory).
"""

import re
from functools import lru_cache

from papers.institutions.names import UNIVERSITY_WORDS

_ORG_NOUNS = """university universities univ polytechnic polytechnique politecnico politecnica
hospital hospitals clinic foundation fondation fundacion stiftung inc ltd llc gmbh corp
corporation company co plc ag technologies ministry agency"""
ORG_NOUNS = UNIVERSITY_WORDS | frozenset(_ORG_NOUNS.split())
INSTITUTE_NOUNS = frozenset(
    [
        "institute",
        "institutes",
        "institut",
        "instituto",
        "istituto",
        "inst",
        "laboratory",
        "laboratories",
        "laboratoire",
        "laboratorio",
        "lab",
        "labs",
        "center",
        "centre",
        "centro",
        "centres",
        "centers",
        "academy",
        "academia",
        "observatory",
        "ecole",
        "council",
        "consortium",
    ]
)
UNIT_START = re.compile(
    r"^(?:the\s+)?(?:department|dept|departamento|departement|dipartimento|faculty|facultad|"
    r"school of|college of|division|chair|group|program|programme|unit|section|graduate "
    r"school|lehrstuhl|fachbereich|s-lab\b|(?:[\w&\-]+\s+){0,4}key lab)",
    re.I,
)
# Words that name no organisation in particular.
GENERIC = (
    ORG_NOUNS
    | INSTITUTE_NOUNS
    | frozenset(
        [
            "ai",
            "artificial",
            "intelligence",
            "research",
            "science",
            "sciences",
            "technology",
            "engineering",
            "computer",
            "computing",
            "data",
            "information",
            "national",
            "international",
            "key",
            "state",
            "joint",
            "innovation",
            "advanced",
            "applied",
            "the",
            "of",
            "for",
            "and",
            "in",
            "on",
            "&",
        ]
    )
)
CONNECTORS = frozenset(
    [
        "of",
        "for",
        "on",
        "in",
        "and",
        "at",
        "de",
        "del",
        "della",
        "di",
        "da",
        "do",
        "des",
        "du",
        "la",
        "le",
        "les",
        "y",
        "e",
        "et",
        "und",
        "fur",
        "für",
        "van",
        "von",
        "der",
        "den",
        "the",
        "zu",
        "al",
        "el",
        "bin",
        "ibn",
        "los",
        "las",
        "degli",
        "delle",
        "dei",
        "sur",
        "an",
        "am",
        "im",
        "en",
        "dos",
        "das",
        "i",
    ]
)
# Words of running English that a name never holds.
PROSE = re.compile(
    r"\b(?:by|was|were|is|are|be|been|with|under|to|from|this|that|these|we|our|their|as|done|"
    r"during|while|using|via|about|has|have|not|all|can|which|who|when|where|here|there|"
    r"equally|also|its|it|or|than|into|such)\b"
)
LEGAL = frozenset(
    ["inc", "ltd", "llc", "gmbh", "co", "corp", "plc", "ag", "sa", "srl", "bv", "limited"]
)
NOT_A_NAME = re.compile(
    r"[:@©]|https?:|www\.|\bet al\b|\bgrant\b|\bsupport|\bfund(?:ed|ing)\b|\bproceedings\b|"
    r"\bconference\b|\bworkshop\b|\bsymposium\b|\bjournal\b|\btransactions\b|\bcopyright\b|"
    r"\blicen[cs]e|\bpreprint\b|\breview\b|\binternship\b|\bcontribution\b|\bcorrespond|"
    r"\bkeywords?\b|\bfigure\b|\bfig\.|\barxiv\b|\bdoi\b|\bpermission\b|\bsurvey\b",
    re.I,
)
ZH_ORG = re.compile(r"大学|大學|公司|集团|集團|医院|醫院")
ZH_INSTITUTE = re.compile(r"研究院|研究所|实验室|實驗室|研究中心|科学院|科學院")
ZH_UNIT = re.compile(r"学院|學院|系$|重点实验室|重點實驗室")
MAX_WORDS = 12
WORD = re.compile(r"[^\W\d_][\w'’\-.]*|\d[\w.]*", re.U)


@lru_cache(maxsize=50_000)
def organisation_shape(text: str) -> str:
    """ "org", "institute", "unit" or "" (see the module docstring)."""
    text = text.strip()
    if not text or NOT_A_NAME.search(text):
        return ""
    if re.search(r"[\u3400-\u9fff]", text):
        if ZH_ORG.search(text):
            return "org"
        if ZH_UNIT.search(text):
            return "unit"
        return "institute" if ZH_INSTITUTE.search(text) else ""
    words = WORD.findall(text)
    if not words or len(words) > MAX_WORDS:
        return ""
    folded = [w.casefold().strip(".'’") for w in words]
    lower = [w for w, f in zip(words, folded, strict=True) if w.islower() and f not in CONNECTORS]
    if len(lower) >= 2 or PROSE.search(" ".join(lower)):
        return ""  # prose or a title, not a name ("supported by …", "learning for …")
    if UNIT_START.match(text):
        return "unit"
    if all(_fold(f) in GENERIC for f in folded):
        return ""  # "AI Institute", "Research Center": no name in it
    heads = [i for i, f in enumerate(folded) if _fold(f) in ORG_NOUNS | INSTITUTE_NOUNS]
    heads = [i for i in heads if _is_head(i, folded, text)]
    if any(_fold(folded[i]) in ORG_NOUNS for i in heads):
        return "org"
    return "institute" if heads else ""


def _fold(word: str) -> str:
    return word.replace("é", "e").replace("à", "a").replace("ä", "a").replace("ó", "o").strip("-")


def _is_head(i: int, folded: list[str], text: str) -> bool:
    """Whether the organisation word at `i` heads the name (see the module docstring)."""
    if i == 0 or i == len(folded) - 1:
        return True
    following = folded[i + 1]
    return following in CONNECTORS or following in LEGAL or following.startswith("(")
