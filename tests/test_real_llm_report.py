"""bench.real_llm's failure and check kinds, from the product's own wording."""

import pytest

from bench.real_llm import check_kind, failure_reasons


@pytest.mark.parametrize(
    ("problem", "kind"),
    [
        ("abstract: numbers missing or changed: 12.5%, 3", "abstract: numbers missing or changed"),
        ("title: not Chinese (3% CJK characters)", "title: not Chinese"),
        (
            "abstract: length 0.10x the English (expected 0.15-1.1x)",
            "abstract: length Nx the English",
        ),
        ("hits: unknown topic slugs: quantum", "hits: unknown topic slugs"),
    ],
)
def test_a_check_kind_leaves_the_particulars_out(problem, kind):
    assert check_kind(problem) == kind


@pytest.mark.parametrize(
    ("error", "reasons"),
    [
        ("", []),
        (
            "unusable answer after one repair: title: not Chinese (0% CJK characters); "
            "summary: copies the English text back",
            ["check: summary: copies the English text back", "check: title: not Chinese"],
        ),
        ("reply cut off at 2048 tokens", ["reply cut off at 2048 tokens"]),
        (
            "invalid answer after one repair: schema violation: 2 validation errors for X\n"
            "hits.0.reason\n  Value error, the reason must be written in Chinese [type=x]\n"
            "hits.3.reason\n  Value error, the reason must be written in Chinese [type=x]",
            ["schema: hits.N.reason: the reason must be written in Chinese"],
        ),
    ],
)
def test_failure_reasons_are_kinds_that_repeat_across_papers(error, reasons):
    assert failure_reasons(error) == reasons
