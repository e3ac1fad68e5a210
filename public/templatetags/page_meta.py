"""What a page tells programs that read its head: absolute addresses for link previews and
citation tags, which chat apps and Zotero fetch outside any request of ours."""

from django import template
from django.conf import settings
from django.utils.encoding import iri_to_uri

register = template.Library()


@register.simple_tag
def absolute_url(path: str) -> str:
    """`path` ("/papers/2604.00001/") on the public address, settings.SITE_URL."""
    return settings.SITE_URL + iri_to_uri(path)
