"""The triage desk's forms: which topic and day, and the two halves of a candidate's card."""

from django import forms
from django.utils.translation import gettext_lazy as _

from editorial.admin.forms import OptimisticLockForm, PrintableFieldsMixin
from editorial.desk.selectors import desk_topics_list
from editorial.desk.services import ACCEPT, REJECT, SAVE
from papers.models import Paper, TopicHit
from topics.models import Subtopic


class DeskChooseForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=desk_topics_list(), to_field_name="slug", label=_("Topic")
    )
    date = forms.DateField(
        label=_("Announce date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def subtopic_choices(subtopics: list[Subtopic]) -> list[tuple[str, str]]:
    """A card's subtopic options, none first: drawn once per desk, and what a decision may
    choose."""
    return [("", "—"), *((str(s.pk), s.name) for s in subtopics)]


class CandidateForm(PrintableFieldsMixin, OptimisticLockForm):
    """The editor's decision on one hit (the pressed button), its subtopic and an optional
    reason for the audit; refused when the hit changed since the card was drawn. The subtopic
    is one of the topic's (`subtopics`, read once): checked against that list, not queried."""

    lock_field = "updated_at"
    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (REJECT, _("Reject")), (SAVE, _("Save"))]
    )
    subtopic = forms.TypedChoiceField(label=_("Subtopic"), required=False, empty_value=None)
    reason = forms.CharField(
        label=_("Reason (optional, kept in the history)"), max_length=100, required=False
    )

    class Meta:
        model = TopicHit
        fields = []
        # Only the declared subtopic field, already checked: the model's own check of the
        # foreign key would ask the database again.
        exclude = ["subtopic"]

    def __init__(self, *args, subtopics: list[Subtopic], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["subtopic"]
        field.choices = subtopic_choices(subtopics)
        field.coerce = {str(s.pk): s for s in subtopics}.__getitem__
        self.initial["subtopic"] = self.instance.subtopic_id

    def clean(self):
        cleaned = super().clean()
        if "subtopic" in cleaned:
            self.instance.subtopic = cleaned["subtopic"]
        return cleaned


class PaperZhForm(PrintableFieldsMixin, OptimisticLockForm):
    """The editor's Chinese title and summary, shown filled with the text that counts now
    (Paper.zh). Machine text left as it was stays the machine's: it is not copied into the
    editor's field, so a later machine run can still replace it."""

    class Meta:
        model = Paper
        fields = ["title_zh_human", "summary_zh_human"]
        labels = {"title_zh_human": _("Chinese title"), "summary_zh_human": _("Chinese summary")}
        widgets = {
            "title_zh_human": forms.TextInput,
            "summary_zh_human": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="paper", **kwargs)
        for name in self._meta.fields:
            self.initial[name] = self.instance.zh(name.removesuffix("_zh_human")).value

    def clean(self):
        cleaned = super().clean()
        for name in self._meta.fields:
            machine = getattr(self.instance, name.replace("_human", "_machine"))
            untouched = cleaned.get(name, "").strip() == machine.strip()
            if untouched and not getattr(self.instance, name):
                cleaned[name] = ""
        return cleaned
