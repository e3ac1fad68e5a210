"""Ingest benchmark: parse + upsert of listing feeds shaped like the real cs.AI feed.

    python -m bench.ingest [--papers 10000] [--memory-papers 100000]

Feeds of 2,000 items (a big category's day on arXiv) are cloned from the recorded cs.AI feed's
three items, with ids of their own (99MM.NNNNN, which the synthetic data never uses) and varied
titles. It times the listing source's parse into a batch + that batch's upsert, the code a live
ingest runs, on the bench database; ingests the same feeds again and counts the rows written
(target 0); and measures, in a subprocess of its own, the peak memory of ingesting 100,000
papers. Its papers are deleted afterwards.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import Result, bench_papers_delete, django_setup, peak_rss_mb

if TYPE_CHECKING:  # imported where used, once Django is set up
    from ingest.sources.base import Batch
    from ingest.upsert import UpsertResult

ROOT = Path(__file__).resolve().parent.parent
FEED = (
    ROOT / "tests" / "fixtures" / "arxiv" / "rss2026_cs.AI_new_format_3_items_trimmed.distill.xml"
)
FEED_SIZE = 2_000
SPEED_IDS = "9902."
MEMORY_IDS = "9901."
# Authors per paper in tests/fixtures/arxiv/api2026_newformat_cat_cs.LG_OR_cs.AI_20_entries…xml.
AUTHOR_COUNTS = (4, 3, 3, 1, 4, 2, 13, 2, 5, 2, 4, 6, 8, 3, 2, 3, 5, 11, 5, 3)
# arXiv delivers at most 2,000 records per request, one request every 3 s: the ingest must
# keep three times ahead of that, never the bottleneck (issue 20).
ARXIV_PAPERS_PER_S = 2_000 / 3
TARGET_PAPERS_PER_S = round(3 * ARXIV_PAPERS_PER_S)
TARGET_PEAK_MB = 500


def synthetic_feed(*, prefix: str, start: int, count: int) -> bytes:
    """The real feed's channel with `count` items cloned from its three real ones.

    Those three are large collaborations (2, 18 and 17 authors); each clone gets the author
    count of the next paper of a real recorded cs.LG/cs.AI API page instead (mean 4.45), names
    taken from the real ones, so author rows per paper are as in real listings.
    """
    text = FEED.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    items = re.findall(r"<item>.*?</item>", "<item>" + rest, re.S)
    tail = text[text.rindex("</item>") + len("</item>") :]
    names = [
        n
        for creators in re.findall(r"<dc:creator>(.*?)</dc:creator>", text)
        for n in creators.split(", ")
    ]
    clones = []
    for n in range(start, start + count):
        item = items[n % len(items)]
        item = re.sub(r"2604\.2193\d", f"{prefix}{n:05d}", item)
        item = item.replace("<title>", f"<title>[{n}] ", 1)
        authors = AUTHOR_COUNTS[n % len(AUTHOR_COUNTS)]
        creators = ", ".join(names[(n + i) % len(names)] for i in range(authors))
        item = re.sub(r"<dc:creator>.*?</dc:creator>", f"<dc:creator>{creators}</dc:creator>", item)
        clones.append(item)
    return (head + "\n".join(clones) + tail).encode("utf-8")


def feeds(*, prefix: str, papers: int) -> Iterator[bytes]:
    """`papers` papers as listing feeds of FEED_SIZE items, built one at a time."""
    for start in range(0, papers, FEED_SIZE):
        yield synthetic_feed(prefix=prefix, start=start, count=min(FEED_SIZE, papers - start))


def feed_parse(feed: bytes) -> "Batch":
    """The feed as the batch the live listing source yields (ingest.sources.rss.ListingFeed)."""
    from ingest.sources.rss import listing_batch, listing_parse

    return listing_batch(listing_parse(feed, category="cs.AI"))


def batch_upsert(batch: "Batch") -> "UpsertResult":
    """What ingest.services.batch_store runs for a batch, less the run's counts."""
    from ingest.upsert import papers_upsert

    return papers_upsert(records=batch.records, announcements=batch.announcements)


def ingest_speed(papers: int) -> list[Result]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bench_papers_delete(arxiv_id_prefix=SPEED_IDS)  # left over by an interrupted run
    parse_s = store_s = 0.0
    again = 0
    try:
        for feed in feeds(prefix=SPEED_IDS, papers=papers):
            started = time.perf_counter()
            batch = feed_parse(feed)
            parsed = time.perf_counter()
            batch_upsert(batch)
            parse_s, store_s = parse_s + parsed - started, store_s + time.perf_counter() - parsed
        with CaptureQueriesContext(connection) as queries:
            for feed in feeds(prefix=SPEED_IDS, papers=papers):
                again += batch_upsert(feed_parse(feed)).rows_written
    finally:
        bench_papers_delete(arxiv_id_prefix=SPEED_IDS)
    statements = sum(
        1 for q in queries.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
    )
    return [
        Result(
            "ingest parse + upsert (3× arXiv's delivery rate)",
            TARGET_PAPERS_PER_S,
            papers / (parse_s + store_s),
            "papers/s",
            higher_is_better=True,
            note=(
                f"{papers:,} papers in feeds of {FEED_SIZE:,}, "
                f"{sum(AUTHOR_COUNTS) / len(AUTHOR_COUNTS):.2f} authors each: "
                f"parse {papers / parse_s:,.0f}/s, "
                f"upsert {papers / store_s:,.0f}/s"
            ),
        ),
        Result(
            "re-ingest of the same feeds: rows written",
            0,
            again,
            "rows",
            higher_is_better=False,
            note=f"{statements} write statements",
        ),
    ]


def ingest_memory_child(papers: int) -> dict:
    """Ingest `papers` papers feed by feed, in this (fresh) process; returns its peak RSS."""
    bench_papers_delete(arxiv_id_prefix=MEMORY_IDS)
    baseline = peak_rss_mb()
    started = time.perf_counter()
    try:
        for feed in feeds(prefix=MEMORY_IDS, papers=papers):
            batch_upsert(feed_parse(feed))
        seconds = time.perf_counter() - started
        return {"peak_rss_mb": peak_rss_mb(), "baseline_mb": baseline, "seconds": seconds}
    finally:
        bench_papers_delete(arxiv_id_prefix=MEMORY_IDS)


def ingest_memory(papers: int) -> Result:
    """Peak RSS of a separate process, so the figure is that ingest's own."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--memory-child", str(papers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return Result(
        f"peak memory, ingesting {papers:,} papers",
        TARGET_PEAK_MB,
        figures["peak_rss_mb"],
        "MB",
        higher_is_better=False,
        note=(
            f"whole process, feeds of {FEED_SIZE:,} one after another; "
            f"{figures['baseline_mb']:.0f} MB before the first, {figures['seconds']:.0f} s"
        ),
    )


def run(papers: int = 10_000, memory_papers: int = 100_000) -> list[Result]:
    return [*ingest_speed(papers), ingest_memory(memory_papers)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--memory-papers", type=int, default=100_000)
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    django_setup()
    if args.memory_child:
        print(json.dumps(ingest_memory_child(args.memory_child)))
        return
    from bench.run import table

    print(table(run(args.papers, args.memory_papers)))


if __name__ == "__main__":
    main()
