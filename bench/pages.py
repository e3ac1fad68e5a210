"""Public page speed: cached page vs a static file of the same size, and uncached latency.

Runs the real stack: production settings, gunicorn, whitenoise, PostgreSQL, Redis, and wrk
(Debian's; scripts/install-wrk.sh). Its own database (BENCH_PAGES_DATABASE_NAME, default
`arxdaily_bench_pages`; the search benchmark keeps a million papers in another) holds one
published topic day of 200 papers and one of 10; its own Redis db (BENCH_PAGES_REDIS_URL).
Measured:

- cached topic-day req/s ÷ req/s of a static file with the page's exact bytes, served by
  whitenoise in the same gunicorn, wrk on loopback (target ≥ 0.8; rounds alternate, medians);
- uncached topic-day latency over HTTP at 200 papers, the cache invalidated before each
  request (target p50 ≤ 40 ms);
- SQL queries of one uncached render (target ≤ 8), at 200 papers and at 10 (must be equal).

`run()` is what `make bench` calls; its process is set up on the search benchmark's database,
so everything that needs Django here runs in a child process (`--step`) with this
benchmark's environment. gunicorn is started and always stopped here.

Usage: .venv/bin/python -m bench.pages [--seconds 4] [--rounds 5] [--samples 40]
"""

import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from bench.common import (
    Result,
    database_recreate,
    django_child_setup,
    gunicorn_start,
    gunicorn_stop,
    http_get,
    production_env,
    step_run,
    steps_main,
)

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
# Its own database (the search benchmark keeps a million papers in another).
BENCH_DB = os.environ.get("BENCH_PAGES_DATABASE_NAME", "arxdaily_bench_pages")
ENV = production_env(
    database=BENCH_DB,
    redis_url=os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/13"),
)
STATIC_COPY = Path("bench") / "same-size.html"  # under STATIC_ROOT
# A worker hears of an invalidation by pub/sub within a millisecond; wait well past that so
# every timed request is a real miss.
AFTER_INVALIDATE = 0.02


# --- child steps: Django on this benchmark's database -------------------------------------


def _topic_day_build(slug: str, papers: int) -> str:
    """One published topic day with `papers` full papers; returns its URL path."""
    from papers.models import PaperVersion
    from tests.factories import SubtopicFactory, TopicFactory
    from tests.site_data import DAY, listed_paper, page_publish

    topic = TopicFactory(slug=slug, name_zh="语言大模型", name_en="LLM")
    subtopic = SubtopicFactory(topic=topic, name_zh="后训练")
    abstract = (
        "As large language models grow in capability and cost, we study distillation "
        "where $x<y$ and $\\mathbb{R}^n$ appear. " * 8
    )
    for n in range(papers):
        paper = listed_paper(
            topic,
            subtopic=subtopic,
            confidence=0.6 + (n % 40) / 100,
            abstract=abstract,
            comments="12 pages, 4 figures",
            title_zh_human="大型语言模型的在线策略蒸馏综述",
            summary_zh_human="本文综述了大型语言模型的在线策略蒸馏方法。" * 3,
            abstract_zh_human="随着大型语言模型在能力和成本上的持续增长。" * 12,
        )
        PaperVersion.objects.create(paper=paper, version=1)
    page_publish(topic)
    return f"/topics/{topic.slug}/{DAY.isoformat()}/"


def _uncached_queries(path: str) -> tuple[int, bytes]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from public.caching import public_cache_version_bump as public_cache_invalidate

    public_cache_invalidate()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), response.content


def step_prepare(papers: int) -> dict:
    """Fresh database with a large and a small topic day; queries of each; the static copy."""
    from django.core.management import call_command

    database_recreate(BENCH_DB)
    django_child_setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test Client count queries with DEBUG off
    large = _topic_day_build("bench-large", papers)
    small = _topic_day_build("bench-small", 10)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have: plans for tables of this size
    queries_small, _ = _uncached_queries(small)
    queries_large, page = _uncached_queries(large)
    # The static file: the page's exact bytes, served by whitenoise (it scans at start-up).
    copy = Path(settings.STATIC_ROOT) / STATIC_COPY
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(page)
    return {
        "path": large,
        "static_url": f"/{settings.STATIC_URL.strip('/')}/{STATIC_COPY.as_posix()}",
        "page_bytes": len(page),
        "queries": queries_large,
        "queries_small": queries_small,
    }


