"""Which sentences of a footnote or author note state an affiliation.

Authors' `\\thanks` notes (LaTeXML's `ltx_author_notes`, `ltx_note` footnotes) and page-1
footnotes of a PDF mix an affiliation with e-mails, funding ("Research supported in part by
the NSF grant …"), thanks ("We are grateful to … seminar participants at UCL"),
correspondence and equal-contribution notes. A note is cut into sentences; a sentence states
an affiliation when, with e-mails, marks and notes taken off and "The authors are with" /
"X is with" dropped, it starts with an organisation or a unit of one ("Department of …",
"Columbia University, …", "Graduate School of Economics, The University of Tokyo") and it
neither thanks, funds nor acknowledges anyone. Only those sentences are returned.
"""

import re

from papers.institutions import Registry
from papers.institutions.shapes import UNIT_START, organisation_shape
from papers.institutions.splitting import EMAIL, line_segments

# a sentence ends at ". " or "; " before a capital (or a mark, a bracket); an e-mail in
# parentheses ends one too ("USA (a@b.edu) Research supported …")
SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[\[(]?[A-Z\u00c0-\u024f†‡§¶‖∗*])")
EMAIL_IN_PARENTHESES = re.compile(r"\(\s*[^()\s]*@[^()]*\)\s*")
# words before a full stop that do not end a sentence ("Dept. of", "Wallace H. Coulter")
ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]|Univ|Dept|Inst|Lab|Sci|Tech|Natl|Nat|Intl|St|Mt|Dr|Prof|No|Ave|Rd|Blvd|"
    r"Co|Corp|Inc|Ltd|Res|Ctr|Acad|Coll|Sch|Fac|Div|Eng|Engg|Technol|Appl|Phys|Math|Comp|"
    r"Hosp|Med|Ste|Bldg|P\.O|e\.g|i\.e|Jr|Sr)\.)$"
)
WHO_IS_WITH = re.compile(
    r"^(?:.{0,200}?\b)?(?:is|are)\s+(?:also\s+|now\s+)?(?:with|at|affiliated\s+with)\s+"
    r"(?:the\s+)?(?=[A-Z\u00c0-\u024f])"
)
LABEL = re.compile(r"^(?!affiliations?\b|addresses\b|authors?[’']? address)[^,;:]{1,40}:", re.I)
THANKS = re.compile(
    r"\b(?:thank\w*|grateful|gratitude|acknowledg\w*|support|supported|supporting|funded|"
    r"funding|funds|grants?|seminars?|participants|comments|feedback|opinions?|views|"
    r"discussions?|sponsored|award(?:ed)?|scholarship)\b",
    re.I,
)


def note_sentences(text: str) -> list[str]:
    """A note cut into sentences (see the module docstring)."""
    text = EMAIL_IN_PARENTHESES.sub(". ", " ".join(text.split()))
    text = re.sub(r"(?:,\s*)?(?:e-?mail\s*:?\s*)?" + EMAIL.pattern, "", text, flags=re.I)
    sentences: list[str] = []
    start = 0
    for end in SENTENCE_END.finditer(text):
        if not ABBREVIATION.search(text, start, end.start()):
            sentences.append(text[start : end.start()])
            start = end.end()
    sentences.append(text[start:])
    return [s.strip(" .;,") for s in sentences if s.strip(" .;,")]


def starts_with_organisation(sentence: str, registry: Registry) -> bool:
    """Whether the sentence's first piece names an organisation or a unit of one (not a
    label: "GitHub: https://…", "Hugging Face: …")."""
    if LABEL.match(sentence):
        return False
    segments = line_segments(sentence)
    if not segments:
        return False
    first = segments[0]
    if UNIT_START.match(first) or organisation_shape(first) in ("org", "institute", "unit"):
        return True
    return bool(registry.organisations_in(first))


def note_affiliations(text: str, registry: Registry) -> list[str]:
    """The sentences of a note that state an affiliation (see the module docstring), each
    without its "The authors are with" lead."""
    found: list[str] = []
    for sentence in note_sentences(text):
        sentence = WHO_IS_WITH.sub("", sentence, count=1)
        if THANKS.search(sentence) or not starts_with_organisation(sentence, registry):
            continue
        if registry.organisations_in(sentence):
            found.append(sentence)
    return found
