"""Every way a file enters the portal, found from the URL resolver, the forms, the models and the
admin, and each one proved to refuse hostile files: a web page, an SVG with a script, a program, a
macro document and a zip bomb, each under its own name and under a name the route accepts.

A new upload path appears here by itself and fails until it has a row in `UPLOADS` (how to reach
it with a valid submission), like the access matrix for views (tests/security/routes.py): a view
reading `request.FILES`, a form's file field, a model's file field, or a file field the admin
would let a staff user fill in without the check.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import importlib
import inspect
import io
import json
import pkgutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications import services
from applications.models import EvidenceFile, FormRendition
from audits import services as audit_services
from audits.models import CertificationDecision, CheckInPhoto, Finding, FindingEvidence
from tests.applications.evidence_samples import (
    CONTENT_TYPES_XML,
    image_bytes,
    pdf_bytes,
    upload,
    zip_bomb_docx,
)
from tests.audits.conftest import in_audits, schedule_directly
from tests.conftest import client_for, put_in_status
from tests.factories import (
    ProductFactory,
    complete_evidence,
    forms_prepared,
    forms_ready,
    seal_photo,
    signature_drawing,
)
from tests.security.routes import SKIPPED_PREFIXES
from tests.security.test_hostile_input import error_messages_after, shows_an_error_for

pytestmark = pytest.mark.django_db

PROJECT = ("applications", "audits", "certportal")


# --- Hostile files --------------------------------------------------------------------------------


def macro_docm() -> bytes:
    output = io.BytesIO()
    main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    types = CONTENT_TYPES_XML.replace("application/vnd.openxmlformats-officedocument.{main}", main)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types.format(part="word/document.xml"))
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
        archive.writestr("word/vbaProject.bin", b'\xd0\xcf\x11\xe0 Sub AutoOpen() Shell "calc" End Sub')
    return output.getvalue()


HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "html": ("说明.html", lambda: b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"),
    "svg-with-script": ("公章.svg", lambda: (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script><rect width=\"10\" height=\"10\"/></svg>")),
    "executable": ("安装程序.exe", lambda: b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 400),
    "macro-document": ("整改措施.docm", macro_docm),
    "zip-bomb": ("整改记录.docx", zip_bomb_docx),
}  # fmt: skip


# --- Each upload route, with a valid submission -----------------------------------------------------


@dataclass
class Target:
    """Where a file is posted: the `field` it goes in, with the other `data` of a valid submission;
    `good` is a file the route accepts, with the extension that hostile files are renamed to."""

    client: Client
    url: str
    field: str
    data: dict[str, Any]
    good: tuple[str, bytes]
    headers: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    """An upload route: its form's file field(s), the model file fields it fills, its set-up.
    `answer`: for a route that keeps no file, what its page shows when it took the valid one."""

    form_fields: tuple[str, ...]
    model_fields: tuple[str, ...]
    build: Callable[[pytest.FixtureRequest], Target]
    answer: str | None = None


def _evidence_requirement(request: pytest.FixtureRequest) -> Any:
    application = request.getfixturevalue("evidence_application")
    return application.evidence_requirements.select_related("item").get(item__code="4")


def evidence_upload(request: pytest.FixtureRequest) -> Target:
    requirement = _evidence_requirement(request)
    products = [str(product.pk) for product in requirement.application.scope.all()]
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("applications:evidence_upload", args=[requirement.pk]),
        "files", {"products": products}, ("服务手册.pdf", pdf_bytes()),
        headers={"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
    )  # fmt: skip


def evidence_replace(request: pytest.FixtureRequest) -> Target:
    requirement = _evidence_requirement(request)
    user = request.getfixturevalue("enterprise_user")
    old = services.evidence_upload(requirement=requirement, actor=user, upload=upload("旧版.pdf", pdf_bytes()))
    products = [str(product.pk) for product in requirement.application.scope.all()]
    return Target(
        client_for(user), reverse("applications:evidence_file_replace", args=[old.pk]),
        "file", {"products": products, "note": "", "document_date": ""}, ("新版.pdf", pdf_bytes(2)),
    )  # fmt: skip


def _awaiting(request: pytest.FixtureRequest) -> Any:
    application = request.getfixturevalue("application")
    forms_prepared(application)
    complete_evidence(application)
    put_in_status(application, "awaiting_signature")
    forms_ready(application, signed=False)
    user = request.getfixturevalue("enterprise_user")
    services.enterprise_seal_save(enterprise=application.enterprise, actor=user, content=seal_photo())
    return application


def form_sign(request: pytest.FixtureRequest) -> Target:
    application = _awaiting(request)
    data = {"signer_name": "陈立", "signer_title": "总经理", "signature_data": "", "confirmed": "on"}
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("applications:form_sign", args=[application.pk, "laws"]),
        "signature_file", data, ("签名.png", signature_drawing()),
    )  # fmt: skip


def form_scan(request: pytest.FixtureRequest) -> Target:
    application = _awaiting(request)
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("applications:form_scan", args=[application.pk, "laws"]), "scan", {}, ("扫描件.pdf", pdf_bytes(2)),
    )  # fmt: skip


def enterprise_seal(request: pytest.FixtureRequest) -> Target:
    user = request.getfixturevalue("enterprise_user")
    return Target(
        client_for(user), reverse("applications:enterprise_seal", args=[user.enterprise_id]),
        "image", {}, ("公章.jpg", seal_photo()),
    )  # fmt: skip


def photo_upload(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5))
    return Target(
        client_for(auditor), reverse("audits:photo_upload", args=[first.pk]),
        "photo", {"moment": "opening"}, ("签到.png", image_bytes("PNG")),
    )  # fmt: skip


def finding_answer(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    auditor = request.getfixturevalue("auditor")
    in_audits(application)
    finding = audit_services.finding_raise(
        application=application, actor=auditor, indicator=application.score_sheet.version.indicators.get(code="5.2.4"),
        grade=Finding.Grade.OBSERVATION, description="抽查记录缺签字", deadline=timezone.localdate(),
    )  # fmt: skip
    return Target(
        client_for(request.getfixturevalue("enterprise_user")), reverse("audits:finding_answer", args=[finding.pk]),
        "files", {"root_cause": "", "correction": "", "corrective_action": ""}, ("整改记录.pdf", pdf_bytes()),
    )  # fmt: skip


def certificate_change_request(request: pytest.FixtureRequest) -> Target:
    application = request.getfixturevalue("application")
    certifier = request.getfixturevalue("certifier")
    put_in_status(application, "certified")
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score="950.00",
        computed_star_level=5, star_level=5,
    )  # fmt: skip
    certificate = audit_services.certificate_issue(application=application, decision=decision, actor=certifier)
    product = ProductFactory(enterprise=application.enterprise)
    data = {"holder_name": certificate.holder_name, "holder_address": certificate.holder_address, "add": [product.pk]}
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("audits:certificate_change_request", args=[certificate.pk]),
        f"files_{product.pk}", data, ("质检报告.pdf", pdf_bytes()),
    )  # fmt: skip


def _complained_certificate(request: pytest.FixtureRequest) -> Any:
    application = request.getfixturevalue("application")
    certifier = request.getfixturevalue("certifier")
    put_in_status(application, "certified")
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score="950.00",
        computed_star_level=5, star_level=5,
    )  # fmt: skip
    return audit_services.certificate_issue(application=application, decision=decision, actor=certifier)


COMPLAINT = {"about": "holder", "name": "张三", "email": "zhang@example.com", "text": "服务热线无人接听。"}


def verify_complaint(request: pytest.FixtureRequest) -> Target:
    request.getfixturevalue("settings").COMPLAINT_RATE = "1000/m"  # the route is rate-limited
    certificate = _complained_certificate(request)
    url = reverse("verify_complaint", kwargs={"number": certificate.number})
    return Target(Client(), url, "files", COMPLAINT, ("照片.pdf", pdf_bytes()))


def complaint_holder(request: pytest.FixtureRequest) -> Target:
    certificate = _complained_certificate(request)
    return Target(
        client_for(request.getfixturevalue("enterprise_user")),
        reverse("audits:complaint_holder", args=[certificate.pk]), "files", COMPLAINT, ("记录.pdf", pdf_bytes()),
    )  # fmt: skip


def verify_file(request: pytest.FixtureRequest) -> Target:
    return Target(Client(), reverse("verify_file"), "file", {}, ("证书.pdf", pdf_bytes()))


UPLOADS: dict[str, Upload] = {
    "applications:evidence_upload": Upload(
        ("applications.forms.evidence.EvidenceUploadForm.files",), ("applications.EvidenceFile.file",), evidence_upload
    ),
    "applications:evidence_file_replace": Upload(
        ("applications.forms.evidence.EvidenceReplaceForm.file",), ("applications.EvidenceFile.file",), evidence_replace
    ),
    "applications:form_sign": Upload(
        ("applications.forms.application_forms.SignForm.signature_file",),
        ("applications.FormSignature.seal", "applications.FormSignature.signature_image"),
        form_sign,
    ),
    "applications:form_scan": Upload(
        ("applications.forms.application_forms.ScanForm.scan",), ("applications.FormRendition.file",), form_scan
    ),
    "applications:enterprise_seal": Upload(
        ("applications.forms.application_forms.SealForm.image",), ("applications.Enterprise.seal",), enterprise_seal
    ),
    "audits:photo_upload": Upload(
        ("audits.forms.rounds.PhotoForm.photo",), ("audits.CheckInPhoto.file",), photo_upload
    ),
    "audits:finding_answer": Upload(
        ("audits.forms.findings.FindingAnswerForm.files",), ("audits.FindingEvidence.file",), finding_answer
    ),
    # The file fields of this form are made per candidate product (`files_<pk>`), not declared.
    "audits:certificate_change_request": Upload((), ("audits.CertificateChangeFile.file",), certificate_change_request),
    # Complaints: from the public certificate page and from the holder's own certificate page.
    "verify_complaint": Upload(
        ("audits.forms.complaints.PublicComplaintForm.files",), ("audits.ComplaintFile.file",), verify_complaint
    ),
    "audits:complaint_holder": Upload(
        ("audits.forms.complaints.ComplaintForm.files",), ("audits.ComplaintFile.file",), complaint_holder
    ),
    # The public check of a certificate file: checked like every upload, then answered, never kept.
    "verify_file": Upload(("audits.forms.certificates.VerifyFileForm.file",), (), verify_file, answer="data-verdict"),
}
# Model file fields no upload fills: the portal writes them itself (thumbnails, rendered PDFs, archives).
WRITTEN_BY_THE_PORTAL = {
    "applications.EvidenceFile.thumbnail",
    "applications.EvidenceFile.preview",
    "applications.EvidenceArchive.file",
    "applications.FormRendition.file",
    "audits.Certificate.pdf_file",
    "audits.CertificateVersion.pdf_file",
}


# --- Finding every upload path ----------------------------------------------------------------------


def _views(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Callable]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield route, f"{namespace}{pattern.name}" if pattern.name else route, pattern.callback


def upload_routes() -> set[str]:
    """Routes whose view reads uploaded files (directly or through a form given request.FILES)."""
    found = set()
    for route, name, view in _views(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        source = inspect.getsource(inspect.unwrap(view))
        if "request.FILES" in source or ".FILES" in source:
            found.add(name)
    return found


def _project_forms() -> Iterator[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT):
            continue
        for module_name in ("forms", "views", "admin"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for info in pkgutil.walk_packages(getattr(module, "__path__", []), f"{module.__name__}."):
                importlib.import_module(info.name)
    seen: set[type] = set()
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return (cls for cls in seen if cls.__module__.startswith(PROJECT) and hasattr(cls, "base_fields"))


def form_file_fields() -> set[str]:
    return {
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _project_forms()
        for name, each in cast(Any, cls).base_fields.items()
        if isinstance(each, forms.FileField)
    }


def model_file_fields() -> set[str]:
    return {
        f"{model._meta.app_label}.{model.__name__}.{each.name}"
        for model in apps.get_models()
        if model.__module__.startswith(PROJECT)
        for each in model._meta.get_fields()
        if isinstance(each, models.FileField)
    }


def admin_file_fields(superuser: Any) -> set[str]:
    """File fields a staff user could fill in through the admin, where no upload check runs."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = set()
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue
        readonly = set(model_admin.get_readonly_fields(request))
        form = model_admin.get_form(request)
        for name, each in form.base_fields.items():
            if isinstance(each, forms.FileField) and name not in readonly:
                found.add(f"{model._meta.label}.{name}")
        for inline in model_admin.get_inline_instances(request):
            inline_form = inline.get_formset(request).form
            for name, each in inline_form.base_fields.items():
                if isinstance(each, forms.FileField):
                    found.add(f"{inline.model._meta.label}.{name}")
    return found


