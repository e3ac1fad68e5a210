"""Benchmark (not a test): parse + upsert of synthetic papers shaped like the real fixtures.

    .venv/bin/python bench/ingest.py [--papers 5000]

Builds one listing feed of N items from the real cs.AI feed's items (ids, titles and
abstracts varied), then times `listing_parse` and `listing_store` (the code a live ingest
runs) into a throwaway PostgreSQL database, and ingests the same feed again to count the
rows that writes (target 0). Prints papers/s for parse, upsert and both.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arxdaily.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_arxdaily_ingest")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from papers.arxiv_source import listing_parse  # noqa: E402
from papers.services import listing_store  # noqa: E402

FEED = (
    ROOT / "tests" / "fixtures" / "arxiv" / "rss2026_cs.AI_new_format_3_items_trimmed.distill.xml"
)


def synthetic_feed(count: int) -> bytes:
    """The real feed's channel with `count` items cloned from its three real ones."""
    text = FEED.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    items = re.findall(r"<item>.*?</item>", "<item>" + rest, re.S)
    tail = text[text.rindex("</item>") + len("</item>") :]
    clones = []
    for n in range(count):
        item = items[n % len(items)]
        item = re.sub(r"2604\.2193\d", f"2605.{n:05d}", item)
        item = item.replace("<title>", f"<title>[{n}] ", 1)
        clones.append(item)
    return (head + "\n".join(clones) + tail).encode("utf-8")


def writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=5000)
    count = parser.parse_args().papers
    feed = synthetic_feed(count)
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        listing = listing_parse(feed, category="cs.AI")
        parsed = time.perf_counter()
        first = listing_store(listing=listing)
        stored = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            again = listing_store(listing=listing_parse(feed, category="cs.AI"))
        assert len(listing.items) == count
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
    parse_s, upsert_s = parsed - started, stored - parsed
    print(
        f"papers: {count} (database: PostgreSQL, settings {os.environ['DJANGO_SETTINGS_MODULE']})"
    )
    print(f"parse (feedparser):  {count / parse_s:10,.0f} papers/s  ({parse_s:.2f} s)")
    print(f"upsert (bulk):       {count / upsert_s:10,.0f} papers/s  ({upsert_s:.2f} s)")
    print(f"parse + upsert:      {count / (parse_s + upsert_s):10,.0f} papers/s")
    print(f"rows written, first ingest: {first.rows_written:,}")
    print(
        f"rows written, re-ingest of the same data: {again.rows_written} "
        f"({writes(queries.captured_queries)} write statements)"
    )


if __name__ == "__main__":
    main()
