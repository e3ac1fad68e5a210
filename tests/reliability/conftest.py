"""Figures from the reliability tests: a fixture to record them, a table at the end.

The table is printed, and docs/reliability.md rewritten, only when REPORT=1 (`make
reliability`), so an ordinary `make test` stays quiet.
"""

import os

import pytest

from tests.reliability.figures import AREAS, FIGURES, doc_write, figure_record, table_render


@pytest.fixture
def figure():
    """`figure(area=..., measure=..., measured=..., target=0)` records one row of the table."""
    return figure_record


def pytest_terminal_summary(terminalreporter):
    if os.environ.get("REPORT") != "1" or not FIGURES:
        return
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(table_render(FIGURES))
    missed = sum(not f.ok for f in FIGURES)
    summary = f"{len(FIGURES)} figures, {missed} off target"
    # Only a run that measured every area replaces the kept table.
    if set(AREAS) <= {f.area for f in FIGURES}:
        doc_write(FIGURES)
        summary += "; written to docs/reliability.md"
    terminalreporter.write_line(summary)


@pytest.fixture
def worker(fake_arxiv, fake_llm, transactional_db, tmp_path):
    """A running Celery worker subprocess (tests/reliability/worker.py); its log is in tmp_path."""
    from tests.redis_keys import run_keys_delete
    from tests.reliability.worker import Worker, app_env

    run_keys_delete()  # no task, lock or cache entry of an earlier test
    with (tmp_path / "worker.log").open("w") as log:
        process = Worker(app_env(fake_arxiv=fake_arxiv, fake_llm=fake_llm), log)
        process.start()
        yield process
        process.stop()
