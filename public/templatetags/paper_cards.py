"""What every paper card needs besides the paper, computed once per language, not per card.

A topic day shows up to a few hundred cards; `{% translate %}` and `{% url %}` in each of them
were most of the page's render time.
"""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
