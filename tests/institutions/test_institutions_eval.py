"""The floor on the shared full-text fixtures, through the `institutions_eval` command."""

import io

import pytest
from django.core.management import call_command

from ingest.frontmatter.evaluate import institutions_evaluate
from tests.institutions.test_frontmatter import FULLTEXT, needs_fixtures

pytestmark = needs_fixtures


@pytest.fixture(scope="module")
def result():
    return institutions_evaluate(FULLTEXT)


def test_precision_and_recall_hold_the_floor(result):
    assert result.precision >= 0.95
    assert result.recall >= 0.90


def test_never_names_are_never_extracted(result):
    assert [p.never_hit for p in result.papers if p.never_hit] == []


def test_the_garbled_pdf_is_reported_unreadable_and_left_out(result):
    paper = next(p for p in result.papers if p.arxiv_id == "2402.00159")
    assert (paper.state, paper.excluded, paper.matches) == ("unreadable", True, [])


def test_the_no_html_page_is_reported_unavailable(result):
    paper = next(p for p in result.papers if p.arxiv_id == "2601.17668")
    assert paper.state == "unavailable"


def test_chinese_institutions_have_chinese_names(result):
    assert result.chinese_with_name and not result.chinese_without_name


def test_the_command_prints_papers_then_precision_and_recall():
    out = io.StringIO()
    call_command("institutions_eval", str(FULLTEXT), stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("2502.13189 [pdf] found: Moonshot AI") for line in lines)
    precision_line = next(line for line in lines if line.startswith("precision "))
    assert float(precision_line.split()[1]) >= 0.95
    assert lines[-1].startswith("chinese names ")
