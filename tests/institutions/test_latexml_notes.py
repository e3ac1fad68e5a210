"""arXiv's current HTML (LaTeXML 0.8.8) puts affiliations where older versions did not: in
author notes (`\\thanks` as plain text), footnotes inside the name, `\\date{}`, NeurIPS
`\\And` blocks, and raw text of a Springer template LaTeXML could not read. Each snippet was
written for this test from how LaTeXML renders such sources; none is copied from a paper."""

import pytest

from ingest.frontmatter.html import front_matter_from_html
from ingest.frontmatter.institutions import front_matter_institutions
from ingest.frontmatter.notes import note_affiliations
from papers.institutions import Registry, registry_get


def page(authors: str, before_title: str = "", after: str = "") -> bytes:
    return f"""<html><head><meta charset="utf-8"></head><body>
<article class="ltx_document">{before_title}
<h1 class="ltx_title ltx_title_document">A Study of Things</h1>
<div class="ltx_authors">{authors}</div>{after}
<div class="ltx_abstract"><p>We thank Harvard University. Guo et al. [12]</p></div>
</article></body></html>""".encode()


def creator(name: str, notes: str = "") -> str:
    return (
        f'<span class="ltx_creator ltx_role_author"><span class="ltx_personname">{name}'
        f"</span>{notes}</span>"
    )


FOOTNOTE_IN_NAME = creator(
    'Hana Sato<span class="ltx_note ltx_role_footnote"><sup class="ltx_note_mark">1</sup>'
    '<span class="ltx_note_outer"><span class="ltx_note_content"><sup class="ltx_note_mark">1'
    '</sup><span class="ltx_tag ltx_tag_note">1</span>hsato@econ.kyoto-u.ac.jp, Graduate School '
    "of Economics, Kyoto University, Kyoto, Japan</span></span></span>"
)
THANKS_WITH_GRANT = creator(
    "Ann Lee",
    '<span class="ltx_author_notes">Department of Mathematics, Drexel University, PA 19104, '
    'USA (<span class="ltx_text ltx_font_typewriter">al@drexel.edu</span>) Research supported '
    'in part by the NSF grant DMS-0000001.)<span class="ltx_contact ltx_role_affiliation">'
    "</span></span>",
)
ADDRESS_AND_EMAIL = creator(
    "Taro Kato",
    '<span class="ltx_author_notes">School of Commerce, Keio University, 2-15-45 Mita, '
    'Minato-ku, Tokyo 108-8345, Japan. Email: <a href="mailto:t@keio.jp">t@keio.jp</a>.</span>',
)
IEEE_NOTE = creator(
    "Wei Zhang, Li Wang*, Bo Chen",
    '<span class="ltx_author_notes">This work is supported by the National Natural Science '
    "Foundation of China under Grant No. 62000000. (Corresponding Author: Li Wang) The "
    "authors are with the Department of Automation, State Key Laboratory of Intelligent "
    "Technology and Systems, Zhejiang University, Hangzhou 310027, China.</span>",
)
NEURIPS = creator(
    'Eva Braun<br class="ltx_break"/>ELLIS Institute Tübingen &amp;<br class="ltx_break"/>'
    'Max-Planck Institute for Intelligent Systems,<br class="ltx_break"/>Tübingen AI Center'
    '<br class="ltx_break"/><span class="ltx_text">eva@tue.ellis.eu</span>'
    '<br class="ltx_break"/>&amp;Yi Lin<br class="ltx_break"/>Electrical and Computer '
    'Engineering<br class="ltx_break"/>Carnegie Mellon University<br class="ltx_break"/>'
)
DATES = '<div class="ltx_dates">(Department of Statistics, George Mason University, USA)</div>'
PLAIN_DATES = '<div class="ltx_dates">(First version: October 13, 2025)</div>'
SPRINGER_RAW = (
    '<div class="ltx_para"><p class="ltx_p">[1]<span class="ltx_ERROR undefined">\\fnm</span>'
    'Ann <span class="ltx_ERROR undefined">\\sur</span>Lee\n\n1]<span class="ltx_ERROR '
    'undefined">\\orgdiv</span>Department of Physics, University of Glasgow, Glasgow, United '
    'Kingdom\n2]<span class="ltx_ERROR undefined">\\orgdiv</span>Institute of Physics, '
    '<span class="ltx_ERROR undefined">\\orgname</span>University of Tartu, Tartu, Estonia\n'
    "</p></div>"
)
SPRINGER_AUTHORS = creator(
    '<span class="ltx_ERROR undefined">\\fnm</span>Ann <span class="ltx_ERROR undefined">'
    "\\sur</span>Lee",
    '<span class="ltx_author_notes"><span class="ltx_contact ltx_role_affiliation">[</span></span>',
)

CASES = [
    ("footnote inside the name, after an e-mail", page(FOOTNOTE_IN_NAME), ["Kyoto University"]),
    (
        "thanks note: affiliation, e-mail and a grant",
        page(THANKS_WITH_GRANT),
        ["Drexel University"],
    ),
    ("author note: address then 'Email:'", page(ADDRESS_AND_EMAIL), ["Keio University"]),
    (
        "IEEE: funding sentence, then 'The authors are with'",
        page(IEEE_NOTE),
        ["Zhejiang University"],
    ),
    (
        "NeurIPS \\And block: '&' between authors and between organisations",
        page(NEURIPS),
        [
            "ELLIS Institute Tübingen",
            "Max Planck Institute for Intelligent Systems",
            "Tübingen AI Center",
            "Carnegie Mellon University",
        ],
    ),
    (
        "address in \\date{}",
        page(creator("Ann Lee and Bo Chen"), after=DATES),
        ["George Mason University"],
    ),
    ("a real date in \\date{}", page(creator("Ann Lee"), after=PLAIN_DATES), []),
    (
        "Springer template LaTeXML failed on",
        page(SPRINGER_AUTHORS, before_title=SPRINGER_RAW),
        ["University of Glasgow", "University of Tartu"],
    ),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_get()


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_latexml_088_affiliations(registry, content, expected):
    front = front_matter_from_html(content, registry=registry)
    found = [
        m.organisation.short_name
        for m in front_matter_institutions(front, registry)
        if m.organisation
    ]
    assert found == expected
    assert not any("Harvard" in line or "NSF" in line or "@" in line for line in front.lines)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("We are grateful to seminar participants at Monash University and UCL.", []),
        ("∗The authors thank the University of Aberdeen for the data.", []),
        (
            "Corresponding author, Zhejiang University, a@gmail.com",
            ["Corresponding author, Zhejiang University"],
        ),
        ("Equal contribution. Work done during an internship at Tencent.", []),
        ("GitHub: https://github.com/acme/tool. Hugging Face: https://hf.co/acme", []),
        ("Affiliation: Kyoto University, Japan", ["Affiliation: Kyoto University, Japan"]),
        (
            "Lu Fang and Bo Li are with the School of Management, Fudan University. E-mail: x@y.cn",
            ["School of Management, Fudan University"],
        ),
    ],
)
def test_only_affiliation_sentences_of_a_note(registry, note, expected):
    assert note_affiliations(note, registry) == expected
