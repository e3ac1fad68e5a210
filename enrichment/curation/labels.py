"""The labelled papers kept in the repository: what a topic's scorer starts from before any
editor has decided anything, and what `curation_eval` measures on.

- `labels/<day>.*.jsonl`: one line per paper and topic, read by hand: {"arxiv_id", "topic",
  "label": bool, "subtopic": slug | null, "borderline": bool, "reason", "split": "train" |
  "eval"}. The split is fixed by a hash of the id; only "train" is ever trained on.
- `papers/<day>.jsonl`: the text those labels were read from, {"arxiv_id", "title",
  "abstract", "categories"} (primary first): arXiv metadata (CC0), see papers/SOURCES.md.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from enrichment.backends.base import PaperSource

CURATION_DIR = Path(__file__).parent
LABELS_DIR = CURATION_DIR / "labels"
PAPERS_DIR = CURATION_DIR / "papers"
TRAIN, EVAL = "train", "eval"


@dataclass(frozen=True)
class Label:
    source: PaperSource
    topic: str  # slug
    label: bool
    subtopic: str | None
    borderline: bool
    split: str  # TRAIN or EVAL


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def papers_read(*, papers_dir: Path = PAPERS_DIR) -> dict[str, PaperSource]:
    """Every kept paper's text by arXiv id."""
    return {
        row["arxiv_id"]: PaperSource(
            arxiv_id=row["arxiv_id"],
            title=row["title"],
            abstract=row["abstract"],
            categories=tuple(row["categories"]),
        )
        for path in sorted(papers_dir.glob("*.jsonl"))
        for row in _jsonl(path)
    }


def labels_read(*, paths: list[Path] | None = None, papers_dir: Path = PAPERS_DIR) -> list[Label]:
    """The labels of `paths` (default: every file in LABELS_DIR), one per (paper, topic), a
    later file's line winning. KeyError naming the id when a label's paper is not kept."""
    papers = papers_read(papers_dir=papers_dir)
    labels: dict[tuple[str, str], Label] = {}
    for path in paths if paths is not None else sorted(LABELS_DIR.glob("*.jsonl")):
        for row in _jsonl(Path(path)):
            if row["arxiv_id"] not in papers:
                raise KeyError(f"{path}: no kept text for paper {row['arxiv_id']}")
            labels[row["arxiv_id"], row["topic"]] = Label(
                source=papers[row["arxiv_id"]],
                topic=row["topic"],
                label=bool(row["label"]),
                subtopic=row.get("subtopic") or None,
                borderline=bool(row.get("borderline")),
                split=row["split"],
            )
    return list(labels.values())
