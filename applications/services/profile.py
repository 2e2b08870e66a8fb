"""Changes to the enterprise's basic information and its lists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from applications.counters import enterprise_counters_refresh
from applications.models import Application, Enterprise, Product, ServiceManager, ServiceOutlet
from certportal.accounts.models import User


def require_member(actor: User, enterprise: Enterprise) -> None:
    if not actor.has_perm("applications.change_enterprise", enterprise):
        raise PermissionDenied(_("Only the enterprise's own users can change its information."))


@transaction.atomic
def enterprise_profile_save(*, enterprise: Enterprise, actor: User, changes: dict[str, Any]) -> Enterprise:
    """Save the basic information (企业基本信息表)."""
    require_member(actor, enterprise)
    for name, value in changes.items():
        setattr(enterprise, name, value)
    enterprise.save()
    # The contact fields and the service-management staff are read by profile-sourced items.
    enterprise_counters_refresh(enterprise)
    return enterprise


@transaction.atomic
def profile_item_save(*, item: Product | ServiceOutlet | ServiceManager, actor: User) -> Model:
    """Add or change a product, service outlet or service manager of the actor's enterprise."""
    require_member(actor, item.enterprise)
    item.save()
    enterprise_counters_refresh(item.enterprise)
    return item


@transaction.atomic
def profile_item_delete(*, item: Product | ServiceOutlet | ServiceManager, actor: User) -> None:
    require_member(actor, item.enterprise)
    if isinstance(item, Product) and item.applications.exclude(status__in=Application.SCOPE_EDITABLE_STATUSES).exists():
        raise ValidationError(
            _("This product is in the scope of an application already with the certification body; it stays.")
        )
    item.delete()
    # Outlets and managers are profile-sourced items; a product leaves the scopes it was in.
    enterprise_counters_refresh(item.enterprise)
