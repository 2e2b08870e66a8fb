"""Forms for the enterprise's basic information and its lists. The profile form accepts partial input
(people fill it in over several sittings); what is given must be well-formed. Completeness is checked
when the information is submitted."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Enterprise, Product, ServiceManager, ServiceOutlet
from certportal.lib.fields import IDNumberField, MobileField, USCCField
from certportal.lib.validators import id_gender, normalise_mobile, to_half_width

YES_NO = [(True, _("Yes")), (False, _("No"))]
PHONE_PATTERN = re.compile(r"^(\d{3,4}-?)?\d{7,8}(-\d{1,6})?$|^1[3-9]\d{9}$|^[48]00-?\d{3}-?\d{4}$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()（）]+", "", to_half_width(value or "")).strip()


class PhoneField(forms.CharField):
    """A landline (010-12345678), a mobile, or a 400/800 hotline."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("A landline with area code (e.g. 0571-88886666), a mobile or a 400 number."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        phone = normalise_phone(value)
        if phone.startswith("+86"):
            phone = normalise_mobile(phone)
        if not PHONE_PATTERN.match(phone):
            raise forms.ValidationError(
                _("This does not look like a telephone number. Use e.g. 0571-88886666, 13912345678 or 400-800-1234."),
                code="phone",
            )
        return phone


def yes_no_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class EnterpriseProfileForm(forms.ModelForm):
    uscc = USCCField(
        label=_("Unified social credit code"),
        required=False,
        help_text=_("18 characters, as on the business licence (统一社会信用代码)."),
    )
    contact_mobile = MobileField(label=_("Contact mobile"), required=False)
    phone = PhoneField(label=_("Telephone"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    service_hotline = PhoneField(label=_("After-sales hotline"), required=False)
    founded_on = forms.DateField(
        label=_("Founding date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    has_after_sales_department = yes_no_field(_("Does the enterprise have a dedicated after-sales department?"))
    has_qualified_staff = yes_no_field(_("Are the after-sales staff qualified for their work?"))
    has_fixed_premises = yes_no_field(_("Does the enterprise have fixed service premises?"))
    has_electronic_management = yes_no_field(_("Is after-sales service managed electronically (software)?"))
    keeps_service_records = yes_no_field(_("Are service records kept?"))

    class Meta:
        model = Enterprise
        fields = [
            "name", "uscc", "kind", "legal_representative", "founded_on", "registered_capital",
            "registered_address", "service_address",
            "contact_person", "contact_mobile", "phone", "email", "website", "service_hotline",
            "headcount_total", "headcount_after_sales", "headcount_service_management",
            "sales_regions", "sales_methods", "certifications_held", "after_sales_since",
            "has_after_sales_department", "has_qualified_staff", "has_fixed_premises",
            "has_electronic_management", "keeps_service_records",
        ]  # fmt: skip
        widgets = {
            "sales_regions": forms.Textarea(attrs={"rows": 2}),
            "sales_methods": forms.Textarea(attrs={"rows": 2}),
            "certifications_held": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "sales_regions": _("e.g. East China, all of Zhejiang province, nationwide"),
            "sales_methods": _("e.g. direct sales, distributors, online shop, tenders"),
            "certifications_held": _("e.g. ISO 9001, ISO 14001, registered trademarks"),
            "headcount_service_management": _(
                "Staff who manage after-sales service; at least one in ten of them must be "
                "after-sales service managers (clause 5.1.2.2)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A registered capital is never negative (the model field allows any sign).
        capital = self.fields["registered_capital"]
        capital.validators.append(MinValueValidator(0))
        capital.widget.attrs["min"] = 0
        self.helper = FormHelper()
        # The server checks every field and answers in the user's language next to it; the browser's
        # own checks would silently block e.g. a website typed without "https://" (which we accept).
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                _("Identity"),
                Row(Column("name", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
                Row(Column("uscc", css_class="col-md-6"), Column("legal_representative", css_class="col-md-6")),
                Row(Column("founded_on", css_class="col-md-6"), Column("registered_capital", css_class="col-md-6")),
                "registered_address",
                "service_address",
            ),
            Fieldset(
                _("Contact"),
                Row(Column("contact_person", css_class="col-md-6"), Column("contact_mobile", css_class="col-md-6")),
                Row(Column("phone", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                Row(Column("website", css_class="col-md-6"), Column("service_hotline", css_class="col-md-6")),
            ),
            Fieldset(
                _("Staff"),
                Row(
                    Column("headcount_total", css_class="col-md-4"),
                    Column("headcount_after_sales", css_class="col-md-4"),
                    Column("headcount_service_management", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Sales and service"),
                "sales_regions",
                "sales_methods",
                "certifications_held",
                "after_sales_since",
            ),
            Fieldset(
                _("About the after-sales service system"),
                "has_after_sales_department",
                "has_qualified_staff",
                "has_fixed_premises",
                "has_electronic_management",
                "keeps_service_records",
            ),
            Submit("save", _("Save"), css_class="btn-primary"),
        )

    def clean_uscc(self) -> str:
        uscc = self.cleaned_data["uscc"]
        if uscc and Enterprise.objects.filter(uscc=uscc).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another enterprise has already registered this code. If it is yours, please contact us."),
                code="uscc_taken",
            )
        return uscc

    def clean_founded_on(self) -> Any:
        founded = self.cleaned_data["founded_on"]
        if founded and founded > timezone.localdate():
            raise forms.ValidationError(_("The founding date cannot be in the future."))
        return founded

    def clean_after_sales_since(self) -> Any:
        year = self.cleaned_data["after_sales_since"]
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Enter the year (e.g. 2015) since when the after-sales system has been in place.")
            )
        return year


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "model", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise

    def validate_unique(self) -> None:
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("name", _("This product (with this model) is already in the list."))


class OutletForm(forms.ModelForm):
    phone = PhoneField(label=_("Telephone"))

    class Meta:
        model = ServiceOutlet
        fields = ["name", "kind", "address", "phone", "contact"]

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise


class ManagerForm(forms.ModelForm):
    id_number = IDNumberField(label=_("Resident ID number"))
    mobile = MobileField(label=_("Mobile"))
    certificate_issued_on = forms.DateField(label=_("Issue date"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = ServiceManager
        fields = [
            "name", "gender", "id_number", "mobile", "department", "post",
            "certificate_name", "certificate_number", "certificate_issuer", "certificate_issued_on",
        ]  # fmt: skip
        help_texts = {"certificate_name": _("e.g. 售后服务管理师（高级）")}

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number, gender = cleaned.get("id_number"), cleaned.get("gender")
        if number and gender and id_gender(number) != gender:
            self.add_error(
                "gender",
                _("The ID number belongs to a %(gender)s; please check the gender or the ID number.")
                % {"gender": ServiceManager.Gender(id_gender(number)).label},
            )
        issued = cleaned.get("certificate_issued_on")
        if issued and issued > timezone.localdate():
            self.add_error("certificate_issued_on", _("The issue date cannot be in the future."))
        return cleaned

    def validate_unique(self) -> None:
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("id_number", _("A manager with this ID number is already in the roster."))