def test_every_upload_route_has_a_row() -> None:
    assert upload_routes() == set(UPLOADS), "an upload view without a row in UPLOADS, or a row without a view"


def test_every_file_field_of_a_form_is_covered() -> None:
    covered = {name for row in UPLOADS.values() for name in row.form_fields}
    assert form_file_fields() == covered, "a form's file field that no row of UPLOADS posts to"


def test_every_file_field_of_a_model_is_filled_by_a_checked_upload_or_by_the_portal() -> None:
    covered = {name for row in UPLOADS.values() for name in row.model_fields} | WRITTEN_BY_THE_PORTAL
    assert model_file_fields() == covered, "a model's file field not covered by UPLOADS nor WRITTEN_BY_THE_PORTAL"


def test_the_admin_takes_no_file_past_the_check(superuser) -> None:
    assert admin_file_fields(superuser) == set()


# --- Posting hostile files to each -------------------------------------------------------------------


def stored_state() -> tuple[list[str], list[int]]:
    """Every stored file, and how many rows each model with a file field has."""
    root = Path(settings.MEDIA_ROOT)
    stored = sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
    counts = [model.objects.count() for model in (EvidenceFile, FormRendition, CheckInPhoto, FindingEvidence)]
    counts.append(apps.get_model("applications", "FormSignature").objects.count())
    return stored, counts


