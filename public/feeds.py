"""RSS and Atom feeds of published papers (django.contrib.syndication)."""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext

from papers.models import Institution
from papers.text import unprintable_strip
from public.previews import author_names_split, authors_preview
from public.search import PaperSearchFilter
from public.selectors import (
    FeedItem,
    PaperQuery,
    feed_items_list,
    institution_public_get,
    search_feed_items_list,
    topic_active_get,
)
from topics.models import Topic

# "<" followed by what an HTML parser would read as the start of a tag or comment.
_TAG_START = re.compile(r"<(?=/?[A-Za-z][A-Za-z0-9-]*[\s/>]|[!?])")


def _printable(value):
    """Strings, also inside lists and dicts, without what XML cannot carry (papers.text)."""
    if isinstance(value, str):
        return unprintable_strip(value)
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    return value


class PrintableFeedMixin:
    """The XML boundary: every value of the feed and its items, whoever wrote it, loses the
    characters XML 1.0 cannot carry before it is written. Django's writer raises on them
    (UnserializableContentError), and a feed that raises is a 500 for every reader."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **_printable(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **_printable(kwargs))


class PrintableRssFeed(PrintableFeedMixin, Rss201rev2Feed):
    pass


class PrintableAtomFeed(PrintableFeedMixin, Atom1Feed):
    pass


def _authors_line(item: FeedItem) -> str:
    """A bounded author line (the paper page lists them all)."""
    names = author_names_split(item.paper.authors_text)
    line, hidden = authors_preview(names)
    if not hidden:
        return line
    return gettext("%(names)s et al. (%(count)s authors)") % {"names": line, "count": len(names)}


class PublishedPapersFeed(Feed):
    """Items are accepted papers of published daily pages, newest day first."""

    feed_type = PrintableRssFeed
    description_template = "feeds/item_description.html"
    item_guid_is_permalink = False

    def items(self, obj) -> list[FeedItem]:
        return feed_items_list(topic=obj)

    def item_title(self, item: FeedItem) -> str:
        title_zh = item.paper.zh("title").public
        title = item.paper.title
        if title_zh:
            title = f"{title_zh} — {title}"
        return self.title_text(title)

    def title_text(self, title: str) -> str:
        """A title as this feed type can show it, whoever wrote it."""
        if issubclass(self.feed_type, Atom1Feed):
            return title  # declared type="text": readers show it as it is
        # RSS leaves open whether a title is text or HTML and many readers render it as HTML:
        # a "<" that could open a tag gets a space, so no reader ever sees markup in it.
        return _TAG_START.sub("< ", title)

    def item_link(self, item: FeedItem) -> str:
        return reverse("papers:paper", kwargs={"arxiv_id": item.paper.arxiv_id})

    def item_guid(self, item: FeedItem) -> str:
        """Stable per listed version: a replacement (v2) is a new item, v1 never changes."""
        version = item.announcement.version if item.announcement else item.paper.version
        return f"arXiv:{item.paper.arxiv_id}v{version}"

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        # The listing date is arXiv's (America/New_York) midnight, never the reader's zone.
        return dt.datetime.combine(
            item.announce_date, dt.time(), tzinfo=ZoneInfo(settings.ARXIV_TIMEZONE)
        )

    def item_author_name(self, item: FeedItem) -> str:
        return _authors_line(item)

    def item_categories(self, item: FeedItem) -> list[str]:
        return item.paper.categories

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["paper_url"] = kwargs["request"].build_absolute_uri(self.item_link(kwargs["item"]))
        context["authors"] = _authors_line(kwargs["item"])
        return context


class AllPapersFeed(PublishedPapersFeed):
    title = "arxdaily · arXiv 每日专题速递"

    def description(self) -> str:
        return gettext("All topics: papers editors accepted on published daily pages.")

    def link(self) -> str:
        return reverse("papers:home")


class TopicRssFeed(PublishedPapersFeed):
    def get_object(self, request, slug: str) -> Topic:
        return topic_active_get(slug=slug)

    def title(self, obj: Topic) -> str:
        return f"arxdaily · {obj.name_zh} / {obj.name_en}"

    def link(self, obj: Topic) -> str:
        return reverse("topics:detail", kwargs={"slug": obj.slug})

    def description(self, obj: Topic) -> str:
        return obj.description or obj.name


class TopicAtomFeed(TopicRssFeed):
    feed_type = PrintableAtomFeed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)


class InstitutionRssFeed(PublishedPapersFeed):
    """A matched institution's published papers (unmatched names have no feed: 404)."""

    def get_object(self, request, pk: int) -> Institution:
        return institution_public_get(pk=pk)

    def items(self, obj: Institution) -> list[FeedItem]:
        return feed_items_list(institution=obj)

    def title(self, obj: Institution) -> str:
        names = " / ".join(name for name in (obj.name_zh_public, obj.name) if name)
        return f"arxdaily · {names}"

    def link(self, obj: Institution) -> str:
        return reverse("institutions:detail", kwargs={"pk": obj.pk})

    def description(self, obj: Institution) -> str:
        return f"Papers from {obj.name} on published arxdaily pages."


