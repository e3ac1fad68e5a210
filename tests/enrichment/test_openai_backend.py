"""The openai backend against the loopback fake server: real HTTP through the openai client."""

import json
from decimal import Decimal

import pytest

from enrichment.backends.schema import MAX_REPLY_CHARS
from enrichment.services import Outcome, paper_enrich
from papers.models import Paper, PaperInstitution, ZhState
from tests.factories import PaperAuthorFactory, PaperFactory
from tests.fakes.llm_server import Reply, answer_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(llm_taxonomy):
    return PaperFactory(
        arxiv_id="2604.00001",
        title="Reasoning in large language models",
        abstract=r"We study $\mathbb{R}^n$ embeddings with $\frac{1}{2}$ scaling.",
    )


def enrich(paper):
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    return outcome


def test_valid_answer_fills_machine_fields_hits_and_usage(fake_llm, paper):
    fake_llm.push(
        Reply.answer(
            hits=[
                {
                    "topic": "llm",
                    "subtopic": "reasoning",
                    "confidence": 0.85,
                    "reason": "研究大语言模型的推理",
                }
            ],
        )
    )
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.DONE
    assert paper.title_zh_machine == "测试用中文标题 2604.00001"
    assert paper.zh("summary").state == ZhState.MACHINE
    assert not paper.zh("summary").is_public  # nobody has looked at it yet
    (hit,) = paper.topic_hits.select_related("subtopic")
    assert (hit.subtopic.slug, hit.confidence, hit.reason) == (
        "reasoning",
        0.85,
        "研究大语言模型的推理",
    )
    assert paper.enrichment_state == Paper.EnrichmentState.DONE
    assert paper.summary_en.startswith("We study")
    # Token usage and cost are recorded on the paper.
    assert outcome.usage.calls == 1
    assert paper.enrichment_prompt_tokens == outcome.usage.prompt_tokens > 0
    assert paper.enrichment_completion_tokens == outcome.usage.completion_tokens > 0
    assert paper.enrichment_cost_usd == outcome.cost_usd > Decimal(0)


def test_request_is_structured_temperature_0_and_lists_the_taxonomy(fake_llm, paper):
    enrich(paper)
    (request,) = fake_llm.requests
    assert request["model"] == "gpt-4o-mini"
    assert request["temperature"] == 0
    # A server on this machine (llama.cpp, vLLM, Ollama) gets the answer's JSON Schema.
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert schema["required"] == ["title_zh", "summary_zh", "abstract_zh", "institutions", "hits"]
    system, user = request["messages"]
    assert "topic `llm`" in system["content"]
    assert "subtopic `reasoning`" in system["content"]
    assert r"$\mathbb{R}^n$" in user["content"]


def test_invalid_json_gets_one_repair_request(fake_llm, paper):
    fake_llm.push(Reply(content='{"title_zh": "截断'))
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.DONE
    assert len(fake_llm.requests) == 2
    repair = fake_llm.requests[1]["messages"]
    assert repair[2] == {"role": "assistant", "content": '{"title_zh": "截断'}
    assert "invalid JSON" in repair[3]["content"]
    assert paper.title_zh_machine == "测试用中文标题 2604.00001"
    assert outcome.usage.calls == 2


def test_invalid_twice_marks_the_paper_failed_with_the_error(fake_llm, paper):
    fake_llm.push(Reply(content="not json"), Reply.answer(summary_zh="一句。"))
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.FAILED
    assert paper.enrichment_state == Paper.EnrichmentState.FAILED
    assert "after one repair" in paper.enrichment_error
    assert "3 to 5 sentences" in paper.enrichment_error
    assert paper.title_zh_machine == ""
    assert paper.enrichment_key == ""  # nothing cached: the sweep will try again
    assert paper.enrichment_prompt_tokens > 0  # failed calls still cost tokens


def test_latex_backslashes_inside_json_strings_survive(fake_llm, paper):
    abstract = r"我们研究 $\mathbb{R}^n$ 嵌入，缩放为 $\frac{1}{2}$。"
    content = answer_json().replace(
        '"这是测试服务器返回的中文摘要，保留公式 $x<y$。"', f'"{abstract}"'
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)  # as sent, it is not even valid JSON
    fake_llm.push(Reply(content=content))
    assert enrich(paper).outcome == Outcome.DONE
    assert paper.abstract_zh_machine == abstract
    assert len(fake_llm.requests) == 1


