"""The figures the reliability tests end in, and the table `make reliability` prints.

Each test records what it measured *before* asserting on it, so a figure off target still
shows up in the table (marked ✗) next to the failing test.
"""

import operator
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
# Table order; a figure of another area goes last.
AREAS = ["Worker killed", "arXiv faults", "LLM faults", "Hostile content", "Draft leaks", "Editors"]
AREAS += ["Load"]
_COMPARE = {"==": operator.eq, "<=": operator.le, ">=": operator.ge}


@dataclass(frozen=True)
class Figure:
    area: str
    measure: str
    target: float
    measured: float
    compare: str = "=="  # how measured must relate to target

    @property
    def ok(self) -> bool:
        return _COMPARE[self.compare](self.measured, self.target)

    @property
    def target_text(self) -> str:
        return _number(self.target) if self.compare == "==" else f"{self.compare} {self.target:g}"


FIGURES: list[Figure] = []

INTRO = """# Reliability and security figures

Written by `make reliability` (tests/reliability/): fault-injection and attack tests over real
loopback HTTP (fake arXiv, fake LLM), a real Celery worker on Redis, real PostgreSQL, real
Chromium and gunicorn under wrk. Each row is one figure a test measured and then asserted on;
the quick tests also run in `make test`, the slow ones (marker `reliability`) only here.

- **Worker killed**: a `celery -A arxdaily worker` subprocess is SIGKILLed while an ingest
  waits on a slow arXiv and while an enrichment batch waits on a slow LLM, then restarted;
  the broker redelivers the unacknowledged task (acks_late, short visibility timeout), then
  the enrichment sweep runs.
- **arXiv faults**: 429 with Retry-After, 503, timeout, truncated XML, an empty feed on an
  announce day, ids missing from the API; then arXiv recovers and the next runs catch up.
- **LLM faults**: invalid JSON, wrong schema, 429, timeout, a huge reply; then the sweep.
- **Hostile content**: XSS payloads in every arXiv and LLM field, published, opened in
  Chromium with a trap on every way a payload could run; feeds, API and admin checked too.
- **Draft leaks**: sentinel text in drafts, rejected/suggested hits and unreviewed Chinese,
  looked for in every public page, feed, API endpoint and search.
- **Editors**: concurrent edits, login throttling, CSRF, production settings.
- **Load**: wrk against gunicorn (production settings) while an ingest and an enrichment run.
"""


def figure_record(
    *, area: str, measure: str, measured: float, target: float = 0, compare: str = "=="
) -> Figure:
    """Keep one figure for the table; the caller asserts on it afterwards."""
    figure = Figure(area, measure, target, measured, compare)
    FIGURES.append(figure)
    return figure


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _ordered(figures: list[Figure]) -> list[Figure]:
    def rank(figure: Figure) -> int:
        return AREAS.index(figure.area) if figure.area in AREAS else len(AREAS)

    return sorted(figures, key=rank)  # stable: within an area, in the order measured


def table_render(figures: list[Figure]) -> str:
    """A Markdown table: area, measure, target, measured, ✓/✗."""
    rows = [
        "| Area | Measure | Target | Measured | |",
        "|---|---|---|---|---|",
        *(
            f"| {f.area} | {f.measure} | {f.target_text} | {_number(f.measured)} | "
            f"{'✓' if f.ok else '✗'} |"
            for f in _ordered(figures)
        ),
    ]
    return "\n".join(rows)


def doc_write(figures: list[Figure], *, path: Path = DOC) -> None:
    """docs/reliability.md: how the figures are obtained, then the latest table."""
    path.write_text(f"{INTRO}\n{table_render(figures)}\n", encoding="utf-8")
