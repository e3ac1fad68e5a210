from django import forms
from django.utils.translation import gettext_lazy as _

from topics.models import Subscription, Topic


class SubscribeForm(forms.Form):
    """An address, at least one active topic, the mail's language ("zh-hans" or "en")."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.active().select_related("area"),
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language of the mail"), choices=Subscription.Language.choices
    )
