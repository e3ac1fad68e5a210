from django.urls import path

from papers import (
    converters,  # noqa: F401  (registers the isodate converter)
    views,
)
from papers.caching import public_page
from papers.feeds import AllPapersFeed

app_name = "papers"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/", views.search, name="search"),
    path("feeds/all.xml", public_page(AllPapersFeed()), name="feed_all"),
    path("papers/<path:arxiv_id>/", views.paper, name="paper"),
    path("<isodate:announce_date>/", views.day, name="day"),
]
