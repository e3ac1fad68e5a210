"""The answer schema: what a reply must look like before anything is stored."""

import json

import pytest

from enrichment.backends.schema import MAX_REPLY_CHARS, AnswerError, answer_parse
from tests.fakes.llm_server import answer_dict, answer_json


def test_valid_answer_is_parsed():
    answer = answer_parse(answer_json("2604.00001"))
    assert answer.title_zh == "测试用中文标题 2604.00001"
    assert answer.hits[0].topic == "llm"
    assert answer.hits[0].subtopic is None


def test_markdown_fence_around_json_is_accepted():
    answer = answer_parse(f"```json\n{answer_json()}\n```")
    assert answer.summary_zh.startswith("本文")


def test_invalid_json_is_an_answer_error():
    with pytest.raises(AnswerError, match="invalid JSON"):
        answer_parse('{"title_zh": "未完')


def test_a_json_list_is_not_an_answer():
    with pytest.raises(AnswerError, match="one JSON object"):
        answer_parse("[1, 2]")


def test_unescaped_latex_backslashes_are_kept_as_latex():
    # What models often write: single backslashes inside JSON strings. \m is invalid JSON,
    # while \f, \n and \t are valid escapes that would silently eat the commands.
    abstract = r"我们在 $\mathbb{R}^n$ 上给出 $\frac{a}{b}$ 的界，使用 $\nabla f$ 和 $\tau$ 步。"
    raw = answer_json().replace('"这是测试服务器返回的中文摘要，保留公式 $x<y$。"', f'"{abstract}"')
    answer = answer_parse(raw)
    assert answer.abstract_zh == abstract


def test_correctly_escaped_latex_is_unchanged():
    abstract = r"在 $\frac{a}{b}$ 与 $\{x\}$ 中。"
    answer = answer_parse(answer_json(abstract_zh=abstract))
    assert answer.abstract_zh == abstract


def test_a_real_newline_escape_stays_a_newline():
    answer = answer_parse(answer_json(abstract_zh="第一段。\n第二段。"))
    assert answer.abstract_zh == "第一段。\n第二段。"


def test_latex_commands_that_start_like_json_escapes_survive_whatever_the_source():
    # The hole of issue 16: \t, \n, \b, \f, \r and \u are JSON escapes, so a single backslash
    # before times, nabla, beta, frac, rho or uparrow used to become a control character.
    abstract = (
        r"$n \times m$，$\nabla f$，$\theta$，$\beta$，$\frac{1}{2}$，$\rho$，$\uparrow$，$\tau$"
    )
    raw = answer_json(abstract_zh="placeholder").replace('"placeholder"', f'"{abstract}"')
    answer = answer_parse(raw)
    assert answer.abstract_zh == abstract


def test_a_lone_control_escape_is_still_rejected():
    # \b before a space is no LaTeX command: it is a backspace, which no field may hold.
    raw = answer_json(abstract_zh="placeholder").replace('"placeholder"', r'"参数 \b 错误"')
    with pytest.raises(AnswerError, match="control characters"):
        answer_parse(raw)


def test_prose_around_one_json_object_is_tolerated():
    answer = answer_parse(f"Here is the JSON you asked for:\n{answer_json()}\nHope it helps!")
    assert answer.title_zh == "测试用中文标题"


@pytest.mark.parametrize("summary", ["只有一句。", "一。二。三。四。五。六。"])
def test_summary_must_have_three_to_five_sentences(summary):
    with pytest.raises(AnswerError, match="3 to 5 sentences"):
        answer_parse(answer_json(summary_zh=summary))


def test_hit_reason_must_be_chinese_and_confidence_within_0_1():
    english = answer_dict()
    english["hits"][0]["reason"] = "it is about language models"
    with pytest.raises(AnswerError, match="Chinese"):
        answer_parse(json.dumps(english))
    too_sure = answer_dict()
    too_sure["hits"][0]["confidence"] = 1.5
    with pytest.raises(AnswerError, match="confidence"):
        answer_parse(json.dumps(too_sure))


def test_missing_field_is_a_schema_violation():
    answer = answer_dict()
    del answer["abstract_zh"]
    with pytest.raises(AnswerError, match="abstract_zh"):
        answer_parse(json.dumps(answer))


def test_huge_reply_is_rejected_before_parsing():
    raw = answer_json(abstract_zh="很长" * MAX_REPLY_CHARS)
    with pytest.raises(AnswerError, match="characters long"):
        answer_parse(raw)


def test_unicode_escapes_stay_and_latex_starting_with_u_is_kept():
    raw = answer_json(title_zh="placeholder").replace(
        '"placeholder"', r'"\u4e2d\u6587 $\underline{x}$ 与 $\upsilon$"'
    )
    answer = answer_parse(raw)
    assert answer.title_zh == r"中文 $\underline{x}$ 与 $\upsilon$"
