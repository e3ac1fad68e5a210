"""What editors' forms (the admin and the triage desk) share: no lost updates, and no text
an output format cannot carry."""

from django import forms
from django.core.exceptions import ValidationError

from papers.text import UNPRINTABLE

CONFLICT_MESSAGE = (
    "保存冲突：您打开此页后，其他人（或机器处理）已保存过这条记录，您的修改没有保存。"
    "请在新标签页重新打开此页查看最新内容，再把您的修改重新填入。 / "
    "Conflict: someone else saved this record after you opened it, so your changes were NOT "
    "saved. Reopen the page in a new tab to see the latest version, then redo your edits."
)


class OptimisticLockForm(forms.ModelForm):
    """Refuses a save when the row changed since the form was shown (optimistic locking).

    The stamp is the model's auto-updated timestamp (`lock_field`). The check locks the row
    (the admin saves inside a transaction), so two simultaneous saves cannot both pass.
    `instance_locked`: the caller read the instance with select_for_update in this
    transaction, so its stamp is the stored one and the check needs no query.
    """

    lock_field = "modified_at"
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance_locked = instance_locked
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.stamp(
                getattr(self.instance, self.lock_field)
            )

    @staticmethod
    def stamp(value) -> str:
        """A version as the form carries it."""
        return value.isoformat() if value else ""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                getattr(self.instance, self.lock_field)
                if self.instance_locked
                else type(self.instance)
                ._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list(self.lock_field, flat=True)
                .first()
            )
            if cleaned.get("loaded_version") != self.stamp(current):
                raise ValidationError(CONFLICT_MESSAGE, code="conflict")
        return cleaned


def printable_validate(value: str | list) -> None:
    """Refuse a control character or non-character, naming it and where it is: pages, feeds
    and the API could not carry it (text pasted from a PDF brings form feeds). A list (an
    array field: keywords, categories) is checked item by item."""
    for text in value if isinstance(value, list) else [value]:
        if match := UNPRINTABLE.search(str(text)):
            raise ValidationError(
                "不能包含控制字符：第 %(position)s 个字符是 %(code)s（常见于从 PDF 复制的文本），"
                "请删除后再保存。 / Control characters are not allowed: character %(position)s "
                "is %(code)s (often pasted from a PDF); remove it and save again.",
                code="control_character",
                params={"position": match.start() + 1, "code": f"U+{ord(match[0]):04X}"},
            )


class PrintableFieldsMixin:
    """Every text field of a form refuses what printable_validate does (forms outside the
    admin; the admin's get it from editorial.admin.base.PrintableTextMixin)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [*field.validators, printable_validate]
