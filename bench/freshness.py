"""Freshness, end to end: minutes from arXiv's listing going live to a complete draft day.

The loopback fake arXiv serves a 600-paper listing of cs.CL + cs.AI + cs.LG with cross-lists
and replacements (bench/freshness_day.py says what it is built from), full texts included;
the fake LLM answers each paper after 1 s. Real Celery workers (`celery -A arxdaily worker -Q
<queue>`, production settings, the concurrency of docker-compose.yml) run the product's
pipeline on the benchmark's own PostgreSQL database (`arxdaily_bench_freshness`) and Redis
keys (db BENCH_FRESHNESS_REDIS_URL, default /11, prefix `arxdaily-bench-freshness:` for the
app's keys and the broker's queues). arXiv's pace is the product's: ARXIV_MIN_INTERVAL 3 s,
enforced by its shared Redis slot (ingest.sources.http), not by the fake.

When the listing goes live the ingest task is queued as beat queues it (with the listing's
date and the three categories); a monitor process polls the database and reports minutes to:
all papers stored; every paper enriched (Chinese, hits); every paper with a topic hit having
its front matter read (institutions); the draft day complete in the triage desk
(editorial.desk.selectors: every candidate with Chinese text), and complete with every
candidate's front matter. Once the day is enriched, while the front matter goes on, the
enrichment phase alone is run again on copies of the day's papers with one and then two llm
worker processes (papers stored, enrichment queued as ingest queues it). The minimum gap
between any two requests the fake arXiv received (feeds, API, HTML, PDF, from every worker)
is a row too.

Usage: .venv/bin/python -m bench.freshness [--papers 600]   (about 21 minutes for 600: the
front matter of ~316 hit papers at one arXiv request every 3 s is most of it)
"""

import itertools
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import psycopg

from bench.common import ROOT, Result, production_env, step_run, steps_main
from bench.freshness_day import CATEGORIES, LISTING, LabelledAnswers, day_papers
from bench.freshness_steps import STEPS

BENCH_DB = "arxdaily_bench_freshness"
REDIS_URL = os.environ.get("BENCH_FRESHNESS_REDIS_URL", "redis://127.0.0.1:6379/11")
PREFIX = "arxdaily-bench-freshness:"
ENV = production_env(database=BENCH_DB, redis_url=REDIS_URL) | {
    "REDIS_KEY_PREFIX": PREFIX,
    "CELERY_BROKER_KEY_PREFIX": PREFIX,
    "ARXDAILY_LLM_BACKEND": "openai",
    "ARXDAILY_LLM_API_KEY": "bench",
    "ARXDAILY_LLM_DAILY_BUDGET_USD": "1000000",
}
WORK = ROOT / "var" / "bench-freshness"  # the day's files and the workers' logs
LLM_DELAY = 1.0  # seconds the fake LLM takes per answer
# Processes per queue, as docker-compose.yml runs them.
WORKERS = {"arxiv": 1, "llm": 2, "fulltext": 1, "publish": 1, "mail": 1}
TIMEOUT_MINUTES = 45  # the whole run, milestones not reached by then are reported as missed
TARGET_DRAFT_MINUTES = 15
TARGET_INSTITUTIONS_MINUTES = 30
TARGET_SPEEDUP = 1.8  # two llm processes against one: "roughly halve"
MIN_GAP_SECONDS = 3.0


# --- Celery workers ----------------------------------------------------------------------


