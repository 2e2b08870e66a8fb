"""Naming rules a reader relies on: a view never takes the name of the service it calls (pages end in
`_page`, POST-only actions in `_post`), and every guard takes the object first and the actor second."""

from __future__ import annotations

import inspect
from types import ModuleType

from django.urls import URLPattern, get_resolver

import applications.services
import audits.services
import notifications.services
from certportal.accounts import services as account_services

SERVICE_PACKAGES = (applications.services, audits.services, notifications.services, account_services)


def _functions(module: ModuleType) -> dict[str, object]:
    return {name: value for name, value in vars(module).items() if inspect.isfunction(value)}


def _views() -> set[str]:
    names: set[str] = set()
    patterns = list(get_resolver().url_patterns)
    while patterns:
        pattern = patterns.pop()
        if isinstance(pattern, URLPattern):
            names.add(getattr(pattern.callback, "__name__", ""))
        else:
            patterns.extend(pattern.url_patterns)
    return names


def test_no_view_shares_its_name_with_a_service() -> None:
    services = {name for package in SERVICE_PACKAGES for name in _functions(package)}
    assert sorted(_views() & services) == []


def test_every_guard_takes_the_object_then_the_actor() -> None:
    guards = {
        name: function
        for package in SERVICE_PACKAGES
        for name, function in _functions(package).items()
        if name.endswith(("_problem", "_problems"))
    }
    assert len(guards) >= 15
    for name, function in guards.items():
        parameters = list(inspect.signature(function).parameters)  # type: ignore[arg-type]
        assert parameters[1] == "actor", name
