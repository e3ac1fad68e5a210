"""Converting a full ROR data dump into our compact registry format.

ROR publishes its registry (CC0) as a zip holding one JSON array of records, in schema v1
(`name`, `aliases`, `acronyms`, `labels[{label, iso639}]`, `country.country_code`) or v2
(`names[{value, types, lang}]`, `locations[].geonames_details.country_code`). The array is read
record by record (a dump is hundreds of MB), only active records are kept, and each becomes one
line of gzip JSON Lines: `{"id","name","aliases","acronyms","country","types","name_zh"}`.
"""

import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

CHUNK = 1 << 20


def json_array_items(stream: IO[str]) -> Iterator[dict]:
    """The items of a top-level JSON array, decoded one at a time from a text stream."""
    decoder = json.JSONDecoder()
    buffer = ""
    position = 0
    started = False
    while True:
        chunk = stream.read(CHUNK)
        buffer = buffer[position:] + chunk
        position = 0
        while True:
            while position < len(buffer) and buffer[position] in " \t\r\n,":
                position += 1
            if not started and position < len(buffer):
                if buffer[position] != "[":
                    raise ValueError("a ROR dump is a JSON array of records")
                started = True
                position += 1
                continue
            if position < len(buffer) and buffer[position] == "]":
                return
            try:
                item, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                if not chunk:
                    raise ValueError("the ROR dump ends in the middle of a record") from None
                break
            yield item
            position = end
        if not chunk:
            return


def record_compact(record: dict) -> dict | None:
    """Our compact record for one ROR record (v1 or v2), or None when it is not active."""
    status = str(record.get("status", "active")).lower()
    if status != "active":
        return None
    if "names" in record:
        names = record["names"]

        def of_type(kind: str) -> list[str]:
            return [n["value"] for n in names if kind in n.get("types", ())]

        display = of_type("ror_display") or of_type("label") or [""]
        zh = [n for n in names if (n.get("lang") or "").lower().startswith("zh")]
        zh.sort(key=lambda n: 0 if "label" in n.get("types", ()) else 1)
        locations = record.get("locations") or [{}]
        country = (locations[0].get("geonames_details") or {}).get("country_code", "")
        return {
            "id": record["id"],
            "name": display[0],
            "aliases": [a for a in of_type("alias") if a not in {n["value"] for n in zh}],
            "acronyms": of_type("acronym"),
            "country": country or "",
            "types": [t.lower() for t in record.get("types", ())],
            "name_zh": list(dict.fromkeys(n["value"] for n in zh)),
        }
    labels = record.get("labels") or []
    return {
        "id": record["id"],
        "name": record["name"],
        "aliases": list(record.get("aliases") or ()),
        "acronyms": list(record.get("acronyms") or ()),
        "country": (record.get("country") or {}).get("country_code", ""),
        "types": [t.lower() for t in record.get("types", ())],
        "name_zh": [
            lab["label"] for lab in labels if (lab.get("iso639") or "").lower().startswith("zh")
        ],
    }


def _dump_member(archive: zipfile.ZipFile) -> str:
    """The JSON member of a ROR zip: the schema v2 file when the zip holds both."""
    members = [n for n in archive.namelist() if n.lower().endswith(".json")]
    if not members:
        raise ValueError("the zip holds no .json file")
    return next((n for n in members if "schema_v2" in n), members[0])


def ror_dump_convert(src: Path, dest: Path) -> int:
    """Write the active records of the ROR dump `src` (.zip or .json, schema v1 or v2) to
    `dest` in the compact gzip JSON Lines format; returns how many were written. Raises
    ValueError when `src` is not a ROR dump. `dest` is replaced only once complete."""
    src, dest = Path(src), Path(dest)
    partial = dest.with_name(dest.name + ".partial")
    try:
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            if zipfile.is_zipfile(src):
                with zipfile.ZipFile(src) as archive, archive.open(_dump_member(archive)) as raw:
                    count = _write(json_array_items(io.TextIOWrapper(raw, encoding="utf-8")), out)
            else:
                with open(src, encoding="utf-8") as stream:
                    count = _write(json_array_items(stream), out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(dest)
    return count


def _write(records: Iterator[dict], out: IO[str]) -> int:
    count = 0
    for record in records:
        if not isinstance(record, dict) or "id" not in record:
            raise ValueError("a ROR record without an id")
        compact = record_compact(record)
        if compact is not None:
            out.write(json.dumps(compact, ensure_ascii=False) + "\n")
            count += 1
    return count
