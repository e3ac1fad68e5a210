"""Reading what an OpenAI-compatible endpoint sent back, in the shapes real providers use.

Reasoning is never read: `reasoning_content` (DeepSeek, DashScope, Zhipu, llama.cpp),
`reasoning` (Ollama) and `<think>` blocks inside `content` (Qwen3, QwQ, R1 distills on vLLM,
Ollama, llama.cpp, Groq) are dropped before parsing and never stored.
"""

import email.utils
import re
import time
from dataclasses import dataclass

from enrichment.backends.base import Usage

_THINK_TAGS = "think|thinking|reasoning"
_THINK_BLOCK = re.compile(rf"<({_THINK_TAGS})>.*?</\1>", re.S | re.I)
_THINK_OPEN = re.compile(rf"<(?:{_THINK_TAGS})>", re.I)
# A chat template that opens the block in the prompt leaves only the closing tag in the reply.
_THINK_CLOSE = re.compile(rf"^.*?</(?:{_THINK_TAGS})>", re.S | re.I)
# Context-length refusals: OpenAI's code, or the wording of providers that send none (Groq:
# "Please reduce the length of the messages or completion."; vLLM, llama.cpp, DashScope, …).
CONTEXT_CODES = {"context_length_exceeded", "string_above_max_length"}
CONTEXT_WORDS = re.compile(
    r"context (?:length|window|size)|reduce the length|maximum context|too many tokens"
    r"|exceeds? (?:the )?(?:available )?context|input is too long",
    re.I,
)
# An error that names the structured output asked for: llama-cpp-python's server answers a
# `json_schema` response_format with HTTP 500 "Input should be 'text' or 'json_object'" at
# ('body', 'response_format', 'type').
STRUCTURED_OUTPUT_WORDS = re.compile(r"response_format|json_schema|json_object", re.I)
# Statuses that say nothing about the request's shape, whatever their message quotes.
NOT_A_FORMAT_REFUSAL = {401, 403, 408, 429}


@dataclass(frozen=True)
class ChatReply:
    """One choice of a chat completion, reduced to what enrichment uses."""

    text: str  # the answer: content without reasoning ("" when none)
    finish_reason: str
    refusal: str
    unclosed_think: bool  # the reply ended inside a reasoning block
    completion_tokens: int


def think_strip(content: str) -> tuple[str, bool]:
    """The content without reasoning blocks, and whether a block was left open (cut off)."""
    text = _THINK_BLOCK.sub("", content)
    text = _THINK_CLOSE.sub("", text, count=1)
    opened = _THINK_OPEN.search(text)
    if opened:
        return text[: opened.start()].strip(), True
    return text.strip(), False


def chat_reply_read(completion) -> ChatReply:
    """The first choice of an openai `ChatCompletion` (any provider's extra fields ignored)."""
    usage = getattr(completion, "usage", None)
    completion_tokens = getattr(usage, "completion_tokens", 0) or 0
    if not completion.choices:
        return ChatReply("", "", "", False, completion_tokens)
    choice = completion.choices[0]
    message = choice.message
    text, unclosed = think_strip(message.content or "")
    return ChatReply(
        text=text,
        finish_reason=choice.finish_reason or "",
        refusal=getattr(message, "refusal", None) or "",
        unclosed_think=unclosed,
        completion_tokens=completion_tokens,
    )


def _extra(obj, name: str):
    """A field some providers add to the OpenAI shape (kept by the client as an extra)."""
    value = getattr(obj, name, None)
    if value is None and getattr(obj, "model_extra", None):
        value = obj.model_extra.get(name)
    return value


def usage_read(completion) -> Usage:
    """One call's tokens; cache hits from DeepSeek's `prompt_cache_hit_tokens`, OpenAI's (and
    DashScope's, Zhipu's) `prompt_tokens_details.cached_tokens`, or Together's `cached_tokens`."""
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage(calls=1)
    details = getattr(usage, "prompt_tokens_details", None)
    hits = (
        _extra(usage, "prompt_cache_hit_tokens")
        or getattr(details, "cached_tokens", None)
        or _extra(usage, "cached_tokens")
        or 0
    )
    return Usage(
        calls=1,
        prompt_tokens=usage.prompt_tokens or 0,
        completion_tokens=usage.completion_tokens or 0,
        cache_hit_tokens=int(hits),
    )


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _duration(value: str) -> float | None:
    """Seconds in "7.66s", "6m0s", "2ms", "1h2m3s" (x-ratelimit-reset-*) or a bare number."""
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parts = _DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def retry_delay_read(headers) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, `retry-after` (seconds or an HTTP
    date), else the longest `x-ratelimit-reset-*`; None when it says nothing."""
    if value := headers.get("retry-after-ms"):
        seconds = _duration(value)
        if seconds is not None:
            return seconds / 1000
    if value := headers.get("retry-after"):
        seconds = _duration(value)
        if seconds is not None:
            return seconds
        try:
            date = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            date = None
        if date is not None:
            return max(0.0, date.timestamp() - time.time())
    resets = [
        _duration(value)
        for name, value in headers.items()
        if name.lower().startswith("x-ratelimit-reset")
    ]
    resets = [seconds for seconds in resets if seconds is not None]
    return max(resets) if resets else None


def context_length_exceeded(body, message: str) -> bool:
    """Whether an HTTP 400 says the prompt does not fit the model's context."""
    error = body.get("error", body) if isinstance(body, dict) else {}
    code = error.get("code") if isinstance(error, dict) else None
    return code in CONTEXT_CODES or bool(CONTEXT_WORDS.search(message))


def structured_output_refused(status: int, message: str) -> bool:
    """Whether an HTTP error (not a context-length 400) refuses the request's response_format:
    any other 400, or a 4xx/5xx whose message names response_format, json_schema or
    json_object."""
    if status == 400:
        return True
    return status not in NOT_A_FORMAT_REFUSAL and bool(STRUCTURED_OUTPUT_WORDS.search(message))
