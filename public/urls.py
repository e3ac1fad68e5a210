"""Public URLs in the namespaces templates and the admin reverse: papers, topics, institutions."""

from django.urls import path

from public import (
    converters,  # noqa: F401  (registers the isodate converter)
    views,
)
from public.caching import public_page
from public.feeds import (
    AllPapersFeed,
    InstitutionAtomFeed,
    InstitutionRssFeed,
    SearchAtomFeed,
    SearchRssFeed,
    TopicAtomFeed,
    TopicRssFeed,
)

paper_urls = (
    [
        path("", views.home, name="home"),
        path("healthz", views.healthz, name="healthz"),
        path("favicon.ico", views.favicon, name="favicon"),
        path("search/", views.search, name="search"),
        path("search/rss.xml", public_page(SearchRssFeed()), name="search_rss"),
        path("search/atom.xml", public_page(SearchAtomFeed()), name="search_atom"),
        path("feeds/all.xml", public_page(AllPapersFeed()), name="feed_all"),
        path("feeds/topics.opml", views.topics_opml, name="feed_topics_opml"),
        path("papers/<path:arxiv_id>/", views.paper, name="paper"),
        path("papers/<path:arxiv_id>/bibtex", views.paper_bibtex, name="bibtex"),
        path("<isodate:announce_date>/", views.day, name="day"),
        path("<isodate:announce_date>/bibtex", views.day_bibtex, name="day_bibtex"),
    ],
    "papers",
)
topic_urls = (
    [
        path("<slug:slug>/", views.topic_detail, name="detail"),
        path("<slug:slug>/rss.xml", public_page(TopicRssFeed()), name="rss"),
        path("<slug:slug>/atom.xml", public_page(TopicAtomFeed()), name="atom"),
        path("<slug:slug>/<isodate:announce_date>/", views.topic_day, name="day"),
        path("<slug:slug>/<isodate:announce_date>/bibtex", views.topic_day_bibtex, name="bibtex"),
    ],
    "topics",
)
institution_urls = (
    [
        path("<int:pk>/", views.institution, name="detail"),
        path("<int:pk>/rss.xml", public_page(InstitutionRssFeed()), name="rss"),
        path("<int:pk>/atom.xml", public_page(InstitutionAtomFeed()), name="atom"),
    ],
    "institutions",
)
