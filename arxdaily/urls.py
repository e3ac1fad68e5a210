from django.contrib import admin
from django.urls import include, path

from public.api import api, api_not_found
from public.urls import institution_urls, paper_urls, topic_urls

urlpatterns = [
    path("admin/desk/", include("editorial.desk.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("topics/", include(topic_urls)),
    path("institutions/", include(institution_urls)),
    path("subscribe/", include("digests.urls")),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found),
    path("", include(paper_urls)),
]
