"""A frozen copy of the active taxonomy: what the prompt lists and what answers are checked against.

Backends run in worker threads without database access, so they get this snapshot instead of
querysets.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SubtopicSpec:
    pk: int
    slug: str
    name_zh: str
    name_en: str
    keywords: tuple[str, ...] = ()
    description: str = ""  # English
    description_zh: str = ""


@dataclass(frozen=True)
class TopicSpec:
    pk: int
    slug: str
    name_zh: str
    name_en: str
    description: str = ""  # English: what the prompt shows
    description_zh: str = ""
    categories: tuple[str, ...] = ()
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    subtopics: tuple[SubtopicSpec, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[TopicSpec, ...] = field(default_factory=tuple)

    def topic(self, slug: str) -> TopicSpec | None:
        return next((topic for topic in self.topics if topic.slug == slug), None)

    def subtopic(self, topic: TopicSpec, slug: str) -> SubtopicSpec | None:
        return next((sub for sub in topic.subtopics if sub.slug == slug), None)

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything offline matching depends on changes."""
        payload = json.dumps([asdict(topic) for topic in self.topics], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def prompt_listing(self) -> str:
        """The taxonomy as the prompt shows it: slugs to answer with, names to understand them."""
        lines = []
        for topic in self.topics:
            lines.append(f"- topic `{topic.slug}`: {topic.name_en} / {topic.name_zh}")
            if topic.description:
                lines.append(f"  {topic.description}")
            for sub in topic.subtopics:
                lines.append(f"  - subtopic `{sub.slug}`: {sub.name_en} / {sub.name_zh}")
        return "\n".join(lines)
