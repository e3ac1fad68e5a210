"""Front matter from a PDF's first page, with pypdfium2 (PDFium).

Why PDFium and not pdfminer.six, measured on the 15 fixture PDFs (page 1 only, one core):
PDFium read them in 0.10 s in all (3–23 ms a file), pdfminer.six in 1.38 s (30–530 ms); PDFium
keeps each printed line whole and in reading order (pdfminer.six split the rotated arXiv stamp
into one character per line and moved author blocks after the stamp), and it gives each
character's font size, which tells the title from the author lines. Both read the same words.

The page is read as lines with their font size. The header is what comes before the abstract
(or "Keywords", "1 Introduction", the first figure caption, or the first prose paragraph),
without the title (the largest type at the top) and the arXiv stamp. A header line is an
affiliation line when the registry finds an organisation in it or it reads like one; page-1
footnotes count only when they start with a mark and an organisation word ("¹Department of …")
or with "Authors' addresses:". Citations, emails and person names never become lines.
"""

import re
import statistics

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from ingest.frontmatter.notes import note_affiliations
from ingest.frontmatter.types import TEXT_LIMIT, FrontMatter, FrontMatterUnreadable, unique
from papers.institutions import Registry, registry_get
from papers.institutions.splitting import NOTE_START

STAMP = re.compile(r"^arXiv:\s?\d{4}\.\d{4,5}(?:v\d+)?\s*\[[^\]]+\]\s+\d{1,2}\s\w{3}\s\d{4}$")
HEADER_END = re.compile(
    r"^(?:abstract\b|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t\b|keywords\b|key\s?words\b|index terms\b|"
    r"ccs concepts\b|(?:1\.?|I\.)\s+introduction\b|introduction$|figure\s?1\b|fig\.\s?1\b|"
    r"contents$)",
    re.I,
)
MARKS = r"\d{1,2}|[∗*†‡§¶]"
ORG_HEAD = r"(?:Department|Dept\.|School|Faculty|University|Univ\.|Institute|Center|Centre|Laborator\w*|College|Division|Academy)\b"  # noqa: E501
FOOTNOTE = re.compile(rf"(?:^|(?<=\.\s))(?:{MARKS})\s?(?={ORG_HEAD})")
FOOTNOTE_END = re.compile(rf"\.\s+(?=(?:{MARKS})\S)")
SYMBOL_NOTE = re.compile(r"^[∗*†‡§¶‖]+\s?(?=\S)")
MARK_ONLY = re.compile(r"[∗*†‡§¶‖]{1,3}")
NOTE_LINES = 6
ADDRESSES = re.compile(r"^Authors?[’']?\s+address(?:es)?\s*:", re.I)
STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "in",
        "to",
        "a",
        "for",
        "is",
        "on",
        "with",
        "we",
        "that",
        "by",
        "this",
        "are",
        "from",
        "as",
    ]
)
PROSE_WORDS = 12
MAX_HEADER_LINES = 60


def page_lines(content: bytes) -> list[tuple[str, float]]:
    """The first page's lines with the largest font size in each (points). Raises
    FrontMatterUnreadable when the bytes are not a readable PDF."""
    if b"%PDF" not in content[:1024]:
        raise FrontMatterUnreadable("not a PDF file (no %PDF header)")
    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise FrontMatterUnreadable(f"PDF cannot be opened (truncated?): {error}") from error
    try:
        if len(document) == 0:
            raise FrontMatterUnreadable("PDF has no pages")
        page = document[0]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        sizes = [pdfium_raw.FPDFText_GetFontSize(textpage.raw, i) for i in range(len(text))]
        textpage.close()
        page.close()
    except pdfium.PdfiumError as error:
        raise FrontMatterUnreadable(f"PDF page 1 cannot be read: {error}") from error
    finally:
        document.close()
    lines: list[tuple[str, float]] = []
    chars: list[str] = []
    line_sizes: list[float] = []
    for char, size in zip(text + "\n", [*sizes, 0.0], strict=True):
        if char == "\n":
            line = " ".join("".join(chars).replace("\ufffe", "-").split())
            if line:
                lines.append((line, max(line_sizes, default=0.0)))
            chars, line_sizes = [], []
        elif char != "\r":
            chars.append(char)
            if not char.isspace():
                line_sizes.append(size)
    return lines


def text_layer_check(lines: list[tuple[str, float]]) -> None:
    """Raise FrontMatterUnreadable when page 1 has no text layer or a garbled one (letters
    shifted or mapped to the wrong glyphs: English prose without its commonest words)."""
    text = " ".join(line for line, _ in lines)
    if len(text.replace(" ", "")) < 40:
        raise FrontMatterUnreadable("page 1 has no text layer (a scanned PDF needs OCR)")
    words = re.findall(r"[A-Za-z]{2,}", text)
    if len(words) >= 80:
        common = sum(w.casefold() in STOPWORDS for w in words) / len(words)
        if common < 0.02:
            raise FrontMatterUnreadable(
                f"page 1's text layer is garbled ({common:.1%} common English words, "
                "e.g. {!r}); OCR is needed".format(" ".join(words[:6]))
            )


