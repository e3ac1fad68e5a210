"""What every editorial admin shares: its writes go through the services, never the ORM,
and what editors type is text every output format can carry."""

from django import forms

from editorial import edits
from editorial.admin.forms import printable_validate


class PrintableTextMixin:
    """Every text field of an admin form (inlines too) refuses what printable_validate does."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.CharField):
            formfield.validators.append(printable_validate)
        return formfield


class ServiceWritesMixin(PrintableTextMixin):
    """Saves and deletes (form, inlines, bulk delete, history revert) go through
    editorial.edits, which checks the permission, records the editor in the history and
    announces changes readers can see; what editors type is checked by PrintableTextMixin.
    Put it before SimpleHistoryAdmin/ModelAdmin.
    """

    def save_model(self, request, obj, form, change):
        edits.row_save(row=obj, user=request.user)

    def delete_model(self, request, obj):
        edits.row_delete(row=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        edits.rows_delete(rows=queryset, user=request.user)

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            self.inline_row_save(request, row)
        for row in formset.deleted_objects:
            edits.row_delete(row=row, user=request.user)
        formset.save_m2m()

    def inline_row_save(self, request, row) -> None:
        """One new or changed inline row; admins with their own rules per model override it."""
        edits.row_save(row=row, user=request.user)
