"""Paper cards in a page: their labels computed once per language, not per card, and each
card's HTML cached under a hash of what it shows.

A topic day shows up to a few hundred cards; `{% translate %}` and `{% url %}` in each of them
were most of the page's render time, then the template engine itself on 200 cards.
"""

import hashlib
import pickle
import threading
from collections import OrderedDict
from pathlib import Path

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from public import tex as tex_module
from public.tex import tex_html

register = template.Library()

CARD_LABELS = {
    "version_update": _("version update"),
    "cross_list": _("cross-list"),
    "match": _("match"),
    "institutions": _("Institutions"),
    "as_written": _("As written in the paper; not matched to a registry"),
    "topic_match": _("Topic match"),
    "ai_summary": _("AI summary"),
    "comments": _("Comments"),
    "details": _("Details"),
    "abstract_zh": _("Chinese abstract"),
    "abstract_en": _("English abstract"),
    "more_authors": _("more authors"),
    "read_more": _("read all"),
}
# The machine's reasons for a topic match are Chinese in every UI; other languages say so.
MACHINE_REASON = _("machine, in Chinese")
_by_language: dict[str, dict[str, str]] = {}


@register.simple_tag
def card_labels() -> dict[str, str]:
    """The card's labels in the active language."""
    language = get_language()
    labels = _by_language.get(language)
    if labels is None:
        labels = {key: str(label) for key, label in CARD_LABELS.items()}
        labels["machine_reason"] = "" if language.startswith("zh") else str(MACHINE_REASON)
        _by_language[language] = labels
    return labels


@register.filter
def tex(text: str) -> SafeString:
    """Escaped text with each formula in a `span.math` (public.tex): the HTML boundary of
    every field that may hold math."""
    return tex_html(text or "")


# A card's HTML depends on its dict, the language, and how cards are drawn: a changed paper,
# hit or institution is a new dict, a deploy that changes the card template, the formula
# markup (public.tex) or a label's translation is a new drawing; either way a new key, so
# nothing needs invalidating and old keys expire.
CARD_HTML_SECONDS = 7 * 24 * 3600
# Each process also keeps the HTML of its most recent cards (about 3 kB each): reading a
# topic day's 200 cards (0.6 MB) back from Redis cost more than the rest of the lookup.
LOCAL_CARDS_MAX = 2000
_local_cards: OrderedDict[str, str] = OrderedDict()
_local_lock = threading.Lock()


_drawings: dict[tuple[str, str], bytes] = {}


def _drawing(card, language: str) -> bytes:
    """A digest of what draws a card in `language` besides its dict: the template's source,
    public.tex's source and the labels; computed once per process, template and language."""
    key = (card.origin.name, language)
    if key not in _drawings:
        tex_source = Path(tex_module.__file__).read_bytes()
        labels = sorted(card_labels().items())
        parts = pickle.dumps((card.template.source, tex_source, labels), 5)
        _drawings[key] = hashlib.sha256(parts).digest()
    return _drawings[key]


def _cards_cached(keys: list[str]) -> dict[str, str]:
    """The HTML of those cards already rendered: from this process's copy, then Redis."""
    with _local_lock:
        found = {key: _local_cards[key] for key in keys if key in _local_cards}
        for key in found:
            _local_cards.move_to_end(key)
    missing = [key for key in keys if key not in found]
    if missing:
        fetched = cache.get_many(missing)
        _cards_remember(fetched)
        found.update(fetched)
    return found


def _cards_remember(cards: dict[str, str]) -> None:
    with _local_lock:
        _local_cards.update(cards)
        while len(_local_cards) > LOCAL_CARDS_MAX:
            _local_cards.popitem(last=False)


@register.simple_tag
def paper_cards(papers, detail: bool = False) -> str:
    """Every paper's card (templates/includes/paper_card.html, each paper with its `card`),
    rendered only for cards whose HTML is not cached yet: at most one cache read and one
    write for the page. The template escapes; the cached HTML is its output."""
    card = get_template("includes/paper_card.html")
    language = get_language()
    drawing = _drawing(card, language)
    keys = [
        "card:"
        + hashlib.sha256(pickle.dumps((drawing, language, detail, paper.card), 5)).hexdigest()
        for paper in papers
    ]
    found = _cards_cached(keys)
    rendered = {
        key: card.render({"paper": paper, "detail": detail})
        for key, paper in zip(keys, papers, strict=True)
        if key not in found
    }
    if rendered:
        cache.set_many(rendered, CARD_HTML_SECONDS)
        _cards_remember(rendered)
    return mark_safe("".join(found.get(key) or rendered[key] for key in keys))  # noqa: S308