def post(target: Target, name: str, content: bytes) -> Any:
    files = {target.field: upload(name, content)}
    return target.client.post(target.url, {**target.data, **files}, **target.headers)


def refused_with_a_message(response: Any, target: Target) -> bool:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return not any(result["ok"] for result in json.loads(response.content)["results"])
    return shows_an_error_for(response, target.field) or bool(error_messages_after(response, target.client))


def renamed(name: str, target: Target) -> str:
    return name.rsplit(".", 1)[0] + "." + target.good[0].rsplit(".", 1)[1]


@pytest.mark.parametrize("route", list(UPLOADS))
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_file_is_refused_on_every_upload_route(request: pytest.FixtureRequest, route: str, kind: str) -> None:
    target = UPLOADS[route].build(request)
    name, make = HOSTILE[kind]
    content = make()
    for each in (name, renamed(name, target)):
        before = stored_state()
        response = post(target, each, content)
        where = f"{route} {each}: {response.status_code}"
        assert response.status_code < 500, where
        assert stored_state() == before, f"{where}: stored"
        assert refused_with_a_message(response, target), f"{where}: refused without saying why"


@pytest.mark.parametrize("route", list(UPLOADS))
def test_the_valid_file_is_accepted_on_every_upload_route(request: pytest.FixtureRequest, route: str) -> None:
    """Otherwise every hostile file would look refused."""
    target = UPLOADS[route].build(request)
    before = stored_state()
    response = post(target, *target.good)
    assert response.status_code in (200, 201, 302), (route, response.status_code)
    answer = UPLOADS[route].answer
    if answer is None:
        assert stored_state() != before, route
    else:
        assert stored_state() == before, route
        assert answer in response.content.decode(), route
    if response.status_code == 302:
        assert not error_messages_after(response, target.client), route


def test_a_drawn_signature_is_no_way_around_the_check(request: pytest.FixtureRequest) -> None:
    """The signature pad's data URL must hold a PNG: an SVG or a web page in it is refused."""
    target = form_sign(request)
    before = stored_state()
    for content in (HOSTILE["svg-with-script"][1](), HOSTILE["html"][1]()):
        drawn = "data:image/png;base64," + base64.b64encode(content).decode()
        response = target.client.post(target.url, {**target.data, "signature_data": drawn})
        assert response.status_code == 200
        assert shows_an_error_for(response, "signature_file")
    assert stored_state() == before
