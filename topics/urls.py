from django.urls import path

from papers import converters  # noqa: F401  (registers the isodate converter)
from papers.caching import public_page
from topics import views
from topics.feeds import TopicAtomFeed, TopicRssFeed

app_name = "topics"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/rss.xml", public_page(TopicRssFeed()), name="rss"),
    path("<slug:slug>/atom.xml", public_page(TopicAtomFeed()), name="atom"),
    path("<slug:slug>/<isodate:announce_date>/", views.day, name="day"),
]
