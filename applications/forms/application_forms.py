"""Forms for the application forms: the consultant's fields of each form, the list of laws and
standards, signing, scans, the company seal and the paper copies."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Application, FormType, LawStandardRow
from applications.services.form_context import (
    FORM_LANGUAGE,
    AuditMethod,
    FormSource,
    default_contract_term,
    default_payment_terms,
    default_remote_reason,
    default_remote_scope,
    default_service_description,
)
from certportal.lib import images
from certportal.lib.fields import MobileField
from certportal.lib.uploads import UploadRefused, image_upload_content

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class FieldsForm(forms.Form):
    """The consultant's fields of one form type, stored as JSON on the form."""

    def __init__(self, *args: Any, source: FormSource, data_of_form: dict[str, Any], **kwargs: Any) -> None:
        # The defaults become the form's text: they are written in the form's language.
        with translation.override(FORM_LANGUAGE):
            defaults = self.defaults(source)
        kwargs.setdefault("initial", {**defaults, **data_of_form})
        super().__init__(*args, **kwargs)

    def defaults(self, source: FormSource) -> dict[str, Any]:
        return {}

    def to_json(self) -> dict[str, Any]:
        """The cleaned values in a JSON-safe shape (amounts and dates as text)."""
        result: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, Decimal):
                result[name] = str(value)
            elif isinstance(value, datetime.date):
                result[name] = value.isoformat()
            else:
                result[name] = "" if value is None else value
        return result


class ApplicationFieldsForm(FieldsForm):
    service_description = forms.CharField(
        label=_("Description of the service activities"), max_length=2000, widget=TEXTAREA
    )
    excluded_indicators = forms.CharField(
        label=_("Excluded indicators and reasons"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. 5.2.3 delivery: the enterprise does not deliver its products. Leave empty for none."),
    )

    def defaults(self, source: FormSource) -> dict[str, Any]:
        return {"service_description": default_service_description(source)}


def fee_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_digits=10, decimal_places=2, help_text=_("CNY, tax included")
    )


class ContractFieldsForm(FieldsForm):
    contract_number = forms.CharField(label=_("Contract no."), max_length=50)
    application_fee = fee_field(_("Application fee"))
    audit_fee = fee_field(_("Audit fee (three remote audits)"))
    certificate_fee = fee_field(_("Certificate and registration fee"))
    surveillance_fee = fee_field(_("Surveillance audit fee (each year after certification)"))
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=2000, widget=TEXTAREA)
    term = forms.CharField(label=_("Term of the contract"), max_length=2000, widget=TEXTAREA)

    def defaults(self, source: FormSource) -> dict[str, Any]:
        return {
            "contract_number": f"HT-{source.application.reference}",
            "payment_terms": default_payment_terms(),
            "term": default_contract_term(),
        }


