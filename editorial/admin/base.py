"""What every editorial admin shares: its writes go through the services, never the ORM,
what editors type is text every output format can carry, and its history reads plainly
(who, when, what changed, why)."""

from django import forms
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from editorial import edits
from editorial.admin.forms import printable_validate

EMPTY = "—"


def change_reason(request) -> str:
    """The reason the editor typed beside Save (the history keeps 100 characters)."""
    return request.POST.get("_change_reason", "").strip()[:100]


class PrintableTextMixin:
    """Every text field of an admin form (inlines too) refuses what printable_validate does."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.CharField):
            formfield.validators.append(printable_validate)
        return formfield


class HistoryValues(HistoricalRecordContextHelper):
    """An empty value (none, blank, a foreign key that was unset) reads "—"."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return EMPTY
        return value


class EditorialAdmin(PrintableTextMixin, SimpleHistoryAdmin):
    """Saves and deletes (form, inlines, bulk delete) go through editorial.edits, which checks
    the permission, records the editor in the history and announces changes readers can see;
    what editors type is checked by PrintableTextMixin.
    Every row saved from a form carries the reason typed beside Save, if any; the history
    shows "—" for empty values and reasons, and "system" for changes nobody made by hand.
    """

    change_form_template = "admin/papers/editorial_change_form.html"
    object_history_list_template = "admin/papers/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryValues(self.model, historical_record)

    def save_form(self, request, form, change):
        row = super().save_form(request, form, change)
        row._change_reason = change_reason(request)
        return row

    def save_model(self, request, obj, form, change):
        edits.row_save(row=obj, user=request.user)

    def delete_model(self, request, obj):
        edits.row_delete(row=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        edits.rows_delete(rows=queryset, user=request.user)

    def save_formset(self, request, form, formset, change):
        reason = change_reason(request)
        for row in formset.save(commit=False):
            row._change_reason = reason
            self.inline_row_save(request, row)
        for row in formset.deleted_objects:
            row._change_reason = reason
            edits.row_delete(row=row, user=request.user)
        formset.save_m2m()

    def inline_row_save(self, request, row) -> None:
        """One new or changed inline row; admins with their own rules per model override it."""
        edits.row_save(row=row, user=request.user)
