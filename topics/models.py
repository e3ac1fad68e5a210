"""The topic taxonomy editors curate: Area → Topic → Subtopic."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from simple_history import register as history_register

# Readers' e-mail subscriptions to topics (re-exported: one models module per app).
from topics.subscriptions import DigestDelivery as DigestDelivery
from topics.subscriptions import Subscription as Subscription


class Named(models.Model):
    """A name and a description in both languages; `name` and `description` are the ones in
    the reader's (or editor's) language, the other language's when that one is empty."""

    name_zh = models.CharField("中文名", max_length=100)
    name_en = models.CharField("English name", max_length=100)
    description_zh = models.TextField("中文简介", blank=True)
    description_en = models.TextField("English description", blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def _in_language(zh: str, en: str) -> str:
        if (get_language() or settings.LANGUAGE_CODE).startswith("zh"):
            return zh or en
        return en or zh

    @property
    def name(self) -> str:
        return self._in_language(self.name_zh, self.name_en)

    @property
    def description(self) -> str:
        return self._in_language(self.description_zh, self.description_en)


class Area(Named):
    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "领域 / Area"
        verbose_name_plural = "领域 / Areas"


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Topic(Named):
    class PublishPolicy(models.TextChoices):
        MANUAL = "manual", "人工发布 / manual"
        AUTO = "auto", "定时自动发布已接受论文 / auto-publish accepted at a set time"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="topics")
    slug = models.SlugField(unique=True)
    categories = models.JSONField(
        default=list,
        blank=True,
        help_text="arXiv categories this topic watches (its signal sources), e.g. cs.CL.",
    )
    include_keywords = models.JSONField(
        default=list, blank=True, help_text="Offline matching: any of these suggests the topic."
    )
    exclude_keywords = models.JSONField(
        default=list, blank=True, help_text="Offline matching: any of these vetoes the topic."
    )
    confidence_threshold = models.FloatField(
        default=0.6,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Hits at or above this confidence are accepted by the bulk action.",
    )
    publish_policy = models.CharField(
        max_length=10, choices=PublishPolicy.choices, default=PublishPolicy.MANUAL
    )
    auto_publish_time = models.TimeField(
        null=True,
        blank=True,
        help_text="With the auto policy: publish accepted hits at this time (display zone).",
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["area__position", "position", "slug"]
        verbose_name = "专题 / Topic"
        verbose_name_plural = "专题 / Topics"


class Subtopic(Named):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subtopics")
    slug = models.SlugField()
    keywords = models.JSONField(
        default=list, blank=True, help_text="Offline matching: terms that point to this subtopic."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["topic", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "slug"], name="subtopic_unique_slug_per_topic")
        ]
        verbose_name = "子专题 / Subtopic"
        verbose_name_plural = "子专题 / Subtopics"

    def __str__(self) -> str:
        return f"{self.topic.name} › {self.name}"


# Taxonomy edits are editorial changes, kept with who and when.
for _audited in (Area, Topic, Subtopic):
    history_register(_audited)
