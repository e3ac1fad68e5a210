"""`manage.py curation_eval LABELS...`: per topic, the learned scorer trained on the labels'
train split against today's keyword matching and a naive regex, on the eval split."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enrichment.curation.evaluation import report_format, topic_evaluate
from enrichment.curation.labels import labels_read
from enrichment.selectors import taxonomy_snapshot


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("labels", nargs="+", type=Path, help="label files (JSONL)")
        parser.add_argument("--topic", action="append", help="only these topic slugs")

    def handle(self, *args, **options):
        labels = labels_read(paths=options["labels"])
        taxonomy = taxonomy_snapshot()
        slugs = options["topic"] or sorted({label.topic for label in labels})
        for slug in slugs:
            topic = taxonomy.topic(slug)
            if topic is None:
                raise CommandError(f"no active topic {slug!r} (run load_taxonomy?)")
            try:
                report = topic_evaluate(topic=topic, labels=labels)
            except ValueError as exc:
                self.stdout.write(f"== {slug}: {exc}")
                continue
            self.stdout.write(report_format(report))
