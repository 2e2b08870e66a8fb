"""What the enterprise's basic information still lacks, and the manager-roster rule (clause 5.1.2.2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Enterprise
from certportal.lib.validators import mask_id_number

# Fields of the 企业基本信息表 that must be filled before the information can be submitted.
REQUIRED_FIELDS = (
    "name",
    "uscc",
    "registered_address",
    "service_address",
    "legal_representative",
    "founded_on",
    "kind",
    "contact_person",
    "contact_mobile",
    "email",
    "service_hotline",
    "headcount_total",
    "headcount_after_sales",
    "headcount_service_management",
    "sales_regions",
    "sales_methods",
    "after_sales_since",
    "has_after_sales_department",
    "has_qualified_staff",
    "has_fixed_premises",
    "has_electronic_management",
    "keeps_service_records",
)


def field_label(name: str) -> str | Promise:
    """The label of one of the enterprise's own fields (not a reverse relation)."""
    field = Enterprise._meta.get_field(name)
    assert isinstance(field, Field), name
    return field.verbose_name


def profile_problems(enterprise: Enterprise) -> list[str | Promise]:
    """Names of what is missing, in the order of the form; empty when the information is complete."""
    missing: list[str | Promise] = [
        field_label(name) for name in REQUIRED_FIELDS if getattr(enterprise, name) in (None, "")
    ]
    if not enterprise.products.exists():
        missing.append(_("at least one product"))
    return missing


def manager_shortfall(enterprise: Enterprise, manager_count: int | None = None) -> int:
    """How many more 售后服务管理师 clause 5.1.2.2 asks for (0 when the rule is met)."""
    count = enterprise.managers.count() if manager_count is None else manager_count
    return max(0, enterprise.managers_required - count)


def id_numbers_in_full(viewer: Any, enterprise: Enterprise) -> bool:
    """The one rule for resident ID numbers (身份证号), whatever shows them (pages, PDFs, exports, an
    API): in full only for those who need them, the enterprise's own users and its consultant
    (`applications.view_id_numbers`); masked for everyone else. A document has no single viewer (the
    signed roster goes to the body's staff), so documents pass no viewer and show them masked."""
    return viewer is not None and viewer.has_perm("applications.view_id_numbers", enterprise)


def id_number_shown(number: str, *, in_full: bool) -> str:
    """An ID number as the viewer may see it: in full, or 110105********002X."""
    return number if in_full else mask_id_number(number or "")
