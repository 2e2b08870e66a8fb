"""The certification decision form and the review form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models.certificates import STAR_NAMES


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("certify", _("Certify")), ("refuse", _("Refuse certification"))],
        widget=forms.RadioSelect,
    )
    star_level = forms.TypedChoiceField(
        label=_("Star level granted"), coerce=int, required=False, empty_value=None, choices=[]
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when refusing or when granting fewer stars than the score gives; the enterprise sees them."
        ),
    )

    def __init__(self, *args: Any, computed_star_level: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"star_level": computed_star_level})
        super().__init__(*args, **kwargs)
        star_level = self.fields["star_level"]
        assert isinstance(star_level, forms.ChoiceField)
        star_level.choices = [(level, STAR_NAMES[level]) for level in range(computed_star_level, 1, -1)]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("start", "start"), ("accept", "accept"), ("return", "return")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
