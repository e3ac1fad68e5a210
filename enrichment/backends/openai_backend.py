"""Any OpenAI-compatible chat endpoint: one JSON-mode call per paper, one repair if needed.

Rate limits, 5xx and timeouts are retried by the openai client itself: exponential backoff
with jitter that honours Retry-After (and retry-after-ms), LLM_MAX_RETRIES times.
"""

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
from enrichment.backends.prompt import PROMPT_VERSION, repair_prompt, system_prompt, user_prompt
from enrichment.backends.schema import AnswerError, EnrichmentAnswer, answer_parse
from enrichment.backends.taxonomy import Taxonomy

# How much of a rejected reply is sent back with the repair request.
ECHO_CHARS = 6000


class OpenAIBackend:
    name = "openai"
    metered = True
    prompt_version = PROMPT_VERSION

    def __init__(self, *, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.model = settings.LLM_MODEL
        self._system = system_prompt(taxonomy)
        self._client = openai.OpenAI(
            base_url=settings.LLM_BASE_URL or None,
            # Local OpenAI-compatible servers need no key, but the client insists on one.
            api_key=settings.LLM_API_KEY or "no-key",
            timeout=settings.LLM_TIMEOUT,
            max_retries=settings.LLM_MAX_RETRIES,
        )

    def enrich(self, source: PaperSource) -> Enrichment:
        usage = Usage()
        messages = [
            {"role": "system", "content": self._system},
            {"role": "user", "content": user_prompt(source)},
        ]
        error = None
        for _ in range(2):  # the answer, then one repair request
            reply = self._complete(messages, usage)
            try:
                answer = answer_parse(reply, source_text=f"{source.title}\n{source.abstract}")
            except AnswerError as exc:
                error = exc
                messages += [
                    {"role": "assistant", "content": reply[:ECHO_CHARS]},
                    {"role": "user", "content": repair_prompt(str(exc))},
                ]
                continue
            return self._enrichment(answer, usage)
        raise EnrichmentFailed(f"invalid answer after one repair: {error}", usage) from error

    def _complete(self, messages: list[dict], usage: Usage) -> str:
        usage.calls += 1
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=messages,
                temperature=0,
                max_tokens=settings.LLM_MAX_TOKENS,
                response_format={"type": "json_object"},
            )
        except openai.APIError as exc:
            message = f"LLM request failed: {type(exc).__name__}: {exc}"
            raise EnrichmentFailed(message, usage) from exc
        if response.usage:
            usage.prompt_tokens += response.usage.prompt_tokens or 0
            usage.completion_tokens += response.usage.completion_tokens or 0
        if not response.choices:
            return ""
        return response.choices[0].message.content or ""

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
