"""The answer schema: what a reply must look like before anything is stored."""

import json

import pytest

from enrichment.backends.schema import MAX_REPLY_CHARS, AnswerError, answer_parse
from tests.fakes.llm_server import answer_dict, answer_json

SOURCE = r"We bound $\frac{a}{b}$ over $\mathbb{R}^n$ with $\nabla f$ and $\tau$ steps."


def test_valid_answer_is_parsed():
    answer = answer_parse(answer_json("2604.00001"), source_text=SOURCE)
    assert answer.title_zh == "测试用中文标题 2604.00001"
    assert answer.hits[0].topic == "llm"
    assert answer.hits[0].subtopic is None


def test_markdown_fence_around_json_is_accepted():
    answer = answer_parse(f"```json\n{answer_json()}\n```", source_text=SOURCE)
    assert answer.summary_zh.startswith("本文")


def test_invalid_json_is_an_answer_error():
    with pytest.raises(AnswerError, match="invalid JSON"):
        answer_parse('{"title_zh": "未完', source_text=SOURCE)


def test_a_json_list_is_not_an_answer():
    with pytest.raises(AnswerError, match="one JSON object"):
        answer_parse("[1, 2]", source_text=SOURCE)


def test_unescaped_latex_backslashes_are_kept_as_latex():
    # What models often write: single backslashes inside JSON strings. \m is invalid JSON,
    # while \f, \n and \t are valid escapes that would silently eat the commands.
    abstract = r"我们在 $\mathbb{R}^n$ 上给出 $\frac{a}{b}$ 的界，使用 $\nabla f$ 和 $\tau$ 步。"
    raw = answer_json().replace('"这是测试服务器返回的中文摘要，保留公式 $x<y$。"', f'"{abstract}"')
    answer = answer_parse(raw, source_text=SOURCE)
    assert answer.abstract_zh == abstract


def test_correctly_escaped_latex_is_unchanged():
    abstract = r"在 $\frac{a}{b}$ 与 $\{x\}$ 中。"
    answer = answer_parse(answer_json(abstract_zh=abstract), source_text=SOURCE)
    assert answer.abstract_zh == abstract


def test_a_real_newline_escape_stays_a_newline():
    answer = answer_parse(answer_json(abstract_zh="第一段。\n第二段。"), source_text=SOURCE)
    assert answer.abstract_zh == "第一段。\n第二段。"


def test_control_characters_from_eaten_escapes_are_rejected():
    # \b (backspace) before "eta" is a valid JSON escape; the paper never uses \beta.
    raw = answer_json().replace("保留公式 $x<y$", r"参数 $\beta$")
    with pytest.raises(AnswerError, match="control characters"):
        answer_parse(raw, source_text=SOURCE)


@pytest.mark.parametrize("summary", ["只有一句。", "一。二。三。四。五。六。"])
def test_summary_must_have_three_to_five_sentences(summary):
    with pytest.raises(AnswerError, match="3 to 5 sentences"):
        answer_parse(answer_json(summary_zh=summary), source_text=SOURCE)


def test_hit_reason_must_be_chinese_and_confidence_within_0_1():
    english = answer_dict()
    english["hits"][0]["reason"] = "it is about language models"
    with pytest.raises(AnswerError, match="Chinese"):
        answer_parse(json.dumps(english), source_text=SOURCE)
    too_sure = answer_dict()
    too_sure["hits"][0]["confidence"] = 1.5
    with pytest.raises(AnswerError, match="confidence"):
        answer_parse(json.dumps(too_sure), source_text=SOURCE)


def test_missing_field_is_a_schema_violation():
    answer = answer_dict()
    del answer["abstract_zh"]
    with pytest.raises(AnswerError, match="abstract_zh"):
        answer_parse(json.dumps(answer), source_text=SOURCE)


def test_huge_reply_is_rejected_before_parsing():
    raw = answer_json(abstract_zh="很长" * MAX_REPLY_CHARS)
    with pytest.raises(AnswerError, match="characters long"):
        answer_parse(raw, source_text=SOURCE)


def test_unicode_escapes_stay_and_latex_starting_with_u_is_kept():
    raw = answer_json(title_zh="placeholder").replace(
        '"placeholder"', r'"\u4e2d\u6587 $\underline{x}$ 与 $\upsilon$"'
    )
    answer = answer_parse(raw, source_text=SOURCE)
    assert answer.title_zh == r"中文 $\underline{x}$ 与 $\upsilon$"
