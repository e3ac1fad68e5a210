"""`make bench`: run every benchmark, print one table and write bench/results.md.

Each benchmark module has `run() -> list[Result]`; all load is bounded and stays on loopback.
"""

import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import ROOT, Result, django_setup

BENCHMARKS = [
    "bench.ingest",
    "bench.enrich",
    "bench.pages",
    "bench.search",
    "bench.institutions",
    "bench.desk",
    "bench.curation",
    "bench.freshness",
]
# Waits on arXiv's pace (one request every 3 s) for most of its ~21 minutes, with little CPU:
# it runs beside the others, started first, in its own processes and database.
BESIDE = "bench.freshness"
RESULTS = Path(__file__).with_name("results.md")
# Before/after figures of past fixes, written by hand; appended to every results.md.
NOTES = Path(__file__).with_name("notes.md")


def machine_facts() -> dict[str, str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kib / 1024 / 1024:.1f} GiB",
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
    }


def table(results: list[Result]) -> str:
    rows = [
        "| benchmark | target | measured | ratio | result | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.target_text} | {r.measured:,.4g} {r.unit} | {r.ratio:.2f} "
            f"| {'pass' if r.passed else 'FAIL'} | {r.note} |"
        )
    return "\n".join(rows)


def _beside(name: str, into: list) -> threading.Thread:
    """Run benchmark `name` (one with child steps: bench.common.steps_main) in its own
    process, watched from a thread; its rows, or the error it ended with, go to `into`."""

    def target() -> None:
        out = subprocess.run(
            [sys.executable, "-m", name, "--json"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        if out.returncode != 0:
            into.append(RuntimeError(f"{name} exited with {out.returncode}"))
            return
        rows = json.loads(out.stdout.strip().splitlines()[-1])
        into.extend(Result(**row) for row in rows)

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def main(names: list[str]) -> int:
    django_setup()
    started = time.perf_counter()
    names = names or BENCHMARKS
    beside: list = []
    thread = _beside(BESIDE, beside) if BESIDE in names else None
    if "bench.search" in names:
        # The million papers the search benchmark needs, loaded while the one beside runs, in
        # a child process: its memory must not count in bench.ingest's peak of this process.
        from bench.search import PAPERS

        print("== million-paper load (bench.synth)", file=sys.stderr, flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.synth", f"--papers={PAPERS}"], cwd=ROOT, check=True
        )
        print(f"   {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    results: list[Result] = []
    for name in names:
        if name == BESIDE:
            continue
        start = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        results.extend(importlib.import_module(name).run())
        print(f"   {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    if thread is not None:
        thread.join()
        for item in beside:
            if isinstance(item, Exception):  # the table still gets written, with this row
                print(f"{BESIDE}: {item}", file=sys.stderr, flush=True)
                item = Result(f"{BESIDE} ran to the end", 1, 0, "runs", True, note=str(item))
            results.append(item)
    took = time.perf_counter() - started
    if set(names) == set(BENCHMARKS):
        results.append(
            Result(
                "make bench, every benchmark",
                25,
                took / 60,
                "min",
                higher_is_better=False,
                note="wall time of this run, the million-paper load included if it was needed",
            )
        )
    facts = machine_facts()
    report = table(results)
    print(report)
    RESULTS.write_text(
        "# Benchmark results\n\n"
        + "\n".join(f"- {key}: {value}" for key, value in facts.items())
        + "\n\n"
        + report
        + "\n"
        + (f"\n{NOTES.read_text()}" if NOTES.exists() else "")
    )
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
