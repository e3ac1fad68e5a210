"""Papers as arXiv announces them, what the machine and editors add, and what gets published."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat
from simple_history import register as history_register

# Models of this app that live in their own modules; imported here so that `papers.models`
# stays the one place to import any of them from (the "X as X" form marks a re-export).
from papers.affiliations import FrontMatter as FrontMatter
from papers.affiliations import Institution, PaperInstitution
from papers.affiliations import InstitutionAlias as InstitutionAlias
from papers.affiliations import PaperAuthor as PaperAuthor
from papers.affiliations import institution_name_normalize as institution_name_normalize
from papers.affiliations import ror_id_parse as ror_id_parse
from papers.listings import Announcement
from papers.listings import DailyPageEntry as DailyPageEntry
from papers.listings import PaperVersion as PaperVersion
from papers.runs import EnrichmentRun as EnrichmentRun
from papers.runs import IngestRun as IngestRun
from papers.runs import RunStatus as RunStatus
from papers.scorers import ScorerModel as ScorerModel
from papers.search_columns import EnglishSearchVector as EnglishSearchVector
from papers.search_columns import zh_public_expression


class ZhState(models.TextChoices):
    MISSING = "missing", "尚未翻译 / missing"
    MACHINE = "machine", "机器生成 / machine"
    EDITED = "edited", "人工修改 / human-edited"
    REVIEWED = "reviewed", "已审校 / reviewed"


@dataclass(frozen=True)
class ZhText:
    """The effective Chinese text of one field and where it came from."""

    value: str
    state: str
    source_changed: bool

    @property
    def is_public(self) -> bool:
        """Only text a person has looked at (edited or reviewed) reaches readers."""
        return self.state in (ZhState.EDITED, ZhState.REVIEWED)

    @property
    def public(self) -> str | None:
        """The text readers may see and search, or None (pages say "not yet translated")."""
        return self.value if self.is_public else None


ZH_FIELDS = ("title", "summary", "abstract")
# Newest papers first; indexed as paper_newest_first. On PostgreSQL papers still waiting for
# API metadata (no submission time yet) come first: they are the ones arXiv just listed.
PAPER_NEWEST_FIRST = ("-submitted_at", "-arxiv_id")
PUBLICATION_FIELDS = ("published_topics", "published_first", "published_last", "published_listings")


class PaperQuerySet(models.QuerySet):
    def published(self, **listing):
        """Papers on at least one published daily page: the only papers readers may see.

        `listing`: lookups on TopicHit.objects.published() rows (topic_id=…,
        published_on__gte=…) that one such published listing must meet, all in the same
        EXISTS (a second EXISTS for "published" would double the work per paper read).
        """
        hits = TopicHit.objects.published().filter(paper=OuterRef("pk"), **listing)
        return self.filter(Exists(hits))

    def in_category(self, category: str):
        # SQLite (make run) has no JSON containment; matching the quoted item is exact enough.
        if connections[self.db].vendor == "sqlite":
            return self.filter(categories__icontains=f'"{category}"')
        return self.filter(categories__contains=[category])


class Paper(models.Model):
    class MetadataState(models.TextChoices):
        PENDING = "pending", "等待 API 元数据 / metadata pending"
        COMPLETE = "complete", "完整 / complete"

    class EnrichmentState(models.TextChoices):
        PENDING = "pending", "待处理 / pending"
        DONE = "done", "完成 / done"
        FAILED = "failed", "失败待重试 / failed, will retry"
        NEEDS_EDITOR = "needs_editor", "需要编辑处理 / needs an editor"

    arxiv_id = models.CharField(
        max_length=40, unique=True, help_text="Without version: 2604.00626 or hep-th/9901001."
    )
    version = models.PositiveSmallIntegerField(default=1, help_text="Latest version we know.")
    title = models.TextField()
    abstract = models.TextField(blank=True)
    authors_text = models.TextField(
        blank=True, help_text="All authors as one line, as the listing feed gives them."
    )
    comments = models.TextField(blank=True)
    journal_ref = models.TextField(blank=True)
    doi = models.CharField(max_length=200, blank=True)
    primary_category = models.CharField(max_length=40, blank=True)
    categories = models.JSONField(default=list, blank=True)
    license = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Version 1 submitted.")
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Latest version submitted.")

    metadata_state = models.CharField(
        max_length=10, choices=MetadataState.choices, default=MetadataState.PENDING
    )
    metadata_attempts = models.PositiveSmallIntegerField(default=0)
    metadata_error = models.TextField(blank=True)

    # Chinese text: the machine's value and an editor's value are kept apart; see `zh()`.
    title_zh_machine = models.TextField("中文标题（机器）", blank=True)
    title_zh_human = models.TextField("中文标题（编辑）", blank=True)
    title_zh_source_changed = models.BooleanField(default=False)
    summary_zh_machine = models.TextField("AI总结（机器）", blank=True)
    summary_zh_human = models.TextField("AI总结（编辑）", blank=True)
    summary_zh_source_changed = models.BooleanField(default=False)
    abstract_zh_machine = models.TextField("中文摘要（机器）", blank=True)
    abstract_zh_human = models.TextField("中文摘要（编辑）", blank=True)
    abstract_zh_source_changed = models.BooleanField(default=False)
    summary_en = models.TextField(
        "English summary (extractive)", blank=True, help_text="Sentences taken from the abstract."
    )
    zh_reviewed_at = models.DateTimeField(null=True, blank=True)
    zh_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    enrichment_state = models.CharField(
        max_length=20, choices=EnrichmentState.choices, default=EnrichmentState.PENDING
    )
    enrichment_error = models.TextField(blank=True)
    enrichment_attempts = models.PositiveSmallIntegerField(default=0)
    enrichment_failures = models.PositiveSmallIntegerField(default=0, help_text="In a row.")
    enrichment_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="The sweep leaves a failed paper alone until then."
    )
    enrichment_flags = models.JSONField(
        default=dict,
        blank=True,
        help_text="Fidelity problems of the machine text per field (editors only).",
    )
    enrichment_key = models.CharField(
        max_length=64, blank=True, help_text="Hash of source text, prompt version and model."
    )
    enriched_at = models.DateTimeField(null=True, blank=True)
    # What enriching this paper has cost so far, every attempt included.
    enrichment_prompt_tokens = models.PositiveIntegerField(default=0)
    enrichment_completion_tokens = models.PositiveIntegerField(default=0)
    enrichment_cache_hit_tokens = models.PositiveIntegerField(default=0)
    enrichment_cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=0)

    institutions = models.ManyToManyField(
        Institution, through="PaperInstitution", related_name="papers", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    # Search columns, generated and stored by the database, so every write path
    # (bulk upserts included) keeps them current. Their GIN indexes (tsvector, pg_trgm) are
    # PostgreSQL-only and live in migrations (0003, 0011, 0020) so SQLite can still migrate;
    # both stay in the row, compressed, for scans that check them (STORAGE MAIN, 0021), as
    # do the filters' categories, published_topics and published_listings.
    # Search finds published papers only, so only they get a vector (NULL before): building
    # it was 70 % of storing a new paper (bench/notes.md), and publishing sets published_last.
    search_vector = models.GeneratedField(
        expression=Case(
            When(
                published_last__isnull=False,
                then=EnglishSearchVector("title", "abstract", "authors_text", config="english"),
            ),
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    # Exactly the Chinese text readers may see (see zh_public_expression): what is shown is
    # what can be found, and text nobody has passed can be neither.
    search_zh = models.GeneratedField(
        expression=Concat(
            zh_public_expression("title"),
            Value(" "),
            zh_public_expression("summary"),
            Value(" "),
            zh_public_expression("abstract"),
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    # TopicHit.objects.published() of this paper, kept by papers.publication (which gives the
    # shapes) so that search filters are index conditions on the paper itself.
    published_topics = models.JSONField(default=list, blank=True, editable=False)
    published_first = models.DateField(null=True, blank=True, editable=False)
    published_last = models.DateField(null=True, blank=True, editable=False)
    published_listings = models.JSONField(default=list, blank=True, editable=False)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-arxiv_id"]
        indexes = [
            models.Index(fields=["metadata_state"], name="paper_metadata_state"),
            models.Index(fields=["enrichment_state"], name="paper_enrichment_state"),
            models.Index(fields=PAPER_NEWEST_FIRST, name="paper_newest_first"),
            # Published papers still waiting for their submission time: usually none, and
            # search asks on every date-bounded query (papers.publication).
            models.Index(
                fields=["id"],
                condition=models.Q(submitted_at__isnull=True, published_last__isnull=False),
                name="paper_published_unsubmitted",
            ),
        ]
        verbose_name = "论文 / Paper"
        verbose_name_plural = "论文 / Papers"

    def __str__(self) -> str:
        return f"{self.arxiv_id}v{self.version} {self.title[:80]}"

    def save(self, *args, update_fields=None, **kwargs):
        """Saving a paper never writes PUBLICATION_FIELDS: only papers.publication does, so
        an instance read before a page was published cannot undo it."""
        if update_fields is None and not self._state.adding:
            update_fields = [
                f.name
                for f in self._meta.concrete_fields
                if not (f.primary_key or f.generated or f.name in PUBLICATION_FIELDS)
            ]
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.versioned_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.versioned_id}"

    def zh(self, field: str) -> ZhText:
        """The one place that decides which Chinese text counts: an editor's text wins."""
        if field not in ZH_FIELDS:
            raise ValueError(f"no Chinese field {field!r}")
        human = getattr(self, f"{field}_zh_human")
        machine = getattr(self, f"{field}_zh_machine")
        value = human or machine
        if not value:
            state = ZhState.MISSING
        elif self.zh_reviewed_at:
            state = ZhState.REVIEWED
        elif human:
            state = ZhState.EDITED
        else:
            state = ZhState.MACHINE
        return ZhText(
            value=value, state=state, source_changed=getattr(self, f"{field}_zh_source_changed")
        )

    @property
    def title_zh(self) -> ZhText:
        return self.zh("title")

    @property
    def summary_zh(self) -> ZhText:
        return self.zh("summary")

    @property
    def abstract_zh(self) -> ZhText:
        return self.zh("abstract")


