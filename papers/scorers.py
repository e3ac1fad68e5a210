"""Trained topic scorers, one row per version: what scored a hit, trained on what, how well."""

from django.db import models


class ScorerModel(models.Model):
    """One trained version of a topic's scorer (enrichment.backends.scorer.TopicScorer).

    `estimator` is the pickled scorer, loaded only after its SHA-256 matches `digest`: rows
    are written by enrichment.curation alone, never uploaded.
    """

    topic = models.ForeignKey(
        "topics.Topic",
        on_delete=models.CASCADE,
        related_name="scorers",
        verbose_name="专题 / topic",
    )
    version = models.PositiveIntegerField("版本 / version")
    created_at = models.DateTimeField("训练时间 / trained at", auto_now_add=True)
    labelled = models.PositiveIntegerField("标注样本 / labelled papers", default=0)
    accepted = models.PositiveIntegerField("编辑接受 / editor accepts", default=0)
    rejected = models.PositiveIntegerField("编辑拒绝 / editor rejects", default=0)
    data_digest = models.CharField(
        max_length=64, help_text="Hash of the training examples: the same data is not retrained."
    )
    metrics = models.JSONField(
        "交叉验证指标 / cross-validated metrics",
        default=dict,
        help_text="Out-of-fold precision, recall, F1 at 0.5 and the reliability per score band.",
    )
    threshold = models.FloatField(
        "建议阈值 / suggested threshold",
        null=True,
        blank=True,
        help_text="The bulk-accept threshold the reliability table supports (none: too few hits).",
    )
    estimator = models.BinaryField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of `estimator`.")
    library = models.CharField(max_length=40, help_text="scikit-learn version that trained it.")

    class Meta:
        ordering = ["topic", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "version"], name="scorermodel_unique_version")
        ]
        verbose_name = "专题评分模型 / Topic scorer"
        verbose_name_plural = "专题评分模型 / Topic scorers"

    def __str__(self) -> str:
        return f"{self.topic.slug} v{self.version}"
