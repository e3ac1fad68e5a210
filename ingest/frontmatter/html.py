"""Front matter from arXiv's HTML rendering (LaTeXML), read with lxml.

Only the `ltx_authors` block is read, never the body or the bibliography. LaTeXML has written
it in several ways over the years, all handled here:
- one `ltx_creator ltx_role_author` per author: `ltx_personname` with the name, then
  `ltx_author_notes` holding `ltx_contact` spans (`ltx_role_affiliation`, `ltx_role_address`,
  `ltx_role_email`); lines inside a contact are `<br>`-separated;
- acmart-style structured spans (`ltx_affiliation_institution`, `_city`, `_country`, …) with no
  separators between them (joined here with ", ");
- every author and a numbered key ("¹ UC Berkeley ² ICSI") inside ONE `ltx_personname`,
  separated by `<br>`, with `<sup>` marks;
- `ltx_note` footnotes in the author block whose text is an affiliation.
"""

import re

import lxml.html
from lxml import etree

from ingest.frontmatter.types import (
    TEXT_LIMIT,
    AuthorAffiliations,
    FrontMatter,
    FrontMatterUnavailable,
    FrontMatterUnreadable,
    unique,
)

AFFILIATION_ROLES = ("ltx_role_affiliation", "ltx_role_address")
MARK = "\u2063"  # stands for a footnote mark while a name/key line is read (not a space)
ORG_START = re.compile(
    r"^(?:the\s+)?(?:dep(?:ar)?t|universit|univ\b|institut|school|college|laborator|lab\b|"
    r"cent(?:er|re)|faculty|academy|division|affiliat|[A-Z][\w&.\-]*\s+(?:university|institute"
    r"|inc|corp|labs?|research|ai)\b)",
    re.I,
)


