"""Forms for planning and running the audit rounds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import AuditRound, CheckInPhoto, DepartmentInterview
from certportal.accounts.models import User
from certportal.lib.uploads import accept_attribute

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def auditors() -> Any:
    return User.objects.filter(role=User.Role.AUDITOR, is_active=True).order_by("full_name", "username")


class AuditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class AuditorsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class RoundScheduleForm(forms.Form):
    starts_at = datetime_field(_("Starts"))
    ends_at = datetime_field(_("Ends"))
    method = forms.ChoiceField(label=_("Audit method"), choices=AuditRound.Method.choices)
    platform = forms.ChoiceField(label=_("Video platform"), choices=AuditRound.Platform.choices)
    meeting_link = forms.URLField(label=_("Meeting link"), max_length=500, assume_scheme="https")
    meeting_code = forms.CharField(label=_("Meeting number and password"), max_length=100, required=False)
    lead_auditor = AuditorChoiceField(label=_("Lead auditor"), queryset=User.objects.none())
    members = AuditorsChoiceField(
        label=_("Audit team members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Besides the lead auditor. Everyone on the team receives the invitation."),
    )
    enterprise_participants = forms.CharField(
        label=_("Enterprise participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. “王芳, after-sales manager”."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line."),
    )

    def __init__(self, *args: Any, audit_round: AuditRound, **kwargs: Any) -> None:
        if audit_round.is_scheduled:
            kwargs.setdefault(
                "initial",
                {
                    "starts_at": audit_round.starts_at,
                    "ends_at": audit_round.ends_at,
                    "method": audit_round.method,
                    "platform": audit_round.platform,
                    "meeting_link": audit_round.meeting_link,
                    "meeting_code": audit_round.meeting_code,
                    "lead_auditor": audit_round.lead_auditor,
                    "members": list(audit_round.members.all()),
                    "enterprise_participants": audit_round.enterprise_participants,
                    "agenda": "\n".join(audit_round.agenda),
                },
            )
        else:
            kwargs.setdefault("initial", {"agenda": "\n".join(audit_round.agenda), "method": audit_round.method})
        super().__init__(*args, **kwargs)
        for name in ("lead_auditor", "members"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = auditors()

    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class RoundResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("confirm", _("This time suits us")), ("change", _("Please propose another time"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the auditors"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you ask for another time: say which times would suit you."),
    )
    sequence = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RoundDoneForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the round"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InterviewForm(forms.ModelForm):
    class Meta:
        model = DepartmentInterview
        fields = ["department", "interviewees", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class PhotoForm(forms.Form):
    moment = forms.ChoiceField(label=_("Meeting"), choices=CheckInPhoto.Moment.choices)
    # Checked by the service, like every upload (certportal.lib.uploads).
    photo = forms.FileField(
        label=_("Check-in photo"),
        help_text=_("A screenshot of the video meeting showing everyone present (JPEG, PNG or WebP, at most 15 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(["image"])}),
    )
