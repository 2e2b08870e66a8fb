"""What goes into each of the six forms, as plain JSON-ready dicts.

One function per form type builds the dict its PDF template shows, from the enterprise's basic
information, the application and the consultant's fields. The same dict is stored with every
generated version and hashed into its fingerprint, so a change to anything a form shows (a new
manager, another product in the scope, a different fee) makes the signed form outdated.
Everything is computed in the form's language, whatever the language of the person asking.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import formats, translation
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    ApplicationForm,
    Enterprise,
    FormType,
    LawStandardRow,
    Product,
    ServiceManager,
    ServiceOutlet,
)
from applications.models.forms import form_code
from applications.profile import field_label
from certportal.lib.text import join_list

# The forms are Chinese documents for a Chinese certification body.
FORM_LANGUAGE = "zh-hans"
STANDARD = "GB/T 27922-2011"


class AuditMethod:
    """Audit-method codes of the certification rules (FS01 is on-site, not offered here)."""

    REMOTE = "FS02"
    MIXED = "FS03"


@dataclass
class FormSource:
    """Everything the six forms are made of, loaded once (a handful of queries)."""

    application: Application
    enterprise: Enterprise
    scope: list[Product]
    products: list[Product]
    outlets: list[ServiceOutlet]
    managers: list[ServiceManager]
    forms: dict[str, ApplicationForm] = field(default_factory=dict)
    law_rows: list[LawStandardRow] = field(default_factory=list)

    def data_of(self, form_type: str) -> dict[str, Any]:
        form = self.forms.get(form_type)
        return form.data if form is not None else {}


def load_source(application: Application) -> FormSource:
    enterprise = application.enterprise
    forms = {
        form.form_type: form
        for form in application.forms.prefetch_related(
            Prefetch("law_rows", queryset=LawStandardRow.objects.prefetch_related("products"))
        )
    }
    laws = forms.get(FormType.LAWS)
    return FormSource(
        application=application,
        enterprise=enterprise,
        scope=list(application.scope.order_by("name", "pk")),
        products=list(enterprise.products.all()),
        outlets=list(enterprise.outlets.all()),
        managers=list(enterprise.managers.all()),
        forms=forms,
        law_rows=list(laws.law_rows.all()) if laws is not None else [],
    )


def fingerprint(context: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a form's content."""
    canonical = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_context(source: FormSource, form_type: str) -> dict[str, Any]:
    """The content of one form, in the form's language."""
    with translation.override(FORM_LANGUAGE):
        context = _header(source, form_type)
        context.update(BUILDERS[FormType(form_type)](source))
    return context