def is_prose(line: str) -> bool:
    """A line of running text: long, and mostly lower-case words (author lists are not)."""
    words = line.split()
    return len(words) >= PROSE_WORDS and sum(w[0].islower() for w in words) * 2 >= len(words)


def header_end(lines: list[str]) -> int:
    """Index of the first line after the header (see the module docstring)."""
    for i, line in enumerate(lines[:MAX_HEADER_LINES]):
        if HEADER_END.match(line):
            return i
        if i > 0 and i + 1 < len(lines) and is_prose(line) and is_prose(lines[i + 1]):
            return i
    return min(len(lines), MAX_HEADER_LINES)


def footnote_lines(lines: list[str], registry: Registry) -> list[str]:
    """Page-1 footnotes that give affiliations: "¹Department of …, University of …" (cut at
    the next mark), symbol footnotes ("†Zhejiang University, a@b.cn", "§Department of …"; a
    mark printed on a line of its own joins the next line; a footnote runs on over lines that
    start with no mark) of which only the sentences stating an affiliation count (never a
    thanks, funding or seminar list, see `notes`), and an ACM "Authors' addresses:"
    paragraph."""
    found: list[str] = []
    lines = marks_joined(lines)
    for i, line in enumerate(lines):
        if ADDRESSES.match(line):
            paragraph = [line]
            for following in lines[i + 1 : i + 8]:
                if re.fullmatch(r"\d+", following) or STAMP.match(following):
                    break
                if NOTE_START.match(following):
                    break  # the permission/copyright block after the addresses
                paragraph.append(following)
            found.append(" ".join(paragraph))
            continue
        if SYMBOL_NOTE.match(line):
            note = [line]
            for following in lines[i + 1 : i + 1 + NOTE_LINES]:
                if SYMBOL_NOTE.match(following) or FOOTNOTE.match(following):
                    break
                if re.fullmatch(r"\d+", following) or STAMP.match(following):
                    break
                note.append(following)
            found.extend(note_affiliations(SYMBOL_NOTE.sub("", " ".join(note)), registry))
            continue
        for start in FOOTNOTE.finditer(line):
            rest = line[start.start() :]
            end = FOOTNOTE_END.search(rest, 2)
            found.extend(note_affiliations((rest[: end.start()] if end else rest), registry))
    return found


def marks_joined(lines: list[str]) -> list[str]:
    """Lines with a footnote mark printed alone ("†", then "Institute for …") joined to the
    line after it."""
    joined: list[str] = []
    for line in lines:
        if joined and MARK_ONLY.fullmatch(joined[-1]):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def is_affiliation(line: str, registry: Registry) -> bool:
    """Whether a header line names an organisation (matched, or read as one)."""
    return bool(registry.organisations_in(line))


def front_matter_from_pdf(content: bytes, *, registry: Registry | None = None) -> FrontMatter:
    """The front matter of a paper's PDF, from page 1 (see the module docstring). `registry`
    (default: `registry_get()`) decides which short header lines name an organisation.
    Raises FrontMatterUnreadable for a truncated or non-PDF file and a missing or garbled
    text layer."""
    registry = registry if registry is not None else registry_get()
    sized = [(line, size) for line, size in page_lines(content) if not STAMP.match(line)]
    text_layer_check(sized)
    affiliations, readable = affiliation_lines(sized, registry)
    return FrontMatter(
        kind="pdf", authors=(), lines=unique(affiliations), text=readable[:TEXT_LIMIT]
    )


def affiliation_lines(sized: list[tuple[str, float]], registry: Registry) -> tuple[list[str], str]:
    """The affiliation lines of a first page read as lines with their font size (the arXiv
    stamp left out), and the front matter as an editor reads it (see the module docstring)."""
    lines = [line for line, _ in sized]
    end = header_end(lines)
    header = sized[:end]
    title_size = max((size for _, size in header[:10]), default=0.0)
    body_size = statistics.median(size for _, size in sized) if sized else 0.0
    candidates = [
        line for line, size in header if not (size >= 0.97 * title_size and size > 1.15 * body_size)
    ]
    footnotes = footnote_lines(lines[end:], registry)
    affiliations = [line for line in candidates if is_affiliation(line, registry)]
    affiliations += [line for line in footnotes if is_affiliation(line, registry)]
    readable = "\n".join(lines[:end] + [f"[footnote] {line}" for line in footnotes])
    return affiliations, readable
