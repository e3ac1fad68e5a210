"""Enrichment throughput against the fake LLM answering after 1 s (a benchmark, not a test).

    TEST_DATABASE_NAME=test_bench_enrich .venv/bin/python bench/enrich.py [--papers 200]

Creates a throwaway PostgreSQL database (test settings), enriches the papers with the default
LLM_CONCURRENCY, then runs again on the unchanged papers. Prints papers/s (target >= 8),
papers dropped, i.e. not done afterwards (target 0), and LLM calls on the second run
(target 0).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arxdaily.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "test_bench_enrich")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from tests.fakes.llm_server import FakeLLM  # noqa: E402


def papers_create(count: int) -> None:
    from papers.models import Paper
    from topics.services import taxonomy_load

    taxonomy_load()
    Paper.objects.bulk_create(
        Paper(
            arxiv_id=f"2604.{n:05d}",
            title=f"Reasoning with large language models, study {n}",
            abstract=f"We study $x_{n} < y$ in large language models. Results improve by {n}%.",
            primary_category="cs.CL",
            categories=["cs.CL", "cs.AI"],
        )
        for n in range(count)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--delay", type=float, default=1.0, help="fake LLM answer time (s)")
    args = parser.parse_args()

    from papers.enrich.services import papers_enrich
    from papers.models import Paper

    fake = FakeLLM(delay=args.delay).start()
    settings.LLM_BACKEND = "openai"
    settings.LLM_BASE_URL = fake.base_url
    settings.LLM_DAILY_BUDGET_USD = 1_000_000.0
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        papers_create(args.papers)
        started = time.perf_counter()
        first = papers_enrich(papers=Paper.objects.all())
        elapsed = time.perf_counter() - started
        second = papers_enrich(papers=Paper.objects.all())
        dropped = Paper.objects.exclude(enrichment_state=Paper.EnrichmentState.DONE).count()
        print(f"papers:                {args.papers} (fake LLM answers after {args.delay:g} s)")
        print(f"LLM_CONCURRENCY:       {settings.LLM_CONCURRENCY}")
        print(f"first run:             {elapsed:.1f} s, {args.papers / elapsed:.1f} papers/s")
        print(f"first run calls:       {first.llm_calls} ({first.papers_failed} failed)")
        print(f"papers dropped:        {dropped}")
        print(f"calls on second run:   {second.llm_calls} ({second.papers_cached} cached)")
        print(
            f"tokens, cost (run 1):  {first.prompt_tokens}+{first.completion_tokens}, "
            f"${first.cost_usd}"
        )
    finally:
        teardown_databases(old_config, verbosity=0)
        fake.stop()


if __name__ == "__main__":
    main()
