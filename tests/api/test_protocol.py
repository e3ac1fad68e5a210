"""What every endpoint shares: the error shape, the Redis-shared rate limit, ETags."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

import public.api_routes
from public.ratelimit import rate_parse
from tests.api.conftest import DAY, NEXT_DAY, page_published

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_index_links_docs_openapi_and_endpoints(client, db):
    body = client.get("/api/v1/").json()

    assert body["docs"] == "/api/v1/docs"
    assert body["openapi"] == "/api/v1/openapi.json"
    assert "/api/v1/papers/{arxiv_id}" in body["endpoints"]


def test_unknown_api_url_answers_in_the_error_shape(client, db):
    response = client.get("/api/v1/nothing/here")

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "no API endpoint /api/v1/nothing/here",
            "detail": None,
        }
    }


def test_server_error_answers_in_the_error_shape_without_internals(client, db, monkeypatch):
    def broken():
        raise RuntimeError("secret connection string")

    monkeypatch.setattr(public.api_routes, "latest_announce_date_get", broken)

    response = client.get("/api/v1/days/latest")

    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "internal server error", "detail": None}
    }


@override_settings(API_ANON_RATE="3/d")
def test_anonymous_clients_get_429_with_retry_after_past_the_rate(client, db):
    statuses = [client.get("/api/v1/topics").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/papers")
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 86400
    assert response.json()["error"] == {
        "code": "rate_limited",
        "message": f"too many requests; retry after {retry_after} s",
        "detail": {"retry_after": retry_after},
    }


@pytest.mark.parametrize(("rate", "parsed"), [("120/m", (120, 60)), ("5/hour", (5, 3600))])
def test_rate_setting_is_parsed(rate, parsed):
    assert rate_parse(rate) == parsed


@pytest.mark.parametrize("rate", ["120", "x/m", "10/fortnight"])
def test_malformed_rate_setting_names_itself(rate):
    with pytest.raises(ImproperlyConfigured, match="API_ANON_RATE"):
        rate_parse(rate)


@override_settings(API_ANON_RATE="2/d")
def test_rate_is_counted_per_client_address(client, db):
    for _ in range(2):
        client.get("/api/v1/topics")

    assert client.get("/api/v1/topics").status_code == 429
    assert client.get("/api/v1/topics", REMOTE_ADDR="192.0.2.7").status_code == 200


@override_settings(API_ANON_RATE="1/d")
def test_signed_in_users_are_not_throttled(client, chief_editor):
    client.force_login(chief_editor)

    assert [client.get("/api/v1/topics").status_code for _ in range(3)] == [200, 200, 200]


@override_settings(API_ANON_RATE="3/d")
def test_the_count_is_shared_with_other_processes_through_redis(client, db):
    """Another process (another gunicorn worker) spends the allowance; this one sees it."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; settings.API_ANON_RATE = '3/d'\n"
        "from django.test import RequestFactory\n"
        "from public.api import AnonRateThrottle\n"
        "request = RequestFactory().get('/api/v1/topics', REMOTE_ADDR='127.0.0.1')\n"
        "print([AnonRateThrottle().allow_request(request) for _ in range(3)])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "arxdaily.settings.test"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip() == "[True, True, True]"
    assert client.get("/api/v1/topics").status_code == 429


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/papers",
        "/api/v1/papers/2604.90001",
        "/api/v1/days",
        f"/api/v1/days/{DAY}",
        f"/api/v1/topics/llm/days/{DAY}",
        "/api/v1/topics/llm/days",
        "/api/v1/topics",
    ],
)
def test_responses_carry_an_etag_and_answer_304_when_unchanged(client, newsroom, url):
    etag = client.get(url)["ETag"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""


def test_etag_changes_when_published_content_changes(client, newsroom):
    before = client.get("/api/v1/papers")["ETag"]
    page_published(newsroom["topic"], day=NEXT_DAY)

    after = client.get("/api/v1/papers", HTTP_IF_NONE_MATCH=before)

    assert after.status_code == 200
    assert after["ETag"] != before
    assert after.json()["count"] == 4
