"""Figures from the reliability tests: a fixture to record them, a table at the end.

The table is printed, and docs/reliability.md rewritten, only when REPORT=1 (`make
reliability`), so an ordinary `make test` stays quiet.
"""

import os

import pytest

from tests.reliability.figures import FIGURES, doc_write, figure_record, table_render


@pytest.fixture
def figure():
    """`figure(area=..., measure=..., measured=..., target=0)` records one row of the table."""
    return figure_record


def pytest_terminal_summary(terminalreporter):
    if os.environ.get("REPORT") != "1" or not FIGURES:
        return
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(table_render(FIGURES))
    doc_write(FIGURES)
    missed = sum(not f.ok for f in FIGURES)
    terminalreporter.write_line(
        f"{len(FIGURES)} figures, {missed} off target; written to docs/reliability.md"
    )
