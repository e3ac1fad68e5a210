from django.core.management.base import BaseCommand

from enrichment.backends import backend_name
from enrichment.selectors import papers_to_enrich
from enrichment.services import papers_enrich
from papers.models import Paper


class Command(BaseCommand):
    help = (
        "Enrich papers now with the configured backend: pending and failed ones, or all "
        "(unchanged papers are cached and cost no call)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every paper, not only pending")
        parser.add_argument("arxiv_ids", nargs="*", help="only these papers")

    def handle(self, *args, arxiv_ids: list[str], all: bool, **options):
        papers = Paper.objects.all() if all or arxiv_ids else papers_to_enrich()
        if arxiv_ids:
            papers = papers.filter(arxiv_id__in=arxiv_ids)
        run = papers_enrich(papers=papers)
        self.stdout.write(
            f"{backend_name()} ({run.model}, prompt {run.prompt_version}): {run.status}; "
            f"{run.papers_total} papers: {run.papers_done} done, {run.papers_cached} cached, "
            f"{run.papers_failed} failed, {run.papers_deferred} deferred; {run.llm_calls} calls, "
            f"{run.prompt_tokens}+{run.completion_tokens} tokens "
            f"({run.cache_hit_tokens} prompt tokens from the cache), ${run.cost_usd}"
        )
        if run.error:
            self.stderr.write(run.error)
