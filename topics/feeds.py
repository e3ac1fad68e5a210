"""Per-topic RSS and Atom feeds: the feed readers of daily digests keep asking for."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from papers.feeds import PublishedPapersFeed
from topics.models import Topic


class TopicRssFeed(PublishedPapersFeed):
    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic.objects.active(), slug=slug)

    def title(self, obj: Topic) -> str:
        return f"arxdaily · {obj.name_zh} / {obj.name_en}"

    def link(self, obj: Topic) -> str:
        return reverse("topics:detail", kwargs={"slug": obj.slug})

    def description(self, obj: Topic) -> str:
        return obj.description or obj.name_en


class TopicAtomFeed(TopicRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)
