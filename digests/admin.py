"""Subscriptions and digest deliveries, read-only, with every address masked: the admin shows
states and dates, never who subscribed."""

from django.contrib import admin

from papers.admin import ReadOnlyAdminMixin
from topics.models import DigestDelivery, Subscription


def email_mask(email: str) -> str:
    """'ada.lovelace@example.org' → 'a***@e***.org': enough to tell rows apart, not to mail."""
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}" if host else f"{local[:1]}***@***"


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "masked_email",
        "language",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    list_filter = ["language", "topics", ("confirmed_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    fields = ["masked_email", "language", "topics", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields

    @admin.display(description="编号 / id", ordering="pk")
    def number(self, subscription):
        return subscription.pk

    @admin.display(description="电子邮件（已遮蔽）/ e-mail (masked)")
    def masked_email(self, subscription):
        return email_mask(subscription.email)


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["announce_date", "subscription", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "announce_date"]
    search_fields = ["message_id"]
    date_hierarchy = "announce_date"
    fields = [
        "subscription",
        "announce_date",
        "state",
        "message_id",
        "attempts",
        "error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    readonly_fields = fields
