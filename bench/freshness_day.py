"""The day bench.freshness announces, and what its fake LLM and fake arXiv answer about it.

The listing (2026-06-16, cs.CL + cs.AI + cs.LG, 600 papers) is built from recorded data only,
wrapped in arXiv's formats by scripts.sample_day's writers:

- 555 papers: every distinct paper of the real listing of 2026-06-16
  (`../shared/fixtures/days/2026-06-16.jsonl`, see its SOURCES.md). 355 of them are in cs.CL,
  cs.AI or cs.LG; the other 200 (cs.CV and neighbours) are given cs.LG as one more category,
  so they come in as cs.LG cross-lists (our rule, for volume: the crawl recorded no cs.LG);
- 45 replacements: the first 45 entries (new-style ids) of the recorded API reply
  `tests/fixtures/arxiv/api2026_query_testing_100_entries_doi_latex_v2.arxivpy.json` (real
  metadata of older papers), announced as version 2 (`replace` in a watched primary category,
  else `replace-cross` in cs.LG, sample_day's rule); one more replacement comes with the day.

Full text: no recording exists of these papers' pages, so each is shown with one of the real
recorded files in `../shared/fixtures/fulltext/` (see its SOURCES.md): four papers in five get
one of its six real HTML renderings; every fifth gets arXiv's recorded "No HTML" page and then
one of its 17 recorded PDFs (our assumption of how many papers arXiv renders, not a measured
share). Topic hits: the fake LLM proposes what the team's hand-read labels say
(`enrichment/curation/labels/`, only topics llm, multimodal, visual-generation): a positive label
is a hit (confidence 0.9, 0.65 when borderline); a paper with none gets no hit.
"""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.fakes.arxiv_server import FIXTURES, FULLTEXT, recording_load
from tests.fakes.llm_server import Reply, requested_arxiv_id

ROOT = Path(__file__).resolve().parent.parent
DAY_FILE = ROOT.parent / "shared" / "fixtures" / "days" / "2026-06-16.jsonl"
REPLACEMENTS = FIXTURES / "api2026_query_testing_100_entries_doi_latex_v2.arxivpy.json"
LABELS = ROOT / "enrichment" / "curation" / "labels"
# The topics the fake LLM proposes: the three the benchmark was built for. The labels of the
# twelve other topics would add ~140 hit papers and ~8 min of front matter (bench/notes.md).
PROPOSED_TOPICS = ("llm", "multimodal", "visual-generation")
LISTING = "2026-06-16"
CATEGORIES = ("cs.CL", "cs.AI", "cs.LG")
REPLACEMENT_COUNT = 45
NO_HTML = "2601.17668.html"  # arXiv's "No HTML" page, recorded
HTML_RENDERINGS = sorted(path.name for path in FULLTEXT.glob("*.html") if path.name != NO_HTML)
PDFS = sorted(path.name for path in FULLTEXT.glob("*.pdf"))
_ATOM = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def _watched(categories: list[str]) -> list[str]:
    """The paper's categories, cs.LG added when none of the listing's is among them."""
    return categories if set(categories) & set(CATEGORIES) else [*categories, "cs.LG"]


def _recorded_replacements() -> list[dict]:
    """Papers of the recorded API reply, as sample_day's dicts (id, categories, authors, title,
    comment, summary)."""
    body = recording_load(REPLACEMENTS)[1]
    papers = []
    for entry in ET.fromstring(body).findall("a:entry", _ATOM):  # noqa: S314 (our fixture)
        versioned = entry.findtext("a:id", "", _ATOM).rsplit("/abs/", 1)[1]
        arxiv_id = versioned.rsplit("v", 1)[0]
        if not re.fullmatch(r"\d{4}\.\d{4,5}", arxiv_id):
            continue
        primary = entry.find("arxiv:primary_category", _ATOM).get("term")
        others = [c.get("term") for c in entry.findall("a:category", _ATOM)]
        categories = [primary, *(c for c in others if c != primary)]
        comment = entry.findtext("arxiv:comment", None, _ATOM)
        papers.append(
            {
                "id": arxiv_id,
                "categories": categories,
                "authors": [
                    author.findtext("a:name", "", _ATOM)
                    for author in entry.findall("a:author", _ATOM)
                ],
                "title": " ".join(entry.findtext("a:title", "", _ATOM).split()),
                "comment": comment,
                "summary": entry.findtext("a:summary", "", _ATOM).strip(),
            }
        )
    return papers[:REPLACEMENT_COUNT]


def day_papers(limit: int = 0) -> list[dict]:
    """The day's papers by id (sample_day dicts); with `limit`, that many spread over them."""
    from scripts.sample_day import papers_read

    papers = papers_read(DAY_FILE) + _recorded_replacements()
    papers = [{**paper, "categories": _watched(paper["categories"])} for paper in papers]
    papers.sort(key=lambda paper: paper["id"])
    return papers[:: max(1, len(papers) // limit)][:limit] if limit else papers


def day_write(*, out: Path, limit: int = 0) -> dict:
    """Write the day's feeds and API replies into `out` (scripts.sample_day's formats) and
    `full_texts.json` (arXiv id -> {"html"|"pdf": recorded file name}); returns
    {"papers": count, "ids": [arXiv ids]}."""
    import datetime as dt

    from scripts.sample_day import day_write as replies_write

    papers = day_papers(limit)
    replies_write(
        papers=papers, listing=dt.date.fromisoformat(LISTING), categories=CATEGORIES, out=out
    )
    plan = {}
    for n, paper in enumerate(papers):
        if n % 5 == 4:
            plan[paper["id"]] = {"html": NO_HTML, "pdf": PDFS[(n // 5) % len(PDFS)]}
        else:
            plan[paper["id"]] = {"html": HTML_RENDERINGS[n % len(HTML_RENDERINGS)]}
    (out / "full_texts.json").write_text(json.dumps(plan))
    return {"papers": len(papers), "ids": [paper["id"] for paper in papers]}


class LabelledAnswers:
    """The fake LLM's `respond`: a faithful answer after `delay` seconds whose hits are the
    hand-read labels of the paper, found by its arXiv id or (for copies under other ids) by its
    title, whitespace collapsed."""

    def __init__(self, *, delay: float, papers: list[dict]):
        self.delay = delay
        self.hits: dict[str, list[dict]] = {}
        for path in sorted(LABELS.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                label = json.loads(line) if line.strip() else {}
                if label.get("label") and label["topic"] in PROPOSED_TOPICS:
                    self.hits.setdefault(label["arxiv_id"], []).append(
                        {
                            "topic": label["topic"],
                            "subtopic": label["subtopic"],
                            "confidence": 0.65 if label["borderline"] else 0.9,
                            "reason": "人工标注为该主题",
                        }
                    )
        self.by_title = {_title_key(p["title"]): p["id"] for p in papers}

    def __call__(self, request: dict) -> Reply:
        arxiv_id = requested_arxiv_id(request)
        if arxiv_id not in self.by_title.values():
            title = re.search(r"^Title: (.*)$", request["messages"][1]["content"], re.M)
            arxiv_id = self.by_title.get(_title_key(title.group(1) if title else ""), "")
        return Reply(delay=self.delay, overrides={"hits": self.hits.get(arxiv_id, [])})


def _title_key(title: str) -> str:
    return " ".join(title.split()).lower()
