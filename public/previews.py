"""Bounded previews of fields without a size limit, for cards, feed items and API lists.

arXiv papers can have thousands of authors (collaborations) and comments of any length. A card,
a feed item and an item of an API list show a preview; the full value is one click away: the
paper page (`card.url`) and the API's paper detail (`/api/v1/papers/<arxiv_id>`). A shared
link's preview (Open Graph, Twitter card) shows one bounded line too.
"""

import re

from django.conf import settings
from django.utils.translation import get_language

AUTHORS_SHOWN = 10
# A preview line of names stops here even if ten names are longer (a hostile or broken name).
AUTHORS_LINE_CHARS = 400
COMMENTS_CHARS = 300
INSTITUTIONS_SHOWN = 10
# Readers' author highlights (static/js/highlights.js) match a card's first names up to here:
# enough for every paper but the large collaborations, whose cards stay a few kilobytes.
AUTHORS_MATCHED = 100


def text_preview(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at the last space before the limit
    (or at the limit when a space is far back) and ended with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;") + "…"


def author_names_split(authors_text: str) -> list[str]:
    """The names of arXiv's one-string author list ("Ada Lovelace, Alan Turing")."""
    return [name.strip() for name in authors_text.split(",") if name.strip()]


def authors_preview(names: list[str]) -> tuple[str, int]:
    """The first AUTHORS_SHOWN names as one bounded line, and how many names it leaves out."""
    shown = names[:AUTHORS_SHOWN]
    return text_preview(", ".join(shown), AUTHORS_LINE_CHARS), len(names) - len(shown)


LINK_PREVIEW_CHARS = 200
_SPACES = re.compile(r"\s+")
_FIRST_SENTENCE = re.compile(r"^.+?[.!?。！？](?=\s|$)")


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def paper_link_preview(card: dict) -> dict[str, str]:
    """What a chat app's link preview shows of a paper card (public.cards): `title` in the
    active language (the published Chinese title on a Chinese page, else arXiv's) and
    `description`, one line of at most LINK_PREVIEW_CHARS: the AI summary (Chinese on a
    Chinese page when published, else English), else the abstract's first sentence."""
    chinese = (get_language() or settings.LANGUAGE_CODE).startswith("zh")
    title = (chinese and card["title_zh"]) or card["title"]
    abstract = _one_line(card["abstract"])
    sentence = _FIRST_SENTENCE.match(abstract)
    summary = (
        (chinese and card["summary_zh"])
        or card["summary_en"]
        or (sentence[0] if sentence else abstract)
    )
    return {
        "title": _one_line(title),
        "description": text_preview(_one_line(summary), LINK_PREVIEW_CHARS),
    }
