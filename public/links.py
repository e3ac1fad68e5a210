"""Absolute addresses on the site's public address, settings.SITE_URL: for what is read
outside any request of ours (link previews, citation tags, e-mail)."""

from django.conf import settings
from django.utils.encoding import iri_to_uri


def site_link(path: str) -> str:
    """`path` ("/papers/2604.00001/", from reverse() or a card's `url`) on SITE_URL."""
    return settings.SITE_URL + iri_to_uri(path)
