"""The BibTeX writer (public.bibtex): arXiv's entry form, LaTeX's specials escaped, names kept
whole, UTF-8 kept, and no title or name can leave its field."""

import pytest

from public.bibtex import bibtex_document, bibtex_entry, bibtex_keys, bibtex_name, bibtex_text
from public.citations import Citation
from tests.public.bibtex_reading import bibtex_read


def _citation(**fields) -> Citation:
    values = {
        "arxiv_id": "2604.00001",
        "title": "A study of large language models",
        "authors": ("Ada Lovelace", "Alan Turing"),
        "submitted": None,
        "year": 2026,
        "primary_category": "cs.CL",
        "abs_url": "https://arxiv.org/abs/2604.00001",
        "pdf_url": "https://arxiv.org/pdf/2604.00001v1",
    }
    return Citation(**{**values, **fields})


def test_an_entry_has_arxivs_export_form():
    assert bibtex_entry(_citation(), key="lovelace2026study") == (
        "@misc{lovelace2026study,\n"
        "  title={A study of large language models},\n"
        "  author={Ada Lovelace and Alan Turing},\n"
        "  year={2026},\n"
        "  eprint={2604.00001},\n"
        "  archivePrefix={arXiv},\n"
        "  primaryClass={cs.CL},\n"
        "  url={https://arxiv.org/abs/2604.00001}\n"
        "}\n"
    )


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("R&D", r"R\&D"),
        ("50% off", r"50\% off"),
        ("#1", r"\#1"),
        ("snake_case", r"snake\_case"),
        ("a~b", r"a\textasciitilde{}b"),
        ("x^y", r"x\textasciicircum{}y"),
        ("back\\slash", r"back\textbackslash{}slash"),
        ("\\emph{word}", r"\textbackslash{}emph\{word\}"),
        ("costs $5 and $10", r"costs \$5 and \$10"),
        ("{paired}", r"\{paired\}"),
        ("lone } and { reversed", r"lone \textbraceright{} and \textbraceleft{} reversed"),
        ("line\nbreak  and\ttab", "line break and tab"),
        ("Jürgen 王小明", "Jürgen 王小明"),
    ],
)
def test_text_escapes_latex_specials_and_keeps_utf8(text, written):
    assert bibtex_text(text) == written


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("Bounds for $x_1^2$ & more", r"Bounds for $x_1^2$ \& more"),
        (r"Sets $\{a, b\}$", r"Sets $\{a, b\}$"),
        (r"$\frac{a}{b}$", r"$\frac{a}{b}$"),
        (r"$50\%$ and $a%b$", r"$50\%$ and $a\%b$"),
        (r"$$E=mc^2$$", r"$E=mc^2$"),
        # A formula whose braces do not balance would close the field: it is text.
        (r"$a}b$", r"\$a\textbraceright{}b\$"),
        (r"$\{x$", r"\$\textbackslash{}\textbraceleft{}x\$"),
    ],
)
def test_formulas_stay_tex_when_their_braces_balance(title, written):
    assert bibtex_text(title) == written


def test_names_with_and_or_commas_stay_one_name():
    assert bibtex_name("Ben and Jerry") == "Ben {and} Jerry"
    assert bibtex_name("ACME AND Sons") == "ACME {AND} Sons"
    assert bibtex_name("Lovelace, Ada") == "Lovelace{,} Ada"
    assert bibtex_name("Anderson Sandy") == "Anderson Sandy"


def test_specials_and_non_ascii_names_round_trip_through_a_bibtex_parser():
    title = "Żółć & Ørsted {weird} 50% $x_1$ in 王小明's #1 model_name"
    names = ("Jürgen Müller", "王小明", "Ben and Jerry", "Søren Ørsted-Kierkegaard")
    [entry] = bibtex_read(bibtex_document([_citation(title=title, authors=names)]))
    assert entry["title_text"] == title
    assert entry["authors"] == list(names)
    assert entry["eprint"] == "2604.00001"
    assert entry["archivePrefix"] == "arXiv"
    assert entry["primaryClass"] == "cs.CL"


@pytest.mark.parametrize(
    "title",
    [
        "Evil}, author={Mallory}, note={pwned",
        "Evil}}\n@misc{pwn,\n  title={injected}\n}\n@misc{x, title={",
        '@comment{ @preamble{"\\input{/etc/passwd}"}',
        "$}$ } } } @misc{pwn, title={x}}",
        "\\}\\}@misc{pwn}",
    ],
)
def test_a_hostile_title_cannot_leave_its_field(title):
    hostile = _citation(title=title, authors=("Mallory}, title={x", "Eve and Trudy"))
    entries = bibtex_read(bibtex_document([hostile, _citation(arxiv_id="2604.00002")]))
    assert [entry["eprint"] for entry in entries] == ["2604.00001", "2604.00002"]
    first = entries[0]
    # pylatexenc reads \textbraceright{} as nothing: the lone braces are gone, nothing else.
    assert first["authors"] == ["Mallory, title=x", "Eve and Trudy"]
    assert first["title"].count("{") == first["title"].count("}")
    assert first["title"] == bibtex_text(title)  # the whole title, and only it
    assert "note" not in first and "pwn" not in [entry["key"] for entry in entries]
    assert set(first) >= {"year", "eprint", "archivePrefix", "primaryClass", "url"}


def test_ids_categories_and_keys_keep_only_their_own_characters():
    hostile = _citation(
        arxiv_id="2604.00001}, note={x", primary_category="cs.CL}{", abs_url="https://x/{y}"
    )
    entry = bibtex_entry(hostile, key="k},{")
    assert entry.startswith("@misc{k,\n")
    assert "eprint={2604.00001notex}" in entry
    assert "primaryClass={cs.CL}" in entry and "url={https://x/y}" in entry


def test_keys_follow_arxiv_and_stay_unique_in_a_file():
    citations = [
        _citation(),
        _citation(arxiv_id="2604.00002"),
        _citation(arxiv_id="2604.00003"),
        _citation(title="The Ørsted effect", authors=("Jürgen Müller",), year=2025),
        _citation(title="关于大模型", authors=("王小明",)),
        _citation(title="On a", authors=()),
    ]
    assert bibtex_keys(citations) == [
        "lovelace2026study",
        "lovelace2026studyb",
        "lovelace2026studyc",
        "muller2025orsted",
        "arxiv2026",
        "arxiv2026b",
    ]
    keys = [entry["key"] for entry in bibtex_read(bibtex_document(citations))]
    assert keys == bibtex_keys(citations)
