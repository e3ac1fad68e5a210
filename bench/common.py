"""What every benchmark shares: Django set-up on the bench database, one result row type, and
for benchmarks of the real stack their child steps, databases and gunicorn."""

import argparse
import dataclasses
import json
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def django_setup() -> None:
    """Point Django at the bench database (created and migrated if missing)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arxdaily.settings.bench")
    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    name = settings.DATABASES["default"]["NAME"]
    host = settings.DATABASES["default"].get("HOST") or "127.0.0.1"
    with psycopg.connect(host=host, dbname="postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_taxonomy", verbosity=0)


@dataclass
class Result:
    """One row of the table: `higher_is_better` tells how measured compares with target."""

    name: str
    target: float
    measured: float
    unit: str
    higher_is_better: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        """How far the measurement beats the target (≥ 1 passes); a zero target met exactly,
        e.g. 0 rows written where 0 are allowed, is 1."""
        good, bad = (
            (self.measured, self.target) if self.higher_is_better else (self.target, self.measured)
        )
        if not bad:
            return 1.0 if not good else float("inf")
        return good / bad

    @property
    def passed(self) -> bool:
        return self.ratio >= 1.0

    @property
    def target_text(self) -> str:
        sign = "≥" if self.higher_is_better else "≤"
        return f"{sign} {self.target:g} {self.unit}".strip()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_papers_delete(*, arxiv_id_prefix: str) -> None:
    """Drop a benchmark's own papers and the rows pointing at them, so the shared bench
    database (and the synthetic papers of other benchmarks) is left as it was.

    Raw SQL on the papers' ids: the ORM's cascade would load every paper into memory first.
    Then VACUUM ANALYZE: autovacuum is off on this machine's PostgreSQL, and the dead rows
    would otherwise pile up run after run and slow every later index scan on these tables.
    """
    from django.db import connection, transaction

    from papers.models import Paper

    relations = [r for r in Paper._meta.related_objects if r.one_to_many or r.one_to_one]
    tables = [r.related_model._meta.db_table for r in relations] + [Paper._meta.db_table]
    ids = list(
        Paper.objects.filter(arxiv_id__startswith=arxiv_id_prefix).values_list("pk", flat=True)
    )
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for relation in relations:
            table, column = relation.related_model._meta.db_table, relation.field.column
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])  # noqa: S608
        cursor.execute(f"DELETE FROM {Paper._meta.db_table} WHERE id = ANY(%s)", [ids])  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


# --- Benchmarks of the real stack: Django in child processes, gunicorn on loopback ---------

ROOT = Path(__file__).resolve().parent.parent
STEP_TIMEOUT = 120  # seconds, for each child step


def django_child_setup() -> None:
    """Django in a child step, with the environment its parent gave it."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def database_recreate(name: str) -> None:
    """A benchmark's own empty PostgreSQL database (dropped first if it exists)."""
    import psycopg

    with psycopg.connect("postgresql://root@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")


def step_run(module: str, name: str, *, env: dict[str, str], **kwargs) -> dict:
    """Run `python -m module --step name --args JSON` with the benchmark's environment `env`;
    the JSON its last line of output prints."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--step", name, "--args", json.dumps(kwargs)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{module} step {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def http_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def gunicorn_start(*, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    """gunicorn serving the project on 127.0.0.1:`port` with `env`, once /healthz answers."""
    command = [sys.executable, "-m", "gunicorn", "arxdaily.wsgi", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,  # its own process group: stopped with all its workers
    )
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            http_get(f"http://127.0.0.1:{port}/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    gunicorn_stop(server)
    raise RuntimeError("gunicorn did not start")


def gunicorn_stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def production_env(*, database: str, redis_url: str) -> dict[str, str]:
    """The environment of a benchmark's Django children and gunicorn: production settings on
    the benchmark's own database and Redis db, plain HTTP on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "arxdaily.settings.production",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{database}",
        "REDIS_URL": redis_url,
        "ARXDAILY_SITE_URL": "http://127.0.0.1",  # required in production; unused here
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "WARNING",
    }


def steps_main(*, doc: str, steps: dict, measure, results, options: dict[str, int]) -> None:
    """The command line of a benchmark with child steps: `--step NAME --args JSON` runs one
    step and prints its JSON answer; otherwise `measure(**options)` (each `--name N`, with
    `options` the defaults) and its figures and results are printed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--step", choices=steps)
    parser.add_argument("--args", default="{}")
    parser.add_argument("--json", action="store_true", help="print only the rows, as JSON")
    for name, default in options.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    given = vars(parser.parse_args())
    step, args, rows_only = given.pop("step"), given.pop("args"), given.pop("json")
    if step:
        print(json.dumps(steps[step](**json.loads(args))))
        return
    figures = measure(**given)
    if rows_only:
        print(json.dumps([dataclasses.asdict(result) for result in results(figures)]))
        return
    print(json.dumps({k: v for k, v in figures.items() if k != "path"}, indent=2))
    for result in results(figures):
        print(
            f"{result.name}: {result.measured:.3g} {result.unit} (target {result.target_text})"
            f" {'pass' if result.passed else 'FAIL'} - {result.note}"
        )
