from django.contrib import admin
from django.urls import include, path

from arxdaily.api import api, api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("topics/", include("topics.urls")),
    # --- JSON API (issue 8) ---
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found),
    # ---
    path("", include("papers.urls")),
]
