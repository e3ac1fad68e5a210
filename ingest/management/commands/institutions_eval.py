from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.frontmatter.evaluate import evaluation_report, institutions_evaluate


class Command(BaseCommand):
    help = (
        "Score institution extraction and matching on DIR/expected.json and the recorded "
        "DIR/<id>.html|pdf files: per paper found/missed/wrong, then precision and recall."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, metavar="DIR")

    def handle(self, *args, folder: Path, **options):
        try:
            result = institutions_evaluate(folder)
        except FileNotFoundError as error:
            raise CommandError(f"{folder}: {error}") from error
        self.stdout.write("\n".join(evaluation_report(result)))
