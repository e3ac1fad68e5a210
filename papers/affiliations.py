"""Who wrote a paper and where they work: authors, institutions and their other spellings.

Papers are referred to as "papers.Paper": papers.models imports this module, not the reverse.
"""

import re

from django.db import models

# A ROR id: "0" and six letters or digits from ROR's alphabet, then a two-digit checksum.
_ROR_ID = re.compile(r"(?:https?://)?(?:www\.)?(?:ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})/?")


def ror_id_parse(text: str) -> str | None:
    """The short ROR id in `text` ("03cve4549", "https://ror.org/03cve4549"), else None."""
    match = _ROR_ID.fullmatch(text.strip().lower())
    return match.group(1) if match else None


def institution_name_normalize(name: str) -> str:
    """Key that makes 'Univ. of Oxford,' and 'univ of oxford' the same institution."""
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in name)
    return " ".join(cleaned.split())


class Institution(models.Model):
    """An organisation papers come from: a registry (ROR) record, or a string nobody matched yet.

    `source` says how far it can be trusted: readers are shown a registry match only for
    ROR, curated and editor-confirmed institutions; `unmatched` ones wait for an editor.
    `name_zh_source` follows the Chinese-text rule of papers: an editor's name wins, ROR's
    label beats the machine's proposal, and a machine name only fills an empty one.
    """

    class Source(models.TextChoices):
        ROR = "ror", "ROR 注册机构 / ROR registry"
        CURATED = "curated", "补充名录 / curated supplement"
        EDITOR = "editor", "编辑确认 / editor"
        UNMATCHED = "unmatched", "未匹配 / unmatched"

    class NameZhSource(models.TextChoices):
        NONE = "", "—"
        ROR = "ror", "ROR"
        MACHINE = "machine", "机器 / machine"
        EDITOR = "editor", "编辑 / editor"

    name = models.CharField(max_length=300, help_text="Canonical English name.")
    name_zh = models.CharField("中文名", max_length=300, blank=True)
    name_zh_source = models.CharField(
        "中文名来源 / Chinese name from",
        max_length=10,
        choices=NameZhSource.choices,
        default=NameZhSource.NONE,
        blank=True,
    )
    normalized_name = models.CharField(max_length=300, unique=True, editable=False)
    country = models.CharField(max_length=100, blank=True, help_text="ISO 3166 alpha-2, e.g. CN.")
    url = models.URLField(blank=True)
    ror_id = models.CharField(
        "ROR id", max_length=20, blank=True, help_text="The id part of https://ror.org/<id>."
    )
    source = models.CharField(
        "来源 / source", max_length=10, choices=Source.choices, default=Source.UNMATCHED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Chinese names readers see: ROR's label or an editor's. A machine's proposal waits for an
    # editor, as machine Chinese text of papers waits for review.
    PUBLIC_ZH_SOURCES = (NameZhSource.ROR, NameZhSource.EDITOR)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ror_id"], condition=~models.Q(ror_id=""), name="institution_unique_ror"
            )
        ]
        indexes = [models.Index(fields=["source"], name="institution_source")]
        verbose_name = "机构 / Institution"
        verbose_name_plural = "机构 / Institutions"

    def __str__(self) -> str:
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    def save(self, *args, **kwargs):
        self.normalized_name = institution_name_normalize(self.name)
        super().save(*args, **kwargs)

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""

    @property
    def is_matched(self) -> bool:
        return self.source != self.Source.UNMATCHED

    @property
    def name_zh_public(self) -> str:
        """The Chinese name readers may see ("" when none): see PUBLIC_ZH_SOURCES."""
        return self.name_zh if self.name_zh_source in self.PUBLIC_ZH_SOURCES else ""


class InstitutionAlias(models.Model):
    """Another spelling that resolves to the same institution (editable by editors)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, unique=True, editable=False)

    class Meta:
        verbose_name = "机构别名 / Institution alias"
        verbose_name_plural = "机构别名 / Institution aliases"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = institution_name_normalize(self.name)
        super().save(*args, **kwargs)


class PaperAuthor(models.Model):
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    affiliation = models.TextField(blank=True, help_text="As arXiv gives it, if at all.")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="authors"
    )

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="author_unique_position")
        ]
        verbose_name = "作者 / Author"
        verbose_name_plural = "作者 / Authors"

    def __str__(self) -> str:
        return self.name


class PaperInstitution(models.Model):
    class Origin(models.TextChoices):
        ARXIV = "arxiv", "arXiv affiliation"
        FRONT_MATTER = "frontmatter", "论文首页 / front matter"
        MACHINE = "machine", "机器识别 / machine"
        EDITOR = "editor", "编辑 / editor"

    paper = models.ForeignKey(
        "papers.Paper", on_delete=models.CASCADE, related_name="paper_institutions"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="paper_links"
    )
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.MACHINE)
    position = models.PositiveSmallIntegerField(default=0)
    source_line = models.TextField(
        "原文 / as written", blank=True, help_text="The affiliation line this was read from."
    )

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "institution"], name="paper_institution_unique"
            )
        ]
        verbose_name = "论文机构 / Paper institution"
        verbose_name_plural = "论文机构 / Paper institutions"

    def __str__(self) -> str:
        return str(self.institution)


class FrontMatter(models.Model):
    """What the paper's own first page says about its authors, fetched once per version.

    `authors` is `[{"name": str, "lines": [str, ...]}, ...]` in print order and `lines` every
    affiliation line as written; `text` is a bounded excerpt of the front matter for editors.
    `content_sha256` is the hash of the fetched HTML or PDF. A row in state `done` or
    `unreadable` for the paper's current version is never fetched again; `failed` rows are
    retried by the sweep from `next_attempt_at` on.
    """

    class State(models.TextChoices):
        PENDING = "pending", "待获取 / pending"
        DONE = "done", "已提取 / extracted"
        FAILED = "failed", "失败待重试 / failed, will retry"
        UNREADABLE = "unreadable", "无法读取 / unreadable"

    class Kind(models.TextChoices):
        NONE = "", "—"
        HTML = "html", "HTML"
        PDF = "pdf", "PDF"

    paper = models.OneToOneField(
        "papers.Paper", on_delete=models.CASCADE, related_name="front_matter"
    )
    version = models.PositiveSmallIntegerField(help_text="The paper version this was read from.")
    state = models.CharField(
        "状态 / state", max_length=10, choices=State.choices, default=State.PENDING
    )
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.NONE, blank=True)
    url = models.URLField(max_length=300, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    parser_version = models.CharField(max_length=20, blank=True)
    authors = models.JSONField(default=list, blank=True)
    lines = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    error = models.TextField("原因 / reason", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="front_matter_due")]
        verbose_name = "论文首页 / Front matter"
        verbose_name_plural = "论文首页 / Front matter"

    def __str__(self) -> str:
        return f"front matter of paper {self.paper_id} v{self.version} ({self.state})"
