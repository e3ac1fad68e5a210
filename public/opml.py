"""The OPML 2.0 list of topic feeds (http://opml.org/spec2.opml), for feed readers' import.

Built as an XML tree (lxml), never by formatting strings: names are editors' text, escaped by
the serializer after losing what XML 1.0 cannot carry (papers.text).
"""

from collections.abc import Callable, Iterable

from django.urls import reverse
from lxml import etree

from papers.text import unprintable_strip
from topics.models import Area, Topic


def _both_names(named: Area | Topic) -> str:
    return unprintable_strip(f"{named.name_zh} / {named.name_en}")


def topics_opml_build(*, areas: Iterable[Area], absolute_url: Callable[[str], str]) -> bytes:
    """UTF-8 OPML 2.0: one folder outline per area (as topics.selectors.area_tree_list gives
    them, with their active topics prefetched; an area without one is left out), holding one
    `type="rss"` outline per topic: `text` and `title` its Chinese and English names,
    `xmlUrl` its RSS feed and `htmlUrl` its page, both made absolute by `absolute_url` (a
    path in, a URL out). The topic's Atom feed is at the same place, `atom.xml` for `rss.xml`.
    """
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = "arxdaily · 专题订阅 / topic feeds"
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(opml, "body")
    for area in areas:
        topics = list(area.topics.all())
        if not topics:
            continue
        folder = etree.SubElement(body, "outline", text=_both_names(area))
        for topic in topics:
            name = _both_names(topic)
            etree.SubElement(
                folder,
                "outline",
                type="rss",
                text=name,
                title=name,
                xmlUrl=absolute_url(reverse("topics:rss", kwargs={"slug": topic.slug})),
                htmlUrl=absolute_url(reverse("topics:detail", kwargs={"slug": topic.slug})),
            )
    return etree.tostring(opml, xml_declaration=True, encoding="utf-8", pretty_print=True)
