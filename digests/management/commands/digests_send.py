import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from digests import tasks
from digests.selectors import digest_states_count


class Command(BaseCommand):
    help = (
        "Run the digest fan-out of a published announce date now (papers.digests_fanout, "
        "without its DIGEST_DELAY_MINUTES wait): every confirmed reader of a topic published "
        "that day without a digest of it gets one; a digest already sent is never sent again. "
        "With CELERY_TASK_ALWAYS_EAGER (make run) the mails are sent in this process, and the "
        "console e-mail backend prints them here, above the summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("date", type=dt.date.fromisoformat, help="announce date, ISO")

    def handle(self, *args, date, **options):
        queued = tasks.digests_fanout(date.isoformat())
        self.stdout.write(f"{date}: queued {queued} digest(s)")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            states = digest_states_count(announce_date=date)
            tally = ", ".join(f"{state} {count}" for state, count in states.items()) or "none"
            self.stdout.write(self.style.SUCCESS(f"{date}: digests by state: {tally}"))
