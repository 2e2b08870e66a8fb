"""Forms of complaints and appeals: filing a complaint (public or signed in), filing an appeal, the
body manager's assignment, the answer and the decision, and the register's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.forms.findings import MultipleFileField
from audits.models import Appeal, CaseStatus, Complaint
from audits.services.complaints import MAX_FILES, TEXT_MAX, Appealable
from certportal.accounts.models import User
from certportal.lib.uploads import DEFAULT_FAMILIES, accept_attribute


class ComplaintForm(forms.Form):
    about = forms.ChoiceField(
        label=_("The complaint is about"), choices=Complaint.About.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The answer is sent to this address."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    text = forms.CharField(
        label=_("Your complaint"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, when and where; what you expect the certification body to do."),
    )  # fmt: skip
    # Django moves declared fields off the class, so this does not hide Form.files (the uploads).
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)s files: PDF, images, Word or Excel.") % {"count": MAX_FILES},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = accept_attribute(DEFAULT_FAMILIES)


class PublicComplaintForm(ComplaintForm):
    # A honeypot: hidden from people, filled in by robots; a complaint with it is quietly dropped.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class AssignForm(forms.Form):
    assignee = HandlerChoiceField(label=_("Give it to"), queryset=User.objects.none())

    def __init__(self, *args: Any, handlers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[person.pk for person in handlers]).order_by(
            "full_name", "username"
        )


class ComplaintAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Complaint.Outcome.choices)
    answer = forms.CharField(
        label=_("Answer to the complainant"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    special_surveillance = forms.BooleanField(
        label=_("Request a special surveillance audit of the certificate"), required=False
    )


class AppealForm(forms.Form):
    against = forms.ChoiceField(label=_("Decision appealed"), widget=forms.RadioSelect)
    grounds = forms.CharField(
        label=_("Grounds of the appeal"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the decision should be reconsidered, with the facts that support it."),
    )  # fmt: skip

    def __init__(self, *args: Any, appealable: list[Appealable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["against"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(each.against, each.label) for each in appealable]


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Appeal.Outcome.choices)
    reason = forms.CharField(label=_("Reasons"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))


class RegisterFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Complaints and appeals")), ("complaint", _("Complaints")), ("appeal", _("Appeals"))],
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *CaseStatus.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
