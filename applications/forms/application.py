"""Forms for starting an application, its scope, workflow steps and consultant invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Enterprise


class ScopeField(forms.ModelMultipleChoiceField):
    def __init__(self, *, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(
            queryset=enterprise.products.all(),
            widget=forms.CheckboxSelectMultiple,
            label=_("Product scope"),
            help_text=_("The products the certificate will cover. All evidence must cover every product chosen."),
            error_messages={"required": _("Choose at least one product for the scope of the application.")},
            **kwargs,
        )


def _star_label(stars: int) -> str:
    return gettext("%(stars)s stars") % {"stars": stars}


# Lazy, so that the label follows the reader's language rather than the one active at import.
_stars = lazy(_star_label, str)


class ApplicationCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Application type"), choices=Application.Kind.choices)
    desired_star_level = forms.TypedChoiceField(
        label=_("Desired star level (optional)"),
        choices=[("", _("Please choose")), *[(n, _stars(n)) for n in (5, 4, 3, 2)]],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"] = ScopeField(enterprise=enterprise)


class ScopeForm(forms.Form):
    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"] = ScopeField(enterprise=enterprise)


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=Application.Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InviteConsultantForm(forms.Form):
    email = forms.EmailField(label=_("Consultant's e-mail"))
