"""Real arXiv API records from tests/fixtures/enrich/, turned into Paper rows for tests.

Parsed with ElementTree because feedparser keeps only one affiliation per entry.
"""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from papers.models import Paper, PaperAuthor

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "enrich"
NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
LISTING = "api2026_newformat_cat_cs.LG_OR_cs.AI_20_entries.brevio.xml"
AFFILIATIONS = "api2026_oldstyle_id_astro-ph_0601001_affiliations.arxivpy.json"


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return " ".join(found.text.split()) if found is not None and found.text else ""


def records(name: str) -> list[dict]:
    raw = (FIXTURES / name).read_bytes()
    if name.endswith(".json"):
        raw = json.loads(raw)["body"].encode("latin-1")
    result = []
    # Our own committed fixture files, not input from the network.
    for entry in ET.fromstring(raw).findall("a:entry", NS):  # noqa: S314
        match = re.search(r"abs/(.+?)v(\d+)$", _text(entry, "a:id"))
        result.append(
            {
                "arxiv_id": match.group(1),
                "version": int(match.group(2)),
                "title": _text(entry, "a:title"),
                # The abstract keeps its hard line breaks, as arXiv sends it.
                "abstract": entry.find("a:summary", NS).text.strip(),
                "primary_category": entry.find("arxiv:primary_category", NS).get("term"),
                "categories": [c.get("term") for c in entry.findall("a:category", NS)],
                "authors": [
                    (_text(author, "a:name"), _text(author, "arxiv:affiliation"))
                    for author in entry.findall("a:author", NS)
                ],
            }
        )
    return result


def paper_create(record: dict) -> Paper:
    fields = {k: v for k, v in record.items() if k != "authors"}
    paper = Paper.objects.create(**fields, metadata_state=Paper.MetadataState.COMPLETE)
    for position, (name, affiliation) in enumerate(record["authors"]):
        PaperAuthor.objects.create(
            paper=paper, position=position, name=name, affiliation=affiliation
        )
    return paper
