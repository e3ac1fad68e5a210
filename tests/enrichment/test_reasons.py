"""Hit reasons are one Chinese sentence naming the paper's own subject, never a keyword list."""

import re
from itertools import pairwise

import pytest

from enrichment.backends.reasons import reason_compose, title_parts
from enrichment.backends.taxonomy import SubtopicSpec, TopicSpec
from enrichment.curation.labels import papers_read

LLM = TopicSpec(pk=1, slug="llm", name_zh="语言大模型 / LLM", name_en="Large language models")
AGENTS = SubtopicSpec(pk=2, slug="agents", name_zh="智能体", name_en="Agents")
VERBS = ("提出", "综述", "构建", "研究")


def sample_papers(every=7):
    """Every 7th kept paper of the real day (80 of 555), by id."""
    return sorted(papers_read().values(), key=lambda source: source.arxiv_id)[::every]


def title_runs(title: str) -> set[str]:
    """Every run of two consecutive words of the title (and its name, if it has one)."""
    words = re.sub(r"[:?]", " ", title).split()
    runs = {" ".join(pair) for pair in pairwise(words)}
    name, _ = title_parts(title)
    return runs | ({name} if name else set())


@pytest.mark.parametrize("source", sample_papers(), ids=lambda source: source.arxiv_id)
def test_reason_is_one_sentence_naming_the_papers_subject(source):
    reason = reason_compose(
        title=source.title, abstract=source.abstract, topic=LLM, subtopic=AGENTS
    )
    assert reason.endswith("方向。") and reason.count("。") == 1
    assert not re.search(r"[；“”]", reason)  # no list of quoted terms
    assert reason.startswith(VERBS)
    assert "语言大模型中的智能体" in reason
    assert any(run in reason for run in title_runs(source.title)), reason


def test_a_named_method_for_a_task_reads_as_such():
    reason = reason_compose(
        title="DC-Motion: Decoupling Semantics via Tokens for Human Motion Generation",
        abstract="To solve it, we introduce DC-Motion, a factorized generative framework.",
        topic=LLM,
        subtopic=None,
    )
    assert reason == "提出面向 Human Motion Generation 的 DC-Motion，属语言大模型方向。"


def test_the_verb_claims_no_more_than_the_text_says():
    def verb(title, abstract):
        return reason_compose(title=title, abstract=abstract, topic=LLM, subtopic=None)[:2]

    assert verb("Scaling laws of sparse attention", "We measure how loss scales.") == "研究"
    assert verb("Scaling laws of sparse attention", "We propose a new law.") == "提出"
    assert verb("A survey of tool-using agents", "We propose a taxonomy.") == "综述"
    assert verb("RetailBench: Benchmarking agents in shops", "We study agents.") == "构建"


def test_a_hit_the_scorer_doubts_is_not_claimed_for_the_topic():
    def claim(confidence):
        return reason_compose(
            title="Scaling laws of sparse attention",
            abstract="We measure how loss scales.",
            topic=LLM,
            subtopic=None,
            confidence=confidence,
        )

    assert claim(0.5).endswith("，属语言大模型方向。")
    assert claim(0.49).endswith("，可能属语言大模型方向。")


def test_a_tail_that_only_names_the_kind_of_paper_gives_way_to_the_head():
    assert title_parts("Uncertainty Quality of VGGT: An Analysis on the DTU Benchmark Dataset") == (
        "",
        "Uncertainty Quality of VGGT",
    )
    assert title_parts(
        "Revealing Artifacts via Noise Amplification: A Novel Perspective for Video Detection"
    ) == ("", "Revealing Artifacts via Noise Amplification for Video Detection")


def test_a_benchmark_is_built_only_when_the_paper_names_or_makes_one():
    def verb(title, abstract):
        return reason_compose(title=title, abstract=abstract, topic=LLM, subtopic=None)[:2]

    mismatch = "Rethinking tutors: the mismatch between benchmarks and deployments"
    assert verb(mismatch, "We interview teachers about tutoring.") == "研究"
    made = "A benchmark for tool-using agents in shops"
    assert verb(made, "We introduce a new benchmark of 500 shop tasks.") == "构建"
    assert verb(made, "We study how agents shop.") == "研究"


def test_a_survey_says_so_and_a_paper_about_peer_review_is_not_one():
    def verb(title, abstract="We measure it."):
        return reason_compose(title=title, abstract=abstract, topic=LLM, subtopic=None)[:2]

    assert verb("Multimodal agents: a systematic review") == "综述"
    assert verb("A review of retrieval-augmented generation") == "综述"
    assert verb("Due-process review for automated paper reviewing") != "综述"
    assert verb("Structured CT review with vision-language models") != "综述"