def worker_start(queue_name: str, concurrency: int, env: dict[str, str]) -> subprocess.Popen:
    """`celery -A arxdaily worker -Q queue_name --concurrency N` in its own process group,
    logging to var/bench-freshness/worker-<queue>-<N>.log."""
    log = open(WORK / f"worker-{queue_name}-{concurrency}.log", "w")  # noqa: SIM115 (the worker's)
    command = [sys.executable, "-m", "celery", "-A", "arxdaily", "worker", "-Q", queue_name]
    command += [f"--concurrency={concurrency}", "--loglevel=INFO", f"-n={queue_name}@freshness"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_path = log.name
    return process


def workers_wait(processes: list[subprocess.Popen], *, seconds: float = 180) -> None:
    """Until every worker has logged that it is ready."""
    deadline = time.monotonic() + seconds
    waiting = list(processes)
    while waiting:
        for process in list(waiting):
            if process.poll() is not None:
                raise RuntimeError(f"worker exited: see {process.log_path}")
            with open(process.log_path) as log:
                if " ready." in log.read():
                    waiting.remove(process)
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers not ready: {[p.log_path for p in waiting]}")
        time.sleep(0.5)


def worker_stop(process: subprocess.Popen, *, kill: bool = False) -> None:
    """Warm shutdown (or SIGKILL with `kill`) of the worker's whole process group."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- the enrichment phase with one and with two llm processes -----------------------------


def _copies_enriched(prefix: str, papers: int, *, seconds: float = 600) -> tuple[float, int]:
    """Poll the database until every copy `<prefix>…` is done or failed; (time.time() then,
    failed count)."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(f"postgresql://root@127.0.0.1:5432/{BENCH_DB}", autocommit=True) as db:
        while time.monotonic() < deadline:
            done, failed = db.execute(
                "SELECT count(*) FILTER (WHERE enrichment_state = 'done'),"
                " count(*) FILTER (WHERE enrichment_state = 'failed')"
                " FROM papers_paper WHERE arxiv_id LIKE %s",
                [f"{prefix}%"],
            ).fetchone()
            if done + failed >= papers:
                return time.time(), failed
            time.sleep(0.25)
    raise RuntimeError(f"copies {prefix} not enriched in {seconds:.0f} s")


def enrichment_compare(env: dict[str, str], llm) -> dict:
    """The enrichment phase alone on copies of the day's papers, with one and with two llm
    worker processes (the workers ready before the papers are queued); minutes, failures and
    LLM calls of each."""
    phases = {}
    for processes, prefix in ((1, "9904."), (2, "9905.")):
        worker = worker_start("llm", processes, env)
        try:
            workers_wait([worker])
            calls = len(llm.requests)
            copied = step_run(
                "bench.freshness", "copies", env=env, prefix=prefix, announce_date=LISTING
            )
            finished, failed = _copies_enriched(prefix, copied["papers"])
        finally:
            worker_stop(worker)
        phases[processes] = {
            "minutes": (finished - copied["queued_at"]) / 60,
            "papers": copied["papers"],
            "failed": failed,
            "calls": len(llm.requests) - calls,
        }
        print(f"   enrichment, {processes} llm process(es): {phases[processes]}", file=sys.stderr)
    return phases


# --- the run -----------------------------------------------------------------------------


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        if line.startswith("{"):
            into.put(json.loads(line))
    into.put({"event": "exit"})


def request_gaps(requests) -> list[float]:
    """Seconds between consecutive arrivals at the fake arXiv, in arrival order."""
    times = sorted(request.at for request in requests)
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def measure(*, papers: int = 600) -> dict:
    from tests.fakes.arxiv_server import FakeArxiv
    from tests.fakes.llm_server import FakeLLM

    # A stopped benchmark still stops its workers (their own sessions) in the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench.freshness: terminated"))
    wall = time.monotonic()
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "day").mkdir(parents=True)
    prepared = step_run(
        "bench.freshness",
        "prepare",
        env=ENV,
        out=str(WORK / "day"),
        papers=papers,
        database=BENCH_DB,
        redis_prefix=PREFIX,
    )
    arxiv = FakeArxiv().start()
    arxiv.listing_serve(WORK / "day")
    arxiv.full_text_files = json.loads((WORK / "day" / "full_texts.json").read_text())
    llm = FakeLLM(delay=LLM_DELAY).start()
    llm.respond = LabelledAnswers(delay=LLM_DELAY, papers=day_papers(papers))
    env = ENV | {
        "ARXIV_RSS_URL": arxiv.rss_url,
        "ARXIV_API_URL": arxiv.api_url,
        "ARXIV_HTML_URL": arxiv.html_url,
        "ARXIV_PDF_URL": arxiv.pdf_url,
        "ARXDAILY_LLM_BASE_URL": llm.base_url,
    }
    workers = {name: worker_start(name, n, env) for name, n in WORKERS.items()}
    monitor = None
    reached, compared = {}, {}
    try:
        workers_wait(list(workers.values()))
        arguments = {"announce_date": LISTING, "categories": CATEGORIES, "papers": papers}
        command = [sys.executable, "-m", "bench.freshness", "--step", "monitor"]
        monitor = subprocess.Popen(
            [*command, "--args", json.dumps(arguments)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        events: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(monitor.stdout, events), daemon=True).start()
        if events.get(timeout=120)["event"] != "ready":
            raise RuntimeError("the monitor did not start")
        live = time.time()  # the listing is live from now on: the fake serves it
        monitor.stdin.write("go\n")
        monitor.stdin.flush()
        deadline = time.monotonic() + TIMEOUT_MINUTES * 60
        while "done" not in reached and time.monotonic() < deadline:
            try:
                event = events.get(timeout=5)
            except queue.Empty:
                continue
            if event["event"] == "exit":
                raise RuntimeError("the monitor exited")
            minutes = (event["at"] - live) / 60
            print(f"   {minutes:5.1f} min {event}", file=sys.stderr, flush=True)
            reached.setdefault(event["event"], {**event, "minutes": minutes})
            if event["event"] == "enriched" and not compared:
                worker_stop(workers.pop("llm"))  # the day is enriched: its queue is free
                compared = enrichment_compare(env, llm)
    finally:
        if monitor is not None:
            monitor.kill()
        for worker in workers.values():
            worker_stop(worker, kill=True)
        arxiv.stop()
        llm.stop()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{PREFIX}*", count=1000):
            client.delete(key)
    gaps = request_gaps(arxiv.requests)
    kinds = {}
    for request in arxiv.requests:
        kind = request.path.strip("/").split("/")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "papers": prepared["papers"],
        "reached": reached,
        "compared": compared,
        "requests": kinds,
        "min_gap_s": min(gaps) if gaps else float("inf"),
        "median_gap_s": statistics.median(gaps) if gaps else float("inf"),
        "llm_calls": len(llm.requests),
        "wall_minutes": (time.monotonic() - wall) / 60,
    }


