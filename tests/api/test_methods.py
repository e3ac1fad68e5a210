"""Every method on every endpoint: HEAD is GET without a body, anything else a 405 in the
API's error shape; errors made outside the API's handlers are in that shape too."""

import pytest
from django.test import override_settings

from public.api import api
from tests.api.conftest import DAY

pytestmark = pytest.mark.django_db

PATH_VALUES = {"{slug}": "llm", "{announce_date}": DAY.isoformat(), "{arxiv_id}": "2604.90001"}


def _urls() -> list[str]:
    """Every endpoint of the OpenAPI document, its path parameters filled in."""
    urls = []
    for path in sorted(api.get_openapi_schema()["paths"]):
        for name, value in PATH_VALUES.items():
            path = path.replace(name, value)
        urls.append(path)
    return urls


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}
    return body["error"]


@pytest.mark.parametrize("url", _urls())
def test_head_is_get_without_a_body(client, newsroom, url):
    get = client.get(url)

    head = client.head(url)

    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert head["ETag"] == get["ETag"]


def test_head_of_an_unknown_paper_is_a_bodiless_404(client, newsroom):
    assert client.get("/api/v1/papers/2604.99999").status_code == 404

    head = client.head("/api/v1/papers/2604.99999")

    assert head.status_code == 404
    assert head.content == b""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("url", _urls())
def test_other_methods_are_405_in_the_error_shape(client, newsroom, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert _error(response) == {
        "code": "method_not_allowed",
        "message": f"{method.upper()} is not allowed here; use GET or HEAD",
        "detail": {"allowed": ["GET", "HEAD"]},
    }


@override_settings(ALLOWED_HOSTS=["arxdaily.example"])
def test_a_request_django_refuses_is_400_in_the_error_shape(client, db):
    response = client.get("/api/v1/topics", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert _error(response) == {"code": "bad_request", "message": "bad request", "detail": None}


def test_pages_outside_the_api_keep_their_html_errors(client, db):
    response = client.post("/api/v2/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
