"""The triage desk's forms: which topic and day, and the two halves of a candidate's card."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from editorial.admin.forms import OptimisticLockForm
from editorial.desk.selectors import desk_topics_list
from editorial.desk.services import ACCEPT, REJECT, SAVE
from papers.models import Paper, TopicHit
from topics.models import Subtopic


def localized_name(row) -> str:
    """A taxonomy row's name in the editor's language."""
    return row.name_zh if (get_language() or "zh").startswith("zh") else row.name_en


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return localized_name(obj)


class DeskChooseForm(forms.Form):
    topic = TopicChoiceField(queryset=desk_topics_list(), to_field_name="slug", label=_("Topic"))
    date = forms.DateField(
        label=_("Announce date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CandidateForm(OptimisticLockForm):
    """The editor's decision on one hit (the pressed button), its subtopic and an optional
    reason for the audit; refused when the hit changed since the card was drawn."""

    lock_field = "updated_at"
    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (REJECT, _("Reject")), (SAVE, _("Save"))]
    )
    reason = forms.CharField(
        label=_("Reason (optional, kept in the history)"), max_length=100, required=False
    )

    class Meta:
        model = TopicHit
        fields = ["subtopic"]
        labels = {"subtopic": _("Subtopic")}

    def __init__(self, *args, subtopics: list[Subtopic], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["subtopic"]
        field.queryset = Subtopic.objects.filter(topic_id=self.instance.topic_id)
        # The desk draws many cards: their choices come from one list, not a query each.
        field.choices = [("", "—"), *((s.pk, localized_name(s)) for s in subtopics)]


class PaperZhForm(OptimisticLockForm):
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
