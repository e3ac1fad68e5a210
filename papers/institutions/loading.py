"""Building the process-wide registry: ROR records plus the curated supplement.

`registry_get()` reads `settings.INSTITUTION_REGISTRY_PATH` when it names an existing file (an
operator's full ROR dump converted by `import_ror`), else the extract shipped in data/, and
always adds data/curated.json (organisations the extract lacks, each with its source, and the
acronyms a paper most likely means). Built once per process (about 1.3 s of CPU for the
shipped extract, see bench/institutions.py and bench/notes.md), then shared.
"""

import dataclasses
import json
import threading
from pathlib import Path

from django.conf import settings

from papers.gc_pause import gc_paused
from papers.institutions.organisations import (
    Organisation,
    organisation_from_record,
    organisations_read,
)
from papers.institutions.registry import Registry

DATA = Path(__file__).with_name("data")
SHIPPED_EXTRACT = DATA / "ror_extract.jsonl.gz"
CURATED = DATA / "curated.json"

_lock = threading.Lock()
_registry: Registry | None = None


def curated_read(path: Path = CURATED) -> tuple[list[Organisation], dict[str, str]]:
    """The curated organisations and the preferred acronyms ({"MIT": "https://ror.org/…"})."""
    data = json.loads(path.read_text(encoding="utf-8"))
    organisations = [organisation_from_record(entry) for entry in data["organisations"]]
    return organisations, dict(data.get("preferred_acronyms", {}))


def curated_added_names(path: Path = CURATED) -> dict[str, dict]:
    """Names papers use for records of the registry that the registry lacks, by record key:
    {"https://ror.org/…": {"aliases": [...], "acronyms": [...], "source": "…"}}."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {entry["key"]: entry for entry in data.get("added_names", ())}


def with_added_names(org: Organisation, added: dict) -> Organisation:
    """The record with the curated aliases and acronyms it lacks."""
    aliases = tuple(dict.fromkeys((*org.aliases, *added.get("aliases", ()))))
    acronyms = tuple(dict.fromkeys((*org.acronyms, *added.get("acronyms", ()))))
    return dataclasses.replace(org, aliases=aliases, acronyms=acronyms)


def registry_source() -> Path:
    """The compact-format file the registry is built from (see the module docstring)."""
    configured = getattr(settings, "INSTITUTION_REGISTRY_PATH", "")
    if configured and Path(configured).is_file():
        return Path(configured)
    return SHIPPED_EXTRACT


def registry_load(path: Path) -> Registry:
    """A registry of the records in `path` with the curated supplement: its organisations (a
    curated record with a key already in the file is skipped: the registry's own record wins)
    and the names it adds to records of the file. Raises OSError when a file cannot be read,
    ValueError (json.JSONDecodeError) when a line is not JSON."""
    with gc_paused():
        added = curated_added_names()
        organisations = [
            with_added_names(org, added[org.key]) if org.key in added else org
            for org in organisations_read(path)
        ]
        keys = {org.key for org in organisations}
        curated, preferred = curated_read()
        organisations.extend(org for org in curated if org.key not in keys)
        return Registry(organisations, preferred_acronyms=preferred)


def registry_get() -> Registry:
    """The process-wide registry, built on first use (thread-safe)."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                _registry = registry_load(registry_source())
    return _registry


def registry_reset() -> None:
    """Forget the cached registry (after `import_ror` or a settings change)."""
    global _registry
    with _lock:
        _registry = None
