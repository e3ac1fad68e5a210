"""What arXiv announced of a paper: its listings (date, category, kind) and its versions; and
where editors placed a paper on a daily page.

Papers are referred to as "papers.Paper": papers.models imports this module, not the reverse.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaperVersion(models.Model):
    """One arXiv version of a paper, with what changed against the previous one."""

    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    title = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    title_changed = models.BooleanField(default=False)
    abstract_changed = models.BooleanField(default=False)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paper", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "version"], name="paper_version_unique")
        ]
        verbose_name = "版本 / Version"
        verbose_name_plural = "版本 / Versions"

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id}v{self.version}"


class Announcement(models.Model):
    """A paper in arXiv's listing of one category on one announce date."""

    class Type(models.TextChoices):
        # The labels are shown to readers (the paper page's listings) in their language.
        NEW = "new", _("new")
        CROSS = "cross", _("cross-list")
        REPLACE = "replace", _("replacement")
        REPLACE_CROSS = "replace-cross", _("replacement of cross-list")

    paper = models.ForeignKey(
        "papers.Paper", on_delete=models.CASCADE, related_name="announcements"
    )
    announce_date = models.DateField(help_text="arXiv's listing date (America/New_York).")
    category = models.CharField(max_length=40)
    announce_type = models.CharField(max_length=15, choices=Type.choices)
    version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-announce_date", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "announce_date", "category"], name="announcement_unique"
            )
        ]
        indexes = [
            models.Index(fields=["announce_date", "category"], name="announcement_date_cat"),
        ]
        verbose_name = "公告 / Announcement"
        verbose_name_plural = "公告 / Announcements"

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} {self.announce_date} {self.category} {self.announce_type}"

    @property
    def is_replacement(self) -> bool:
        return self.announce_type in (self.Type.REPLACE, self.Type.REPLACE_CROSS)


class DailyPageEntry(models.Model):
    """An editor's manual position for a paper on a daily page (absent: by confidence)."""

    page = models.ForeignKey("papers.DailyPage", on_delete=models.CASCADE, related_name="entries")
    paper = models.ForeignKey(
        "papers.Paper",
        on_delete=models.CASCADE,
        related_name="daily_entries",
        verbose_name="论文 / paper",
    )
    position = models.PositiveSmallIntegerField("位置 / position", default=0)

    class Meta:
        ordering = ["page", "position"]
        constraints = [
            models.UniqueConstraint(fields=["page", "paper"], name="dailypageentry_unique")
        ]
        verbose_name = "页面排序 / Page order"
        verbose_name_plural = "页面排序 / Page order"

    def __str__(self) -> str:
        return f"{self.page} #{self.position} {self.paper.arxiv_id}"
