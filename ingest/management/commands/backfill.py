import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingest import schedule, services
from ingest.management.commands.ingest import categories_arg, run_report
from topics.selectors import watched_categories_list


class Command(BaseCommand):
    help = (
        "Recreate past listings through the arXiv API (submission windows per listing date, "
        "paged, at the shared 3-second pace)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--categories", type=categories_arg, default=None)

    def handle(self, *args, start, end, categories, **options):
        if end < start:
            raise CommandError("--to is before --from")
        categories = categories or watched_categories_list()
        if not categories:
            raise CommandError("no categories: pass --categories or activate a topic")
        dates = schedule.listing_dates(start, end)
        with tqdm(total=len(dates), unit="day", file=self.stderr) as bar:

            def progress(listing_date: dt.date, papers: int) -> None:
                bar.set_postfix_str(f"{listing_date} {papers} papers")
                bar.update()

            run = services.backfill_run(
                start=start, end=end, categories=categories, progress=progress
            )
        run_report(self, run)
