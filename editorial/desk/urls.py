"""The triage desk's URLs (namespace `desk`), under /admin/desk/ and behind the admin's login."""

from django.contrib import admin
from django.urls import path

from editorial.desk import views

app_name = "desk"
urlpatterns = [
    path("", admin.site.admin_view(views.desk_start), name="start"),
    path("<slug:slug>/<str:day>/", admin.site.admin_view(views.desk_day), name="day"),
    path(
        "<slug:slug>/<str:day>/<int:pk>/",
        admin.site.admin_view(views.candidate),
        name="candidate",
    ),
    path(
        "<slug:slug>/<str:day>/accept-confident/",
        admin.site.admin_view(views.accept_confident),
        name="accept_confident",
    ),
    path("<slug:slug>/<str:day>/publish/", admin.site.admin_view(views.publish), name="publish"),
]