def step_uncached(path: str, samples: int, warmup: int) -> dict:
    """Milliseconds per uncached GET over HTTP, the page cache invalidated before each."""
    django_child_setup()
    from public.caching import public_cache_version_bump as public_cache_invalidate

    timings = []
    for n in range(warmup + samples):
        public_cache_invalidate()
        time.sleep(AFTER_INVALIDATE)
        start = time.perf_counter()
        http_get(BASE + path)
        if n >= warmup:
            timings.append((time.perf_counter() - start) * 1000)
    return {"timings": timings}


STEPS = {"prepare": step_prepare, "uncached": step_uncached}


# --- the parent: gunicorn and wrk, no Django ------------------------------------------------


def _wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def measure(
    *,
    papers: int = 200,
    seconds: int = 4,
    rounds: int = 5,
    samples: int = 40,
    connections: int = 16,
) -> dict:
    """Every figure of this benchmark, as a dict."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: bash scripts/install-wrk.sh")
    prepared = step_run("bench.pages", "prepare", env=ENV, papers=papers)
    workers = 2 * (os.cpu_count() or 1) + 1
    server = gunicorn_start(env=ENV, port=PORT, workers=workers)
    try:
        page_url, static_url = BASE + prepared["path"], BASE + prepared["static_url"]
        # The first GET also fills the cache.
        page, static = http_get(page_url), http_get(static_url)
        if len(page) != len(static):
            raise RuntimeError(f"static copy has {len(static)} bytes, the page {len(page)}")
        for url in (page_url, static_url):  # every worker has the page in memory and
            _wrk(url, 1, connections)  # its version listener connected
        # Alternate the two and keep medians: wrk shares the two cores with the server.
        cached_runs, static_runs = [], []
        for _ in range(rounds):
            cached_runs.append(_wrk(page_url, seconds, connections))
            static_runs.append(_wrk(static_url, seconds, connections))
        uncached = {"path": prepared["path"], "samples": samples, "warmup": 2 * workers}
        timings = step_run("bench.pages", "uncached", env=ENV, **uncached)["timings"]
    finally:
        gunicorn_stop(server)
    cached, static_rps = statistics.median(cached_runs), statistics.median(static_runs)
    return {
        **prepared,
        "papers": papers,
        "workers": workers,
        "cached_runs": cached_runs,
        "static_runs": static_runs,
        "cached_rps": cached,
        "static_rps": static_rps,
        "ratio": cached / static_rps,
        "uncached_p50_ms": statistics.median(timings),
        "uncached_p90_ms": statistics.quantiles(timings, n=10)[8],
    }


def results(figures: dict) -> list[Result]:
    constant = figures["queries"] == figures["queries_small"]
    return [
        Result(
            "cached topic day ÷ static file (req/s)",
            0.8,
            figures["ratio"],
            "",
            True,
            f"{figures['cached_rps']:.0f} vs {figures['static_rps']:.0f} req/s, "
            f"{figures['page_bytes'] / 1e6:.2f} MB page, {figures['workers']} sync workers",
        ),
        Result(
            f"uncached topic day, {figures['papers']} papers: p50",
            40,
            figures["uncached_p50_ms"],
            "ms",
            False,
            f"p90 {figures['uncached_p90_ms']:.1f} ms, over HTTP",
        ),
        Result(
            f"uncached topic day, {figures['papers']} papers: SQL queries",
            8,
            figures["queries"],
            "",
            False,
            f"{figures['queries_small']} at 10 papers" + ("" if constant else " (NOT constant)"),
        ),
    ]


def run() -> list[Result]:
    """What `make bench` (bench/run.py) calls."""
    return results(measure())


def main() -> None:
    steps_main(
        doc=__doc__,
        steps=STEPS,
        measure=measure,
        results=results,
        options={"papers": 200, "seconds": 4, "rounds": 5, "samples": 40},
    )


if __name__ == "__main__":
    main()
