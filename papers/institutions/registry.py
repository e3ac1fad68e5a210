"""Matching organisation strings to registry records, by dictionary look-ups only.

Every name, alias and Chinese name is indexed by its normal form (`names.name_key`/`zh_key`),
acronyms by their exact spelling. A string is looked up as a name, then with "University of X"
↔ "X University" swapped (only if the registry has that form), then in its loose form
(spacing and small words: "HongKong", "Illinois at Urbana-Champaign"; a parent written as its
initials: "… del IPN"), then as an acronym, then (for short strings) as a name inside it
("Google Brain" → Google). Ambiguity (several "MIT"s, "Northwestern University" in the US and
the Philippines) is settled by the countries the line names, then a name over an alias,
editors' and curated records over ROR, then prominence (education/company/funder types, how
many names the record has); an acronym several records share stays unmatched unless the
line's country or the preferred table settles it. A laboratory record named after its
university's acronym ("MIT CSAIL") gives the university. Precision first: a string that
matches nothing is kept (unmatched) only when it reads like an organisation (`shapes`), and
the parts of an organisation the line names are folded into it (`units`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from papers.institutions.names import (
    GENERIC_WORDS,
    acronym_tail_key,
    has_han,
    loose_key,
    name_key,
    swapped_key,
    zh_key,
)
from papers.institutions.organisations import InstitutionMatch, Organisation
from papers.institutions.shapes import organisation_shape
from papers.institutions.splitting import (
    is_place_or_postcode,
    line_country_hints,
    line_segments,
)
from papers.institutions.units import without_subunits

ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&.\-]{1,11}$")
ORG_WORDS = re.compile(
    r"\b(?:universit\w*|univ|institut\w*|inst|college|school|laborator\w*|lab|labs|center|"
    r"centre|academy|academia|hospital|foundation|inc|corp|corporation|ltd|llc|gmbh|company|"
    r"technologies|team|research|polytechnic|politecnico|ecole|observatory|agency|ministry|"
    r"council|consortium|ai)\b"
    r"|大学|学院|研究院|研究所|实验室|公司|集团|中心|医院|大學|學院|實驗室|團隊|团队",
)
SUBUNIT_START = re.compile(
    r"^(?:the\s+)?(?:department|dept|faculty|school of|division|chair|group|program|unit|"
    r"section|laborator\w*|lab\b|labs\b|key lab\w*|state key lab\w*|institute (?:of|for)|"
    r"center (?:of|for)|centre (?:of|for)|college of|graduate school|research (?:center|group))"
)
# Words that say nothing about which organisation a string names: an inside match must not
# be one of them alone.
GENERIC = GENERIC_WORDS
KIND_WORDS = frozenset(
    ["university", "institute", "college", "school", "academy", "laboratory", "center", "hospital"]
)
HOW_RANK = {"name": 0, "zh": 0, "alias": 1, "swap": 1, "loose": 1, "acronym": 2, "inside": 3}
SCORE = {
    "name": 1.0,
    "alias": 1.0,
    "zh": 1.0,
    "swap": 0.9,
    "loose": 0.9,
    "acronym": 0.9,
    "inside": 0.8,
}
MAX_INSIDE_WORDS = 5
# "… de/of <university>" at the end of a unit's name: the university it belongs to
EMBEDDED_UNIVERSITY = re.compile(
    r"\s(?:de|of|da|do|di|della|der|des|du)\s+((?:[Tt]he\s+)?(?:Universit|Universid)\w*\b.*)$"
)
MAX_JOINED_SEGMENTS = 3


def prominence(org: Organisation) -> float:
    """How well known a record is likely to be: education and company types, being a
    funder, and the number of names ROR keeps for it."""
    types = set(org.types)
    return (
        2.0 * ("education" in types)
        + 1.5 * ("company" in types)
        + 1.0 * ("funder" in types)
        + 0.3 * min(len(org.aliases) + len(org.acronyms), 6)
    )


class _Index:
    """The look-up tables of one layer of records (the base registry, or extra records)."""

    def __init__(self, organisations: Iterable[Organisation]):
        self.names: dict[str, list[tuple[Organisation, str]]] = {}
        self.loose: dict[str, list[Organisation]] = {}
        self.acronyms: dict[str, list[Organisation]] = {}
        self.zh: dict[str, list[Organisation]] = {}
        self.zh_lengths: set[int] = set()
        self.by_key: dict[str, Organisation] = {}
        for org in organisations:
            self.by_key[org.key] = org
            self._add_name(org.name, org, "name")
            for alias in org.aliases:
                if has_han(alias):
                    self._add_zh(alias, org)
                else:
                    self._add_name(alias, org, "alias")
            for acronym in org.acronyms:
                self.acronyms.setdefault(acronym, []).append(org)
            for zh_name in org.name_zh_all or ((org.name_zh,) if org.name_zh else ()):
                self._add_zh(zh_name, org)
            if tail := acronym_tail_key(org.name):
                self._add_loose(tail, org)

    def _add_name(self, name: str, org: Organisation, how: str) -> None:
        key = name_key(name)
        if not key:
            return
        entries = self.names.get(key)
        if entries is None:
            self.names[key] = [(org, how)]
        elif all(o.key != org.key for o, _ in entries):
            entries.append((org, how))
        if " " in key:
            self._add_loose(key, org)

    def _add_loose(self, key: str, org: Organisation) -> None:
        loose = loose_key(key)
        orgs = self.loose.get(loose)
        if orgs is None:
            self.loose[loose] = [org]
        elif all(o is not org for o in orgs):
            orgs.append(org)

    def _add_zh(self, name: str, org: Organisation) -> None:
        key = zh_key(name)
        if len(key) < 2:
            return
        orgs = self.zh.setdefault(key, [])
        if org not in orgs:
            orgs.append(org)
            self.zh_lengths.add(len(key))


@dataclass(frozen=True)
class _Candidate:
    org: Organisation
    how: str
    layer: int


class Registry:
    """Organisations and the matcher over them. `match(name)` for one name,
    `organisations_in(line)` for a whole affiliation line; `with_extra(orgs)` gives a registry
    where `orgs` (e.g. editors' institutions) come first, without re-indexing the base.

    `preferred_acronyms` maps an ambiguous acronym or name to the record key a paper most
    likely means ("MIT" → Massachusetts Institute of Technology, "NVIDIA" → its US record) when
    the line names no country."""

    def __init__(
        self,
        organisations: Iterable[Organisation] = (),
        *,
        preferred_acronyms: dict[str, str] | None = None,
        _layers: tuple[_Index, ...] = (),
    ):
        self._layers = _layers or (_Index(organisations),)
        preferred = dict(preferred_acronyms or {})
        self._preferred = preferred | {name_key(text): key for text, key in preferred.items()}

    def with_extra(self, organisations: Iterable[Organisation]) -> "Registry":
        """A registry whose extra records win over this one's (same key: the extra record)."""
        return Registry(
            preferred_acronyms=self._preferred,
            _layers=(_Index(organisations), *self._layers),
        )

    def __len__(self) -> int:
        return len({key for layer in self._layers for key in layer.by_key})

    def get(self, key: str) -> Organisation | None:
        """The record with this key (ROR id URL or "curated:<slug>"), or None."""
        for layer in self._layers:
            if key in layer.by_key:
                return layer.by_key[key]
        return None

    def organisations(self) -> Iterable[Organisation]:
        """Every record, extra layers first, each key once."""
        seen: set[str] = set()
        for layer in self._layers:
            for key, org in layer.by_key.items():
                if key not in seen:
                    seen.add(key)
                    yield org

    def match(self, name: str) -> Organisation | None:
        """The record one organisation name means, or None (see the module docstring)."""
        found = self._match_text(name.strip(), frozenset(), inside=True)
        return found.organisation if found else None

    def organisations_in(self, line: str) -> list[InstitutionMatch]:
        """The organisations one affiliation line names, in order, each once: matched records,
        and unmatched strings that read like an organisation. Departments, labs and
        institutes are dropped when the line also names the organisation they belong to;
        emails, notes, marks, addresses, cities and countries never come out."""
        hints = line_country_hints(line)
        segments = line_segments(line)
        found: list[InstitutionMatch] = []
        i = 0
        while i < len(segments):
            if is_place_or_postcode(segments[i]):
                i += 1
                continue
            match, used = self._longest_match(segments, i, hints)
            if match is not None:
                found.append(match)
                i += used
                continue
            segment = segments[i]
            i += 1
            found.extend(self._unmatched(segment, hints))
        return without_subunits(found)

    def _unmatched(self, segment: str, hints: frozenset[str]) -> list[InstitutionMatch]:
        """What a segment the registry does not know names: two organisations joined by
        "and" ("Centro Brasileiro de Pesquisas Físicas and National Institute of …"), the
        university a unit is "of" ("Faculdade de Ciências da Universidade de Lisboa"), else
        itself when it reads like an organisation (see `shapes`), else nothing."""
        if joined := self._joined(segment, hints):
            return joined
        if tail := EMBEDDED_UNIVERSITY.search(segment):
            found = self._match_text(tail.group(1), hints, inside=True)
            if found is None and organisation_shape(tail.group(1)) == "org":
                found = InstitutionMatch(text=tail.group(1), organisation=None, shape="org")
            if found is not None:
                return [found]
        shape = organisation_shape(segment)
        if shape in ("org", "institute"):
            return [InstitutionMatch(text=segment, organisation=None, shape=shape)]
        return []

    def _joined(self, segment: str, hints: frozenset[str]) -> list[InstitutionMatch]:
        """ "X and Y" as two organisations: cut at the first "and" where each side is a
        place, a registry match or reads like an organisation, and one side is a match."""
        parts = re.split(r"\s+(?:and|&)\s+", segment)
        for cut in range(1, len(parts)):
            sides, matched = [], False
            for side in (" and ".join(parts[:cut]), " and ".join(parts[cut:])):
                if is_place_or_postcode(side):
                    continue
                match = self._match_text(side, hints, inside=True)
                if match is None and organisation_shape(side) in ("org", "institute"):
                    match = InstitutionMatch(
                        text=side, organisation=None, shape=organisation_shape(side)
                    )
                if match is None:
                    break
                sides.append(match)
                matched = matched or match.organisation is not None
            else:
                if matched:
                    return sides
        return []

    def _longest_match(
        self, segments: tuple[str, ...], start: int, hints: frozenset[str]
    ) -> tuple[InstitutionMatch | None, int]:
        for span in range(min(MAX_JOINED_SEGMENTS, len(segments) - start), 0, -1):
            parts = segments[start : start + span]
            # the pieces were cut at a comma or at "&" ("Univ. of Science & Technology")
            for text in dict.fromkeys((", ".join(parts), " and ".join(parts))):
                match = self._match_text(text, hints, inside=span == 1)
                if match is not None:
                    return match, span
        return None, 1

    def _match_text(
        self, text: str, hints: frozenset[str], *, inside: bool
    ) -> InstitutionMatch | None:
        if not text:
            return None
        if has_han(text):
            return self._match_zh(text, hints)
        key = name_key(text)
        candidates = []
        if text.endswith(")") and (full := name_key(text.replace("(", " ").replace(")", " "))):
            # a campus or city in parentheses names another record when the registry has
            # one ("The Chinese University of Hong Kong (Shenzhen)")
            candidates = self._name_candidates(full, "") if full != key else []
        candidates = candidates or self._name_candidates(key, "")
        if len(key.split()) == 1 and key in GENERIC:
            return None  # "Engineering", "Research": a word, not a name
        if not candidates and (swapped := swapped_key(key)):
            candidates = self._name_candidates(swapped, "swap")
        if not candidates and len(key) >= 12:
            candidates = [
                _Candidate(org, "loose", layer)
                for layer, index in enumerate(self._layers)
                for org in index.loose.get(loose_key(key), ())
            ]
        if not candidates:
            candidates = self._acronym_candidates(text)
        if not candidates and (parenthesis := re.search(r"\(([^()]+)\)\s*$", text)):
            # "The X Institute (XI)": the acronym counts only for a record that shares a
            # telling word with the spelled-out name.
            words = set(key.split()) - GENERIC
            candidates = [
                c
                for c in self._acronym_candidates(parenthesis.group(1).strip())
                if words & (set(name_key(c.org.name).split()) - GENERIC)
            ]
        org = self._best(candidates, hints, text)
        if org is not None:
            how = next(c.how for c in candidates if c.org.key == org.key)
            org = self._parent(org, hints)
            return InstitutionMatch(text=text, organisation=org, score=SCORE[how], how=how)
        if inside:
            return self._match_inside(text, hints)
        return None

    def _parent(self, org: Organisation, hints: frozenset[str]) -> Organisation:
        """The university a laboratory record is named after by its acronym ("MIT Computer
        Science and Artificial Intelligence Laboratory" → MIT), else the record itself."""
        types = set(org.types)
        if not {"facility", "other"} & types or {"education", "company"} & types:
            return org
        first = org.name.split()[0]
        if not ACRONYM.match(first) or sum(c.isupper() for c in first) < 2:
            return org
        parent = self._best(self._acronym_candidates(first), hints, first)
        return parent if parent is not None and "education" in parent.types else org

    def _name_candidates(self, key: str, how: str) -> list[_Candidate]:
        return [
            _Candidate(org, how or kind, layer)
            for layer, index in enumerate(self._layers)
            for org, kind in index.names.get(key, ())
        ]

    def _acronym_candidates(self, text: str) -> list[_Candidate]:
        if not ACRONYM.match(text) or sum(c.isupper() for c in text) < 2:
            return []
        return [
            _Candidate(org, "acronym", layer)
            for layer, index in enumerate(self._layers)
            for org in index.acronyms.get(text, ())
        ]

    def _match_zh(self, text: str, hints: frozenset[str]) -> InstitutionMatch | None:
        key = zh_key(text)
        lengths = sorted({n for layer in self._layers for n in layer.zh_lengths}, reverse=True)
        for length in lengths:
            for start in range(len(key) - length + 1):
                part = key[start : start + length]
                candidates = [
                    _Candidate(org, "zh" if part == key else "inside", layer)
                    for layer, index in enumerate(self._layers)
                    for org in index.zh.get(part, ())
                ]
                if org := self._best(candidates, hints, text):
                    how = candidates[0].how
                    return InstitutionMatch(text=text, organisation=org, score=SCORE[how], how=how)
        return None

    def _match_inside(self, text: str, hints: frozenset[str]) -> InstitutionMatch | None:
        """A name at the start or end of a short string: "Google Brain", "LLM-Core Xiaomi",
        "Tencent AI Lab". One-word names count only for companies and curated records (a
        surname or a common word must not become an organisation)."""
        words = text.replace("-", " ").split()
        if not 2 <= len(words) <= MAX_INSIDE_WORDS or not all(w[0].isupper() for w in words):
            return None  # prose ("Google hereby grants …") and lists ("META and TESLA")
        for size in range(len(words) - 1, 0, -1):
            for part in dict.fromkeys((" ".join(words[:size]), " ".join(words[-size:]))):
                key = name_key(part)
                if not key or all(w in GENERIC for w in key.split()):
                    continue
                rest = set(name_key(text).split()) - set(key.split())
                if set(key.split()) & KIND_WORDS and not rest <= GENERIC:
                    continue  # "Universität München" inside "Technische Universität München"
                candidates = self._name_candidates(key, "inside")
                if size == 1:
                    # "Tencent AI Lab", "Google Assistant", but never "Max Welling" (a person)
                    known = key in self._preferred or rest <= GENERIC
                    candidates = [
                        c
                        for c in candidates + self._acronym_candidates(part)
                        if not c.org.ror_id or (known and "company" in c.org.types)
                    ]
                if org := self._best(candidates, hints, part):
                    return InstitutionMatch(text=text, organisation=org, score=0.8, how="inside")
        return None

    def _best(
        self, candidates: list[_Candidate], hints: frozenset[str], text: str
    ) -> Organisation | None:
        if not candidates:
            return None
        unique: dict[str, _Candidate] = {}
        for c in candidates:
            unique.setdefault(c.org.key, c)
        ranked = list(unique.values())
        narrowed = bool(hints) and any(c.org.country in hints for c in ranked)
        if narrowed:
            ranked = [c for c in ranked if c.org.country in hints]
        if len(ranked) == 1:
            return ranked[0].org
        preferred = self._preferred.get(text.strip()) or self._preferred.get(name_key(text))
        if preferred:
            for c in ranked:
                if c.org.key == preferred:
                    return c.org
        ranked.sort(key=lambda c: (HOW_RANK[c.how], c.layer, -prominence(c.org)))
        first, second = ranked[0], ranked[1]
        tied = (HOW_RANK[first.how], first.layer) == (HOW_RANK[second.how], second.layer)
        # an acronym several records share: without the line's country or a preference,
        # none; within the country, only a clearly more prominent record
        clear = narrowed and prominence(first.org) - prominence(second.org) >= 0.5
        if first.how == "acronym" and tied and not clear:
            return None
        return first.org
