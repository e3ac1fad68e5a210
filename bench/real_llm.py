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
# How the product words a reply that failed a blocking fidelity check after its repair.
_UNUSABLE = "unusable answer after one repair: "


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


def check_kind(problem: str) -> str:
    """A fidelity problem as the product words it, its particulars left out: "abstract: numbers
    missing or changed: 12, 5" -> "abstract: numbers missing or changed"."""
    name, _, text = problem.partition(": ")
    return f"{name}: {re.sub(r'[0-9.]+', 'N', re.split(r'[:(]', text)[0].strip())}"


def failure_reasons(error: str) -> list[str]:
    """What went wrong, in kinds that repeat across papers (list indexes and bodies left out);
    a blocking fidelity check as "check: <field>: <kind>"."""
    if not error:
        return []
    fields = _PYDANTIC_FIELD.findall(error.split("validation error", 1)[-1])
    if "schema violation" in error and fields:
        # hits.0.reason and hits.3.reason are one kind of failure
        return sorted(
            {"schema: " + re.sub(r"\d+", "N", field) + f": {message}" for field, message in fields}
        )
    first = error.strip().splitlines()[0]
    if first.startswith(_UNUSABLE):
        return sorted({"check: " + check_kind(p) for p in first[len(_UNUSABLE) :].split("; ")})
    return [re.sub(r"\s*[-:]\s*\{.*", "", first)[:140]]


def paper_enrich(arxiv_id: str) -> PaperResult:
    from django.core.management import call_command

    from papers.models import EnrichmentRun, Paper

    started = time.perf_counter()
    call_command("enrich", arxiv_id, stdout=io.StringIO(), stderr=io.StringIO())
    seconds = time.perf_counter() - started
    run = EnrichmentRun.objects.latest("pk")
    paper = Paper.objects.get(arxiv_id=arxiv_id)
    # Paper.enrichment_flags: {"abstract": ["numbers missing or changed: 12", …], …}
    flags = [check_kind(f"{name}: {p}") for name, ps in paper.enrichment_flags.items() for p in ps]
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


def report(results: list[PaperResult], server: str) -> str:
    from django.conf import settings

    from enrichment.backends.providers import provider_name, response_format_get
    from papers.models import Paper

    provider = provider_name()
    done = [r for r in results if r.state == Paper.EnrichmentState.DONE]
    n = len(results) or 1
    seconds = [r.seconds for r in results] or [0.0]
    prompt = sum(r.prompt_tokens for r in results)
    completion = sum(r.completion_tokens for r in results)
    reasons = Counter(reason for r in results for reason in r.reasons)
    flags = Counter(flag for r in results for flag in r.flags)
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    rows = [
        f"{today}, {os.cpu_count()} cores ({platform.machine()}), {server}; "
        f"provider `{provider}`, response_format `{response_format_get(provider)}` first, "
        f"max_tokens {settings.LLM_MAX_TOKENS} (retry {settings.LLM_MAX_TOKENS_RETRY})",
        "",
        "| measure | value |",
        "|---|---|",
        f"| papers attempted | {len(results)} |",
        f"| replies parsed and stored (enrichment done) | {len(done)} |",
        f"| papers failed | {len(results) - len(done)} |",
        f"| LLM calls (answers + repair requests) | {sum(r.calls for r in results)} |",
        f"| prompt tokens (per paper) | {prompt:,} ({prompt / n:,.0f}) |",
        f"| completion tokens (per paper) | {completion:,} ({completion / n:,.0f}) |",
        f"| seconds per paper (mean, max) | {sum(seconds) / n:.1f}, {max(seconds):.1f} |",
    ]
    rows += [f"| paper failed: {reason} | {count} |" for reason, count in reasons.most_common()]
    rows += [f"| check failed, stored flagged: {kind} | {k} |" for kind, k in flags.most_common()]
    rows += [] if flags else ["| check failed, stored flagged | none |"]
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
    print(f"enriching {len(arxiv_ids)} papers through {settings.LLM_BASE_URL}", flush=True)
    results = []
    for arxiv_id in arxiv_ids:
        results.append(paper_enrich(arxiv_id))
        r = results[-1]
        print(f"  {arxiv_id}: {r.state} in {r.seconds:.0f} s, {r.calls} call(s)", flush=True)
    table = report(results, os.environ.get("REAL_LLM_SERVER", settings.LLM_MODEL))
    (args.work / "report.md").write_text(table + "\n", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