def has_class(element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def text_of(element, *, skip=("ltx_note", "ltx_contact_name", "ltx_note_mark")) -> str:
    """Text of an element with `<br>` as line breaks, footnote marks (`<sup>`) as MARK, and
    notes and "Affiliation:" labels left out."""
    parts: list[str] = []

    def walk(node) -> None:
        classes = (node.get("class") or "").split() if isinstance(node.tag, str) else []
        if not isinstance(node.tag, str) or any(c in classes for c in skip):
            pass
        elif node.tag == "br":
            parts.append("\n")
        elif node.tag == "sup":
            parts.append(MARK)
        elif node.tag == "math":
            parts.append(node.get("alttext") or "")
        else:
            parts.append(node.text or "")
            for child in node:
                walk(child)
            if any(c.startswith("ltx_affiliation_") for c in classes):
                parts.append(", ")
        parts.append(node.tail or "")

    parts.append(element.text or "")
    for child in element:
        walk(child)
    return "".join(parts)


def clean(text: str) -> str:
    """One line: marks and runs of spaces (LaTeXML writes EM and no-break spaces) squeezed."""
    text = text.replace(MARK, " ")
    text = re.sub(r"\s*,(?:\s*,)+", ",", " ".join(text.split()))
    return text.strip(" ,;")


def contact_lines(contact) -> list[str]:
    """The lines of one affiliation/address contact; structured spans joined with ", "."""
    raw = text_of(contact)
    if any(has_class(e, "ltx_affiliation_institution") for e in contact.iter()):
        return [clean(raw.replace("\n", ", "))]
    pieces = [clean(p) for p in raw.split("\n")]
    return [", ".join(p for p in pieces if p)]


def key_lines(text: str) -> list[str]:
    """Affiliation entries of a numbered key written in a name block: "¹ UC Berkeley ² ICSI"
    (marks as MARK) → ["UC Berkeley", "ICSI"]."""
    entries = re.split(rf"{MARK}\s*", text)
    return [clean(e) for e in entries if clean(e)]


def personname_parts(personname) -> tuple[list[str], list[str]]:
    """Names and key lines of one `ltx_personname`: a `<br>`-separated chunk that starts with
    a mark is a key line ("¹ UC Berkeley  ² FuriosaAI"); the others hold names."""
    names: list[str] = []
    keys: list[str] = []
    for chunk in text_of(personname).split("\n"):
        stripped = chunk.strip()
        if not stripped:
            continue
        if stripped.startswith(MARK) and len(key_lines(stripped)) >= 1:
            keys.extend(key_lines(stripped))
            continue
        for name in re.split(rf"{MARK}|\s{{2,}}|,\s*|\band\b", chunk):
            name = clean(name)
            if name and not re.fullmatch(r"[\d,\s*†‡§¶]+", name):
                names.append(name)
    return names, keys


def note_lines(authors_block) -> list[str]:
    """Footnotes in the author block that give an affiliation ("¹Department of …")."""
    lines = []
    for note in authors_block.iter():
        if isinstance(note.tag, str) and has_class(note, "ltx_note_content"):
            text = clean(text_of(note, skip=("ltx_note_mark", "ltx_note_type", "ltx_tag")))
            if ORG_START.match(text):
                lines.append(text)
    return lines


def front_matter_from_html(content: bytes) -> FrontMatter:
    """The front matter of an arXiv HTML page. Raises FrontMatterUnavailable for arXiv's
    "No HTML for '<id>'" page and FrontMatterUnreadable for a page that is not a LaTeXML
    paper (an error page, an empty or broken file)."""
    if not content.strip():
        raise FrontMatterUnreadable("empty HTML file")
    try:
        document = lxml.html.document_fromstring(content)
    except (etree.ParserError, ValueError) as error:
        raise FrontMatterUnreadable(f"HTML cannot be parsed: {error}") from error
    title = clean(" ".join(document.xpath("//title//text()")))
    page_text = " ".join(" ".join(document.xpath("//body//h1//text()")).split())
    if re.search(r"No HTML for", f"{title} {page_text}"):
        raise FrontMatterUnavailable(f"arXiv has no HTML for this paper ({page_text[:120]})")
    blocks = document.xpath("//*[contains(concat(' ', @class, ' '), ' ltx_authors ')]")
    if not blocks:
        if document.xpath("//*[contains(concat(' ', @class, ' '), ' ltx_document ')]"):
            return FrontMatter(kind="html", authors=(), lines=(), text=title[:TEXT_LIMIT])
        raise FrontMatterUnreadable(f"not a LaTeXML paper page (title: {title[:120]!r})")
    block = blocks[0]
    authors: list[AuthorAffiliations] = []
    lines: list[str] = []
    for creator in block.xpath(".//*[contains(concat(' ', @class, ' '), ' ltx_role_author ')]"):
        person = creator.xpath(".//*[contains(concat(' ', @class, ' '), ' ltx_personname ')]")
        names, keys = personname_parts(person[0]) if person else ([], [])
        own = [
            line
            for contact in creator.iter()
            if isinstance(contact.tag, str)
            and has_class(contact, "ltx_contact")
            and any(has_class(contact, role) for role in AFFILIATION_ROLES)
            for line in contact_lines(contact)
        ]
        lines.extend(own + keys)
        for name in names or [""]:
            authors.append(AuthorAffiliations(name=name, lines=unique(own)))
    lines.extend(note_lines(block))
    titles = document.xpath("//*[contains(concat(' ', @class, ' '), ' ltx_title_document ')]")
    heading = clean(text_of(titles[0])) if titles else title
    readable = text_of(
        block, skip=("ltx_note_mark", "ltx_note_type", "ltx_tag", "ltx_contact_name")
    )
    text = "\n".join([heading, clean(readable.replace("\n", " "))])
    return FrontMatter(
        kind="html",
        authors=tuple(a for a in authors if a.name),
        lines=unique(lines),
        text=text[:TEXT_LIMIT],
    )
