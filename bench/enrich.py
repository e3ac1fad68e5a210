"""Enrichment benchmark: throughput against the fake LLM answering after 1 s.

    python -m bench.enrich [--papers 200] [--delay 1.0]

Adds papers of its own (ids 9903.NNNNN, which the synthetic data never uses) to the bench
database, enriches them through the real openai backend against the loopback fake LLM with
the default LLM_CONCURRENCY, then runs again on the unchanged papers. Targets: ≥ 8 papers/s,
0 papers dropped (not done afterwards), 0 LLM calls on the second run. Its papers are deleted
afterwards.
"""

import argparse
import time

from bench.common import Result, bench_papers_delete, django_setup

IDS = "9903."
TARGET_PAPERS_PER_S = 8


def papers_create(count: int) -> None:
    from papers.models import Paper

    Paper.objects.bulk_create(
        Paper(
            arxiv_id=f"{IDS}{n:05d}",
            title=f"Reasoning with large language models, study {n}",
            abstract=f"We study $x_{n} < y$ in large language models. Results improve by {n}%.",
            primary_category="cs.CL",
            categories=["cs.CL", "cs.AI"],
        )
        for n in range(count)
    )


def run(papers: int = 200, delay: float = 1.0) -> list[Result]:
    from django.conf import settings
    from django.test import override_settings

    from enrichment.services import papers_enrich
    from papers.models import Paper
    from tests.fakes.llm_server import FakeLLM

    fake = FakeLLM(delay=delay).start()
    ours = Paper.objects.filter(arxiv_id__startswith=IDS)
    bench_papers_delete(arxiv_id_prefix=IDS)  # left over by an interrupted run
    try:
        with override_settings(
            LLM_BACKEND="openai",
            LLM_BASE_URL=fake.base_url,
            LLM_DAILY_BUDGET_USD=1_000_000.0,
        ):
            papers_create(papers)
            started = time.perf_counter()
            first = papers_enrich(papers=ours.all())
            elapsed = time.perf_counter() - started
            second = papers_enrich(papers=ours.all())
            dropped = ours.exclude(enrichment_state=Paper.EnrichmentState.DONE).count()
            concurrency = settings.LLM_CONCURRENCY
    finally:
        fake.stop()
        bench_papers_delete(arxiv_id_prefix=IDS)
    setup = f"{papers} papers, fake LLM answering after {delay:g} s, LLM_CONCURRENCY {concurrency}"
    return [
        Result(
            "enrichment throughput",
            TARGET_PAPERS_PER_S,
            papers / elapsed,
            "papers/s",
            higher_is_better=True,
            note=f"{setup}; {first.llm_calls} calls, {first.papers_failed} failed",
        ),
        Result("enrichment: papers dropped", 0, dropped, "papers", higher_is_better=False),
        Result(
            "enrichment re-run: LLM calls",
            0,
            second.llm_calls,
            "calls",
            higher_is_better=False,
            note=f"{second.papers_cached} cached",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--delay", type=float, default=1.0, help="fake LLM answer time (s)")
    args = parser.parse_args()
    django_setup()
    from bench.run import table

    print(table(run(args.papers, args.delay)))


if __name__ == "__main__":
    main()