def _minutes(figures: dict, event: str) -> float:
    """Minutes from the listing going live to `event`, infinity when it was never reached."""
    return figures["reached"].get(event, {}).get("minutes", float("inf"))


def results(figures: dict) -> list[Result]:
    reached, compared = figures["reached"], figures["compared"]
    hits = reached.get("enriched", {}).get("hits", 0)
    done = reached.get("done", {})
    desk = reached.get("desk_institutions", {})
    institutions = reached.get("institutions", {})
    run = f"{figures['papers']} papers; the benchmark's wall time {figures['wall_minutes']:.1f} min"
    stored = _minutes(figures, "stored")
    enrich_minutes = _minutes(figures, "enriched") - stored
    requests = figures["requests"]
    rows = [
        Result(
            "freshness: listing live → all papers stored",
            TARGET_DRAFT_MINUTES,
            stored,
            "min",
            False,
            f"{run}; {requests.get('rss', 0)} feed + {requests.get('api', 0)} API requests "
            "(no own target: part of the enriched draft day's)",
        ),
        Result(
            "freshness: listing live → every paper enriched (Chinese, hits)",
            TARGET_DRAFT_MINUTES,
            _minutes(figures, "enriched"),
            "min",
            False,
            f"enrichment {enrich_minutes:.2f} min after the last paper was stored, "
            f"{WORKERS['llm']} llm processes, fake LLM {LLM_DELAY:g} s per answer; "
            f"{hits} papers with a topic hit",
        ),
        Result(
            "freshness: listing live → draft day complete in the triage desk",
            TARGET_DRAFT_MINUTES,
            _minutes(figures, "desk"),
            "min",
            False,
            f"{reached.get('desk', {}).get('shown', 0)} candidates of every topic, each with "
            "Chinese text (editorial.desk.selectors)",
        ),
        Result(
            "freshness: listing live → institutions of every hit paper",
            TARGET_INSTITUTIONS_MINUTES,
            _minutes(figures, "institutions"),
            "min",
            False,
            f"front matter of {hits} hit papers read, of {institutions.get('settled_all', 0)} "
            f"papers by then (html {requests.get('html', 0)}, pdf {requests.get('pdf', 0)} "
            "requests in the whole run, one each 3 s: arXiv's pace bounds it); "
            f"{done.get('papers_with_institutions', 0)} of the day's papers with institutions",
        ),
        Result(
            "freshness: listing live → triage desk complete with institutions",
            TARGET_INSTITUTIONS_MINUTES,
            _minutes(figures, "desk_institutions"),
            "min",
            False,
            f"{desk.get('with_institutions', 0)} of {desk.get('papers', 0)} candidate papers' "
            "cards name an institution",
        ),
    ]
    one, two = compared.get(1), compared.get(2)
    if one and two:
        rows += [
            Result(
                "freshness: enrichment phase, 2 llm processes vs 1: speed-up",
                TARGET_SPEEDUP,
                one["minutes"] / two["minutes"],
                "×",
                True,
                f"{one['papers']} stored papers: {one['minutes']:.2f} min with 1, "
                f"{two['minutes']:.2f} min with 2 ({one['calls']} / {two['calls']} LLM calls, "
                f"{one['failed']} / {two['failed']} failed); front matter going on meanwhile",
            ),
        ]
    rows.append(
        Result(
            "freshness: smallest gap between arXiv requests, all workers",
            MIN_GAP_SECONDS,
            figures["min_gap_s"],
            "s",
            True,
            f"{sum(requests.values())} requests (feeds, API, HTML, PDF) from the arxiv and "
            f"fulltext workers; median gap {figures['median_gap_s']:.2f} s",
        )
    )
    return rows


def run() -> list[Result]:
    """What `make bench` (bench/run.py) calls."""
    return results(measure())


def main() -> None:
    steps_main(doc=__doc__, steps=STEPS, measure=measure, results=results, options={"papers": 600})


if __name__ == "__main__":
    main()
