"""Forms for findings: raising, answering with evidence, verifying."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models import AuditRound, Finding, Indicator, ScoreSheet

EVIDENCE_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_DEADLINE_DAYS = 30


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.code} {obj.label}"


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AuditRound) -> str:
        return str(obj.name)


class FindingForm(forms.Form):
    audit_round = RoundChoiceField(label=_("Found in"), queryset=AuditRound.objects.none(), required=False)
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    grade = forms.ChoiceField(label=_("Grade"), choices=Finding.Grade.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was found, where, and which requirement it does not meet."),
    )
    deadline = forms.DateField(
        label=_("Deadline for the corrective action"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, sheet: ScoreSheet, audit_round: AuditRound | None = None, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("deadline", timezone.localdate() + datetime.timedelta(days=DEFAULT_DEADLINE_DAYS))
        if audit_round is not None:
            initial.setdefault("audit_round", audit_round)
        super().__init__(*args, **kwargs)
        audit_round_field, indicator_field = self.fields["audit_round"], self.fields["indicator"]
        assert isinstance(audit_round_field, forms.ModelChoiceField)
        assert isinstance(indicator_field, forms.ModelChoiceField)
        audit_round_field.queryset = AuditRound.objects.filter(application_id=sheet.application_id)
        indicators = Indicator.objects.filter(version_id=sheet.version_id, parent__isnull=False)
        indicator_field.queryset = indicators.order_by("position")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class FindingAnswerForm(forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    correction = forms.CharField(
        label=_("Correction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done to put this case right."),
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was changed so that it does not happen again."),
    )
    # A declared field: the form's metaclass moves it into base_fields, so it never hides BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Evidence files"),
        required=False,
        help_text=_("Records, photos, revised procedures… (at most 50 MB each)."),
    )

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.size > EVIDENCE_MAX_BYTES:
                raise ValidationError(_("%(name)s is larger than 50 MB.") % {"name": upload.name})
        return files


class FindingVerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("yes", _("Accepted: close the finding")), ("no", _("Not yet: more is needed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the enterprise"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