def test_invented_topic_slugs_get_a_repair_then_are_dropped_and_flagged(fake_llm, paper):
    hits = [
        {"topic": "no-such-topic", "confidence": 0.9, "reason": "编造的专题"},
        {"topic": "llm", "subtopic": "no-such-sub", "confidence": 0.8, "reason": "编造的子专题"},
        {"topic": "llm", "subtopic": None, "confidence": 0.7, "reason": "研究大语言模型"},
    ]
    fake_llm.push(Reply.answer(hits=hits), Reply.answer(hits=hits))
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.DONE
    repair = fake_llm.requests[1]["messages"][-1]["content"]
    assert "unknown topic slugs: no-such-topic, llm/no-such-sub" in repair
    assert outcome.rejected_hits == ["no-such-topic", "llm/no-such-sub"]
    assert paper.enrichment_flags == {
        "hits": ["unknown topic slugs: no-such-topic, llm/no-such-sub"]
    }
    assert list(paper.topic_hits.values_list("topic__slug", "subtopic", "reason")) == [
        ("llm", None, "研究大语言模型")
    ]


def test_429_with_retry_after_is_honoured_then_succeeds(fake_llm, paper):
    fake_llm.push(Reply.error(429, Retry_After="1"))
    assert enrich(paper).outcome == Outcome.DONE
    assert len(fake_llm.requests) == 2
    # A lower bound, not a speed test: the client waited at least what the server asked.
    assert fake_llm.request_times[1] - fake_llm.request_times[0] >= 1.0
    assert paper.title_zh_machine


def test_server_errors_are_retried(fake_llm, paper):
    fake_llm.push(Reply.error(503), Reply.error(500))
    assert enrich(paper).outcome == Outcome.DONE
    assert len(fake_llm.requests) == 3


def test_persistent_rate_limit_fails_the_paper_for_the_sweep(fake_llm, settings, paper):
    settings.LLM_MAX_RETRIES = 1
    fake_llm.push(*[Reply.error(429, Retry_After_Ms="10")] * 2)
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.FAILED
    assert "RateLimitError" in paper.enrichment_error
    assert paper.enrichment_state == Paper.EnrichmentState.FAILED


def test_reply_slower_than_the_timeout_fails_the_paper(fake_llm, settings, paper):
    settings.LLM_TIMEOUT = 0.3
    settings.LLM_MAX_RETRIES = 0
    fake_llm.push(Reply(delay=1.5))
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.FAILED
    assert "APITimeoutError" in paper.enrichment_error
    assert paper.title_zh_machine == ""


def test_huge_reply_is_refused_and_the_paper_failed(fake_llm, paper):
    huge = answer_json(abstract_zh="很长" * MAX_REPLY_CHARS)
    fake_llm.push(Reply(content=huge), Reply(content=huge))
    outcome = enrich(paper)
    assert outcome.outcome == Outcome.FAILED
    assert "characters long" in paper.enrichment_error
    assert paper.abstract_zh_machine == ""
    # The rejected reply is echoed back in the repair request only in part.
    assert len(fake_llm.requests[1]["messages"][2]["content"]) < len(huge) / 10


def test_institutions_named_by_the_model_need_a_source(fake_llm, paper):
    named = Reply.answer(institutions=[{"name": "Tsinghua University", "name_zh": "清华大学"}])
    fake_llm.push(named)
    enrich(paper)
    assert not paper.paper_institutions.exists()  # no affiliation given: it would be a guess

    PaperAuthorFactory(paper=paper, position=0, affiliation="Dept. of CS, Tsinghua University")
    paper.abstract += " More."
    paper.save()
    fake_llm.push(named)
    enrich(paper)
    origins = {
        link.institution.name: (link.origin, link.institution.name_zh)
        for link in paper.paper_institutions.select_related("institution")
    }
    # Both go through the registry: one institution, named by arXiv's field, ROR's Chinese name.
    assert origins == {"Tsinghua University": (PaperInstitution.Origin.ARXIV, "清华大学")}
