"""How organisation names are compared: one normal form for the registry and the papers.

`name_key("Dept. of Comp. Sci., Univ. of Tōkyō")` folds case and diacritics, spells out the
usual abbreviations, reads "Université de X" / "Universidad de X" as "university of x", drops a
leading "the", legal suffixes (Inc., Ltd.) and ROR's trailing "(Country)", and keeps only
letters, digits and single spaces. Chinese text is compared in Simplified characters without
spaces (`zh_key`); Traditional labels are converted with OpenCC (`simplified`).
"""

import re
import unicodedata
from functools import lru_cache
from itertools import filterfalse

import opencc

ABBREVIATIONS = {
    "univ": "university",
    "uni": "university",
    "inst": "institute",
    "dept": "department",
    "dep": "department",
    "tech": "technology",
    "technol": "technology",
    "natl": "national",
    "nat'l": "national",
    "lab": "laboratory",
    "labs": "laboratories",
    "sci": "science",
    "acad": "academy",
    "res": "research",
    "ctr": "center",
    "cntr": "center",
    "centre": "center",
    "centres": "centers",
    "intl": "international",
    "engg": "engineering",
    "eng": "engineering",
    "coll": "college",
    "assoc": "association",
    "corp": "corporation",
    "&": "and",
}
# Romance and Germanic spellings of "university (of)", so "Université de Toulouse" and
# "University of Toulouse" share a key.
UNIVERSITY_WORDS = {
    "universite",
    "universidad",
    "universidade",
    "universita",
    "universitat",
    "universiteit",
    "universitet",
    "universitas",
}
# How a name key spells each word it changes: abbreviations and "university" in any language.
WORD_FORMS = ABBREVIATIONS | dict.fromkeys(UNIVERSITY_WORDS, "university")
# Words that say nothing about which organisation a name means (in its key form).
_GENERIC = """university institute college school laboratory laboratories center research
science sciences engineering technology department of and for the ai group team national
international academy computer data artificial intelligence at in"""
GENERIC_WORDS = frozenset(_GENERIC.split())
OF_WORDS = {"de", "da", "do", "di", "degli", "del", "della", "des", "du", "of", "der"}
LEGAL_SUFFIXES = {"inc", "ltd", "llc", "gmbh", "co", "limited", "plc", "corporation", "corp"}
TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|&")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def ascii_fold(text: str) -> str:
    """Casefolded text without diacritics ("Coruña" → "coruna"; "ß" → "ss"). ASCII text (most
    names) only needs lowering; other text is decomposed (NFKD) and loses its combining marks."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(filterfalse(unicodedata.combining, decomposed))


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The comparison form of an organisation name (see the module docstring); "" when the
    text has no letters or digits."""
    if ")" in text:
        text = TRAILING_PARENTHESIS.sub("", text) or text
    words = [WORD_FORMS.get(w, w) for w in TOKEN.findall(ascii_fold(text).replace("’", "'"))]
    if "university" in words:
        for i in range(1, len(words)):
            if words[i] in OF_WORDS and words[i - 1] == "university":
                words[i] = "of"
    if words and words[0] == "the":
        del words[0]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


LOOSE_DROP = frozenset(["the", "at", "and", "of", "de", "in"])
TAIL = re.compile(
    r"^(?P<head>.+\s(?:del|de|of|for|der|des|di|da|do|du|della|degli))\s(?P<tail>.+)$"
)


def loose_key(key: str) -> str:
    """A name key without spaces, hyphen breaks and small words, so spacing and wording
    variants meet: "HongKong University of Science & Technology", "University of Illinois
    at Urbana-Champaign" (ROR: "University of Illinois Urbana-Champaign")."""
    return "".join([w for w in key.split() if w not in LOOSE_DROP])


def acronym_tail_key(name: str) -> str:
    """The key of a name whose last words after "of/de/del/…" are written as their initials,
    as papers print a parent organisation ("Centro de … del Instituto Politécnico Nacional" →
    "centro de … del ipn"), or "" when the tail is not two or more capitalised words."""
    parts = TAIL.match(name)
    if not parts:
        return ""
    tail = [w for w in parts["tail"].split() if w[:1].isupper()]
    if len(tail) < 2 or len(tail) != len(parts["tail"].split()) or len(parts["head"].split()) < 3:
        return ""
    return name_key(f"{parts['head']} {''.join(w[0] for w in tail)}")


def swapped_key(key: str) -> str:
    """ "university of x" ↔ "x university" (and the same for institute/college), or "" when the
    key has neither form. The matcher only accepts the swap when the registry holds it."""
    for head in ("university", "institute", "college"):
        prefix = f"{head} of "
        if key.startswith(prefix) and len(key) > len(prefix):
            return f"{key[len(prefix) :]} {head}"
        suffix = f" {head}"
        if key.endswith(suffix) and " " not in key[: -len(suffix)].strip():
            return f"{prefix}{key[: -len(suffix)]}"
    return ""


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def simplified(text: str) -> str:
    """Traditional Chinese converted to Simplified with OpenCC's `t2s` (phrase-aware,
    "香港理工大學" → "香港理工大学"); text without Han characters is returned as is."""
    if not HAN.search(text):
        return text
    return _t2s().convert(text)


def has_han(text: str) -> bool:
    """Whether the text contains a Chinese (Han) character."""
    return bool(HAN.search(text))


def zh_key(text: str) -> str:
    """The comparison form of a Chinese name: Simplified, without spaces or punctuation."""
    return "".join(c for c in simplified(text) if c.isalnum())
