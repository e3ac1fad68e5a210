"""Reading BibTeX back as a reference manager would: bibtexparser (PyPI) splits the file into
entries and fields and a list of names into names; pylatexenc (bibtexparser's own LaTeX
decoder) turns each value's LaTeX into text, formulas kept as written."""

import bibtexparser
from bibtexparser.middlewares.names import split_multiple_persons_names
from pylatexenc.latex2text import LatexNodes2Text

_latex = LatexNodes2Text(math_mode="verbatim")


def bibtex_read(text: str) -> list[dict]:
    """Each entry as {"key", "type", field: raw value, …, "authors": [decoded names],
    "title_text": the decoded title}; fails on any block the parser could not read."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    entries = []
    for entry in library.entries:
        fields = {field.key: field.value for field in entry.fields}
        names = split_multiple_persons_names(fields.get("author", ""))
        fields["authors"] = [_latex.latex_to_text(name) for name in names if name]
        fields["title_text"] = _latex.latex_to_text(fields["title"])
        entries.append({"key": entry.key, "type": entry.entry_type, **fields})
    return entries
