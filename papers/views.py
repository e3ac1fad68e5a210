from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from papers.selectors import latest_announce_date_get
from topics.selectors import area_tree_list


def home(request):
    """Placeholder home until the public site lands: the taxonomy and the latest date."""
    return render(
        request,
        "papers/home.html",
        {"areas": area_tree_list(), "latest_date": latest_announce_date_get()},
    )


def healthz(request):
    """Liveness for the container healthcheck: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return redirect(static("favicon.svg"), permanent=True)