class TopicHitQuerySet(models.QuerySet):
    """What readers may see is decided here, in one chain: accepted() → listed_on(date) →
    published() (on a page DailyPage.objects.published() holds: see _page_is_public)."""

    def accepted(self):
        """Hits an editor accepted (or added): the only ones a daily page ever shows."""
        return self.filter(review_state=TopicHit.ReviewState.ACCEPTED)

    def listed_on(self, announce_date):
        """Accepted hits whose paper arXiv listed on `announce_date`: what the topic's daily
        page of that date shows, drafts included.

        `announce_date` is one of:
        - a date, or OuterRef("name") of a date in the query these hits are nested in (a
          daily page's): an EXISTS on the listings, one row per hit;
        - F("name") of a date these hits carry (a joined page's): a join through the
          listings, so PostgreSQL reaches that page from the paper's few listings by its
          (topic, date) index (under an EXISTS it scans every page of the topic). A paper
          listed in several categories that day then gives a row per listing: distinct()
          where rows are shown.
        """
        if isinstance(announce_date, F) and not isinstance(announce_date, OuterRef):
            return self.accepted().filter(paper__announcements__announce_date=announce_date)
        if isinstance(announce_date, OuterRef):
            announce_date = OuterRef(announce_date)  # seen from the EXISTS below
        listings = Announcement.objects.filter(paper=OuterRef("paper"), announce_date=announce_date)
        return self.accepted().filter(Exists(listings))

    def published(self):
        """Hits readers may see: listed_on the date of a page of their topic that
        DailyPage.objects.published() holds (so never one of an inactive topic).

        Each row carries `published_on`, the date of a page that shows the hit; a hit shown on
        several pages has a row for each (and, see listed_on, one per arXiv listing of that
        day). Conditions on `published_on` and on the hit in one filter() all hold for the
        same published listing.
        """
        return (
            self.filter(_page_is_public(page="topic__daily_pages__", topic="topic__"))
            # alias() and annotate() reuse the joins made before them (a later filter() on a
            # page or listing would join anew): `page_date` is that page's date, and
            # `published_on` the same date read off the listing listed_on matched to it.
            # PostgreSQL reads a paper's listings first, so a bound on `published_on` drops
            # a listing before its hit and page are looked up.
            .alias(page_date=F("topic__daily_pages__announce_date"))
            .listed_on(F("page_date"))
            .annotate(published_on=F("paper__announcements__announce_date"))
        )


