"""Every recorded real reply in tests/fixtures/llm/ (SOURCES.md), served over loopback HTTP:
the stored result or the failure reason an editor sees.

`Reply.recorded(name)` sends the recording as recorded; with `answer=` our answer takes the
place of the recorded answer in the recorded shape (after the `<think>` block, in the fence),
with the recording's reasoning fields, usage and extra fields left as they were.
"""

import json
import time
from decimal import Decimal

import pytest

from enrichment.backends.base import PaperSource
from enrichment.backends.openai_backend import OpenAIBackend
from enrichment.selectors import taxonomy_snapshot
from enrichment.services import Outcome, paper_enrich, papers_enrich
from papers.models import Paper
from tests.factories import PaperFactory
from tests.fakes.llm_server import Reply, answer_dict

pytestmark = pytest.mark.django_db

ABSTRACT = r"We fine-tune LLaMA-3 on ImageNet and gain 12.5% at $\mathcal{O}(n \log n)$ cost."
ANSWER = answer_dict(
    title_zh="大语言模型推理研究",
    abstract_zh=r"我们在 ImageNet 上微调 LLaMA-3，准确率提高 12.5%，"
    r"代价为 $\mathcal{O}(n \log n)$。",
)
ANSWER_JSON = json.dumps(ANSWER, ensure_ascii=False)


@pytest.fixture
def paper(llm_taxonomy):
    return PaperFactory(title="Reasoning in large language models", abstract=ABSTRACT)


def enrich(paper):
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    return outcome


def stored_text(paper) -> str:
    return " ".join(
        getattr(paper, f"{name}_zh_machine") for name in ("title", "summary", "abstract")
    )


def assert_stored(paper, outcome, calls=1):
    assert outcome.outcome == Outcome.DONE, paper.enrichment_error
    assert outcome.usage.calls == calls
    assert paper.title_zh_machine == ANSWER["title_zh"]
    assert paper.abstract_zh_machine == ANSWER["abstract_zh"]
    assert paper.enrichment_flags == {}


def assert_failed(paper, outcome, reason, calls):
    assert outcome.outcome == Outcome.FAILED
    assert paper.enrichment_state == Paper.EnrichmentState.FAILED
    assert reason in paper.enrichment_error
    assert outcome.usage.calls == calls
    assert stored_text(paper).strip() == ""


# --- reasoning beside or inside the answer ---------------------------------------------------
def test_deepseek_reasoning_content_is_dropped(fake_llm, paper):
    fake_llm.push(Reply.recorded("deepseek_reasoner_reasoning_content", answer=ANSWER_JSON))
    assert_stored(paper, enrich(paper))
    assert "cross" not in stored_text(paper)
    assert paper.enrichment_cache_hit_tokens == 0


def test_deepseek_cache_hit_tokens_are_counted_and_priced(fake_llm, settings, paper):
    settings.LLM_MODEL, settings.LLM_PROVIDER = "deepseek-reasoner", "deepseek"
    settings.LLM_PRICES = {"deepseek/deepseek-reasoner": (1.0, 2.0, 0.1)}
    fake_llm.push(Reply.recorded("deepseek_reasoner_json_reply_cache_hit", answer=ANSWER_JSON))
    outcome = enrich(paper)
    assert_stored(paper, outcome)
    # 495 prompt tokens of which 320 cache hits, 144 completion tokens.
    assert (paper.enrichment_prompt_tokens, paper.enrichment_cache_hit_tokens) == (495, 320)
    assert paper.enrichment_cost_usd == Decimal(175 * 1.0 + 320 * 0.1 + 144 * 2.0) / 10**6


def test_deepseek_chinese_prose_gets_a_repair_without_its_reasoning(fake_llm, paper):
    recorded = Reply.recorded("deepseek_v4flash_thinking_zh.sdkdump")
    fake_llm.push(recorded, Reply.answer(**ANSWER))
    assert_stored(paper, enrich(paper), calls=2)
    echoed = fake_llm.requests[1]["messages"][2]
    assert echoed["role"] == "assistant" and echoed["content"].startswith("你好！我是DeepSeek")
    assert "嗯，用户问" not in json.dumps(fake_llm.requests[1], ensure_ascii=False)


def test_qwen3_think_tags_in_content_are_dropped(fake_llm, paper):
    fake_llm.push(Reply.recorded("groq_qwen3_32b_think_tags_in_content", answer=ANSWER_JSON))
    assert_stored(paper, enrich(paper))
    assert "think" not in stored_text(paper) and "Okay" not in stored_text(paper)


