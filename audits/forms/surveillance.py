"""The certifier's decision on a surveillance audit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import SurveillanceAudit


class SurveillanceDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=SurveillanceAudit.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the certificate's history; required unless the certificate is maintained."),
    )
    suspended_until = forms.DateField(
        label=_("Suspended until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for a suspension: at most 6 months away."),
    )
