from django.core.management.base import BaseCommand

from topics.services import taxonomy_load


class Command(BaseCommand):
    help = "Create the default topic taxonomy rows that are missing (safe to re-run)."

    def handle(self, *args, **options):
        areas, topics, subtopics = taxonomy_load()
        self.stdout.write(f"taxonomy: {areas} areas, {topics} topics, {subtopics} subtopics")
