"""What every editorial admin shares: its writes go through the services, never the ORM,
and what editors type is text every output format can carry."""

from django import forms
from django.core.exceptions import ValidationError

from editorial import edits
from papers.text import UNPRINTABLE


def printable_validate(value: str | list) -> None:
    """Refuse a control character or non-character, naming it and where it is: pages, feeds
    and the API could not carry it (text pasted from a PDF brings form feeds). A list (an
    array field: keywords, categories) is checked item by item."""
    for text in value if isinstance(value, list) else [value]:
        _printable_check(str(text))


def _printable_check(value: str) -> None:
    if match := UNPRINTABLE.search(value):
        raise ValidationError(
            "不能包含控制字符：第 %(position)s 个字符是 %(code)s（常见于从 PDF 复制的文本），"
            "请删除后再保存。 / Control characters are not allowed: character %(position)s is "
            "%(code)s (often pasted from a PDF); remove it and save again.",
            code="control_character",
            params={"position": match.start() + 1, "code": f"U+{ord(match[0]):04X}"},
        )


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
