"""Forms for evidence: uploading (several files at once), replacing, correcting a file's details,
answering the yes/no item, and the consultant's review with common reasons to pick from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Product

# What consultants most often have to say about a file; free text adds the details.
COMMON_REASONS = [
    ("unreadable", _("The scan or photo is not legible; please scan it again more clearly.")),
    ("wrong_document", _("This is not the document this item asks for.")),
    ("products", _("It does not cover the products of the application's scope.")),
    ("seal", _("The company seal or a signature is missing.")),
    ("outdated", _("The document is out of date or has expired.")),
    ("incomplete", _("Pages are missing; please upload the complete document.")),
    ("customer", _("The customer's signature or stamp is missing.")),
]
REASON_TEXT = dict(COMMON_REASONS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field. Each file is checked on its own by the upload service, so that
    one bad file is refused while the others go through."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


class DocumentDetailsForm(forms.Form):
    """What a file covers, a short note, and the date of the document itself."""

    products = forms.ModelMultipleChoiceField(
        label=_("Products covered"),
        queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one product that the file covers.")},
        help_text=_("All products of the scope are ticked; untick those the file does not cover."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    document_date = forms.DateField(
        label=_("Document date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the document was made or signed (not today's upload date)."),
    )

    def __init__(self, *args: Any, scope: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = self.fields["products"]
        assert isinstance(products, forms.ModelMultipleChoiceField)
        products.queryset = scope
        if not self.is_bound and "products" not in self.initial:
            self.initial["products"] = list(scope)

    def clean_document_date(self) -> Any:
        value = self.cleaned_data.get("document_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The document date cannot be in the future."))
        return value


class EvidenceUploadForm(DocumentDetailsForm):
    # A declared field: the form's metaclass moves it into base_fields, so it never hides BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"), error_messages={"required": _("Choose at least one file to upload.")}
    )

    field_order = ["files", "products", "note", "document_date"]


class EvidenceReplaceForm(DocumentDetailsForm):
    file = forms.FileField(
        label=_("New version"),
        allow_empty_file=True,  # the upload service refuses empty files with its own message
        max_length=1000,
        error_messages={"required": _("Choose the file that replaces this one.")},
    )

    field_order = ["file", "products", "note", "document_date"]


class AnswerForm(forms.Form):
    answer = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please answer yes or no.")},
    )
    note = forms.CharField(
        label=_("Details"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example which systems each department uses (ERP, CRM, service tickets…)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the upload form on the same page has a "note" field too.
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)


class ReviewForm(forms.Form):
    """Accept, or send back with a reason (picked from the common ones, free text, or both)."""

    decision = forms.ChoiceField(choices=[("accept", pgettext_lazy("review", "Accept")), ("reject", _("Send back"))])
    reason_choice = forms.ChoiceField(
        label=_("Common reason"), choices=[("", _("Please choose")), *COMMON_REASONS], required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject":
            parts = [str(REASON_TEXT[cleaned["reason_choice"]])] if cleaned.get("reason_choice") else []
            if cleaned.get("reason", "").strip():
                parts.append(cleaned["reason"].strip())
            if not parts:
                raise ValidationError(_("Please say why, so that the enterprise knows what to do."))
            cleaned["full_reason"] = " ".join(parts)
        return cleaned

    def problem(self) -> str:
        """What is wrong, as one message: the review inputs are too small to carry their own."""
        reason_errors = [f"{self.fields['reason'].label}: {error}" for error in self.errors.get("reason", [])]
        return " ".join(map(str, [*self.non_field_errors(), *reason_errors])) or str(
            _("Please choose accept or send back.")
        )