# --- Pieces shared by the forms ------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def money(value: Any) -> str:
    """'12,000.00' from whatever the consultant typed; '' when nothing (or nonsense) was typed."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return f"{amount:,.2f}" if value not in (None, "") else ""


def _product(product: Product) -> dict[str, str]:
    return {"name": product.name, "model": product.model, "label": str(product)}


def _header(source: FormSource, form_type: str) -> dict[str, Any]:
    application, enterprise = source.application, source.enterprise
    return {
        "form_type": form_type,
        "title": str(FormType(form_type).label),
        "code": form_code(form_type),
        "body_name": str(settings.CERTIFICATION_BODY_NAME),
        "reference": application.reference,
        "standard": STANDARD,
        "enterprise": {"name": enterprise.name, "uscc": enterprise.uscc},
        "scope": [_product(product) for product in source.scope],
    }


def _identity(enterprise: Enterprise) -> dict[str, str]:
    return {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "registered_address": enterprise.registered_address,
        "service_address": enterprise.service_address,
        "legal_representative": enterprise.legal_representative,
        "contact_person": enterprise.contact_person,
        "contact_mobile": enterprise.contact_mobile,
        "phone": enterprise.phone,
        "email": enterprise.email,
        "website": enterprise.website,
        "service_hotline": enterprise.service_hotline,
    }


def _outlets(source: FormSource) -> list[dict[str, str]]:
    return [
        {
            "name": outlet.name,
            "kind": str(outlet.get_kind_display()),
            "address": outlet.address,
            "phone": outlet.phone,
            "contact": outlet.contact,
        }
        for outlet in source.outlets
    ]


def _sites(source: FormSource) -> list[dict[str, str]]:
    """Where the service is provided: the head office, then the outlets."""
    enterprise = source.enterprise
    head_office = {
        "name": _("Head office"),
        "kind": str(ServiceOutlet.Kind.OWN.label),
        "address": enterprise.service_address or enterprise.registered_address,
        "phone": enterprise.phone or enterprise.service_hotline,
        "contact": enterprise.contact_person,
    }
    return [head_office, *_outlets(source)]


def delivery_mode(outlets: list[ServiceOutlet]) -> str:
    """Own, contracted or mixed service outlets (the application form's 'delivery mode')."""
    kinds = {outlet.kind for outlet in outlets}
    if kinds == {ServiceOutlet.Kind.OWN}:
        return _("Own outlets")
    if kinds == {ServiceOutlet.Kind.CONTRACTED}:
        return _("Contracted outlets")
    if kinds:
        return _("Mixed (own and contracted outlets)")
    return ""


# --- The six forms -------------------------------------------------------------------------------


def _basic_info(source: FormSource) -> dict[str, Any]:
    enterprise = source.enterprise
    return {
        "identity": _identity(enterprise),
        "founded_on": _date(enterprise.founded_on),
        "registered_capital": _text(enterprise.registered_capital),
        "kind": str(enterprise.get_kind_display()),
        "headcounts": {
            "total": _text(enterprise.headcount_total),
            "after_sales": _text(enterprise.headcount_after_sales),
            "service_management": _text(enterprise.headcount_service_management),
            "managers": str(len(source.managers)),
        },
        "outlets": _outlets(source),
        "outlet_counts": {
            "own": sum(outlet.kind == ServiceOutlet.Kind.OWN for outlet in source.outlets),
            "contracted": sum(outlet.kind == ServiceOutlet.Kind.CONTRACTED for outlet in source.outlets),
        },
        "products": [_product(product) for product in source.products],
        "sales_regions": enterprise.sales_regions,
        "sales_methods": enterprise.sales_methods,
        "certifications_held": enterprise.certifications_held,
        "after_sales_since": _text(enterprise.after_sales_since),
        "answers": [
            {
                "question": str(field_label(name)),
                "answer": _yes_no(getattr(enterprise, name)),
            }
            for name in (
                "has_after_sales_department",
                "has_qualified_staff",
                "has_fixed_premises",
                "has_electronic_management",
                "keeps_service_records",
            )
        ],
    }


def default_service_description(source: FormSource) -> str:
    products = join_list(product.name for product in source.scope)
    return _(
        "After-sales service for %(products)s: delivery and installation, commissioning, repair and maintenance, "
        "technical support, customer training, return visits and complaint handling."
    ) % {"products": products}


def _application(source: FormSource) -> dict[str, Any]:
    application, data = source.application, source.data_of(FormType.APPLICATION)
    return {
        "identity": _identity(source.enterprise),
        "kind": str(application.get_kind_display()),
        "desired_star_level": _text(application.desired_star_level),
        "service_description": data.get("service_description") or default_service_description(source),
        "excluded_indicators": data.get("excluded_indicators") or _("None"),
        "sites": _sites(source),
        "delivery_mode": delivery_mode(source.outlets),
    }


CONTRACT_FEES = ("application_fee", "audit_fee", "certificate_fee", "surveillance_fee")


def default_payment_terms() -> str:
    return _(
        "The applicant pays the application fee and the audit fee within 10 working days of signing this "
        "contract, and the certificate fee before the certificate is issued. The surveillance fee is paid "
        "before each yearly surveillance audit. Payments are made by bank transfer to the certification "
        "body's account; the certification body issues a VAT invoice for each payment."
    )


def default_contract_term() -> str:
    return _(
        "This contract takes effect when both parties have signed and sealed it, and remains in force until "
        "the certificate issued under it expires (three years from issue) or is withdrawn or cancelled."
    )


def _contract(source: FormSource) -> dict[str, Any]:
    data = source.data_of(FormType.CONTRACT)
    fees = {name: money(data.get(name)) for name in CONTRACT_FEES}
    total = ""
    if all(fees.values()):
        total = money(sum(Decimal(str(data[name])) for name in CONTRACT_FEES if name != "surveillance_fee"))
    return {
        "identity": _identity(source.enterprise),
        "kind": str(source.application.get_kind_display()),
        "contract_number": data.get("contract_number") or f"HT-{source.application.reference}",
        "fees": fees,
        "total_fee": total,
        "payment_terms": data.get("payment_terms") or default_payment_terms(),
        "term": data.get("term") or default_contract_term(),
    }


def _laws(source: FormSource) -> dict[str, Any]:
    scope_ids = {product.pk for product in source.scope}
    rows = []
    for row in source.law_rows:
        products = [product for product in row.products.all() if product.pk in scope_ids]
        rows.append(
            {
                "name": row.name,
                "number": row.number,
                "issuer": row.issuer,
                "products": join_list(product.name for product in products) or _("All products in the scope"),
            }
        )
    return {"rows": rows}


def _managers(source: FormSource) -> dict[str, Any]:
    enterprise = source.enterprise
    return {
        # In full here, so that a change of any digit makes the signed roster outdated; the PDF shows
        # them masked (applications.profile.id_numbers_in_full): the body's staff read it too.
        "managers": [
            {
                "name": manager.name,
                "gender": str(manager.get_gender_display()),
                "id_number": manager.id_number,
                "mobile": manager.mobile,
                "department": manager.department,
                "post": manager.post,
                "certificate_name": manager.certificate_name,
                "certificate_number": manager.certificate_number,
                "certificate_issuer": manager.certificate_issuer,
                "certificate_issued_on": _date(manager.certificate_issued_on),
            }
            for manager in source.managers
        ],
        "service_management_staff": _text(enterprise.headcount_service_management),
        "managers_required": str(enterprise.managers_required),
    }


def default_remote_reason() -> str:
    return _(
        "The enterprise's service activities and records can be shown fully by video and electronic "
        "documents; a remote audit saves travel time and cost without lowering the audit's quality."
    )


def default_remote_scope(source: FormSource) -> str:
    sites = [source.enterprise.service_address, *(outlet.name for outlet in source.outlets)]
    return _("%(sites)s: after-sales service management, service records, staff interviews, service premises.") % {
        "sites": join_list(site for site in sites if site)
    }


def audit_method_label(code: str) -> str:
    labels = {AuditMethod.REMOTE: _("Remote audit"), AuditMethod.MIXED: _("Mixed audit (remote and on-site)")}
    return labels.get(code, "")


def _remote_audit(source: FormSource) -> dict[str, Any]:
    data, enterprise = source.data_of(FormType.REMOTE_AUDIT), source.enterprise
    method = data.get("audit_method") or AuditMethod.REMOTE
    test_date = data.get("connection_test_date") or ""
    return {
        "identity": _identity(enterprise),
        "audit_type": str(source.application.get_kind_display()),
        "methods": [
            {"code": code, "label": audit_method_label(code), "chosen": code == method}
            for code in (AuditMethod.REMOTE, AuditMethod.MIXED)
        ],
        "reason": data.get("reason") or default_remote_reason(),
        "remote_scope": data.get("remote_scope") or default_remote_scope(source),
        "platform": data.get("platform") or _("Tencent Meeting"),
        "connection_tested": bool(data.get("connection_tested")),
        "connection_test_date": _date(datetime.date.fromisoformat(test_date)) if test_date else "",
        "contact_name": data.get("contact_name") or enterprise.contact_person,
        "contact_mobile": data.get("contact_mobile") or enterprise.contact_mobile,
        "consent_confidentiality": bool(data.get("consent_confidentiality")),
        "consent_recording": bool(data.get("consent_recording")),
    }


BUILDERS: dict[FormType, Callable[[FormSource], dict[str, Any]]] = {
    FormType.BASIC_INFO: _basic_info,
    FormType.APPLICATION: _application,
    FormType.CONTRACT: _contract,
    FormType.LAWS: _laws,
    FormType.MANAGERS: _managers,
    FormType.REMOTE_AUDIT: _remote_audit,
}


def missing_fields(source: FormSource, form_type: str) -> list[str]:
    """What the consultant must still fill in before this form can be generated."""
    if form_type != FormType.CONTRACT:
        return []
    data = source.data_of(FormType.CONTRACT)
    labels = {
        "application_fee": _("application fee"),
        "audit_fee": _("audit fee"),
        "certificate_fee": _("certificate fee"),
        "surveillance_fee": _("yearly surveillance fee"),
    }
    return [labels[name] for name in CONTRACT_FEES if not money(data.get(name))]
