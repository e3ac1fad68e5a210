"""What differs between OpenAI-compatible providers: their name, structured output, prices.

The provider is LLM_PROVIDER, or guessed from the host of LLM_BASE_URL (`local` for a server
on this machine, `openai` without a base URL).
"""

import logging
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings

from enrichment.backends.base import Usage
from enrichment.backends.schema import answer_json_schema

log = logging.getLogger(__name__)

# Host (or its end) -> provider name.
PROVIDER_HOSTS = {
    "api.openai.com": "openai",
    "api.deepseek.com": "deepseek",
    "dashscope.aliyuncs.com": "dashscope",
    "dashscope-intl.aliyuncs.com": "dashscope",
    "open.bigmodel.cn": "zhipu",
    "api.z.ai": "zhipu",
    "api.moonshot.cn": "moonshot",
    "api.groq.com": "groq",
    "openrouter.ai": "openrouter",
    "api.together.xyz": "together",
    "router.huggingface.co": "huggingface",
    "api.cerebras.ai": "cerebras",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

# `response_format` per provider when LLM_RESPONSE_FORMAT is empty (README lists them).
# json_schema where the endpoint constrains output to a schema for every model (OpenAI;
# llama.cpp, vLLM and Ollama turn it into a grammar); json_object where only JSON mode is
# documented for the models we use. A refusal (any 400, or an error naming response_format,
# as llama-cpp-python's HTTP 500) steps down json_schema -> json_object -> none, remembered
# for the process per base URL and model.
RESPONSE_FORMATS = ("json_schema", "json_object", "none")
RESPONSE_FORMAT_DEFAULTS = {
    "openai": "json_schema",
    "local": "json_schema",
    "deepseek": "json_object",
    "dashscope": "json_object",
    "zhipu": "json_object",
    "moonshot": "json_object",
    "groq": "json_object",
    "openrouter": "json_object",
    "together": "json_object",
    "huggingface": "json_object",
    "cerebras": "json_object",
}


def response_format_body(fmt: str, provider: str) -> dict | None:
    """The request's `response_format` in mode `fmt` (None for `none`).

    A `local` server's json_object carries the answer schema as `schema`: llama-cpp-python's
    server refuses the json_schema type but turns that into a grammar, as llama.cpp's own
    server does. The schema has no length constraints (see answer_json_schema).
    """
    if fmt == "json_schema":
        schema = {"name": "paper_enrichment", "strict": True, "schema": answer_json_schema()}
        return {"type": "json_schema", "json_schema": schema}
    if fmt == "json_object" and provider == "local":
        return {"type": "json_object", "schema": answer_json_schema()}
    if fmt == "json_object":
        return {"type": "json_object"}
    return None


def provider_name() -> str:
    """LLM_PROVIDER, else the provider of LLM_BASE_URL's host ('other' when unknown)."""
    if settings.LLM_PROVIDER:
        return settings.LLM_PROVIDER
    if not settings.LLM_BASE_URL:
        return "openai"
    host = urlsplit(settings.LLM_BASE_URL).hostname or ""
    if host in LOCAL_HOSTS:
        return "local"
    return next((name for suffix, name in PROVIDER_HOSTS.items() if host.endswith(suffix)), "other")


def response_format_get(provider: str) -> str:
    """LLM_RESPONSE_FORMAT, else the provider's default (json_object for unknown providers);
    ValueError for a value outside RESPONSE_FORMATS."""
    wanted = settings.LLM_RESPONSE_FORMAT or RESPONSE_FORMAT_DEFAULTS.get(provider, "json_object")
    if wanted not in RESPONSE_FORMATS:
        raise ValueError(
            f"LLM_RESPONSE_FORMAT {wanted!r}: use one of {', '.join(RESPONSE_FORMATS)}"
        )
    return wanted


def usage_cost(usage: Usage, *, model: str, provider: str) -> Decimal:
    """USD for the tokens, from settings.LLM_PRICES (USD per million tokens).

    Looked up as "<provider>/<model>", then "<model>"; a price is (input, output) or (input,
    output, cache-hit input). Cache-hit tokens cost the cache-hit price when there is one.
    An unknown model costs 0 and is logged.
    """
    prices = settings.LLM_PRICES.get(f"{provider}/{model}") or settings.LLM_PRICES.get(model)
    if prices is None:
        if usage.calls:
            log.warning("no price for LLM model %s/%s; its cost is counted as 0", provider, model)
        return Decimal(0)
    price_in, price_out, price_hit = (Decimal(str(price)) for price in (*prices, prices[0])[:3])
    missed = usage.prompt_tokens - usage.cache_hit_tokens
    cost = missed * price_in + usage.cache_hit_tokens * price_hit
    cost += usage.completion_tokens * price_out
    return (cost / 1_000_000).quantize(Decimal("0.000001"))
