"""Any OpenAI-compatible chat endpoint: one call per paper, one repair request if needed.

Per paper: the answer, asked with structured output where the endpoint takes it; a reply cut
off (`finish_reason: length`, or ended inside a think block) is asked again once with
LLM_MAX_TOKENS_RETRY; a prompt over the model's context is sent again once with the
first-page text trimmed; an answer that breaks the schema or fails a fidelity check gets one
repair request naming the problems. A refused response_format steps down at once (see
providers). 429, 5xx, timeouts and dropped connections are retried here (LLM_MAX_RETRIES
times), a 429 pausing every worker of the provider (enrichment.backends.pause). Every HTTP
request counts as a call.
"""

import logging
import random
import time

import openai
from django.conf import settings

from enrichment.backends.base import (
    Enrichment,
    EnrichmentFailed,
    HitSuggestion,
    InstitutionSuggestion,
    PaperSource,
    Usage,
    hits_check,
)
from enrichment.backends.fidelity import fidelity_check
from enrichment.backends.pause import provider_pause, provider_wait
from enrichment.backends.prompt import PROMPT_VERSION, repair_prompt, system_prompt, user_prompt
from enrichment.backends.providers import (
    RESPONSE_FORMATS,
    provider_name,
    response_format_body,
    response_format_get,
)
from enrichment.backends.replies import (
    ChatReply,
    chat_reply_read,
    context_length_exceeded,
    retry_delay_read,
    structured_output_refused,
    usage_read,
)
from enrichment.backends.schema import AnswerError, EnrichmentAnswer, answer_parse
from enrichment.backends.taxonomy import Taxonomy

log = logging.getLogger(__name__)

# How much of a rejected reply is sent back with the repair request.
ECHO_CHARS = 6000
# (base URL, model) -> the structured output mode that endpoint accepted after refusing the
# configured one: remembered for the life of the process.
accepted_formats: dict[tuple[str, str], str] = {}


class _ContextTooLong(Exception):
    """HTTP 400: the prompt does not fit the model's context."""


