"""Public page speed: cached page vs a static file of the same size, and uncached latency.

Runs the real stack: production settings, gunicorn, whitenoise, PostgreSQL, Redis, and wrk
(Debian's; scripts/install-wrk.sh). It builds its own database `arxdaily_bench_pages` with one
published topic day of 200 papers, then prints:

- cached topic-day page req/s, static file (same bytes) req/s, and their ratio (target ≥ 0.8);
- uncached topic-day latency p50/p90 over HTTP at 200 papers (target p50 ≤ 40 ms);
- the number of SQL queries an uncached render makes.

Usage: .venv/bin/python bench/pages.py [--papers 200] [--seconds 10] [--connections 16]
       [--rounds 3] [--samples 50]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
BENCH_DB = "arxdaily_bench_pages"  # its own: the search benchmark keeps a million papers
ENV = {
    "DJANGO_SETTINGS_MODULE": "arxdaily.settings.production",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    "SECURE_SSL_REDIRECT": "False",
    "LOG_LEVEL": "WARNING",
}


def database_create() -> None:
    import psycopg

    with psycopg.connect("postgresql://root@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DB}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args, "-v0"], cwd=ROOT, check=True)


def data_build(papers: int) -> str:
    """One published topic day with `papers` papers; returns its URL path."""
    from papers.models import PaperVersion
    from tests.factories import SubtopicFactory, TopicFactory
    from tests.site_data import DAY, listed_paper, page_publish

    topic = TopicFactory(slug="bench-llm", name_zh="语言大模型", name_en="LLM")
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


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def server_wait() -> None:
    for _ in range(100):
        try:
            get(f"{BASE}/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: bash scripts/install-wrk.sh")

    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    database_create()
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from papers.services import public_cache_invalidate

    path = data_build(options.papers)
    public_cache_invalidate()

    setup_test_environment()
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    query_count = len(queries)

    workers = str(2 * (os.cpu_count() or 1) + 1)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "arxdaily.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    try:
        server_wait()
        page = get(BASE + path)
        # A static file of exactly the page's bytes, served by whitenoise in the same server.
        same_size = Path(settings.STATIC_ROOT) / "bench" / "same-size.html"
        same_size.parent.mkdir(parents=True, exist_ok=True)
        same_size.write_bytes(page)
        server.terminate()
        server.wait()
        server = subprocess.Popen(server.args, cwd=ROOT)
        server_wait()
        static_url = f"{BASE}{settings.STATIC_URL.rstrip('/')}/bench/same-size.html"
        if len(get(static_url)) != len(page):
            raise SystemExit("static copy differs in size")

        get(BASE + path)  # warm the page cache
        # Alternate the two runs and keep medians: wrk shares the CPUs with the server.
        cached_runs, static_runs = [], []
        for _ in range(options.rounds):
            cached_runs.append(wrk(BASE + path, options.seconds, options.connections))
            static_runs.append(wrk(static_url, options.seconds, options.connections))
        cached_rps, static_rps = statistics.median(cached_runs), statistics.median(static_runs)

        timings = []
        for _ in range(options.samples):
            public_cache_invalidate()
            start = time.perf_counter()
            get(BASE + path)
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        server.terminate()
        server.wait()

    deciles = statistics.quantiles(timings, n=10)
    result = {
        "papers": options.papers,
        "page_bytes": len(page),
        "cached_rps": cached_rps,
        "static_rps": static_rps,
        "cached_runs": cached_runs,
        "static_runs": static_runs,
        "cached_to_static": round(cached_rps / static_rps, 3),
        "uncached_p50_ms": round(statistics.median(timings), 1),
        "uncached_p90_ms": round(deciles[8], 1),
        "uncached_queries": query_count,
        "gunicorn_workers": int(workers),
        "wrk_connections": options.connections,
    }
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "pages.json").write_text(json.dumps(result, indent=2))
    print(f"topic day with {options.papers} papers, page {len(page)} bytes")
    print(f"cached page   {cached_rps:10.0f} req/s")
    print(f"static file   {static_rps:10.0f} req/s (same size, whitenoise)")
    print(f"ratio         {result['cached_to_static']:10.3f} (target >= 0.8)")
    print(
        f"uncached p50  {result['uncached_p50_ms']:10.1f} ms (target <= 40), "
        f"p90 {result['uncached_p90_ms']} ms, {query_count} SQL queries"
    )


if __name__ == "__main__":
    main()
