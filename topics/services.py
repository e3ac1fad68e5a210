"""Writes to the taxonomy."""

import json
from pathlib import Path

from django.db import transaction

from topics.models import Area, Subtopic, Topic

DEFAULT_TAXONOMY = Path(__file__).parent / "fixtures" / "default_taxonomy.json"


@transaction.atomic
def taxonomy_load(*, path: Path = DEFAULT_TAXONOMY) -> tuple[int, int, int]:
    """Create the shipped rows that are missing; rows that exist belong to editors and are kept."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = [0, 0, 0]
    for area_pos, area_data in enumerate(data["areas"]):
        topics = area_data.pop("topics")
        area, _ = Area.objects.get_or_create(
            slug=area_data.pop("slug"), defaults={**area_data, "position": area_pos}
        )
        counts[0] += 1
        for topic_pos, topic_data in enumerate(topics):
            subtopics = topic_data.pop("subtopics")
            topic, _ = Topic.objects.get_or_create(
                slug=topic_data.pop("slug"),
                defaults={**topic_data, "area": area, "position": topic_pos},
            )
            counts[1] += 1
            for sub_pos, sub_data in enumerate(subtopics):
                Subtopic.objects.get_or_create(
                    topic=topic,
                    slug=sub_data.pop("slug"),
                    defaults={**sub_data, "position": sub_pos},
                )
                counts[2] += 1
    return counts[0], counts[1], counts[2]
