"""Writes to the taxonomy."""

import json
from pathlib import Path

from django.db import models, transaction

from topics.models import Area, Subtopic, Topic

DEFAULT_TAXONOMY = Path(__file__).parent / "fixtures" / "default_taxonomy.json"
TEXTS = ("name_zh", "name_en", "description_zh", "description_en")


def _row_ensure(model: type[models.Model], lookup: dict, data: dict) -> models.Model:
    """The row as shipped if missing; a row that exists keeps the editors' values, and only
    its empty names and descriptions are filled (a language added after it was made)."""
    row, created = model.objects.get_or_create(**lookup, defaults=data)
    missing = [name for name in TEXTS if not created and data.get(name) and not getattr(row, name)]
    if missing:
        for name in missing:
            setattr(row, name, data[name])
        row.save(update_fields=missing)
    return row


@transaction.atomic
def taxonomy_load(*, path: Path = DEFAULT_TAXONOMY) -> tuple[int, int, int]:
    """Create the shipped rows that are missing; rows that exist belong to editors and are kept
    (only a name or description they lack is filled in)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = [0, 0, 0]
    for area_pos, area_data in enumerate(data["areas"]):
        topics = area_data.pop("topics")
        area = _row_ensure(
            Area, {"slug": area_data.pop("slug")}, {**area_data, "position": area_pos}
        )
        counts[0] += 1
        for topic_pos, topic_data in enumerate(topics):
            subtopics = topic_data.pop("subtopics")
            topic = _row_ensure(
                Topic,
                {"slug": topic_data.pop("slug")},
                {**topic_data, "area": area, "position": topic_pos},
            )
            counts[1] += 1
            for sub_pos, sub_data in enumerate(subtopics):
                _row_ensure(
                    Subtopic,
                    {"topic": topic, "slug": sub_data.pop("slug")},
                    {**sub_data, "position": sub_pos},
                )
                counts[2] += 1
    return counts[0], counts[1], counts[2]
