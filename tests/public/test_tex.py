"""Issue 19, kind 1: where the math is in text is decided on the server (public.tex), so prose
dollars, `\\$` and unbalanced delimiters are never typeset, and the HTML holds nothing else."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from public.tex import Segment, tex_html, tex_split


def math(value: str, display: bool = False) -> Segment:
    return Segment("math", value, display)


def text(value: str) -> Segment:
    return Segment("text", value)


@pytest.mark.parametrize(
    ("source", "segments"),
    [
        ("$x<y$", [math("x<y")]),
        ("We bound $O(n^2)$.", [text("We bound "), math("O(n^2)"), text(".")]),
        ("It costs $5 and $10.", [text("It costs $5 and $10.")]),
        ("from $5-$10 a month", [text("from $5-$10 a month")]),
        ("US\\$5 per call", [text("US$5 per call")]),
        ("\\$5 and \\$10", [text("$5 and $10")]),
        ("pay $5 for $x$", [text("pay $5 for "), math("x")]),
        ("$x", [text("$x")]),
        ("a $x$ b $y", [text("a "), math("x"), text(" b $y")]),
        ("$ x$", [text("$ x$")]),
        ("$\\$5$", [math("\\$5")]),
        ("$$\\sum_i x_i$$", [math("\\sum_i x_i", display=True)]),
        ("$$ unclosed", [text("$$ unclosed")]),
        ("\\(a\\) and \\[b\\]", [math("a"), text(" and "), math("b", display=True)]),
        ("\\(open", [text("\\(open")]),
        ("line\\\\$x$", [text("line\\\\"), math("x")]),
        ("成本从 $5 到 $10；$x$ 未变", [text("成本从 $5 到 $10；"), math("x"), text(" 未变")]),
        ("我们研究$x<y$的情形", [text("我们研究"), math("x<y"), text("的情形")]),
    ],
)
def test_split(source, segments):
    assert tex_split(source) == segments


def test_html_escapes_text_and_formulas():
    assert tex_html("<b>$a<b>c$</b> \\$5") == (
        '&lt;b&gt;<span class="math">a&lt;b&gt;c</span>&lt;/b&gt; $5'
    )


prose = st.lists(
    st.one_of(
        st.from_regex(r"\$\d{1,6}(,\d{3})?(\.\d\d)?( million)?", fullmatch=True),
        st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True),
        st.sampled_from(["and", "to", "-", "/", "US\\$3", "(", ")"]),
    ),
    max_size=20,
).map(" ".join)


@given(prose)
def test_prose_dollar_amounts_are_never_math(source):
    assert all(segment.kind == "text" for segment in tex_split(source))


# Delimiters often, anything else now and then (what lxml can parse: controls are the feeds'
# and the admin's business, see test_output_boundaries).
tex_like = st.text(
    st.one_of(
        st.sampled_from(list("$$$\\\\()[]{} x1<>&")),
        st.characters(exclude_categories=("Cs", "Cc", "Cn")),
    ),
    max_size=60,
)


@given(tex_like)
def test_any_text_becomes_text_and_math_spans_only(source):
    root = lxml_html.fragment_fromstring(tex_html(source) or "", create_parent="div")

    elements = list(root.iterdescendants())
    assert all(el.tag == "span" and el.get("class") in ("math", "math display") for el in elements)
    assert all(len(el) == 0 for el in elements)  # a formula holds text only
    formulas = [segment.value for segment in tex_split(source) if segment.kind == "math"]
    assert [el.text for el in elements] == formulas
