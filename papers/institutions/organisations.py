"""The registry's records: `Organisation`, `InstitutionMatch`, and reading our compact format.

The compact format is gzip-compressed JSON Lines, one active organisation a line:
`{"id", "name", "aliases", "acronyms", "country", "types", "name_zh"}` (`name_zh` a list, as
ROR tags them, Simplified or Traditional). `ror_dump_convert` writes it from a full ROR dump; the
shipped extract (data/ror_extract.jsonl.gz) is in the same format.
"""

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from papers.institutions.names import simplified

CHINESE_REGIONS = frozenset({"CN", "HK", "MO", "TW"})


@dataclass(frozen=True)
class Organisation:
    """One organisation of the registry.

    `key`: the ROR id URL ("https://ror.org/03cve4549") or "curated:<slug>" for the supplement
    (the pipeline may use its own prefix for editors' records); `name`: ROR's display name
    (companies carry ROR's "(Country)" suffix, see `short_name`); `name_zh`: Simplified Chinese
    or ""; `country`: ISO 3166-1 alpha-2 or ""; `ror_id`: the ROR id URL or "".
    """

    key: str
    name: str
    name_zh: str = ""
    country: str = ""
    ror_id: str = ""
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    name_zh_all: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def short_name(self) -> str:
        """The name without ROR's trailing "(Country)" ("Google (United States)" → "Google")."""
        if self.name.endswith(")") and " (" in self.name:
            return self.name[: self.name.rindex(" (")]
        return self.name

    @property
    def chinese_region(self) -> bool:
        """Mainland China, Hong Kong, Macau or Taiwan."""
        return self.country in CHINESE_REGIONS


@dataclass(frozen=True)
class InstitutionMatch:
    """One organisation string taken from an affiliation line and what it matched.

    `text`: the string as extracted; `organisation`: the registry record, or None when
    unmatched (to be shown to editors, never to readers as a match); `score`: 1.0 for an exact
    name or alias, 0.9 for an acronym or a word-order swap, 0.8 for a name found inside a longer
    string, 0.0 unmatched; `how`: which rule matched ("name", "alias", "acronym", "swap",
    "zh", "inside", "loose", "unmatched"); `shape`: for an unmatched string, what it reads like
    ("org", "institute", see `shapes.organisation_shape`)."""

    text: str
    organisation: Organisation | None
    score: float = 0.0
    how: str = "unmatched"
    shape: str = ""


def organisation_from_record(record: dict) -> Organisation:
    """An `Organisation` from one compact-format record (or a curated supplement entry)."""
    zh_names = tuple(dict.fromkeys(simplified(n) for n in record.get("name_zh") or ()))
    ror_id = (
        record.get("id", "") if str(record.get("id", "")).startswith("https://ror.org/") else ""
    )
    return Organisation(
        key=record.get("key") or record["id"],
        name=record["name"],
        name_zh=zh_names[0] if zh_names else "",
        country=(record.get("country") or "").upper(),
        ror_id=ror_id,
        aliases=tuple(record.get("aliases") or ()),
        acronyms=tuple(record.get("acronyms") or ()),
        types=tuple(record.get("types") or ()),
        name_zh_all=zh_names,
    )


def organisations_read(path: Path) -> Iterator[Organisation]:
    """Every organisation of a compact-format file (gzip JSON Lines, or plain when the name
    does not end in .gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield organisation_from_record(json.loads(line))
