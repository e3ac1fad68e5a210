"""The fidelity checks on their own (plain values), then through the backend: one repair
request naming the problems, then stored with flags, or failed when the text is not Chinese."""

import pytest

from enrichment.backends.fidelity import fidelity_check, names_find
from enrichment.services import Outcome, paper_enrich
from papers.models import Paper
from tests.factories import PaperFactory
from tests.fakes.llm_server import Reply

TITLE = "GPT-4o on ImageNet"
ABSTRACT = (
    r"We evaluate GPT-4o and LLaMA-3 on ImageNet. Accuracy rises by 12.5% to 87.1 with "
    r"$\alpha = 0.5$ and $\mathcal{O}(n \log n)$ time; code: https://github.com/example/repo."
)
GOOD = {
    "title": "GPT-4o 在 ImageNet 上的表现",
    "summary": "本文评估两个模型。方法简单有效。结果显著提升。",
    "abstract": (
        r"我们在 ImageNet 上评估 GPT-4o 和 LLaMA-3。准确率提升 12.5%，达到 87.1，其中 "
        r"$\alpha=0.5$，时间为 $\mathcal{O}(n\log n)$；代码：https://github.com/example/repo。"
    ),
}


def check(unknown_slugs=(), **changed):
    return fidelity_check(
        title=TITLE,
        abstract=ABSTRACT,
        translations={**GOOD, **changed},
        unknown_slugs=list(unknown_slugs),
    )


def test_a_faithful_translation_passes():
    report = check()
    assert report.flags == {} and report.blocking == []


def test_names_are_tokens_with_digits_or_inner_capitals():
    assert names_find(
        "We train GPT-4o, LLaMA-3 and BERT on ImageNet with AI and LLMs in 2x time."
    ) == [
        "GPT-4o",
        "LLaMA-3",
        "BERT",
        "ImageNet",
    ]


def test_a_dropped_number_is_flagged():
    report = check(abstract=GOOD["abstract"].replace("，达到 87.1", ""))
    assert report.flags == {"abstract": ["numbers missing or changed: 87.1"]}
    assert report.blocking == []


def test_a_changed_number_is_flagged():
    report = check(abstract=GOOD["abstract"].replace("12.5%", "13.5%"))
    assert report.flags == {"abstract": ["numbers missing or changed: 12.5%"]}


def test_a_dropped_math_span_is_flagged_whitespace_aside():
    report = check(abstract=GOOD["abstract"].replace(r"$\mathcal{O}(n\log n)$", "线性对数"))
    assert report.flags == {"abstract": [r"math missing or changed: $\mathcal{O}(n\logn)$"]}


def test_an_english_summary_blocks():
    english = "We evaluate two models. The method is simple. Results improve a lot."
    report = check(summary=english)
    assert report.blocking == ["summary: not Chinese (0% CJK characters)"]


def test_the_english_abstract_copied_back_blocks():
    report = check(abstract=ABSTRACT)
    assert "abstract: not Chinese (0% CJK characters)" in report.blocking
    assert "abstract: copies the English text back" in report.blocking


def test_acronyms_and_capitalised_names_kept_in_chinese_are_no_copy():
    # As real models write (DeepSeek's summaries of the 2026-06-16 listing keep CAD, CAE, KKT,
    # Claude Opus …): before, five such words found in the English blocked the reply.
    abstract = (
        "We detect OOD inputs with VLM features: our OOD detector beats MIL baselines on WSI "
        "benchmarks, with Claude Opus and Gemini Pro as judges."
    )
    summary = (
        "本文提出一种利用VLM特征检测分布外（OOD）输入的方法，所提出的OOD检测器在多个WSI"
        "基准上优于基于MIL的基线方法，并由Claude Opus和Gemini Pro担任评判模型进行评估。"
    )
    report = fidelity_check(
        title=TITLE, abstract=abstract, translations={**GOOD, "summary": summary}, unknown_slugs=[]
    )
    assert report.blocking == []


def test_lower_case_english_words_copied_into_chinese_block():
    summary = (
        "本文研究了一个很长的中文句子，用于说明问题所在。" * 3
        + "we evaluate and accuracy rises time"
    )
    report = check(summary=summary)
    assert report.blocking == ["summary: copies the English text back"]


def test_a_traditional_title_is_flagged():
    report = check(title="GPT-4o 在 ImageNet 上的表現與評測")
    assert report.flags == {"title": ["Traditional characters: 測現與評"]}
    assert report.blocking == []


def test_an_invented_taxonomy_slug_is_flagged():
    report = check(unknown_slugs=["quantum-gravity"])
    assert report.flags == {"hits": ["unknown topic slugs: quantum-gravity"]}


def test_a_lost_name_and_url_are_flagged():
    report = check(
        title="GPT-4o 在图像网络上的表现",
        abstract=GOOD["abstract"].replace("https://github.com/example/repo", "见仓库"),
    )
    assert report.flags["title"] == ["names not kept as written: ImageNet"]
    assert report.flags["abstract"] == ["URLs missing: https://github.com/example/repo"]


def test_a_translation_far_shorter_than_the_abstract_is_flagged():
    abstract = "We study how models learn. " * 12
    translations = {**GOOD, "abstract": "我们研究模型。"}
    report = fidelity_check(
        title=TITLE, abstract=abstract, translations=translations, unknown_slugs=[]
    )
    assert report.flags == {"abstract": ["length 0.03x the English (expected 0.15-1.1x)"]}


# --- through the backend, over HTTP ------------------------------------------------------------
pytestmark_db = pytest.mark.django_db


@pytest.fixture
def paper(llm_taxonomy):
    return PaperFactory(title=TITLE, abstract=ABSTRACT)


@pytestmark_db
def test_a_flagged_reply_gets_one_repair_naming_the_problem(fake_llm, paper):
    wrong = GOOD["abstract"].replace("12.5%", "13.5%")
    fake_llm.push(Reply.answer(abstract_zh=wrong), Reply.answer(abstract_zh=GOOD["abstract"]))
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert outcome.outcome == Outcome.DONE and outcome.usage.calls == 2
    assert (
        "abstract: numbers missing or changed: 12.5%"
        in fake_llm.requests[1]["messages"][-1]["content"]
    )
    assert paper.abstract_zh_machine == GOOD["abstract"] and paper.enrichment_flags == {}


@pytestmark_db
def test_what_still_fails_after_the_repair_is_stored_with_its_flags(fake_llm, paper):
    traditional = "GPT-4o 在 ImageNet 上的表現"
    fake_llm.push(Reply.answer(title_zh=traditional), Reply.answer(title_zh=traditional))
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert outcome.outcome == Outcome.DONE
    assert paper.title_zh_machine == traditional
    assert paper.enrichment_flags == {"title": ["Traditional characters: 現"]}


@pytestmark_db
def test_an_english_summary_after_the_repair_fails_the_paper(fake_llm, paper):
    english = "We evaluate two models. The method is simple. Results improve a lot."
    fake_llm.push(Reply.answer(summary_zh=english), Reply.answer(summary_zh=english))
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert outcome.outcome == Outcome.FAILED
    assert paper.enrichment_state == Paper.EnrichmentState.FAILED
    assert "summary: not Chinese" in paper.enrichment_error
    assert paper.summary_zh_machine == ""