class InstitutionAtomFeed(InstitutionRssFeed):
    feed_type = PrintableAtomFeed

    def subtitle(self, obj: Institution) -> str:
        return self.description(obj)


SEARCH_FEED_SIZE = 50


class SearchInvalid(Exception):
    """A search feed's parameters cannot be answered; the message says why (a 400)."""


@dataclass(frozen=True)
class SearchFeedSubject:
    """A valid search: its query, its title in words, its URL parameters (without `page`)."""

    query: PaperQuery
    title: str
    query_string: str


class SearchRssFeed(PublishedPapersFeed):
    """Any search of /search/ as a feed: the same GET parameters, validated by the same form
    (PaperSearchFilter), answered by the same selector (paper_search_results).

    Items: the first SEARCH_FEED_SIZE (50) results in the result pages' order (newest
    submission first, papers titled exactly as the words first of all), i.e. result pages 1
    to 3 of 20; `page` is ignored. Invalid parameters, or none at all (/feeds/all.xml is
    every topic's feed), answer 400 with a plain-text reason.
    """

    url_name = "papers:search_rss"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except SearchInvalid as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    def get_object(self, request) -> SearchFeedSubject:
        filterset = PaperSearchFilter(request.GET)
        if not filterset.is_valid():
            heading = gettext("Invalid search parameters:")
            raise SearchInvalid(f"{heading}\n{filterset.form.errors.as_text()}\n")
        if not filterset.has_criteria:
            raise SearchInvalid(
                gettext(
                    "A search feed needs words or a filter, as /search/ takes them; "
                    "/feeds/all.xml has every topic."
                )
                + "\n"
            )
        return SearchFeedSubject(
            query=filterset.paper_query(),
            title=filterset.query_title(),
            query_string=filterset.query_string(),
        )

    def items(self, obj: SearchFeedSubject) -> list[FeedItem]:
        return search_feed_items_list(query=obj.query, limit=SEARCH_FEED_SIZE)

    def title(self, obj: SearchFeedSubject) -> str:
        return self.title_text(f"arxdaily · {obj.title}")

    def link(self, obj: SearchFeedSubject) -> str:
        return f"{reverse('papers:search')}?{obj.query_string}"

    def feed_url(self, obj: SearchFeedSubject) -> str:
        return f"{reverse(self.url_name)}?{obj.query_string}"

    def description(self, obj: SearchFeedSubject) -> str:
        return gettext("Published arxdaily papers matching this search, newest submission first.")


class SearchAtomFeed(SearchRssFeed):
    feed_type = PrintableAtomFeed
    url_name = "papers:search_atom"

    def subtitle(self, obj: SearchFeedSubject) -> str:
        return self.description(obj)
