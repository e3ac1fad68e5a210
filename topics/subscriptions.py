"""Readers' e-mail subscriptions to topics, and the record of each daily digest sent.

Models only (topics/models.py re-exports them); what they do lives in digests/.
"""

import secrets

from django.db import models


def subscription_token_new() -> str:
    """A fresh URL-safe secret (43 characters, 256 bits): alone it confirms or unsubscribes."""
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and not unsubscribed: the subscriptions digests go to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """One address's daily digest of its topics. Nothing is mailed before `confirmed_at` (the
    confirmation link); `unsubscribed_at` stops it for good, until the address subscribes and
    confirms again. The address is shown to nobody: the admin masks it."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    email = models.EmailField("电子邮件 / e-mail", unique=True, help_text="Stored in lower case.")
    language = models.CharField(
        "语言 / language", max_length=7, choices=Language.choices, default=Language.ZH_HANS
    )
    topics = models.ManyToManyField(
        "topics.Topic", related_name="subscriptions", verbose_name="专题 / topics"
    )
    token = models.CharField(
        "令牌 / token", max_length=64, unique=True, default=subscription_token_new, editable=False
    )
    created_at = models.DateTimeField("创建时间 / created at", auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(
        "确认邮件发送时间 / confirmation mailed at", null=True, blank=True
    )
    confirmed_at = models.DateTimeField("确认时间 / confirmed at", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("退订时间 / unsubscribed at", null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "邮件订阅 / Subscription"
        verbose_name_plural = "邮件订阅 / Subscriptions"

    def __str__(self) -> str:
        return f"subscription {self.pk}"

    @property
    def is_active(self) -> bool:
        """Confirmed and not unsubscribed (SubscriptionQuerySet.active, of this row)."""
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DigestDelivery(models.Model):
    """A subscription's digest of one announce date: at most one row, hence at most one mail.

    pending → sending (claimed: the Message-ID is fixed, the SMTP exchange may be under way) →
    sent; or skipped (nothing of the reader's topics published when it was built) or failed
    (refused for good, or retries used up). A row left in `sending` is a send interrupted
    between the claim and its record: the mail may or may not have arrived, and it is never
    sent again (see digests.services.digest_delivery_send)."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送 / pending"
        SENDING = "sending", "发送中或中断 / sending (or interrupted)"
        SENT = "sent", "已发送 / sent"
        SKIPPED = "skipped", "无内容 / nothing to send"
        FAILED = "failed", "失败 / failed"

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="订阅 / subscription",
    )
    announce_date = models.DateField("公告日期 / announce date")
    state = models.CharField(
        "状态 / state", max_length=10, choices=State.choices, default=State.PENDING
    )
    message_id = models.CharField("邮件 ID / Message-ID", max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数 / attempts", default=0)
    error = models.TextField("错误 / error", blank=True)
    created_at = models.DateTimeField("创建时间 / created at", auto_now_add=True)
    claimed_at = models.DateTimeField("开始发送时间 / claimed at", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间 / sent at", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "announce_date"], name="digest_once_per_day"
            )
        ]
        indexes = [models.Index(fields=["announce_date", "state"])]
        verbose_name = "每日邮件 / Digest delivery"
        verbose_name_plural = "每日邮件 / Digest deliveries"

    def __str__(self) -> str:
        return f"digest {self.announce_date} → subscription {self.subscription_id}"
