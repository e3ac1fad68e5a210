"""The served OpenAPI document is valid, and a property-based run finds no server errors."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from public.api import api
from tests.api.conftest import DAY, page_published, paper_listed
from tests.factories import InstitutionFactory, PaperAuthorFactory, TopicFactory


def test_served_openapi_document_is_valid(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on any violation of the OpenAPI specification
    assert set(document["paths"]) >= {
        "/api/v1/topics",
        "/api/v1/topics/{slug}/days",
        "/api/v1/topics/{slug}/days/{announce_date}",
        "/api/v1/days",
        "/api/v1/days/latest",
        "/api/v1/days/{announce_date}",
        "/api/v1/papers",
        "/api/v1/papers/{arxiv_id}",
    }
    errors = document["paths"]["/api/v1/papers"]["get"]["responses"]
    assert errors["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


@pytest.fixture
def live_api(live_server, transactional_db, settings):
    """A loopback server with one published day, and no rate limit to trip the run."""
    settings.API_ANON_RATE = ""
    topic = TopicFactory(slug="llm")
    page_published(topic)
    for arxiv_id in ("2604.90001", "hep-th/9901001"):
        paper = paper_listed(topic, arxiv_id=arxiv_id, title_zh_human="人工标题")
        PaperAuthorFactory(paper=paper)
        paper.paper_institutions.create(institution=InstitutionFactory())
    return live_server


# The same document /api/v1/openapi.json serves (checked above); loaded at collection time
# because schemathesis' fixture-based loader does not run under pytest 9.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=30,  # per operation and mode: the whole run stays well under a minute
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples every run, so a failure reproduces
    database=None,
)
def test_property_based_run_finds_no_server_errors(case, live_api):
    case.call_and_validate(base_url=live_api.url)


def test_live_server_returns_the_published_day(live_api):
    body = requests.get(f"{live_api.url}/api/v1/days/{DAY}", timeout=10).json()

    assert body["topics"][0]["topic"]["slug"] == "llm"
    assert body["topics"][0]["paper_count"] == 2
