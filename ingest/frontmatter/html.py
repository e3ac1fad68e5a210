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
- `ltx_note` footnotes in the author block whose text is an affiliation;
- LaTeXML 0.8.8 (arxiv.org today): an author's `\\thanks` as plain text in `ltx_author_notes`
  (affiliation, e-mail and a grant together; "The authors are with …" after a funding
  sentence) beside empty affiliation spans, and footnotes inside `ltx_personname`: only the
  sentences that state an affiliation are taken (`notes.note_affiliations`);
- NeurIPS/ICLR `\\And` blocks: name, affiliation and e-mail lines in one `ltx_personname`,
  authors joined by a literal "&";
- the address written in `\\date{}` (`ltx_dates` after the author block);
- a Springer (sn-jnl) template LaTeXML failed on: the `\\orgdiv`/`\\orgname` affiliations
  printed as raw text before the title ("1]\\orgdiv Dept…, \\orgname University …").
"""

import re

import lxml.html
from lxml import etree

from ingest.frontmatter.notes import note_affiliations
from ingest.frontmatter.types import (
    TEXT_LIMIT,
    AuthorAffiliations,
    FrontMatter,
    FrontMatterUnavailable,
    FrontMatterUnreadable,
    unique,
)
from papers.institutions import Registry, registry_get

AFFILIATION_ROLES = ("ltx_role_affiliation", "ltx_role_address")
MARK = "\u2063"  # stands for a footnote mark while a name/key line is read (not a space)


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


ADDRESS_WORDS = re.compile(
    r"\b(?:universit\w*|univ\.|institut\w*|college|school|laborator\w*|labs?|cent(?:er|re)|"
    r"academy|department|dept\.|faculty|hospital|foundation|inc\.?|corporation|research|"
    r"observatory|politecnico|polytechni\w*|[ée]cole)\b",
    re.I,
)
NOTE_SKIP = ("ltx_contact", "ltx_note", "ltx_note_mark", "ltx_note_type", "ltx_tag")
# Springer sn-jnl macros LaTeXML left undefined, printed as raw text before the title
ORG_MACRO = re.compile(
    r"\\(?:orgdiv|orgname|orgaddress|street|city|postcode|state|country)(?![a-z])"
)


def is_address_chunk(chunk: str) -> bool:
    """A `<br>` line of a name block that is an affiliation, not a name ("Carnegie Mellon
    University" under "Xinyu Yang"): it names an organisation word and no e-mail."""
    return "@" not in chunk and bool(ADDRESS_WORDS.search(chunk))


def personname_parts(personname) -> tuple[list[str], list[str], list[str]]:
    """Names, key lines and address lines of one `ltx_personname`: a `<br>`-separated chunk
    that starts with a mark is a key line ("¹ UC Berkeley  ² FuriosaAI"); the others hold
    names. When chunks after the first name an organisation (NeurIPS `\\And` blocks), the
    block is read as authors, each a name line ("&" starts the next one) followed by address
    lines (joined with ", ") and an e-mail."""
    chunks = [c.strip() for c in text_of(personname).split("\n") if c.strip()]
    keys = [line for c in chunks if c.startswith(MARK) for line in key_lines(c)]
    chunks = [c for c in chunks if not (c.startswith(MARK) and key_lines(c))]
    if not any(is_address_chunk(c) for c in chunks[1:]):
        return [n for c in chunks if "@" not in c for n in chunk_names(c)], keys, []
    names: list[str] = []
    addresses: list[list[str]] = []
    for index, chunk in enumerate(chunks):
        if index == 0 or chunk.startswith("&"):
            names.extend(chunk_names(chunk))
            addresses.append([])
        elif "@" not in chunk:
            addresses[-1].append(clean(chunk).rstrip(" &"))
    return names, keys, [", ".join(a) for a in addresses if a]


def chunk_names(chunk: str) -> list[str]:
    """The person names of one name line ("Ann Lee¹, Bo Chen² and Yi Lin", "&Yi Lin")."""
    names = []
    for name in re.split(rf"{MARK}|\s{{2,}}|,\s*|&|\band\b", chunk):
        name = clean(name)
        if name and not re.fullmatch(r"[\d,\s*†‡§¶]+", name):
            names.append(name)
    return names


def note_lines(element, registry: Registry) -> list[str]:
    """The affiliation sentences of the footnotes (`ltx_note`) and author notes
    (`ltx_author_notes` text beside its contact spans) inside an element."""
    lines: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if has_class(node, "ltx_note_content"):
            text = text_of(node, skip=("ltx_note_mark", "ltx_note_type", "ltx_tag"))
        elif has_class(node, "ltx_author_notes"):
            text = text_of(node, skip=NOTE_SKIP)
        else:
            continue
        lines.extend(note_affiliations(clean(text.replace("\n", " ")), registry))
    return lines


def dates_lines(document, registry: Registry) -> list[str]:
    """An address written in `\\date{}`: the `ltx_dates` block, when it states one."""
    lines: list[str] = []
    for dates in document.xpath("//*[contains(concat(' ', @class, ' '), ' ltx_dates ')]"):
        text = clean(text_of(dates).replace("\n", " ")).strip("()[] ")
        lines.extend(note_affiliations(text, registry))
    return lines


def springer_lines(document) -> list[str]:
    """Affiliations of a Springer template LaTeXML could not read: the raw "1]\\orgdiv …"
    lines printed in the paragraphs before the title (macros read as separators)."""
    lines: list[str] = []
    for paragraph in document.xpath(
        "//*[contains(concat(' ', @class, ' '), ' ltx_title_document ')]"
        "/preceding-sibling::*[contains(concat(' ', @class, ' '), ' ltx_para ')]"
    ):
        for raw in text_of(paragraph).split("\n"):
            if ORG_MACRO.search(raw):
                text = ORG_MACRO.sub(", ", re.sub(r"^\s*\[?\d*\]", "", raw))
                lines.append(clean(text.replace("{", " ").replace("}", " ")))
    return lines


def front_matter_from_html(content: bytes, *, registry: Registry | None = None) -> FrontMatter:
    """The front matter of an arXiv HTML page. `registry` (default: `registry_get()`) decides
    which sentences of a note name an organisation. Raises FrontMatterUnavailable for arXiv's
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
    registry = registry if registry is not None else registry_get()
    block = blocks[0]
    authors: list[AuthorAffiliations] = []
    lines: list[str] = springer_lines(document)
    for creator in block.xpath(".//*[contains(concat(' ', @class, ' '), ' ltx_role_author ')]"):
        person = creator.xpath(".//*[contains(concat(' ', @class, ' '), ' ltx_personname ')]")
        names, keys, addresses = personname_parts(person[0]) if person else ([], [], [])
        own = [
            line
            for contact in creator.iter()
            if isinstance(contact.tag, str)
            and has_class(contact, "ltx_contact")
            and any(has_class(contact, role) for role in AFFILIATION_ROLES)
            for line in contact_lines(contact)
            if re.search(r"\w", line)
        ]
        own += addresses + note_lines(creator, registry)
        lines.extend(own + keys)
        for name in names or [""]:
            authors.append(AuthorAffiliations(name=name, lines=unique(own)))
    lines.extend(note_lines(block, registry))
    lines.extend(dates_lines(document, registry))
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