class OpenAIBackend:
    name = "openai"
    metered = True
    remote = True
    prompt_version = PROMPT_VERSION

    def __init__(self, *, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.model = settings.LLM_MODEL
        self.provider = provider_name()
        self._format_key = (settings.LLM_BASE_URL, self.model)
        self._format = response_format_get(self.provider)
        self._system = system_prompt(taxonomy)
        self._client = openai.OpenAI(
            base_url=settings.LLM_BASE_URL or None,
            # Local OpenAI-compatible servers need no key, but the client insists on one.
            api_key=settings.LLM_API_KEY or "no-key",
            timeout=settings.LLM_TIMEOUT,
            max_retries=0,  # retried here, so that a 429 pauses every worker (see _back_off)
        )

    def enrich(self, source: PaperSource) -> Enrichment:
        usage = Usage()
        messages = [
            {"role": "system", "content": self._system},
            {"role": "user", "content": user_prompt(source)},
        ]
        text = self._answer(messages, usage, source)
        problems = self._problems(text, source, usage)
        if isinstance(problems, Enrichment):
            return problems
        messages += [
            {"role": "assistant", "content": text[:ECHO_CHARS]},
            {"role": "user", "content": repair_prompt(problems)},
        ]
        text = self._answer(messages, usage, source)
        try:
            answer = answer_parse(text)
        except AnswerError as exc:
            raise EnrichmentFailed(f"invalid answer after one repair: {exc}", usage) from exc
        enrichment = self._enrichment(answer, usage)
        report = self._fidelity(enrichment, source)
        if report.blocking:
            blocking = "; ".join(report.blocking)
            raise EnrichmentFailed(f"unusable answer after one repair: {blocking}", usage)
        enrichment.flags = report.flags
        return enrichment

    def _problems(self, text: str, source: PaperSource, usage: Usage) -> list[str] | Enrichment:
        """The first reply's problems, or its enrichment when it has none."""
        try:
            answer = answer_parse(text)
        except AnswerError as exc:
            return [str(exc)]
        enrichment = self._enrichment(answer, usage)
        report = self._fidelity(enrichment, source)
        return report.problems or enrichment

    def _fidelity(self, enrichment: Enrichment, source: PaperSource):
        return fidelity_check(
            title=source.title,
            abstract=source.abstract,
            translations={
                "title": enrichment.title_zh or "",
                "summary": enrichment.summary_zh or "",
                "abstract": enrichment.abstract_zh or "",
            },
            unknown_slugs=enrichment.rejected_hits,
        )

    def _answer(self, messages: list[dict], usage: Usage, source: PaperSource) -> str:
        """The text of one usable reply (think blocks dropped), or EnrichmentFailed saying why.

        A cut-off reply is asked again once with a larger budget; a prompt over the context is
        sent again once shrunk (messages[1] is replaced, so a repair request stays short too).
        """
        budgets = [settings.LLM_MAX_TOKENS, max(settings.LLM_MAX_TOKENS_RETRY, 1)]
        shrunk = False
        while True:
            try:
                reply = self._complete(messages, usage, max_tokens=budgets[0])
            except _ContextTooLong as exc:
                shorter = user_prompt(source, shrink=True)
                if shrunk or shorter == messages[1]["content"]:
                    message = (
                        "the prompt does not fit the model's context, even with the first-page "
                        f"text trimmed (the abstract is never cut): {exc}"
                    )
                    raise EnrichmentFailed(message, usage) from exc
                messages[1] = {"role": "user", "content": shorter}
                shrunk = True
                continue
            if reply.finish_reason == "length" or reply.unclosed_think:
                if len(budgets) > 1:
                    budgets.pop(0)
                    continue
                tokens = reply.completion_tokens or budgets[0]
                raise EnrichmentFailed(f"reply cut off at {tokens} tokens", usage)
            self._usable_check(reply, usage)
            return reply.text

    def _usable_check(self, reply: ChatReply, usage: Usage) -> None:
        if reply.refusal:
            raise EnrichmentFailed(f"the model refused: {reply.refusal[:300]}", usage)
        if reply.finish_reason == "content_filter":
            raise EnrichmentFailed("the provider's content filter stopped the reply", usage)
        if not reply.text:
            raise EnrichmentFailed(f"empty reply (finish_reason {reply.finish_reason!r})", usage)

    def _complete(self, messages: list[dict], usage: Usage, *, max_tokens: int) -> ChatReply:
        fmt = accepted_formats.get(self._format_key, self._format)
        attempt = 0
        while True:
            provider_wait(provider=self.provider)
            request = {
                "model": self.model,
                "messages": messages,
                "temperature": 0,
                "max_tokens": max_tokens,
            }
            if response_format := response_format_body(fmt, self.provider):
                request["response_format"] = response_format
            usage.calls += 1
            try:
                completion = self._client.chat.completions.create(**request)
            except openai.APIStatusError as exc:
                if exc.status_code == 400 and context_length_exceeded(exc.body, str(exc)):
                    raise _ContextTooLong(str(exc)[:300]) from exc
                if fmt != "none" and structured_output_refused(exc.status_code, str(exc)):
                    fmt = RESPONSE_FORMATS[RESPONSE_FORMATS.index(fmt) + 1]
                    log.warning("%s refused structured output, trying %s: %s", self.model, fmt, exc)
                    continue
                if exc.status_code != 429 and exc.status_code < 500:
                    raise self._failed(exc, usage) from exc
                attempt = self._retry_or_fail(exc, attempt, usage)
            except openai.APIConnectionError as exc:  # timeouts included
                attempt = self._retry_or_fail(exc, attempt, usage)
            except openai.APIError as exc:
                raise self._failed(exc, usage) from exc
            else:
                if fmt != self._format:
                    accepted_formats[self._format_key] = fmt
                call = usage_read(completion)
                usage.prompt_tokens += call.prompt_tokens
                usage.completion_tokens += call.completion_tokens
                usage.cache_hit_tokens += call.cache_hit_tokens
                return chat_reply_read(completion)

    def _retry_or_fail(self, exc: openai.APIError, attempt: int, usage: Usage) -> int:
        """The next attempt's number after backing off, or EnrichmentFailed when none is left."""
        if attempt >= settings.LLM_MAX_RETRIES:
            raise self._failed(exc, usage) from exc
        self._back_off(exc, attempt, usage)
        return attempt + 1

    def _failed(self, exc: openai.APIError, usage: Usage) -> EnrichmentFailed:
        message = f"LLM request failed: {type(exc).__name__}: {exc}"
        response = getattr(exc, "response", None)
        text = response.text.strip()[:300] if response is not None else ""
        if (
            text and not isinstance(getattr(exc, "body", None), dict) and text not in message
        ):  # a body that is not JSON (an edge proxy's text/plain)
            message += f" - {text}"
        return EnrichmentFailed(message, usage)

    def _back_off(self, exc: openai.APIError, attempt: int, usage: Usage) -> None:
        """Wait what the server asked (Retry-After, retry-after-ms, x-ratelimit-reset-*), else
        an exponential backoff with jitter; a 429 makes every worker of the provider wait."""
        response = getattr(exc, "response", None)
        asked = retry_delay_read(response.headers) if response is not None else None
        if asked is None:
            backoff = settings.LLM_RETRY_BACKOFF * 2**attempt
            asked = min(backoff, settings.LLM_RETRY_MAX_WAIT) * random.uniform(0.5, 1.0)  # noqa: S311 (jitter)
        rate_limited = isinstance(exc, openai.RateLimitError)
        if rate_limited:
            provider_pause(provider=self.provider, seconds=asked)
        if asked > settings.LLM_RETRY_MAX_WAIT:
            message = f"LLM request failed: {type(exc).__name__}, asked to wait {asked:.0f} s"
            raise EnrichmentFailed(message, usage) from exc
        if not rate_limited:
            time.sleep(asked)

    def _enrichment(self, answer: EnrichmentAnswer, usage: Usage) -> Enrichment:
        hits, rejected = hits_check(
            [
                HitSuggestion(
                    topic=hit.topic,
                    subtopic=hit.subtopic,
                    confidence=hit.confidence,
                    reason=hit.reason,
                )
                for hit in answer.hits
            ],
            self.taxonomy,
        )
        return Enrichment(
            title_zh=answer.title_zh,
            summary_zh=answer.summary_zh,
            abstract_zh=answer.abstract_zh,
            institutions=[
                InstitutionSuggestion(name=inst.name, name_zh=inst.name_zh)
                for inst in answer.institutions
            ],
            hits=hits,
            rejected_hits=rejected,
            usage=usage,
        )
