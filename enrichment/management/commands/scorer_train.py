"""`manage.py scorer_train [--topic SLUG] [--force]`: train the next version of each active
topic's scorer from the kept labels and editors' decisions (skipped when they did not change,
unless --force)."""

from django.core.management.base import BaseCommand, CommandError

from enrichment.curation.selectors import scorer_latest
from enrichment.curation.services import scorer_train_topic
from topics.models import Topic


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--topic", action="append", help="only these topic slugs")
        parser.add_argument("--force", action="store_true", help="retrain on unchanged data")

    def handle(self, *args, topic: list[str] | None, force: bool, **options):
        topics = Topic.objects.active()
        if topic:
            topics = topics.filter(slug__in=topic)
            if missing := set(topic) - {t.slug for t in topics}:
                raise CommandError(f"no active topic {', '.join(sorted(missing))}")
        for row in topics:
            model = scorer_train_topic(topic=row, force=force)
            if model is None:
                newest = scorer_latest(topic=row)
                self.stdout.write(
                    f"{row.slug}: examples unchanged, {newest} stays"
                    if newest
                    else f"{row.slug}: too few labelled papers or decisions, keywords stay"
                )
                continue
            m = model.metrics
            self.stdout.write(
                f"{model}: {model.labelled} labelled, {model.accepted} accepted, "
                f"{model.rejected} rejected; out of fold P {m['precision']} R {m['recall']} "
                f"F1 {m['f1']}; threshold {model.threshold}; {m['seconds']} s"
            )
