"""Who wrote a paper and where they work: authors, institutions and their other spellings.

Papers are referred to as "papers.Paper": papers.models imports this module, not the reverse.
"""

from django.db import models


def institution_name_normalize(name: str) -> str:
    """Key that makes 'Univ. of Oxford,' and 'univ of oxford' the same institution."""
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in name)
    return " ".join(cleaned.split())


class Institution(models.Model):
    name = models.CharField(max_length=300, help_text="Canonical English name.")
    name_zh = models.CharField("中文名", max_length=300, blank=True)
    normalized_name = models.CharField(max_length=300, unique=True, editable=False)
    country = models.CharField(max_length=100, blank=True)
    url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "机构 / Institution"
        verbose_name_plural = "机构 / Institutions"

    def __str__(self) -> str:
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    def save(self, *args, **kwargs):
        self.normalized_name = institution_name_normalize(self.name)
        super().save(*args, **kwargs)


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
        MACHINE = "machine", "机器识别 / machine"
        EDITOR = "editor", "编辑 / editor"

    paper = models.ForeignKey(
        "papers.Paper", on_delete=models.CASCADE, related_name="paper_institutions"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="paper_links"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    position = models.PositiveSmallIntegerField(default=0)

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
