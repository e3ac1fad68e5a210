import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest import services
from papers.models import IngestRun, RunStatus
from topics.selectors import watched_categories_list


def categories_arg(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def run_report(command: BaseCommand, run: IngestRun) -> None:
    """Print a run's outcome; a failed run makes the command fail."""
    command.stdout.write(
        f"ingest run {run.pk} [{run.get_source_display()}] {run.announce_date or ''}: "
        f"{run.status} — new {run.new_count}, cross {run.cross_count}, "
        f"replaced {run.replaced_count}, unchanged {run.unchanged_count}, "
        f"metadata pending {run.pending_count}, failed {run.failed_count}, "
        f"{run.requests_count} arXiv request(s) ({run.retries_count} retried)"
    )
    if run.error:
        command.stderr.write(run.error)
    if run.status == RunStatus.FAILED:
        raise CommandError(f"ingest run {run.pk} failed")


class Command(BaseCommand):
    help = (
        "Ingest arXiv listings: the listing feeds (a past --date is rebuilt through the API), "
        "or recorded feed/API files with --from-dir."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="listing date, ISO")
        parser.add_argument(
            "--categories",
            type=categories_arg,
            default=None,
            help="comma-separated, e.g. cs.CL,cs.AI (default: what active topics watch)",
        )
        parser.add_argument("--from-dir", type=Path, help="directory of recorded RSS/API files")

    def handle(self, *args, date, categories, from_dir, **options):
        if from_dir:
            if not from_dir.is_dir():
                raise CommandError(f"{from_dir} is not a directory")
            run = services.directory_ingest(path=from_dir, categories=categories or ())
            return run_report(self, run)
        categories = categories or watched_categories_list()
        if not categories:
            raise CommandError("no categories: pass --categories or activate a topic")
        run_report(self, services.announcement_ingest(categories=categories, announce_date=date))
