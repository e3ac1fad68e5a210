"""`make real-llm`: enrich sample papers through a real OpenAI-compatible server; print a table.

    python -m bench.real_llm [--papers 10] [--work var/real-llm]

scripts/real_llm.sh starts the server (llama.cpp) and sets the ARXDAILY_LLM_* settings; this
module runs the product as `make run` does, on a SQLite database of its own (rebuilt each run):
migrate, load_taxonomy, ingest the bundled sample, then the `enrich` command once per paper, so
each paper has its own run record (calls, tokens) and its own time. Ingest queues enrichment to
an in-memory broker that no worker reads, so only the papers chosen here reach the server.
"""

import argparse
import datetime as dt
import io
import os
import platform
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "papers" / "sample"
# A pydantic error: a line "summary_zh", then "  Value error, must have 3 to 5 sentences [type=…".
_PYDANTIC_FIELD = re.compile(r"^(\S+)\n\s+(?:Value error, )?(.*?)(?: \[type=|$)", re.M)


@dataclass
class PaperResult:
    arxiv_id: str
    state: str
    seconds: float
    calls: int
    prompt_tokens: int
    completion_tokens: int
    reasons: list[str]
    flags: list[str]
    title_zh: str


def django_setup(work: Path) -> None:
    """The `make run` settings on a database file of our own; tasks queued go nowhere."""
    database = work / "db.sqlite3"
    database.unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "arxdaily.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    import django

    django.setup()


def failure_reasons(error: str) -> list[str]:
    """What went wrong, in kinds that repeat across papers (list indexes and bodies left out)."""
    if not error:
        return []
    fields = _PYDANTIC_FIELD.findall(error.split("validation error", 1)[-1])
    if "schema violation" in error and fields:
        # hits.0.reason and hits.3.reason are one kind of failure
        return sorted(
            {"schema: " + re.sub(r"\d+", "N", field) + f": {message}" for field, message in fields}
        )
    first = error.strip().splitlines()[0]
    return [re.sub(r"\s*[-:]\s*\{.*", "", first)[:140]]


def flag_fields() -> list[str]:
    """The paper's fidelity-flag fields, in whatever version of the product this runs on."""
    from django.db import models

    from papers.models import Paper

    return [
        field.name
        for field in Paper._meta.get_fields()
        if isinstance(field, models.JSONField) and re.search("flag|fidelity", field.name)
    ]


def flag_kinds(value, prefix: str = "") -> list[str]:
    """Kinds of check that failed in a flags value: dict keys with a truthy value, list items
    (strings up to a colon, or a dict's kind/check/code)."""
    kinds = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                kinds += flag_kinds(item, f"{prefix}{key}.")
            elif item:
                kinds.append(f"{prefix}{key}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                kind = item.get("kind") or item.get("check") or item.get("code") or "?"
                kinds.append(f"{prefix}{kind}")
            elif item:
                kinds.append(f"{prefix}{str(item).split(':')[0]}")
    return kinds


def paper_enrich(arxiv_id: str, fields: list[str]) -> PaperResult:
    from django.core.management import call_command

    from papers.models import EnrichmentRun, Paper

    started = time.perf_counter()
    call_command("enrich", arxiv_id, stdout=io.StringIO(), stderr=io.StringIO())
    seconds = time.perf_counter() - started
    run = EnrichmentRun.objects.latest("pk")
    paper = Paper.objects.get(arxiv_id=arxiv_id)
    flags = [kind for name in fields for kind in flag_kinds(getattr(paper, name))]
    return PaperResult(
        arxiv_id=arxiv_id,
        state=paper.enrichment_state,
        seconds=seconds,
        calls=run.llm_calls,
        prompt_tokens=run.prompt_tokens,
        completion_tokens=run.completion_tokens,
        reasons=failure_reasons(paper.enrichment_error),
        flags=sorted(set(flags)),
        title_zh=paper.title_zh_machine,
    )


def report(results: list[PaperResult], fields: list[str], server: str) -> str:
    from django.conf import settings

    from papers.models import Paper

    done = [r for r in results if r.state == Paper.EnrichmentState.DONE]
    n = len(results) or 1
    seconds = [r.seconds for r in results] or [0.0]
    prompt = sum(r.prompt_tokens for r in results)
    completion = sum(r.completion_tokens for r in results)
    reasons = Counter(reason for r in results for reason in r.reasons)
    flags = Counter(flag for r in results for flag in r.flags)
    schema_broken = sum(
        1 for r in results if r.reasons and all(x.startswith("schema:") for x in r.reasons)
    )
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    rows = [
        f"{today}, {os.cpu_count()} cores ({platform.machine()}), {server}; "
        f"response format setting `{os.environ.get('ARXDAILY_LLM_RESPONSE_FORMAT', '')}`, "
        f"max_tokens {settings.LLM_MAX_TOKENS}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| papers attempted | {len(results)} |",
        f"| replies parsed and stored (enrichment done) | {len(done)} |",
        f"| papers failed | {len(results) - len(done)} |",
        f"| … of which the last reply was JSON but broke the schema | {schema_broken} |",
        f"| LLM calls (answers + repair requests) | {sum(r.calls for r in results)} |",
        f"| prompt tokens (per paper) | {prompt:,} ({prompt / n:,.0f}) |",
        f"| completion tokens (per paper) | {completion:,} ({completion / n:,.0f}) |",
        f"| seconds per paper (mean, max) | {sum(seconds) / n:.1f}, {max(seconds):.1f} |",
    ]
    rows += [f"| failed: {reason} | {count} |" for reason, count in reasons.most_common()]
    if fields:
        rows += [f"| fidelity flag: {flag} | {count} |" for flag, count in flags.most_common()]
        rows += [] if flags else ["| fidelity flags | none raised |"]
    else:
        rows.append("| fidelity flags | not recorded by this version of the product |")
    rows += [
        "",
        "| paper | outcome | calls | tokens in+out | s | title_zh as stored, or why it failed |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        text = r.title_zh if r.state == Paper.EnrichmentState.DONE else "; ".join(r.reasons)
        text = " ".join(text.split()).replace("|", "\\|")[:80]
        rows.append(
            f"| {r.arxiv_id} | {r.state} | {r.calls} | {r.prompt_tokens}+{r.completion_tokens} "
            f"| {r.seconds:.0f} | {text} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("var/real-llm"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    django_setup(args.work)
    from django.conf import settings
    from django.core.management import call_command

    from papers.models import Paper

    for command in (["migrate", "--noinput"], ["load_taxonomy"]):
        call_command(*command, verbosity=0, stdout=io.StringIO())
    call_command("ingest", "--from-dir", str(SAMPLE))
    arxiv_ids = list(Paper.objects.order_by("arxiv_id").values_list("arxiv_id", flat=True))
    arxiv_ids = arxiv_ids[: args.papers]
    fields = flag_fields()
    print(f"enriching {len(arxiv_ids)} papers through {settings.LLM_BASE_URL}", flush=True)
    results = []
    for arxiv_id in arxiv_ids:
        results.append(paper_enrich(arxiv_id, fields))
        r = results[-1]
        print(f"  {arxiv_id}: {r.state} in {r.seconds:.0f} s, {r.calls} call(s)", flush=True)
    table = report(results, fields, os.environ.get("REAL_LLM_SERVER", settings.LLM_MODEL))
    (args.work / "report.md").write_text(table + "\n", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
