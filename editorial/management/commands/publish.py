import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from editorial import services
from editorial.edits import audit_reason
from topics.models import Topic

AUDIT_REASON = "manage.py publish"


class Command(BaseCommand):
    help = (
        "Publish the daily pages of an arXiv listing date: every active topic with accepted "
        "papers listed that day, or only --topic. With --accept-at-threshold, first accept "
        "the suggested hits at or above each topic's confidence threshold. Writes as the "
        f'system; history names "{AUDIT_REASON}" as the reason.'
    )

    def add_arguments(self, parser):
        parser.add_argument("date", type=dt.date.fromisoformat, help="listing date, ISO")
        parser.add_argument("--topic", metavar="SLUG", help="only this active topic")
        parser.add_argument(
            "--accept-at-threshold",
            action="store_true",
            help="accept suggested hits at or above their topic's confidence threshold first",
        )

    def handle(self, *args, date, topic, accept_at_threshold, **options):
        chosen = None
        if topic:
            chosen = Topic.objects.active().filter(slug=topic).first()
            if chosen is None:
                raise CommandError(f"no active topic {topic!r}")
        with audit_reason(AUDIT_REASON):
            if accept_at_threshold:
                accepted = services.day_hits_accept_above_threshold(
                    announce_date=date, topic=chosen, user=None
                )
                self.stdout.write(f"{date}: accepted {len(accepted)} hit(s) at their threshold")
            pages = services.daily_pages_publish_for_date(
                announce_date=date, topic=chosen, user=None
            )
        slugs = ", ".join(page.topic.slug for page in pages) or "none (nothing new to publish)"
        self.stdout.write(self.style.SUCCESS(f"{date}: published {len(pages)} page(s): {slugs}"))