def test_ollama_reasoning_field_with_json_schema(fake_llm, paper):
    fake_llm.push(Reply.recorded("ollama_qwen3_json_schema_reasoning_field", answer=ANSWER_JSON))
    assert_stored(paper, enrich(paper))
    assert fake_llm.requests[0]["response_format"]["type"] == "json_schema"


def test_llamacpp_reasoning_content_and_timings(fake_llm, paper):
    recorded = Reply.recorded("llamacpp_r1_distill_reasoning_content_timings", answer=ANSWER_JSON)
    fake_llm.push(recorded)
    assert_stored(paper, enrich(paper))


def test_zhipu_reasoning_content(fake_llm, paper):
    fake_llm.push(Reply.recorded("zai_glm47_thinking_reasoning_content", answer=ANSWER_JSON))
    assert_stored(paper, enrich(paper))


def test_dashscope_qwen3_max_reasoning_content(fake_llm, paper):
    fake_llm.push(Reply.recorded("dashscope_qwen3max_reasoning_content", answer=ANSWER_JSON))
    assert_stored(paper, enrich(paper))
    assert "strawberry" not in stored_text(paper)


def test_dashscope_chinese_prose_twice_fails_visibly(fake_llm, paper):
    recorded = Reply.recorded("dashscope_deepseek_v4flash_thinking_zh.sdkdump")
    fake_llm.push(recorded, recorded)
    assert_failed(paper, enrich(paper), "invalid answer after one repair: invalid JSON", calls=2)


# --- answer shapes ---------------------------------------------------------------------------
def test_json_in_a_markdown_fence(fake_llm, paper):
    fake_llm.push(Reply.recorded("openai_gpt41mini_json_in_markdown_fence", answer=ANSWER_JSON))
    assert_stored(paper, enrich(paper))


def test_strict_json_schema_reply(fake_llm, settings, paper):
    settings.LLM_PROVIDER = "openai"
    compact = json.dumps(ANSWER, ensure_ascii=False, separators=(",", ":"))
    fake_llm.push(Reply.recorded("openai_gpt4o_json_schema_strict", answer=compact))
    assert_stored(paper, enrich(paper))
    assert fake_llm.requests[0]["response_format"]["json_schema"]["strict"] is True


def test_refusal_is_a_failure_with_its_reason(fake_llm, paper):
    fake_llm.push(Reply.recorded("openai_gpt4o_json_schema_refusal"))
    assert_failed(paper, enrich(paper), "the model refused: I'm very sorry", calls=1)


# --- cut off ---------------------------------------------------------------------------------
def test_prose_cut_off_twice_fails_with_the_token_count(fake_llm, settings, paper):
    recorded = Reply.recorded("openai_gpt4o_length_cut_midlist")
    fake_llm.push(recorded, recorded)
    assert_failed(paper, enrich(paper), "reply cut off at 50 tokens", calls=2)
    budgets = [request["max_tokens"] for request in fake_llm.requests]
    assert budgets == [settings.LLM_MAX_TOKENS, settings.LLM_MAX_TOKENS_RETRY]


def test_empty_content_after_all_tokens_went_to_reasoning_is_asked_again(fake_llm, paper):
    recorded = Reply.recorded("openai_gpt5mini_length_empty_content_all_reasoning")
    fake_llm.push(recorded, Reply.answer(**ANSWER))
    assert_stored(paper, enrich(paper), calls=2)
    assert fake_llm.requests[1]["max_tokens"] > fake_llm.requests[0]["max_tokens"]


def test_llamacpp_budget_spent_in_reasoning_twice_fails(fake_llm, paper):
    recorded = Reply.recorded("llamacpp_r1_distill_length_empty_content")
    fake_llm.push(recorded, recorded)
    assert_failed(paper, enrich(paper), "reply cut off at 16 tokens", calls=2)


def test_reply_ending_inside_an_unclosed_think_block_is_asked_again(fake_llm, paper):
    recorded = Reply.recorded("hf_together_deepseek_r1_length_inside_think")
    fake_llm.push(recorded, Reply.answer(**ANSWER))
    assert_stored(paper, enrich(paper), calls=2)
    assert "Hmm" not in stored_text(paper)


def test_degenerate_json_mode_output_cut_off_twice_fails(fake_llm, paper):
    recorded = Reply.recorded("together_deepseek_v31_json_mode_degenerate_length")
    fake_llm.push(recorded, recorded)
    assert_failed(paper, enrich(paper), "reply cut off at 2048 tokens", calls=2)


