"""Forms for certificate changes: the holder's request (with files per added product) and the
certifier's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Product
from audits.forms.findings import MultipleFileField, MultipleFileInput
from audits.models import Certificate
from audits.services.certificate_changes import (
    ADDRESS_MAX,
    EXPLANATION_MAX,
    NAME_MAX,
    ChangeRequest,
    Decision,
    file_field_name,
)
from certportal.lib.uploads import DEFAULT_FAMILIES, accept_attribute


class ProductChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return str(obj)


class CertificateChangeForm(forms.Form):
    holder_name = forms.CharField(label=_("Holder name"), max_length=NAME_MAX)
    holder_address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX)
    remove = forms.MultipleChoiceField(
        label=_("Remove from the scope"), required=False, widget=forms.CheckboxSelectMultiple
    )
    add = ProductChoiceField(
        label=_("Add to the scope"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each product added needs at least one file of evidence that covers it."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=EXPLANATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the change is asked for (for example, the new business licence)."),
    )

    def __init__(self, *args: Any, certificate: Certificate, candidates: list[Product], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"holder_name": certificate.holder_name, "holder_address": certificate.holder_address}
        )
        super().__init__(*args, **kwargs)
        remove, add = self.fields["remove"], self.fields["add"]
        assert isinstance(remove, forms.MultipleChoiceField)
        assert isinstance(add, forms.ModelMultipleChoiceField)
        remove.choices = [(entry, entry) for entry in certificate.scope]
        add.queryset = Product.objects.filter(pk__in=[product.pk for product in candidates])
        self.candidates = candidates
        for product in candidates:
            self.fields[file_field_name(product)] = MultipleFileField(
                label=_("Evidence for %(product)s") % {"product": product},
                required=False,
                widget=MultipleFileInput(attrs={"accept": accept_attribute(DEFAULT_FAMILIES)}),
            )

    def change_request(self) -> ChangeRequest:
        data = self.cleaned_data
        added = list(data["add"])
        return ChangeRequest(
            holder_name=data["holder_name"],
            holder_address=data["holder_address"],
            remove=list(data["remove"]),
            add=added,
            files={product.pk: data.get(file_field_name(product)) or [] for product in added},
            explanation=data["explanation"],
        )


class CertificateChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=EXPLANATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to refuse or to ask for a remote round; the holder is told."),
    )
