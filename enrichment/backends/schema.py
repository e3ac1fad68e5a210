"""The one-call answer an LLM must give, and how its raw text is turned into a checked answer."""

import json
import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# Anything longer is a runaway reply, not an answer: it is rejected before parsing.
MAX_REPLY_CHARS = 60_000

CJK = re.compile(r"[\u3400-\u9fff]")
# Sentence ends in Chinese text, or an English full stop followed by a space.
SENTENCE_END = re.compile(r"[。！？!?]+|\.(?:\s|$)")
# Control characters other than newline and tab betray a LaTeX command eaten by a JSON escape.
BAD_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


class AnswerError(ValueError):
    """The reply is not valid JSON or breaks the schema: worth one repair request."""


def _plain_text(value: str) -> str:
    if BAD_CONTROL.search(value):
        raise ValueError("contains control characters; write LaTeX backslashes as \\\\ in JSON")
    return value.strip()


class InstitutionAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=2, max_length=300)
    name_zh: str = Field(default="", max_length=300)

    _clean = field_validator("name", "name_zh")(_plain_text)


class HitAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    topic: str = Field(max_length=50)
    subtopic: str | None = Field(default=None, max_length=50)
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str = Field(min_length=2, max_length=300)

    @field_validator("subtopic")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("reason")
    @classmethod
    def _chinese_reason(cls, value: str) -> str:
        value = _plain_text(value)
        if not CJK.search(value):
            raise ValueError("the reason must be written in Chinese")
        return value


class EnrichmentAnswer(BaseModel):
    """What one LLM call returns for one paper."""

    model_config = ConfigDict(extra="ignore")

    title_zh: str = Field(min_length=1, max_length=500)
    summary_zh: str = Field(min_length=1, max_length=1500)
    abstract_zh: str = Field(min_length=1, max_length=8000)
    institutions: list[InstitutionAnswer] = Field(default_factory=list, max_length=40)
    hits: list[HitAnswer] = Field(default_factory=list, max_length=20)

    _clean = field_validator("title_zh", "abstract_zh")(_plain_text)

    @field_validator("summary_zh")
    @classmethod
    def _three_to_five_sentences(cls, value: str) -> str:
        value = _plain_text(value)
        sentences = [part for part in SENTENCE_END.split(value) if part.strip()]
        if not 3 <= len(sentences) <= 5:
            raise ValueError(f"must have 3 to 5 sentences, has {len(sentences)}")
        return value


# A backslash run and what follows: an odd run is one unescaped backslash before it.
_BACKSLASH_WORD = re.compile(r"(\\+)(u[0-9A-Fa-f]{4}|[A-Za-z]+|.)", re.S)
# One-letter JSON escapes a model may mean as such: `\n` before a non-letter, `\"`, `\/`.
_SHORT_ESCAPES = set('"\\/bfnrt')
_UNICODE_ESCAPE = re.compile(r"u[0-9A-Fa-f]{4}")


def _escape_latex(raw: str) -> str:
    r"""Double every single backslash that starts a LaTeX command, as models often forget to.

    A JSON escape never survives in front of a letter run: `\times`, `\nabla`, `\beta`,
    `\frac`, `\rho` would become a tab, a newline, a backspace, a form feed or a carriage
    return followed by the rest of the word, so a backslash before two or more letters is
    LaTeX whether or not the paper uses the command. Left as JSON: `\uXXXX` (no LaTeX command
    is `u` and four hex digits), `\n` or `\t` before a non-letter, `\"` and `\/`. The price:
    a newline written directly before a Latin word reads as a literal `\n`.
    """

    def fix(match: re.Match) -> str:
        slashes, word = match.group(1), match.group(2)
        if len(slashes) % 2 == 0 or _UNICODE_ESCAPE.fullmatch(word) or word in _SHORT_ESCAPES:
            return match.group(0)
        return f"{slashes}\\{word}"

    return _BACKSLASH_WORD.sub(fix, raw)


def _json_object(text: str) -> object:
    """The one JSON value in a reply, allowing a Markdown fence or prose around an object."""
    fence = re.search(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    if fence:
        text = fence.group(1)
    start = text.find("{")
    if start < 0:
        return json.loads(text)  # no object at all: let the decoder say what it found
    value, _ = json.JSONDecoder().raw_decode(text, start)
    return value


def answer_parse(raw: str) -> EnrichmentAnswer:
    """Parse and validate a reply's text (think blocks already dropped); raise AnswerError
    with a message the model can act on."""
    if len(raw) > MAX_REPLY_CHARS:
        raise AnswerError(f"reply is {len(raw)} characters long, more than {MAX_REPLY_CHARS}")
    try:
        data = _json_object(_escape_latex(raw.strip()))
    except json.JSONDecodeError as exc:
        raise AnswerError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise AnswerError("the reply must be one JSON object")
    try:
        return EnrichmentAnswer.model_validate(data)
    except ValidationError as exc:
        raise AnswerError(f"schema violation: {exc}") from exc


def answer_json_schema() -> dict:
    """The answer as a JSON Schema for `response_format: json_schema` (strict-mode shape:
    every key required, no other keys). No maxLength, minLength or maxItems: lengths and
    sentence counts are checked here, after; llama.cpp expands a length into a grammar (a
    `maxLength: 8000` one it cannot parse, then crashes)."""

    def obj(**properties: dict) -> dict:
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    text = {"type": "string"}
    institution = obj(name=text, name_zh=text)
    hit = obj(
        topic=text,
        subtopic={"type": ["string", "null"]},
        confidence={"type": "number"},
        reason=text,
    )
    return obj(
        title_zh=text,
        summary_zh=text,
        abstract_zh=text,
        institutions={"type": "array", "items": institution},
        hits={"type": "array", "items": hit},
    )