def test_vllm_length_with_leaked_special_tokens_is_asked_again(fake_llm, paper):
    fake_llm.push(Reply.recorded("vllm_opt125m_length_stop_reason"), Reply.answer(**ANSWER))
    assert_stored(paper, enrich(paper), calls=2)
    assert "im_end" not in stored_text(paper)


def test_json_cut_off_mid_object_is_asked_again(fake_llm, paper):
    # No recording of a reply cut inside the JSON object was found (SOURCES.md): this one is
    # built by truncating the recorded DeepSeek JSON reply and marking it cut off.
    cut = Reply.recorded(
        "deepseek_reasoner_json_reply_cache_hit",
        answer=ANSWER_JSON[: len(ANSWER_JSON) // 2],
        finish_reason="length",
    )
    fake_llm.push(cut, Reply.answer(**ANSWER))
    assert_stored(paper, enrich(paper), calls=2)


# --- HTTP errors -----------------------------------------------------------------------------
def test_context_length_400_with_code_and_nothing_to_trim_fails_visibly(fake_llm, paper):
    fake_llm.push(Reply.recorded("openai_context_length_exceeded_400"))
    outcome = enrich(paper)
    assert_failed(paper, outcome, "the prompt does not fit the model's context", calls=1)
    assert "maximum context length is 128000 tokens" in paper.enrichment_error


def test_context_length_400_without_code_trims_the_first_page_and_keeps_the_abstract(
    fake_llm, llm_taxonomy
):
    fake_llm.push(Reply.recorded("groq_context_length_exceeded_400"), Reply.answer(**ANSWER))
    source = PaperSource(
        arxiv_id="2604.00001",
        title="Reasoning in large language models",
        abstract=ABSTRACT,
        first_page_text="Tsinghua University\n" + "front matter " * 2000,
    )
    enrichment = OpenAIBackend(taxonomy=taxonomy_snapshot()).enrich(source)
    assert enrichment.abstract_zh == ANSWER["abstract_zh"]
    first, second = (request["messages"][1]["content"] for request in fake_llm.requests)
    assert len(second) < len(first) - 20_000
    assert f"Abstract: {ABSTRACT}" in second and "Tsinghua University" in second


def test_invalid_api_key_fails_at_once_with_the_providers_message(fake_llm, paper):
    fake_llm.push(Reply.recorded("openai_invalid_api_key_401"))
    assert_failed(paper, enrich(paper), "AuthenticationError", calls=1)
    assert "Incorrect API key provided" in paper.enrichment_error


def test_openrouter_429_without_headers_is_retried_after_a_backoff(fake_llm, paper):
    fake_llm.push(Reply.recorded("openrouter_upstream_rate_limited_429"), Reply.answer(**ANSWER))
    assert_stored(paper, enrich(paper), calls=2)


def test_429_with_retry_after_ms_pauses_every_worker(fake_llm, settings, llm_taxonomy):
    settings.LLM_CONCURRENCY = 2
    fake_llm.push(Reply.recorded("cerebras_rate_limited_429_retry_after_ms"))
    fake_llm.respond = lambda request: Reply(delay=0.2)
    papers = PaperFactory.create_batch(4)
    run = papers_enrich(papers=Paper.objects.filter(pk__in=[p.pk for p in papers]))
    assert run.papers_done == 4 and run.llm_calls == 5
    # Two requests went out together, one got the 429 (retry-after-ms: 660). The other
    # worker, free again after 0.2 s, waited for the pause too instead of asking at once.
    times = sorted(fake_llm.request_times)
    assert all(moment - times[0] >= 0.6 for moment in times[2:])


def test_500_with_retry_after_is_retried_after_that_wait(fake_llm, paper):
    fake_llm.push(Reply.recorded("hf_together_internal_error_500"), Reply.answer(**ANSWER))
    started = time.monotonic()
    assert_stored(paper, enrich(paper), calls=2)
    assert fake_llm.request_times[1] - fake_llm.request_times[0] >= 1.0
    assert time.monotonic() - started < 5


def test_text_plain_503_fails_visibly_once_retries_are_spent(fake_llm, settings, paper):
    settings.LLM_MAX_RETRIES = 1
    recorded = Reply.recorded("openai_503_upstream_reset")
    assert recorded.content_type == "text/plain"
    fake_llm.push(recorded, recorded)
    outcome = enrich(paper)
    assert_failed(paper, outcome, "InternalServerError", calls=2)
    assert "upstream connect error" in paper.enrichment_error