class TopicHit(models.Model):
    class Origin(models.TextChoices):
        MACHINE = "machine", "机器 / machine"
        EDITOR = "editor", "编辑 / editor"

    class ReviewState(models.TextChoices):
        SUGGESTED = "suggested", "建议 / suggested"
        ACCEPTED = "accepted", "已接受 / accepted"
        REJECTED = "rejected", "已拒绝 / rejected"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="topic_hits")
    topic = models.ForeignKey(
        "topics.Topic", on_delete=models.CASCADE, related_name="hits", verbose_name="专题 / topic"
    )
    subtopic = models.ForeignKey(
        "topics.Subtopic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hits",
        verbose_name="子专题 / subtopic",
    )
    confidence = models.FloatField(
        "置信度 / confidence", validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    reason = models.TextField("命中理由 / reason", blank=True)
    evidence = models.JSONField("证据 / evidence", default=list, blank=True)
    scorer_version = models.PositiveIntegerField("评分模型版本 / scorer", null=True, blank=True)
    proposed_confidence = models.FloatField("LLM 置信度 / LLM's", null=True, blank=True)
    origin = models.CharField(
        "来源 / origin", max_length=10, choices=Origin.choices, default=Origin.MACHINE
    )
    review_state = models.CharField(
        "审核 / review", max_length=10, choices=ReviewState.choices, default=ReviewState.SUGGESTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人 / reviewed by",
    )
    reviewed_at = models.DateTimeField("审核时间 / reviewed at", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicHitQuerySet.as_manager()

    class Meta:
        ordering = ["-confidence"]
        constraints = [
            # Two partial constraints, because NULL subtopics are never equal in SQL.
            models.UniqueConstraint(
                fields=["paper", "topic", "subtopic"],
                condition=Q(subtopic__isnull=False),
                name="topichit_unique_with_subtopic",
            ),
            models.UniqueConstraint(
                fields=["paper", "topic"],
                condition=Q(subtopic__isnull=True),
                name="topichit_unique_without_subtopic",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0.0) & Q(confidence__lte=1.0),
                name="topichit_confidence_0_1",
            ),
        ]
        indexes = [models.Index(fields=["topic", "review_state"], name="topichit_topic_state")]
        verbose_name = "专题命中 / Topic hit"
        verbose_name_plural = "专题命中 / Topic hits"

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} → {self.topic.slug} ({self.confidence:.2f})"

    def clean(self):
        if self.subtopic_id and self.subtopic.topic_id != self.topic_id:
            raise ValidationError({"subtopic": "This subtopic belongs to another topic."})


