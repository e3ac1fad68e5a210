"""BibTeX export of published papers, in the form arXiv's own export uses:

    @misc{lovelace2026study,
      title={A study of $x_1$ \\& more},
      author={Ada Lovelace and Alan Turing},
      year={2026},
      eprint={2604.00001},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/2604.00001}
    }

Titles and names come from arXiv and are untrusted: whatever they hold, each stays inside its
own braced field and the file parses to the same entries. A title typesets as the paper page
shows it: formulas (found by public.tex, the page's own rule) stay TeX, everything else is
literal text with LaTeX's specials escaped. BibTeX counts every brace, escaped or not, so a
`{` or `}` is written as `\\{`/`\\}` only when it has its partner in the same text, else as
`\\textbraceleft{}`/`\\textbraceright{}`; a formula whose braces do not balance is text.

Non-ASCII stays UTF-8 (ü, Ø, 王小明): biber and BibTeX ≥ 0.99 read it, LaTeX typesets it
with inputenc/fontspec, arXiv's export does the same, and no accent macro can spell a Chinese
name anyway.
"""

import re
import unicodedata
from collections.abc import Iterable

from public.citations import Citation
from public.tex import tex_split

_TEXT_SPECIALS = {
    "\\": r"\textbackslash{}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LONE_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# In a formula these still mean something else to LaTeX (comment, parameter, alignment, the
# end of math): they are escaped unless already.
_MATH_SPECIALS = "%#&$"
_SPACES = re.compile(r"\s+")
# BibTeX splits an author list at a whole word "and" in any case, and reads "Last, First".
_NAME_AND = re.compile(r"(?<=\s)and(?=\s)", re.IGNORECASE)
# Keys, ids, categories and URLs: arXiv writes them with these characters only.
_PLAIN_UNSAFE = re.compile(r"[^A-Za-z0-9./:-]")
# Latin letters Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_KEY_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "via", "is"}
)


def _brace_partners(text: str) -> set[int]:
    """Positions of the braces in `text` that close or are closed by another one."""
    paired: set[int] = set()
    open_at: list[int] = []
    for position, char in enumerate(text):
        if char == "{":
            open_at.append(position)
        elif char == "}" and open_at:
            paired.update((open_at.pop(), position))
    return paired


def _text_escape(text: str) -> str:
    paired = _brace_partners(text)
    out = []
    for position, char in enumerate(text):
        if char in _LONE_BRACES:
            out.append("\\" + char if position in paired else _LONE_BRACES[char])
        else:
            out.append(_TEXT_SPECIALS.get(char, char))
    return "".join(out)


def _braces_balance(source: str) -> bool:
    depth = 0
    for char in source:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _math_escape(source: str) -> str:
    out = []
    escaped = False
    for char in source:
        out.append("\\" + char if char in _MATH_SPECIALS and not escaped else char)
        escaped = char == "\\" and not escaped
    return "".join(out)


def bibtex_text(text: str) -> str:
    """`text` (a title) as the inside of a braced BibTeX field, on one line: formulas as TeX
    (`$…$`), the rest escaped (see the module's docstring)."""
    parts = []
    for segment in tex_split(_SPACES.sub(" ", text).strip()):
        if segment.kind == "math" and _braces_balance(segment.value):
            parts.append(f"${_math_escape(segment.value)}$")
        elif segment.kind == "math":
            parts.append(_text_escape(f"${segment.value}$"))
        else:
            parts.append(_text_escape(segment.value))
    return "".join(parts)


def bibtex_name(name: str) -> str:
    """One author's name for an `author` list, all literal text: a word "and" or a comma in
    it is braced so BibTeX neither splits the name nor reads it as "Last, First"."""
    escaped = _text_escape(_SPACES.sub(" ", name).strip())
    return _NAME_AND.sub("{\\g<0>}", escaped).replace(",", "{,}")


def _plain(value: str) -> str:
    return _PLAIN_UNSAFE.sub("", value)


def _ascii_word(text: str) -> str:
    """`text` folded to lowercase ASCII letters and digits (Müller → muller, Ørsted →
    orsted); letters without an ASCII form (王) are dropped."""
    spelled = unicodedata.normalize("NFKD", text.lower().translate(_UNDECOMPOSED))
    return re.sub(r"[^a-z0-9]", "", spelled.encode("ascii", "ignore").decode())


def bibtex_key_base(citation: Citation) -> str:
    """arXiv's key: the first author's last name, the year and the title's first word that is
    not a stopword, in lowercase ASCII (`lovelace2026study`); "arxiv" for a name with no
    ASCII letters (王小明)."""
    surname = citation.authors[0].split()[-1] if citation.authors else ""
    words = (_ascii_word(word) for word in _SPACES.split(citation.title))
    first_word = next((word for word in words if word and word not in _KEY_STOPWORDS), "")
    return f"{_ascii_word(surname) or 'arxiv'}{citation.year}{first_word}"


def bibtex_keys(citations: Iterable[Citation]) -> list[str]:
    """A key for each citation, in order, unique among them: a repeated base gets the
    letters b, c, … (then numbers) as arXiv's readers would write by hand."""
    taken: set[str] = set()
    keys = []
    for citation in citations:
        base = bibtex_key_base(citation)
        key, count = base, 1
        while key in taken:
            count += 1
            key = base + (chr(ord("a") + count - 1) if count <= 26 else str(count))
        taken.add(key)
        keys.append(key)
    return keys


def bibtex_entry(citation: Citation, *, key: str) -> str:
    """One `@misc` entry (see the module's docstring), ending in a newline."""
    fields = [("title", bibtex_text(citation.title))]
    if citation.authors:
        fields.append(("author", " and ".join(bibtex_name(name) for name in citation.authors)))
    fields += [
        ("year", str(citation.year)),
        ("eprint", _plain(citation.arxiv_id)),
        ("archivePrefix", "arXiv"),
    ]
    if citation.primary_category:
        fields.append(("primaryClass", _plain(citation.primary_category)))
    fields.append(("url", _plain(citation.abs_url)))
    body = ",\n".join(f"  {name}={{{value}}}" for name, value in fields)
    return f"@misc{{{_plain(key)},\n{body}\n}}\n"


def bibtex_document(citations: list[Citation]) -> str:
    """A .bib file of `citations` in order, with unique keys (UTF-8 text)."""
    keys = bibtex_keys(citations)
    return "\n".join(
        bibtex_entry(citation, key=key) for citation, key in zip(citations, keys, strict=True)
    )
