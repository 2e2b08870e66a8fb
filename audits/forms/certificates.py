"""Forms for a certificate's status and surveillance, the public search and the public file check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Certificate
from certportal.lib.uploads import accept_attribute


class CertificateStatusForm(forms.Form):
    target = forms.ChoiceField(label=_("New status"), choices=[])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the certificate's history and sent to the holder."),
    )
    suspended_until = forms.DateField(
        label=_("Suspended until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For a suspension: at most 6 months from today."),
    )

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No status is preselected: changing one is a deliberate act.
        choices = [(target, Certificate.Status(target).label) for target in targets]
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", _("Please choose")), *choices]


class SurveillanceForm(forms.Form):
    done_on = forms.DateField(
        label=_("Surveillance audit done on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Result"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class VerifySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Certificate number or holder name"),
        min_length=2,
        max_length=100,
        strip=True,
        error_messages={"min_length": _("Please type at least 2 characters.")},
    )


class VerifyFileForm(forms.Form):
    # Checked by audits.signing through the one upload check (certportal.lib.uploads); never stored.
    file = forms.FileField(
        label=_("Certificate file (PDF)"),
        help_text=_("The PDF exactly as you received it. It is checked and not kept."),
        widget=forms.FileInput(attrs={"accept": accept_attribute(["pdf"])}),
    )