def _page_is_public(*, page: str, topic: str) -> Q:
    """The one definition of a daily page readers may see: published, of an active topic.
    `page` and `topic` are the lookup paths to the page and to its topic (a hit's topic is
    its pages' topic: conditions on joined rows, no subquery for the planner to weigh)."""
    return Q(**{f"{page}status": DailyPage.Status.PUBLISHED, f"{topic}is_active": True})


class DailyPageQuerySet(models.QuerySet):
    def published(self):
        """Pages readers may see: published, of a topic that is still active."""
        return self.filter(_page_is_public(page="", topic="topic__"))


class DailyPage(models.Model):
    """One topic's curated page for one arXiv announce date."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿 / draft"
        PUBLISHED = "published", "已发布 / published"

    topic = models.ForeignKey(
        "topics.Topic",
        on_delete=models.CASCADE,
        related_name="daily_pages",
        verbose_name="专题 / topic",
    )
    announce_date = models.DateField("公告日期 / announce date")
    status = models.CharField(
        "状态 / status", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField("编辑按语 / editor's note", blank=True)
    published_at = models.DateTimeField("发布时间 / published at", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发布人 / published by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DailyPageQuerySet.as_manager()

    class Meta:
        ordering = ["-announce_date", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "announce_date"], name="dailypage_unique")
        ]
        verbose_name = "每日专题页 / Daily page"
        verbose_name_plural = "每日专题页 / Daily pages"
        permissions = [("publish_dailypage", "发布与撤回每日专题页 / Can publish and unpublish")]

    def __str__(self) -> str:
        return f"{self.topic.slug} {self.announce_date}"


# ---- review queue and audit history ----


class ReviewQueuePaper(Paper):
    """The editors' queue: the same papers, listed by what still needs a person's look."""

    class Meta:
        proxy = True
        verbose_name = "待审论文 / Review queue"
        verbose_name_plural = "待审 / Review queue"


# Every editorial change is kept with who, when, before and after (django-simple-history).
# Derived columns (GeneratedField, PUBLICATION_FIELDS) are left out: they are not edits.
for _audited in (
    *(Paper, PaperAuthor, PaperVersion, Announcement, TopicHit, DailyPage, DailyPageEntry),
    *(Institution, InstitutionAlias, PaperInstitution),
):
    history_register(
        _audited,
        excluded_fields=[
            f.name
            for f in _audited._meta.concrete_fields
            if f.generated or f.name in PUBLICATION_FIELDS
        ],
    )
