"""What a page tells programs that read its head: absolute addresses for link previews and
citation tags, which chat apps and Zotero fetch outside any request of ours."""

from django import template

from public.links import site_link

register = template.Library()


@register.simple_tag
def absolute_url(path: str) -> str:
    """`path` ("/papers/2604.00001/") on the public address (public.links.site_link)."""
    return site_link(path)
