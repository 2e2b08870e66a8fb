"""The navigation bar: each role sees only what it may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User

Role = User.Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]


EVERYONE = frozenset(Role.values)
BODY_STAFF = frozenset({Role.AUDITOR, Role.CERTIFIER, Role.BODY_MANAGER})

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "applications:dashboard", "speedometer2", frozenset({Role.CONSULTANT})),
    NavItem(_("Dashboard"), "audits:dashboard", "speedometer2", BODY_STAFF),
    NavItem(_("Progress"), "applications:progress", "signpost-split", frozenset({Role.ENTERPRISE})),
    NavItem(_("Applications"), "applications:list", "folder2-open", EVERYONE),
    NavItem(_("Enterprise information"), "applications:my_enterprise", "building", frozenset({Role.ENTERPRISE})),
    NavItem(_("Audit schedule"), "audits:schedule", "calendar-event", frozenset({Role.AUDITOR})),
    NavItem(_("Certificates"), "audits:certificate_list", "award", EVERYONE),
    NavItem(_("Complaints and appeals"), "audits:complaint_register", "chat-left-text", frozenset({Role.BODY_MANAGER})),
    NavItem(_("National platform"), "audits:platform_export", "cloud-upload", frozenset({Role.BODY_MANAGER})),
)


def nav_items_for(user: User | AnonymousUser) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    return [
        {"label": str(item.label), "url": reverse(item.url_name), "icon": item.icon}
        for item in NAV_ITEMS
        if user.role in item.roles
    ]
