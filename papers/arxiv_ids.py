"""arXiv identifiers: the id without version is a paper's key; `vN` is its version.

People write an id in many ways; `arxiv_id_parse` reads them all to the one form arXiv calls
the preferred identifier (https://info.arxiv.org/help/arxiv_identifier_for_services.html):
`2604.00626`, `hep-th/9901001`, and for an old id with a subject class, `math.GT/0309136`,
the archive alone, `math/0309136`.
"""

import re
import unicodedata
from dataclasses import dataclass

# The archives of the scheme used until March 2007 (archive/YYMMNNN).
LEGACY_ARCHIVES = (
    *("acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an"),
    *("chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an"),
    *("gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin"),
    *("nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph"),
    *("solv-int", "supr-con"),
)
_ARCHIVE = "|".join(sorted(LEGACY_ARCHIVES, key=len, reverse=True))
_ID_RE = re.compile(
    # New scheme since 2007: YYMM.NNNN (4 digits until 2014) or YYMM.NNNNN (since 2015).
    r"(?:(?P<new>\d{4}\.\d{4,5})"
    # Legacy: archive[.subject-class]/YYMMNNN, also cited without its slash (hep-th9901001).
    rf"|(?P<archive>{_ARCHIVE})(?:\.[a-z-]+)?/?(?P<number>\d{{7}}))"
    r"(?:v(?P<version>\d+))?",
    re.IGNORECASE,
)
# What may stand around an id as people paste it: a scheme, `arXiv:` (also as part of
# arXiv's DOI, 10.48550/arXiv.<id>), an abs/pdf/html URL (slashes merged by a proxy included),
# and after it a `.pdf`, a trailing slash, a query, a fragment or the category (`[cs.CL]`).
_PREFIX = re.compile(
    r"^(?:oai:arxiv\.org:|arxiv[:\s]\s*"
    r"|(?:https?:/+)?(?:doi\.org/)?10\.48550/arxiv\."
    r"|(?:https?:/+)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|ps)/)",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"(?:\.pdf)?/?(?:[?#].*|\s*\[[a-z.-]+\])?$", re.IGNORECASE)


class InvalidArxivId(ValueError):
    pass


@dataclass(frozen=True)
class ArxivId:
    id: str
    version: int | None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


def arxiv_id_parse(text: str) -> ArxivId:
    """Any written form of an id: bare or versioned, `arXiv:` (any case, full-width colon),
    `oai:arXiv.org:`, arXiv's DOI, abs/pdf/html URLs pasted whole, old ids with or without
    subject class or slash. Raises InvalidArxivId for anything else."""
    value = unicodedata.normalize("NFKC", text).strip()
    value = _SUFFIX.sub("", _PREFIX.sub("", value), count=1)
    match = _ID_RE.fullmatch(value)
    if not match:
        raise InvalidArxivId(f"not an arXiv identifier: {text!r}")
    paper_id = match["new"] or f"{match['archive'].lower()}/{match['number']}"
    version = match["version"]
    return ArxivId(id=paper_id, version=int(version) if version else None)
