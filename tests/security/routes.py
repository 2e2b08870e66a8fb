"""Every URL of the portal, walked from the URL resolver, with who may reach it.

A new view appears here by itself (the walk) and fails the access matrix until it has a row in
`ROUTES`: how to build its URL arguments from the test world, and who may reach it. The admin is
left out on purpose (Django's own staff-only site, tested in tests/test_public_and_private_pages.py),
and so are static files (served by WhiteNoise, not routed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications.services.signup import signup_token
from tests.factories import EnterpriseUserFactory
from tests.security.world import (
    AUDITOR,
    BODY_MANAGER,
    CERTIFIER,
    CONSULTANT_A,
    CONSULTANT_B,
    ENTERPRISE_A,
    ENTERPRISE_B,
    SUPERUSER,
    World,
)

SKIPPED_PREFIXES = ("admin/", "static/")

E, C, A, Z, M, S = ENTERPRISE_A, CONSULTANT_A, AUDITOR, CERTIFIER, BODY_MANAGER, SUPERUSER
LOGGED_IN = frozenset({E, ENTERPRISE_B, C, CONSULTANT_B, A, Z, M, S})
# Enterprise A's application is certified: its people, the body's staff and the superuser see it.
SEES_A = frozenset({E, C, A, Z, M, S})
BODY = frozenset({A, Z, M, S})  # the body's staff (auditors, certifiers, the body manager)
MANAGER = frozenset({M, S})
PARTIES = frozenset({E, C, S})  # the enterprise and its consultant change it (and the superuser)
MEMBERS = frozenset({E, S})  # the enterprise's own users
PREPARER = frozenset({C, S})  # the assigned consultant
AUDITORS = frozenset({A, S})
CERTIFIERS = frozenset({Z, S})
CONSULTANT_AND_STAFF = frozenset({C, A, Z, M, S})

Kwargs = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    """`allowed`: who may reach the view (not refused, not sent to log in), with GET and POST;
    `post`: who may POST, when that is fewer people. `kwargs`: the URL arguments, naming enterprise
    A's objects; None for a route without any (each user sees their own things there). `public`:
    open without logging in. `api`: a JSON API route, which answers an anonymous caller 401 instead
    of sending them to log in. `own_file`: the view sends each user a file of their own things (an
    export), so the leak check reads the file instead of refusing it outright."""

    allowed: frozenset[str]
    kwargs: Kwargs | None = None
    public: bool = False
    post: frozenset[str] | None = None
    own_file: bool = False
    api: bool = False

    def may(self, method: str) -> frozenset[str]:
        return self.post if method == "post" and self.post is not None else self.allowed

    @property
    def of_tenant_a(self) -> bool:
        return self.kwargs is not None and not self.public


def application(w: World) -> dict[str, Any]:
    return {"pk": w.a.application.pk}


def enterprise(w: World) -> dict[str, Any]:
    return {"pk": w.a.application.enterprise_id}


def obj(name: str, **extra: Any) -> Kwargs:
    return lambda w: {"pk": w.a.objects[name].pk, **extra}


def under_application(key: str, name: str, **extra: Any) -> Kwargs:
    return lambda w: {"pk": w.a.application.pk, key: w.a.objects[name].pk, **extra}


def under_enterprise(kind: str, name: str | None) -> Kwargs:
    def kwargs(w: World) -> dict[str, Any]:
        values = {"pk": w.a.application.enterprise_id, "kind": kind}
        return {**values, "item_pk": w.a.objects[name].pk} if name else values

    return kwargs


def under_round(key: str, name: str) -> Kwargs:
    return lambda w: {"pk": w.a.objects["round"].pk, key: w.a.objects[name].pk}


def password_reset_link(w: World) -> dict[str, Any]:
    user = w.a.user
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def signup_link(w: World) -> dict[str, Any]:
    pending = EnterpriseUserFactory(is_active=False)
    return {"uidb64": urlsafe_base64_encode(force_bytes(pending.pk)), "token": signup_token.make_token(pending)}


def form(form_type: str) -> Kwargs:
    return lambda w: {"pk": w.a.application.pk, "form_type": form_type}


PUBLIC_PAGE = Row(allowed=LOGGED_IN, public=True)


def api(allowed: frozenset[str], kwargs: Kwargs | None = None, **options: Any) -> Row:
    return Row(allowed=allowed, kwargs=kwargs, api=True, **options)


certificate_number: Kwargs = lambda w: {"number": w.a.objects["certificate"].number}  # noqa: E731

ROUTES: dict[str, Row] = {
    # --- Public: the allow-list of pages anyone may open ------------------------------------------
    "landing": PUBLIC_PAGE,
    "health": PUBLIC_PAGE,
    "language_switch": PUBLIC_PAGE,
    "accounts:login": PUBLIC_PAGE,
    "signup:start": PUBLIC_PAGE,
    "signup:sent": PUBLIC_PAGE,
    "signup:confirm": Row(allowed=LOGGED_IN, kwargs=signup_link, public=True),
    "accounts:password_reset": PUBLIC_PAGE,
    "accounts:password_reset_done": PUBLIC_PAGE,
    "accounts:password_reset_confirm": Row(allowed=LOGGED_IN, kwargs=password_reset_link, public=True),
    "accounts:password_reset_complete": PUBLIC_PAGE,
    "accounts:password_reset_sms": PUBLIC_PAGE,
    "accounts:password_reset_sms_confirm": PUBLIC_PAGE,
    "verify_search": PUBLIC_PAGE,
    "verify_file": PUBLIC_PAGE,
    "verify_certificate": Row(allowed=LOGGED_IN, kwargs=certificate_number, public=True),
    "verify_complaint": Row(allowed=LOGGED_IN, kwargs=certificate_number, public=True),
    "api:public_certificate": api(LOGGED_IN, certificate_number, public=True),
    "api:schema": PUBLIC_PAGE,
    "api:docs": PUBLIC_PAGE,
    "api:redoc": PUBLIC_PAGE,
    # --- Everyone's own pages --------------------------------------------------------------------
    "home": Row(allowed=LOGGED_IN),
    "accounts:logout": Row(allowed=LOGGED_IN),
    "accounts:settings": Row(allowed=LOGGED_IN),
    "accounts:password_change": Row(allowed=LOGGED_IN),
    "accounts:password_change_done": Row(allowed=LOGGED_IN),
    "accounts:api_tokens": Row(allowed=LOGGED_IN),
    "accounts:api_token_revoke": Row(allowed=frozenset({E}), kwargs=obj("api_token")),
    "accounts:mobile_verify_send": Row(allowed=LOGGED_IN),
    "accounts:mobile_verify": Row(allowed=LOGGED_IN),
    "notifications:list": Row(allowed=LOGGED_IN),
    "notifications:mark_all_read": Row(allowed=LOGGED_IN),
    "notifications:preferences": Row(allowed=LOGGED_IN),
    "notifications:open": Row(allowed=frozenset({E}), kwargs=obj("notification")),
    # Webhooks: everyone registers their own; only their owner sees, changes or re-sends one.
    "notifications:webhooks": Row(allowed=LOGGED_IN),
    "notifications:webhook": Row(allowed=frozenset({E}), kwargs=obj("webhook")),
    "notifications:webhook_delete": Row(allowed=frozenset({E}), kwargs=obj("webhook")),
    "notifications:webhook_enable": Row(allowed=frozenset({E}), kwargs=obj("webhook")),
    "notifications:webhook_resend": Row(allowed=frozenset({E}), kwargs=obj("webhook_delivery")),
    "applications:my_enterprise": Row(allowed=LOGGED_IN),
    "applications:list": Row(allowed=LOGGED_IN),
    "applications:create": Row(allowed=LOGGED_IN),
    "audits:schedule": Row(allowed=AUDITORS),
    "audits:certificate_list": Row(allowed=LOGGED_IN),
    "applications:progress": Row(allowed=frozenset({E, ENTERPRISE_B})),
    "applications:dashboard": Row(allowed=frozenset({C, CONSULTANT_B, S})),
    "applications:dashboard_export": Row(
        allowed=frozenset({C, CONSULTANT_B, S}), kwargs=lambda w: {"fmt": "csv"}, own_file=True
    ),
    "audits:dashboard": Row(allowed=BODY),
    # --- Enterprise A's basic information ---------------------------------------------------------
    "applications:enterprise": Row(allowed=SEES_A, kwargs=enterprise),
    "applications:enterprise_edit": Row(allowed=MEMBERS, kwargs=enterprise),
    "applications:profile_item_add": Row(allowed=MEMBERS, kwargs=under_enterprise("outlets", None)),
    "applications:profile_item_edit": Row(allowed=MEMBERS, kwargs=under_enterprise("managers", "manager")),
    "applications:profile_item_delete": Row(allowed=MEMBERS, kwargs=under_enterprise("products", "product")),
    "applications:enterprise_seal": Row(allowed=MEMBERS, kwargs=enterprise),
    "applications:enterprise_seal_image": Row(allowed=MEMBERS, kwargs=enterprise),
    # --- Enterprise A's application ---------------------------------------------------------------
    "applications:detail": Row(allowed=SEES_A, kwargs=application),
    "applications:transition": Row(allowed=SEES_A, kwargs=application),
    "applications:scope": Row(allowed=PARTIES, kwargs=application),
    "applications:invite": Row(allowed=PARTIES, kwargs=application),
    "applications:invitation": Row(allowed=frozenset({C}), kwargs=lambda w: {"token": w.a.objects["invitation"].token}),
    # --- Evidence ---------------------------------------------------------------------------------
    "applications:evidence": Row(allowed=SEES_A, kwargs=application),
    "applications:evidence_archive_request": Row(allowed=CONSULTANT_AND_STAFF, kwargs=application),
    "applications:evidence_requirement": Row(allowed=SEES_A, kwargs=obj("requirement")),
    "applications:evidence_upload": Row(allowed=PARTIES, kwargs=obj("requirement")),
    "applications:evidence_answer": Row(allowed=PARTIES, kwargs=obj("requirement")),
    "applications:evidence_requirement_review": Row(allowed=PREPARER, kwargs=obj("requirement")),
    "applications:evidence_file": Row(allowed=SEES_A, kwargs=obj("evidence")),
    "applications:evidence_file_preview": Row(allowed=SEES_A, kwargs=obj("evidence")),
    "applications:evidence_file_thumbnail": Row(allowed=SEES_A, kwargs=obj("evidence")),
    "applications:evidence_file_thumbnail_status": Row(allowed=SEES_A, kwargs=obj("evidence")),
    "applications:evidence_file_thumbnail_retry": Row(allowed=CONSULTANT_AND_STAFF, kwargs=obj("evidence")),
    "applications:evidence_file_replace": Row(allowed=PARTIES, kwargs=obj("evidence")),
    "applications:evidence_file_edit": Row(allowed=PARTIES, kwargs=obj("evidence")),
    "applications:evidence_file_withdraw": Row(allowed=PARTIES, kwargs=obj("evidence")),
    "applications:evidence_file_review": Row(allowed=PREPARER, kwargs=obj("evidence")),
    "applications:evidence_archive": Row(allowed=CONSULTANT_AND_STAFF, kwargs=obj("archive")),
    "applications:evidence_archive_retry": Row(allowed=CONSULTANT_AND_STAFF, kwargs=obj("archive")),
    "applications:evidence_archive_download": Row(allowed=CONSULTANT_AND_STAFF, kwargs=obj("archive")),
    # --- The application forms --------------------------------------------------------------------
    "applications:forms": Row(allowed=SEES_A, kwargs=application),
    "applications:forms_table": Row(allowed=SEES_A, kwargs=application),
    "applications:forms_generate": Row(allowed=PREPARER, kwargs=application),
    "applications:law_row_add": Row(allowed=PREPARER, kwargs=application),
    "applications:law_row_edit": Row(allowed=PREPARER, kwargs=under_application("row_pk", "law_row")),
    "applications:law_row_delete": Row(allowed=PREPARER, kwargs=under_application("row_pk", "law_row")),
    "applications:form": Row(allowed=SEES_A, kwargs=form("contract"), post=PREPARER),
    "applications:form_status": Row(allowed=SEES_A, kwargs=form("contract")),
    "applications:form_generate": Row(allowed=PREPARER, kwargs=form("contract")),
    "applications:form_sign": Row(allowed=MEMBERS, kwargs=form("contract")),
    "applications:form_scan": Row(allowed=MEMBERS, kwargs=form("contract")),
    "applications:rendition": Row(allowed=SEES_A, kwargs=under_application("rendition_pk", "rendition")),
    # The enterprise asks again for the signed version it made; the consultant and the body's staff for any.
    "applications:rendition_retry": Row(allowed=SEES_A, kwargs=under_application("rendition_pk", "rendition")),
    "applications:scan_review": Row(allowed=PREPARER, kwargs=under_application("rendition_pk", "scan")),
    "applications:shipment_add": Row(allowed=PREPARER, kwargs=application),
    "applications:shipment_receive": Row(allowed=SEES_A, kwargs=under_application("shipment_pk", "shipment")),
    # --- Review and video audits ------------------------------------------------------------------
    "audits:review": Row(allowed=AUDITORS, kwargs=application),
    "audits:rounds": Row(allowed=SEES_A, kwargs=application),
    "audits:round": Row(allowed=SEES_A, kwargs=obj("round")),
    "audits:round_schedule": Row(allowed=AUDITORS, kwargs=obj("round")),
    "audits:round_respond": Row(allowed=PARTIES, kwargs=obj("round")),
    "audits:round_done": Row(allowed=AUDITORS, kwargs=obj("round")),
    "audits:round_calendar": Row(allowed=SEES_A, kwargs=obj("round")),
    "audits:interview_add": Row(allowed=AUDITORS, kwargs=obj("round")),
    "audits:interview_edit": Row(allowed=AUDITORS, kwargs=under_round("interview_pk", "interview")),
    "audits:interview_delete": Row(allowed=AUDITORS, kwargs=under_round("interview_pk", "interview")),
    "audits:photo_upload": Row(allowed=AUDITORS, kwargs=obj("round")),
    "audits:photo": Row(allowed=SEES_A, kwargs=obj("photo")),
    "audits:photo_delete": Row(allowed=AUDITORS, kwargs=obj("photo")),
    # --- Findings, score sheet, decision ----------------------------------------------------------
    "audits:findings": Row(allowed=SEES_A, kwargs=application),
    "audits:finding_add": Row(allowed=AUDITORS, kwargs=application),
    "audits:finding": Row(allowed=SEES_A, kwargs=obj("finding")),
    "audits:finding_answer": Row(allowed=PARTIES, kwargs=obj("finding")),
    "audits:finding_verify": Row(allowed=AUDITORS, kwargs=obj("finding")),
    "audits:evidence": Row(allowed=SEES_A, kwargs=obj("finding_evidence")),
    "audits:score_sheet": Row(allowed=SEES_A, kwargs=application),
    "audits:indicator_save": Row(allowed=AUDITORS, kwargs=under_application("indicator_pk", "indicator")),
    "audits:special_item_add": Row(allowed=AUDITORS, kwargs=application),
    "audits:special_item_delete": Row(allowed=AUDITORS, kwargs=under_application("item_pk", "special_item")),
    "audits:recommendation": Row(allowed=AUDITORS, kwargs=application),
    "audits:decision": Row(allowed=CERTIFIERS, kwargs=application),
    # --- Certificates -----------------------------------------------------------------------------
    "audits:certificate": Row(allowed=SEES_A, kwargs=obj("certificate")),
    "audits:certificate_pdf": Row(allowed=SEES_A, kwargs=obj("certificate")),
    "audits:certificate_pdf_status": Row(allowed=SEES_A, kwargs=obj("certificate")),
    "audits:certificate_pdf_retry": Row(allowed=BODY, kwargs=obj("certificate")),
    "audits:certificate_status": Row(allowed=CERTIFIERS, kwargs=obj("certificate")),
    "audits:certificate_surveillance": Row(allowed=BODY, kwargs=obj("certificate")),
    "audits:certificate_extension": Row(allowed=CERTIFIERS, kwargs=obj("certificate")),
    "audits:surveillance_open": Row(allowed=BODY, kwargs=obj("certificate")),
    "audits:surveillance_confirm": Row(allowed=SEES_A, post=MEMBERS, kwargs=obj("surveillance_application")),
    "audits:surveillance_decision": Row(allowed=CERTIFIERS, kwargs=obj("surveillance_application")),
    "audits:certificate_change_request": Row(allowed=MEMBERS, kwargs=obj("certificate")),
    "audits:certificate_change": Row(allowed=SEES_A, kwargs=obj("certificate_change")),
    "audits:certificate_change_decide": Row(allowed=CERTIFIERS, kwargs=obj("certificate_change")),
    "audits:certificate_change_file": Row(allowed=SEES_A, kwargs=obj("certificate_change_file")),
    "audits:certificate_version_pdf": Row(allowed=SEES_A, kwargs=obj("certificate_version")),
    # --- The JSON API (/api/v1/): the same people as the pages above ------------------------------
    "api:enterprise_list": api(LOGGED_IN),
    "api:enterprise_detail": api(SEES_A, enterprise),
    "api:application_list": api(LOGGED_IN),
    "api:application_detail": api(SEES_A, application),
    "api:application_events": api(SEES_A, application),
    "api:application_transition": api(SEES_A, application),
    "api:requirement_list": api(SEES_A, application),
    "api:requirement_detail": api(SEES_A, obj("requirement")),
    "api:evidence_file_detail": api(SEES_A, obj("evidence")),
    "api:form_list": api(SEES_A, application),
    "api:round_list": api(SEES_A, application),
    "api:round_detail": api(SEES_A, obj("round")),
    "api:finding_list": api(SEES_A, application),
    "api:finding_detail": api(SEES_A, obj("finding")),
    "api:score_sheet": api(SEES_A, application),
    "api:certificate_list": api(LOGGED_IN),
    "api:certificate_detail": api(SEES_A, obj("certificate")),
    "api:certificate_history": api(SEES_A, obj("certificate")),
    "api:certificate_status": api(CERTIFIERS, obj("certificate")),
    "api:notification_list": api(LOGGED_IN),
    # --- Complaints and appeals ------------------------------------------------------------------
    "audits:complaint_holder": Row(allowed=frozenset({E}), kwargs=obj("certificate")),
    "audits:complaint_register": Row(allowed=MANAGER),
    "audits:complaint_register_export": Row(allowed=MANAGER, kwargs=lambda w: {"fmt": "csv"}),
    "audits:complaint": Row(allowed=MANAGER, kwargs=obj("complaint")),
    "audits:complaint_assign": Row(allowed=MANAGER, kwargs=obj("complaint")),
    # Only the person it was given to answers it (in the world, the body manager).
    "audits:complaint_answer": Row(allowed=frozenset({M}), kwargs=obj("complaint")),
    "audits:complaint_file": Row(allowed=MANAGER, kwargs=obj("complaint_file")),
    "audits:appeal_file": Row(allowed=frozenset({E}), kwargs=application),
    "audits:appeal": Row(allowed=frozenset({E, M, S}), kwargs=obj("appeal")),
    "audits:appeal_assign": Row(allowed=MANAGER, kwargs=obj("appeal")),
    "audits:appeal_decide": Row(allowed=frozenset({M}), kwargs=obj("appeal")),
    "audits:platform_export": Row(allowed=MANAGER),
}


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None]]:
    """(route, namespaced name) of every URL pattern, following includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


def portal_routes() -> list[tuple[str, str | None]]:
    return [
        (route, name) for route, name in walk(get_resolver().url_patterns) if not route.startswith(SKIPPED_PREFIXES)
    ]


def route_names() -> list[str]:
    """Every portal route by name (an unnamed one by its pattern: it fails for want of a row)."""
    return [name or route for route, name in portal_routes()]


def url_of(name: str, world: World) -> str:
    row = ROUTES[name]
    return reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
