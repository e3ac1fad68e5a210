"""Folding the parts of an organisation into it: what one affiliation line names after the
matcher has read it.

"MoE Key Lab of AI, AI Institute, Shanghai Jiao Tong University" names one institution, the
university; "Sorbonne Université, CNRS, ISIR" names two (ISIR is a laboratory of both).
"""

import re

from papers.institutions.names import GENERIC_WORDS, name_key
from papers.institutions.organisations import InstitutionMatch
from papers.institutions.shapes import UNIT_START

ACRONYM_TEXT = re.compile(r"^[A-Z][A-Z0-9&\-]{1,9}$")
# A string written like a part of an organisation, whatever record it matched: "Wallace H.
# Coulter Department of Biomedical Engineering", "Graduate School of Economics" (a generic
# alias of some school), "Institute of Physics" (a name many institutes share).
UNIT_TEXT = re.compile(
    r"\b(?:department|dept\.?|faculty|school|division) of\b|^(?:the\s+)?(?:graduate school|"
    r"(?:institute|cent(?:er|re)|laborator(?:y|ies)) (?:of|for))\b",
    re.I,
)


def without_subunits(found: list[InstitutionMatch]) -> list[InstitutionMatch]:
    """The organisations of one line without the parts of another one it names:
    - an unmatched "institute" (lab, centre, academy) beside a matched organisation or an
      unmatched "org" ("Language Technologies Institute, Carnegie Mellon University");
    - an unmatched string with every telling word of a matched record's name ("Northwestern
      Institute on …, Northwestern University");
    - a matched facility that is a unit of a university on the line: named by an acronym
      ("ISIR", "LJK" beside "Sorbonne Université"), a department or key laboratory by its
      name ("State Key Laboratory of …"), or with every telling word of the university's
      name in its own ("Northwestern Institute on Complex Systems");
    - any matched record written like a unit (`UNIT_TEXT`: ROR lists some departments, and
      schools under generic aliases) beside a university on the line.
    Each organisation once, in order."""
    kept: list[InstitutionMatch] = []
    for match in found:
        others = [m for m in found if m is not match]
        if match.organisation is None:
            if match.shape != "org" and any(m.organisation or m.shape == "org" for m in others):
                continue
            if any(is_part_of(match.text, m) for m in others if m.organisation):
                continue
        elif any(_unit_of(match, m) for m in others):
            continue
        if all(_identity(m) != _identity(match) for m in kept):
            kept.append(match)
    return kept


def _unit_of(unit: InstitutionMatch, parent: InstitutionMatch) -> bool:
    org, university = unit.organisation, parent.organisation
    if org is None or university is None or org.key == university.key:
        return False
    if UNIT_TEXT.search(unit.text) and _is_university(university):
        return True
    if not {"facility", "other"} & set(org.types):
        return False
    if {"education", "company"} & set(org.types):
        return False
    if "education" not in university.types or org.key == university.key:
        return False
    if ACRONYM_TEXT.match(unit.text.strip()) or UNIT_START.match(org.name):
        return True
    parent_key = name_key(university.short_name)
    if any(parent_key in name_key(n) for n in (org.name, *org.aliases)):
        return True
    return _is_university(university) and is_part_of(org.name, parent)


def _is_university(org) -> bool:
    return "education" in org.types and "university" in name_key(org.name).split()


def is_part_of(text: str, parent: InstitutionMatch) -> bool:
    """Whether `text` holds every telling (not generic) word of the matched parent's name
    ("Northwestern Institute on Complex Systems", "Northwestern University")."""
    telling = set(name_key(parent.organisation.short_name).split()) - GENERIC_WORDS
    return bool(telling) and telling <= set(name_key(text).split())


def _identity(match: InstitutionMatch) -> str:
    return match.organisation.key if match.organisation else f"text:{name_key(match.text)}"
