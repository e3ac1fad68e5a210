"""Search at a million papers: English and Chinese queries, with filters (p95 ≤ 100 ms).

Each request goes through the whole search view (filters, ranking, pagination, template) with
the page cache made stale first, so every figure is a real database search.

    python -m bench.search [--papers 1000000]
"""

import argparse
import statistics
import time

from bench.common import Result, django_setup

PAPERS = 1_000_000
ROUNDS = 10
QUERIES = {
    "English": [
        {"q": "language model"},
        {"q": "reinforcement learning policy", "topic": "reinforcement-learning"},
        {"q": "quantization", "category": "cs.LG", "date_from": "2024-01-01"},
        {"q": "diffusion", "version_update": "on"},
        {"q": "hallucination factuality", "date_from": "2025-01-01", "date_to": "2025-06-30"},
    ],
    "Chinese": [
        {"q": "大语言模型"},
        {"q": "强化学习", "topic": "llm"},
        {"q": "思维链", "category": "cs.CL"},
        {"q": "检索增强生成", "date_from": "2024-01-01", "date_to": "2024-12-31"},
        {"q": "幻觉", "version_update": "on"},
    ],
}


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run(papers: int = PAPERS) -> list[Result]:
    from django.test import Client

    from bench.synth import synth_load
    from public.caching import public_cache_version_bump as public_cache_invalidate

    synth_load(papers=papers)
    client = Client(SERVER_NAME="127.0.0.1")
    results = []
    for language, queries in QUERIES.items():
        samples = []
        for params in queries:
            public_cache_invalidate()
            assert client.get("/search/", params).status_code == 200  # warm-up, plans cached
            for _ in range(ROUNDS):
                public_cache_invalidate()
                start = time.perf_counter()
                response = client.get("/search/", params)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
        results.append(
            Result(
                name=f"search, {language} queries with filters, {papers:,} papers: p95",
                target=100,
                measured=p95(samples),
                unit="ms",
                higher_is_better=False,
                note=f"p50 {statistics.median(samples):.0f} ms over {len(samples)} requests",
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=PAPERS)
    args = parser.parse_args()
    django_setup()
    for result in run(papers=args.papers):
        print(f"{result.name}: {result.measured:.1f} {result.unit} ({result.note})")


if __name__ == "__main__":
    main()
