from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.institutions import registry_reset, ror_dump_convert


class Command(BaseCommand):
    help = "Convert a full ROR dump (schema v1/v2, .zip/.json) into the registry file."

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="ROR dump, e.g. v1.60-...-ror-data.zip")
        parser.add_argument("--output", type=Path, help="default: INSTITUTION_REGISTRY_PATH")

    def handle(self, *args, dump: Path, output: Path | None, **options):
        target = output or Path(settings.INSTITUTION_REGISTRY_PATH or "")
        if not str(target) or str(target) == ".":
            raise CommandError("set INSTITUTION_REGISTRY_PATH or pass --output")
        if not dump.is_file():
            raise CommandError(f"{dump} not found")
        try:
            count = ror_dump_convert(dump, target)
        except ValueError as error:
            raise CommandError(f"{dump}: {error}") from error
        registry_reset()
        self.stdout.write(f"{count} active organisations written to {target}")
