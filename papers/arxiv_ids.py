"""arXiv identifiers: the id without version is a paper's key; `vN` is its version."""

import re
from dataclasses import dataclass

# New scheme since 2007: YYMM.NNNN (4 digits until 2014) or YYMM.NNNNN (since 2015).
_NEW = r"\d{4}\.\d{4,5}"
# Legacy scheme: archive[.SUBJECT]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID_RE = re.compile(rf"(?P<id>{_NEW}|{_OLD})(?:v(?P<version>\d+))?$")
# A bare or versioned id and nothing else, for URL and API parameter schemas.
ID_PATTERN = rf"^(?:{_NEW}|{_OLD})(?:v\d+)?$"


class InvalidArxivId(ValueError):
    pass


@dataclass(frozen=True)
class ArxivId:
    id: str
    version: int | None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


def arxiv_id_parse(text: str) -> ArxivId:
    """Parse any form arXiv hands out: bare, versioned, `arXiv:`, `oai:arXiv.org:`, abs URL."""
    value = text.strip()
    for prefix in ("oai:arXiv.org:", "arXiv:", "arxiv:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = re.sub(r"^https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/", "", value)
    value = value.removesuffix(".pdf")
    match = _ID_RE.match(value)
    if not match:
        raise InvalidArxivId(f"not an arXiv identifier: {text!r}")
    version = match.group("version")
    return ArxivId(id=match.group("id"), version=int(version) if version else None)
