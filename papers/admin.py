"""What the read-only admins share: the run logs' (ingest/admin.py, enrichment/admin.py), the
digests' (digests/admin.py)."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """Rows the machine writes: people may look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RunAdminMixin(ReadOnlyAdminMixin):
    """Runs are written by the machine only; people read them and may queue a retry."""

    actions = ["retry"]
    retry_service = None  # staticmethod(function(*, run) -> bool): queues the run's work again

    @admin.action(description="重试 / retry", permissions=["view"])
    def retry(self, request, queryset):
        queued = sum(self.retry_service(run=run) for run in queryset)
        self.message_user(request, f"已排队重试 {queued} 项 / {queued} retries queued.")
