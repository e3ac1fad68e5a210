"""Institutions benchmark: front-matter extraction + matching, and the registry's cost.

    python -m bench.institutions [--fulltext ../shared/fixtures/fulltext] [--rounds 5]

Reads the recorded full-text fixtures into memory first (no network, no disk in the timed
part), then extracts the front matter of every file and matches its institutions, `rounds`
times: papers/s. Builds the registry from the shipped ROR extract plus the curated supplement
under tracemalloc: load seconds and the memory it holds. Times `organisations_in` on every
affiliation line the fixtures give and `match` on 5,000 registry names: mean and p99.
Targets: ≥ 20 papers/s, registry load ≤ 3 s and ≤ 300 MB, p99 per affiliation ≤ 10 ms.
"""

import argparse
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from bench.common import Result

FULLTEXT = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "fulltext"
NAME_SAMPLE = 5000


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[-1]


def registry_measure():
    """Load seconds (untraced, cold name cache), then the memory a second cold load holds."""
    from papers.institutions.loading import SHIPPED_EXTRACT, registry_load
    from papers.institutions.names import name_key

    name_key.cache_clear()
    start = time.perf_counter()
    registry_load(SHIPPED_EXTRACT)
    seconds = time.perf_counter() - start
    name_key.cache_clear()
    tracemalloc.start()
    registry = registry_load(SHIPPED_EXTRACT)
    held, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return registry, seconds, held / 1024 / 1024


def papers_measure(registry, files: dict[str, bytes], rounds: int):
    from ingest.frontmatter import (
        FrontMatterUnavailable,
        FrontMatterUnreadable,
        front_matter_from_html,
        front_matter_from_pdf,
        front_matter_institutions,
    )

    lines: list[str] = []
    start = time.perf_counter()
    for _ in range(rounds):
        lines = []
        for name, content in files.items():
            try:
                if name.endswith(".html"):
                    front = front_matter_from_html(content, registry=registry)
                else:
                    front = front_matter_from_pdf(content, registry=registry)
            except (FrontMatterUnavailable, FrontMatterUnreadable):
                continue
            front_matter_institutions(front, registry)
            lines.extend(front.lines)
    return rounds * len(files) / (time.perf_counter() - start), lines


def per_call_ms(call, inputs: list[str]) -> list[float]:
    samples = []
    for text in inputs:
        start = time.perf_counter()
        call(text)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def run(fulltext: Path = FULLTEXT, rounds: int = 5) -> list[Result]:
    files = {
        p.name: p.read_bytes() for p in sorted(fulltext.glob("*")) if p.suffix in {".html", ".pdf"}
    }
    registry, load_s, held_mb = registry_measure()
    papers_per_s, lines = papers_measure(registry, files, rounds)
    line_ms = per_call_ms(registry.organisations_in, lines * 20)
    names = [org.name for org in registry.organisations()]
    name_ms = per_call_ms(registry.match, random.Random(15).sample(names, NAME_SAMPLE))
    rows = [
        # (what, target, measured, unit, higher is better, note)
        (f"extraction + matching, {len(files)} fixture files", 20, papers_per_s, "papers/s",
         True, f"{rounds} rounds, files in memory"),
        (f"registry load ({len(registry):,} organisations)", 3, load_s, "s", False,
         "shipped extract + curated supplement, one core"),
        ("registry memory", 300, held_mb, "MB", False,
         "held after load, name cache included (tracemalloc)"),
        (f"one affiliation line, p99 ({len(line_ms):,} real lines)", 10, p99(line_ms), "ms",
         False, f"mean {statistics.mean(line_ms):.3f} ms"),
        (f"match one name, p99 ({NAME_SAMPLE:,} registry names)", 10, p99(name_ms), "ms",
         False, f"mean {statistics.mean(name_ms):.3f} ms"),
    ]  # fmt: skip
    return [
        Result(f"institutions: {what}", target, measured, unit, higher, note)
        for what, target, measured, unit, higher, note in rows
    ]


def main() -> None:
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fulltext", type=Path, default=FULLTEXT)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arxdaily.settings.bench")
    django.setup()  # settings only: this benchmark touches no database
    from bench.run import table

    print(table(run(args.fulltext, args.rounds)))


if __name__ == "__main__":
    main()