class RemoteAuditFieldsForm(FieldsForm):
    audit_method = forms.ChoiceField(
        label=_("Audit method"),
        choices=[
            (AuditMethod.REMOTE, _("FS02 remote audit")),
            (AuditMethod.MIXED, _("FS03 mixed audit (remote and on-site)")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason for a remote audit"), max_length=2000, widget=TEXTAREA)
    remote_scope = forms.CharField(label=_("Sites and activities audited remotely"), max_length=2000, widget=TEXTAREA)
    platform = forms.CharField(label=_("Video platform"), max_length=100, help_text=_("e.g. Tencent Meeting, DingTalk"))
    connection_tested = forms.BooleanField(label=_("The video connection has been tested"), required=False)
    connection_test_date = forms.DateField(
        label=_("Date of the connection test"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_name = forms.CharField(label=_("Contact person for the audit"), max_length=100)
    contact_mobile = MobileField(label=_("Contact mobile"))
    consent_confidentiality = forms.BooleanField(
        label=_("The enterprise agrees to the confidentiality arrangements"), required=False
    )
    consent_recording = forms.BooleanField(
        label=_("The enterprise agrees to the audits being recorded"), required=False
    )

    def defaults(self, source: FormSource) -> dict[str, Any]:
        return {
            "audit_method": AuditMethod.REMOTE,
            "reason": default_remote_reason(),
            "remote_scope": default_remote_scope(source),
            "platform": str(_("Tencent Meeting")),
            "contact_name": source.enterprise.contact_person,
            "contact_mobile": source.enterprise.contact_mobile,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tested_on = cleaned.get("connection_test_date")
        if tested_on and tested_on > timezone.localdate():
            self.add_error("connection_test_date", _("The test date cannot be in the future."))
        if tested_on and not cleaned.get("connection_tested"):
            cleaned["connection_tested"] = True
        return cleaned


FIELDS_FORMS: dict[str, type[FieldsForm]] = {
    FormType.APPLICATION: ApplicationFieldsForm,
    FormType.CONTRACT: ContractFieldsForm,
    FormType.REMOTE_AUDIT: RemoteAuditFieldsForm,
}


class LawRowForm(forms.ModelForm):
    class Meta:
        model = LawStandardRow
        fields = ["name", "number", "issuer", "products"]
        widgets = {"products": forms.CheckboxSelectMultiple}
        help_texts = {
            "number": _("e.g. GB 4706.1-2005, or the year of the latest amendment"),
            "products": _("Leave all unticked when it applies to every product in the scope."),
        }

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = self.fields["products"]
        assert isinstance(products, forms.ModelChoiceField)
        products.queryset = application.scope.all()


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("Signer's name"), max_length=100)
    signer_title = forms.CharField(
        label=_("Signer's title"), max_length=100, help_text=_("e.g. legal representative, general manager")
    )
    signature_data = forms.CharField(required=False, widget=forms.HiddenInput)
    signature_file = forms.FileField(
        label=_("Or upload an image of the signature"),
        required=False,
        help_text=_("A photo or scan of the signature on white paper (PNG or JPEG)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    confirmed = forms.BooleanField(
        label=_(
            "I have read this form, its content is correct, and I am authorised to sign it and to use the "
            "company seal on the enterprise's behalf."
        ),
        error_messages={"required": _("Please tick this box to confirm before signing.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, drawn = cleaned.get("signature_file"), cleaned.get("signature_data")
        try:
            if upload:
                content = image_upload_content(upload, max_bytes=images.MAX_UPLOAD_BYTES)
                cleaned["signature_png"] = images.signature_png(content)
            elif drawn:
                cleaned["signature_png"] = images.signature_png(images.decode_png_data_url(drawn))
            else:
                self.add_error("signature_file", _("Draw your signature in the box, or upload an image of it."))
        except UploadRefused as refusal:
            self.add_error("signature_file", refusal.message)
        except images.ImageProblem as problem:
            self.add_error("signature_file", str(problem))
        return cleaned


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Scan of the signed and stamped form"),
        help_text=_("PDF, JPEG or PNG, up to 20 MB; all pages in one file."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ScanReviewForm(forms.Form):
    matches = forms.TypedChoiceField(
        choices=[("yes", _("It matches")), ("no", _("It does not match"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(label=_("What does not match"), max_length=2000, required=False, widget=TEXTAREA)


class SealForm(forms.Form):
    image = forms.FileField(
        label=_("Company seal"),
        help_text=_(
            "Stamp the seal on white paper and photograph or scan it (PNG or JPEG, up to 5 MB). "
            "The white background is removed automatically."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def clean_image(self) -> bytes:
        """The picture's checked, re-encoded content (what the seal is made from)."""
        try:
            return image_upload_content(self.cleaned_data["image"], max_bytes=images.MAX_UPLOAD_BYTES)
        except UploadRefused as refusal:
            raise forms.ValidationError(refusal.message) from refusal


class ShipmentForm(forms.Form):
    courier = forms.CharField(label=_("Courier"), max_length=100, help_text=_("e.g. SF Express, EMS"))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100)
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_sent_on(self) -> datetime.date:
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return sent_on


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
