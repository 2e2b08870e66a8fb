"""Role predicates used by views, templates and the navigation."""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_enterprise_user(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_enterprise_user)


@rules.predicate
def is_consultant(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_consultant)


@rules.predicate
def is_auditor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_auditor)


@rules.predicate
def is_certifier(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_certifier)


@rules.predicate
def is_body_manager(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_body_manager)


is_body_staff = is_auditor | is_certifier | is_body_manager
