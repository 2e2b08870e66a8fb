"""Changes to the enterprise's basic information and its lists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from applications.models import Application, Enterprise, Product, ServiceManager, ServiceOutlet
from certportal.accounts.models import User


def require_member(actor: User, enterprise: Enterprise) -> None:
    if not actor.has_perm("applications.change_enterprise", enterprise):
        raise PermissionDenied(_("Only the enterprise's own users can change its information."))


def enterprise_profile_save(*, enterprise: Enterprise, actor: User, changes: dict[str, Any]) -> Enterprise:
    """Save the basic information (企业基本信息表)."""
    require_member(actor, enterprise)
    for name, value in changes.items():
        setattr(enterprise, name, value)
    enterprise.save()
    return enterprise


def profile_item_save(*, item: Product | ServiceOutlet | ServiceManager, actor: User) -> Model:
    """Add or change a product, service outlet or service manager of the actor's enterprise."""
    require_member(actor, item.enterprise)
    item.save()
    return item


def profile_item_delete(*, item: Product | ServiceOutlet | ServiceManager, actor: User) -> None:
    require_member(actor, item.enterprise)
    if isinstance(item, Product) and item.applications.exclude(status__in=Application.SCOPE_EDITABLE_STATUSES).exists():
        raise ValidationError(
            _("This product is in the scope of an application already with the certification body; it stays.")
        )
    item.delete()
