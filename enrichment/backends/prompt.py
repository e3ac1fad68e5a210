"""The enrichment prompt: one versioned file; changing it means a new file and a new version."""

from functools import cache
from pathlib import Path

from enrichment.backends.base import PaperSource
from enrichment.backends.taxonomy import Taxonomy

# Part of every cache key: bumping it re-enriches every paper on the next run.
PROMPT_VERSION = "v1"
PROMPT_FILE = Path(__file__).parent / f"prompt_{PROMPT_VERSION}.txt"


@cache
def _template() -> str:
    return PROMPT_FILE.read_text(encoding="utf-8")


def system_prompt(taxonomy: Taxonomy) -> str:
    return _template().replace("{{taxonomy}}", taxonomy.prompt_listing())


def user_prompt(source: PaperSource) -> str:
    """The paper as plain labelled text; arXiv text is data here, never instructions."""
    parts = [
        f"arXiv id: {source.arxiv_id}",
        f"Categories: {', '.join(source.categories)}",
        f"Title: {source.title}",
        f"Abstract: {source.abstract}",
    ]
    if source.affiliations:
        parts.append("Affiliations given by arXiv:\n" + "\n".join(source.affiliations))
    if source.first_page_text:
        parts.append(f"First page of the PDF (for institutions only):\n{source.first_page_text}")
    return "\n\n".join(parts)


def repair_prompt(error: str) -> str:
    return (
        f"Your reply could not be used: {error[:1500]}\n"
        "Reply again with only the corrected JSON object, following every rule."
    )
