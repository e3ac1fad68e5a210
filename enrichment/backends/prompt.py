"""The enrichment prompt: one versioned file; changing it means a new file and a new version."""

from functools import cache
from pathlib import Path

from enrichment.backends.base import PaperSource
from enrichment.backends.taxonomy import Taxonomy

# Part of every cache key: bumping it re-enriches every paper on the next run.
PROMPT_VERSION = "v1"
PROMPT_FILE = Path(__file__).parent / f"prompt_{PROMPT_VERSION}.txt"
# What a shrunk prompt (after a context-length refusal) keeps of the front matter: the
# abstract is never cut.
SHRUNK_FIRST_PAGE_CHARS = 1500
SHRUNK_AFFILIATIONS = 20


@cache
def _template() -> str:
    return PROMPT_FILE.read_text(encoding="utf-8")


def system_prompt(taxonomy: Taxonomy) -> str:
    return _template().replace("{{taxonomy}}", taxonomy.prompt_listing())


def user_prompt(source: PaperSource, *, shrink: bool = False) -> str:
    """The paper as plain labelled text; arXiv text is data here, never instructions.

    `shrink` trims the first-page text and the affiliations (for a model whose context the
    full prompt overflowed); title and abstract are always whole.
    """
    first_page, affiliations = source.first_page_text, source.affiliations
    if shrink:
        first_page = first_page[:SHRUNK_FIRST_PAGE_CHARS]
        affiliations = affiliations[:SHRUNK_AFFILIATIONS]
    parts = [
        f"arXiv id: {source.arxiv_id}",
        f"Categories: {', '.join(source.categories)}",
        f"Title: {source.title}",
        f"Abstract: {source.abstract}",
    ]
    if affiliations:
        parts.append("Affiliations given by arXiv:\n" + "\n".join(affiliations))
    if first_page:
        parts.append(f"First page of the PDF (for institutions only):\n{first_page}")
    return "\n\n".join(parts)


def repair_prompt(problems: list[str]) -> str:
    """The one repair request: what was wrong with the reply, one problem a line."""
    listed = "\n".join(f"- {problem[:500]}" for problem in problems[:10])
    return (
        f"Your reply could not be used as it is:\n{listed}\n"
        "Reply again with only the corrected JSON object, following every rule."
    )
