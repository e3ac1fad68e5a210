"""Days with real models: LaTeX written with single backslashes, reasoning models, endpoints
that refuse structured output, and papers that can never succeed."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enrichment.backends.schema import answer_json_schema
from enrichment.services import Outcome, paper_enrich, papers_enrich
from enrichment.tasks import enrich_sweep
from papers.models import Paper
from tests.factories import PaperFactory
from tests.fakes.llm_server import Reply, faithful_answer_json

pytestmark = pytest.mark.django_db

# Real commands whose first letter makes a JSON escape, and any other letter run; `u` and four
# hex digits is a JSON unicode escape and no LaTeX command.
REAL_COMMANDS = ["times", "nabla", "theta", "beta", "frac", "rho", "uparrow", "tau", "bar", "neq"]
commands = st.one_of(
    st.sampled_from(REAL_COMMANDS),
    st.from_regex(r"[A-Za-z]{2,10}", fullmatch=True).filter(
        lambda name: not re.match(r"u[0-9A-Fa-f]{4}", name)
    ),
)


def single_backslashes(request: dict) -> Reply:
    """A model that writes LaTeX inside JSON strings with one backslash, as many do."""
    return Reply(content=faithful_answer_json(request).replace("\\\\", "\\"))


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(commands, min_size=1, max_size=6))
def test_latex_commands_survive_single_backslashes_and_no_control_character_is_stored(
    fake_llm, llm_taxonomy, names
):
    fake_llm.respond = single_backslashes
    spans = [f"$\\{name}{{x}}$" for name in names]
    paper = PaperFactory(abstract=f"We study {' and '.join(spans)} in language models.")
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert outcome.outcome == Outcome.DONE, paper.enrichment_error
    stored = paper.abstract_zh_machine
    assert not re.search(r"[\x00-\x1f]", stored)
    for name in names:
        assert f"\\{name}{{x}}" in stored


def test_a_reasoning_model_day_costs_one_call_per_paper(fake_llm, llm_taxonomy):
    reasoning = "<think>\nThe user wants a JSON object. Let me translate carefully...\n</think>\n\n"
    fake_llm.respond = lambda request: Reply(content=reasoning + faithful_answer_json(request))
    papers = PaperFactory.create_batch(100)
    run = papers_enrich(papers=Paper.objects.filter(pk__in=[paper.pk for paper in papers]))
    assert (run.papers_done, run.papers_failed, run.llm_calls) == (100, 0, 100)
    assert len(fake_llm.requests) == 100
    assert not Paper.objects.filter(abstract_zh_machine__contains="think").exists()


def test_refused_structured_output_falls_back_and_is_remembered(fake_llm, llm_taxonomy):
    def no_structured_output(request):
        return Reply.error(400) if "response_format" in request else Reply()

    fake_llm.respond = no_structured_output
    first, second = PaperFactory.create_batch(2)
    assert paper_enrich(paper=first).usage.calls == 3  # json_schema, json_object, none
    formats = [request.get("response_format", {}).get("type") for request in fake_llm.requests]
    assert formats == ["json_schema", "json_object", None]
    # The next paper (a new backend, same process) asks the way that worked at once.
    assert paper_enrich(paper=second).usage.calls == 1
    assert "response_format" not in fake_llm.requests[-1]


def test_llama_cpp_python_refusing_json_schema_with_500_steps_down_at_once(fake_llm, llm_taxonomy):
    """llama-cpp-python's server answers json_schema with a 500 (recorded): no retry of it;
    a local server's json_object then carries the schema, without length constraints."""
    fake_llm.push(Reply.recorded("llamacpp_python_json_schema_500"))
    first, second = PaperFactory.create_batch(2)
    outcome = paper_enrich(paper=first)
    assert outcome.outcome == Outcome.DONE and outcome.usage.calls == 2
    refused, accepted = (request["response_format"] for request in fake_llm.requests)
    assert refused["type"] == "json_schema"
    assert accepted == {"type": "json_object", "schema": answer_json_schema()}
    assert not re.search(r"max(Length|Items)|minLength", json.dumps(accepted))
    assert paper_enrich(paper=second).usage.calls == 1
    assert fake_llm.requests[-1]["response_format"]["type"] == "json_object"


@pytest.mark.parametrize(
    ("status", "message", "calls"),
    [
        (500, "fake error 500", 3),  # a server error: retried (LLM_MAX_RETRIES 2), then failed
        (422, "response_format.type: unsupported value json_schema", 2),  # stepped down
        (404, "model not found", 1),  # neither: failed at once
    ],
)
def test_only_errors_naming_the_response_format_step_down(
    fake_llm, settings, llm_taxonomy, status, message, calls
):
    settings.LLM_PROVIDER = "deepseek"  # json_object, no schema
    body = json.dumps({"error": {"message": message}}).encode()
    fake_llm.push(*[Reply(status=status, body=body)] * 3)
    outcome = paper_enrich(paper=PaperFactory())
    assert outcome.usage.calls == calls
    formats = [request.get("response_format") for request in fake_llm.requests]
    assert formats[0] == {"type": "json_object"}
    assert (formats[-1] is None) == (calls == 2)


def test_the_sweep_backs_off_then_hands_a_hopeless_paper_to_an_editor(
    fake_llm, settings, llm_taxonomy, chief_editor, client
):
    settings.ENRICH_MAX_ATTEMPTS = 3
    settings.ENRICH_RETRY_MINUTES = 10
    fake_llm.respond = lambda request: Reply.error(401)
    paper = PaperFactory()

    def sweep_when_due():
        Paper.objects.filter(pk=paper.pk).update(enrichment_retry_at=timezone.now())
        enrich_sweep.delay()
        paper.refresh_from_db()

    enrich_sweep.delay()
    paper.refresh_from_db()
    first_delay = paper.enrichment_retry_at - timezone.now()
    assert timedelta(minutes=9) < first_delay <= timedelta(minutes=10)
    enrich_sweep.delay()  # not due yet: no call
    assert len(fake_llm.requests) == 1
    sweep_when_due()
    assert paper.enrichment_retry_at - timezone.now() > timedelta(minutes=19)  # doubled
    sweep_when_due()
    assert paper.enrichment_state == Paper.EnrichmentState.NEEDS_EDITOR
    assert paper.enrichment_failures == 3 and len(fake_llm.requests) == 3
    sweep_when_due()
    assert len(fake_llm.requests) == 3  # costs no more calls

    client.force_login(chief_editor)
    page = client.get("/admin/papers/paper/", {"enrichment_state": "needs_editor"})
    assert "需要编辑处理 / needs an editor" in page.content.decode()
    assert paper.arxiv_id in page.content.decode()
