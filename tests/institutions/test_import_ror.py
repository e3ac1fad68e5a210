"""`import_ror` on tiny hand-made ROR dumps of both schemas, zipped and plain."""

import gc
import gzip
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from papers.institutions import registry_get, registry_load, registry_reset

V1 = [
    {
        "id": "https://ror.org/0000000v1",
        "name": "Hong Kong Polytechnic University",
        "status": "active",
        "aliases": ["PolyU"],
        "acronyms": ["HKPU"],
        "types": ["Education"],
        "country": {"country_code": "HK", "country_name": "Hong Kong"},
        "labels": [{"label": "香港理工大學", "iso639": "zh"}],
    },
    {"id": "https://ror.org/0000001v1", "name": "Gone Institute", "status": "withdrawn"},
]
V2 = [
    {
        "id": "https://ror.org/0000000v2",
        "status": "active",
        "types": ["education", "funder"],
        "names": [
            {"value": "Tsinghua University", "types": ["ror_display", "label"], "lang": "en"},
            {"value": "THU", "types": ["acronym"], "lang": None},
            {"value": "清华大学", "types": ["label"], "lang": "zh"},
            {"value": "Qinghua", "types": ["alias"], "lang": None},
        ],
        "locations": [{"geonames_details": {"country_code": "CN", "name": "Beijing"}}],
    },
    {"id": "https://ror.org/0000001v2", "status": "inactive", "names": [], "types": []},
]


def records(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def write_zip(path, name, data) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, json.dumps(data, ensure_ascii=False))


def test_a_v1_zip_keeps_active_records_with_their_chinese_label(tmp_path):
    dump = tmp_path / "v1.40-ror-data.zip"
    write_zip(dump, "v1.40-ror-data.json", V1)
    out = io.StringIO()
    call_command("import_ror", str(dump), output=str(tmp_path / "r.jsonl.gz"), stdout=out)
    assert "1 active organisations" in out.getvalue()
    [record] = records(tmp_path / "r.jsonl.gz")
    assert record == {
        "id": "https://ror.org/0000000v1",
        "name": "Hong Kong Polytechnic University",
        "aliases": ["PolyU"],
        "acronyms": ["HKPU"],
        "country": "HK",
        "types": ["education"],
        "name_zh": ["香港理工大學"],
    }


def test_a_v2_json_converts_and_the_registry_reads_it(tmp_path):
    dump = tmp_path / "v2.json"
    dump.write_text(json.dumps(V2, ensure_ascii=False), encoding="utf-8")
    call_command("import_ror", str(dump), output=str(tmp_path / "r.jsonl.gz"), stdout=io.StringIO())
    registry = registry_load(tmp_path / "r.jsonl.gz")
    org = registry.match("Qinghua")
    assert (org.key, org.name_zh, org.country, org.acronyms) == (
        "https://ror.org/0000000v2",
        "清华大学",
        "CN",
        ("THU",),
    )


def test_a_zip_with_both_schemas_uses_v2(tmp_path):
    dump = tmp_path / "both.zip"
    with zipfile.ZipFile(dump, "w") as archive:
        archive.writestr("v1.50-ror-data.json", json.dumps(V1))
        archive.writestr("v1.50-ror-data_schema_v2.json", json.dumps(V2))
    call_command("import_ror", str(dump), output=str(tmp_path / "r.jsonl.gz"), stdout=io.StringIO())
    assert [r["name"] for r in records(tmp_path / "r.jsonl.gz")] == ["Tsinghua University"]


def test_the_configured_registry_file_is_used(tmp_path, settings):
    dump = tmp_path / "v1.json"
    dump.write_text(json.dumps(V1), encoding="utf-8")
    settings.INSTITUTION_REGISTRY_PATH = str(tmp_path / "registry.jsonl.gz")
    call_command("import_ror", str(dump), stdout=io.StringIO())
    try:
        registry = registry_get()
        assert registry.match("PolyU").name_zh == "香港理工大学"
        assert registry.match("Zhejiang Lab").name == "Zhejiang Lab"  # curated, always added
        assert registry.match("Harvard University") is None
    finally:
        registry_reset()


def test_a_file_that_is_not_a_dump_is_refused(tmp_path):
    dump = tmp_path / "bad.json"
    dump.write_text('{"not": "an array"}', encoding="utf-8")
    with pytest.raises(CommandError, match="JSON array"):
        call_command("import_ror", str(dump), output=str(tmp_path / "r.jsonl.gz"))


def test_the_registry_load_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    broken = tmp_path / "broken.jsonl.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as out:
        out.write('{"id": "https://ror.org/0000000v1", "name": "Cut off\n')
    with pytest.raises(ValueError):
        registry_load(broken)
    assert gc.isenabled()
    good = tmp_path / "good.jsonl.gz"
    with gzip.open(good, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "https://ror.org/0000000v1", "name": "Kept"}) + "\n")
    gc.disable()
    try:
        assert registry_load(good).match("Kept").name == "Kept"
        assert not gc.isenabled()
    finally:
        gc.enable()
