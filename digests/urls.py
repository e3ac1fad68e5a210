"""The readers' subscription pages, namespace `digests`, under /subscribe/."""

from django.urls import path

from digests import views

app_name = "digests"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("requested/", views.requested, name="requested"),
    path("confirm/<slug:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<slug:token>/", views.unsubscribe, name="unsubscribe"),
]
