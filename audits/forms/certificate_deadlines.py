"""The form of a certificate's deadlines: extending an overdue surveillance audit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SurveillanceExtensionForm(forms.Form):
    extended_to = forms.DateField(
        label=_("Extended to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Once per surveillance audit, to at most the end of its grace period."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the certificate's history."),
    )
