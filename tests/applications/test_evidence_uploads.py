"""Uploading evidence: every accepted kind is stored under a generated name with its original name,
size and SHA-256; hostile files are refused one by one with a reason in plain words, leaving
nothing on disk or in the database; large uploads stream to disk; downloads are access-checked
attachments (previews inline, sandboxed) under the original Chinese name."""

from __future__ import annotations

import hashlib
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import RequestFactory
from django.urls import reverse

from applications import services
from applications.models import ApplicationEvent, EvidenceFile
from certportal.benchmark import large_pdf
from certportal.lib.uploads import StreamingUploadHandler, UploadRefused, check_name
from tests.applications.evidence_samples import (
    GOOD,
    HOSTILE,
    image_bytes,
    multipart,
    ofd_bytes,
    pdf_bytes,
    upload,
)
from tests.conftest import client_for, put_in_status
from tests.factories import ProductFactory
from tests.http import streamed_body

pytestmark = pytest.mark.django_db

XHR: dict[str, Any] = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def upload_temp(settings, tmp_path: Path) -> Path:
    """Uploads' temporary files go here, so that a test can see that none is left behind."""
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def requirement_of(application, code: str):
    return application.evidence_requirements.select_related("item", "application").get(item__code=code)


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def evidence_events(application) -> int:
    return ApplicationEvent.objects.filter(application=application, kind__startswith="evidence_").count()


def post_raw(user, requirement, files: list[tuple[str, bytes]], *, products=None, xhr: bool = True, client=None):
    """Post exactly these file names (the test client would clean them up first)."""
    scope = products if products is not None else requirement.application.scope.all()
    body, content_type = multipart(
        {"products": [str(product.pk) for product in scope]},
        [("files", name, content) for name, content in files],
    )
    url = reverse("applications:evidence_upload", args=[requirement.pk])
    extra: dict[str, Any] = XHR if xhr else {}
    return (client or client_for(user)).generic("POST", url, data=body, content_type=content_type, **extra)


# --- What is accepted, and what is kept about it ----------------------------------------------------


@pytest.mark.parametrize("name", list(GOOD))
def test_each_accepted_kind_is_stored_with_original_name_size_and_sha256(
    name: str, evidence_application, enterprise_user, private_media: Path
) -> None:
    requirement = requirement_of(evidence_application, "1")
    content = GOOD[name]()
    evidence = services.evidence_upload(requirement=requirement, actor=enterprise_user, upload=upload(name, content))
    stored = (private_media / evidence.file.name).read_bytes()
    assert evidence.original_name == name
    assert evidence.file.name.startswith(f"evidence/{evidence_application.pk}/")
    assert name not in evidence.file.name and Path(name).stem not in evidence.file.name
    assert evidence.size == len(stored)
    assert evidence.sha256 == hashlib.sha256(stored).hexdigest()
    assert evidence.uploaded_by == enterprise_user
    assert evidence.status == EvidenceFile.Status.PENDING
    assert list(evidence.products.all()) == list(evidence_application.scope.all())
    if evidence.family == "image":
        assert stored.startswith(content[:4])  # re-encoded in the same format
    else:
        assert stored == content


def test_ofd_is_accepted_where_the_item_allows_it(evidence_application, enterprise_user) -> None:
    licence = requirement_of(evidence_application, "0")
    evidence = services.evidence_upload(
        requirement=licence, actor=enterprise_user, upload=upload("电子营业执照.ofd", ofd_bytes())
    )
    assert evidence.family == "ofd"
    assert evidence.thumbnail_status == EvidenceFile.ThumbnailStatus.NONE
    with pytest.raises(ValidationError, match="不接受"):
        services.evidence_upload(
            requirement=requirement_of(evidence_application, "1"),
            actor=enterprise_user,
            upload=upload("简介.ofd", ofd_bytes()),
        )


def test_image_is_reencoded_so_trailing_payload_is_dropped(
    evidence_application, enterprise_user, private_media
) -> None:
    content = image_bytes("PNG") + b"<script>alert(1)</script>"
    evidence = services.evidence_upload(
        requirement=requirement_of(evidence_application, "1"), actor=enterprise_user, upload=upload("截图.png", content)
    )
    stored = (private_media / evidence.file.name).read_bytes()
    assert b"<script>" not in stored
    assert stored.startswith(b"\x89PNG")


def test_note_document_date_and_chosen_products_are_kept(evidence_application, enterprise_user) -> None:
    first = evidence_application.scope.get()
    second = ProductFactory(enterprise=evidence_application.enterprise, name="除湿机")
    evidence_application.scope.add(second)
    body, content_type = multipart(
        {"products": [str(second.pk)], "note": ["2025 年与苏州某公司的合同"], "document_date": ["2025-03-18"]},
        [("files", "销售合同.pdf", pdf_bytes())],
    )
    url = reverse("applications:evidence_upload", args=[requirement_of(evidence_application, "2").pk])
    response = client_for(enterprise_user).generic("POST", url, data=body, content_type=content_type, **XHR)
    assert response.status_code == 201, response.content
    evidence = EvidenceFile.objects.get()
    assert list(evidence.products.all()) == [second]
    assert first not in evidence.products.all()
    assert evidence.note == "2025 年与苏州某公司的合同"
    assert str(evidence.document_date) == "2025-03-18"
    assert evidence.document_date != evidence.created_at.date()


def test_document_date_in_the_future_is_refused_next_to_the_field(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "1")
    response = client_for(enterprise_user).post(
        reverse("applications:evidence_upload", args=[requirement.pk]),
        {
            "files": [SimpleUploadedFile("简介.pdf", pdf_bytes())],
            "products": [p.pk for p in evidence_application.scope.all()],
            "note": "请保留这段备注",
            "document_date": "2999-01-01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件日期不能晚于今天" in page
    assert "请保留这段备注" in page
    assert not EvidenceFile.objects.exists()


def test_a_file_may_only_cover_products_in_scope(evidence_application, enterprise_user) -> None:
    outsider = ProductFactory(enterprise=evidence_application.enterprise)
    with pytest.raises(ValidationError):
        services.evidence_upload(
            requirement=requirement_of(evidence_application, "2"),
            actor=enterprise_user,
            upload=upload("合同.pdf", pdf_bytes()),
            products=[outsider],
        )
    assert not EvidenceFile.objects.exists()


# --- The hostile corpus: each refused, with nothing stored -------------------------------------------


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_in_plain_words_and_nothing_is_stored(
    case: str, evidence_application, enterprise_user, private_media: Path, upload_temp: Path
) -> None:
    name, factory, words = HOSTILE[case]
    requirement = requirement_of(evidence_application, "0")  # accepts every kind, OFD included
    with pytest.raises(ValidationError) as refusal:
        services.evidence_upload(requirement=requirement, actor=enterprise_user, upload=upload(name, factory()))
    assert words in " ".join(refusal.value.messages)
    assert not EvidenceFile.objects.exists()
    assert evidence_events(evidence_application) == 0
    assert files_under(private_media) == []
    assert files_under(upload_temp) == []


HTTP_CASES = {
    case: HOSTILE[case]
    for case in HOSTILE
    # The multipart parser itself removes control characters and folder parts from names; those
    # cases are covered by the validator test below and by the traversal test.
    if case not in {"control-characters-in-name", "path-traversal-name"}
}


@pytest.mark.parametrize("case", list(HTTP_CASES))
def test_hostile_file_through_http_is_refused_with_its_reason_and_nothing_left(
    case: str, evidence_application, enterprise_user, private_media: Path, upload_temp: Path
) -> None:
    name, factory, words = HTTP_CASES[case]
    response = post_raw(enterprise_user, requirement_of(evidence_application, "0"), [(name, factory())])
    assert response.status_code == 400
    (result,) = json.loads(response.content)["results"]
    assert result["ok"] is False
    assert words in result["message"]
    assert not EvidenceFile.objects.exists()
    assert evidence_events(evidence_application) == 0
    assert files_under(private_media) == []
    assert files_under(upload_temp) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../合同.pdf",
        "..\\..\\合同.pdf",
        "a/../../合同.pdf",
        "合同\u0000.pdf",
        "合同\n.pdf",
        "",
        "  ",
        ".",
        "..",
        "/",
    ],
)
def test_names_with_folders_or_control_characters_are_refused(name: str) -> None:
    with pytest.raises(UploadRefused):
        check_name(name)


def test_traversal_name_never_reaches_storage(
    evidence_application, enterprise_user, private_media, upload_temp
) -> None:
    """Over HTTP the parser keeps only the last part of a name; ours are generated anyway."""
    response = post_raw(
        enterprise_user,
        requirement_of(evidence_application, "0"),
        [("../../../../tmp/合同.pdf", pdf_bytes()), ("..", pdf_bytes()), ("../../../etc/passwd", b"root:x:0:0")],
    )
    results = json.loads(response.content)["results"]
    assert [(r["name"], r["ok"]) for r in results] == [("合同.pdf", True), ("passwd", False)]
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "合同.pdf"
    assert files_under(private_media) == [private_media / evidence.file.name]
    assert (private_media / evidence.file.name).resolve().is_relative_to((private_media / "evidence").resolve())
    assert files_under(upload_temp) == []


def test_oversized_file_is_refused_while_the_others_go_through(
    settings, evidence_application, enterprise_user, private_media, upload_temp
) -> None:
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = io.BytesIO()
    large_pdf(big, 1_300_000)
    response = post_raw(
        enterprise_user,
        requirement_of(evidence_application, "16"),
        [("维修记录-1.pdf", pdf_bytes()), ("维修记录-扫描.pdf", big.getvalue()), ("维修记录-2.png", image_bytes())],
    )
    results = json.loads(response.content)["results"]
    assert [(r["name"], r["ok"]) for r in results] == [
        ("维修记录-1.pdf", True),
        ("维修记录-扫描.pdf", False),
        ("维修记录-2.png", True),
    ]
    assert "太大" in results[1]["message"] and "1.0\xa0MB" in results[1]["message"]
    assert sorted(EvidenceFile.objects.values_list("original_name", flat=True)) == ["维修记录-1.pdf", "维修记录-2.png"]
    assert len(files_under(private_media)) == 2
    assert files_under(upload_temp) == []


def test_several_files_without_javascript_report_each_outcome(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "15")
    client = client_for(enterprise_user)
    response = post_raw(
        enterprise_user,
        requirement,
        [("安装调试记录一.pdf", pdf_bytes()), ("空的.pdf", b""), ("安装调试记录二.jpg", image_bytes("JPEG"))],
        xhr=False,
        client=client,
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "“安装调试记录一.pdf”已上传，等待咨询老师审核。" in page
    assert "“空的.pdf”是空的（0 字节）" in page
    assert "“安装调试记录二.jpg”已上传" in page
    assert EvidenceFile.objects.count() == 2


def test_uploading_with_no_file_says_so(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "15")
    response = client_for(enterprise_user).post(
        reverse("applications:evidence_upload", args=[requirement.pk]),
        {"products": [p.pk for p in evidence_application.scope.all()]},
    )
    assert response.status_code == 400
    assert "请至少选择一个要上传的文件" in response.content.decode()


def test_uploads_use_only_the_streaming_handler(settings) -> None:
    assert settings.FILE_UPLOAD_HANDLERS == ["certportal.lib.uploads.StreamingUploadHandler"]
    assert issubclass(StreamingUploadHandler, TemporaryFileUploadHandler)


def test_a_30_mb_upload_is_parsed_checked_and_stored_without_holding_it_in_memory(
    evidence_application, enterprise_user, private_media
) -> None:
    """Python allocations while parsing, validating, hashing and storing stay far below the file size."""
    requirement = requirement_of(evidence_application, "4")
    content = io.BytesIO()
    large_pdf(content, 30 * 1024 * 1024)
    body, content_type = multipart(
        {"products": [str(p.pk) for p in evidence_application.scope.all()]},
        [("files", "服务管理手册-扫描.pdf", content.getvalue())],
    )
    del content
    request = RequestFactory().generic("POST", "/upload/", data=body, content_type=content_type)
    del body
    tracemalloc.start()
    try:
        uploaded = request.FILES.getlist("files")[0]
        evidence = services.evidence_upload(requirement=requirement, actor=enterprise_user, upload=uploaded)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        request.close()
    assert evidence.size > 30_000_000
    assert peak < 4 * 1024 * 1024, f"peak Python allocation {peak / 1e6:.1f} MB"


# --- Versions and withdrawal -----------------------------------------------------------------------


def test_replacing_makes_a_new_version_and_keeps_the_old(evidence_application, enterprise_user, consultant) -> None:
    requirement = requirement_of(evidence_application, "2")
    old = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("合同.pdf", pdf_bytes())
    )
    services.evidence_file_reject(evidence=old, actor=consultant, reason="缺少盖章")
    response = client_for(enterprise_user).post(
        reverse("applications:evidence_file_replace", args=[old.pk]),
        {
            "file": SimpleUploadedFile("合同（盖章版）.pdf", pdf_bytes(2)),
            "products": [p.pk for p in evidence_application.scope.all()],
        },
    )
    assert response.status_code == 302
    new = EvidenceFile.objects.get(is_current=True)
    old.refresh_from_db()
    assert (new.version, new.replaces, new.status) == (2, old, EvidenceFile.Status.PENDING)
    assert not old.is_current and old.status == EvidenceFile.Status.REJECTED
    page = client_for(enterprise_user).get(reverse("applications:evidence_requirement", args=[requirement.pk]))
    history = page.content.decode().split('id="history"')[1]
    assert "合同.pdf" in history and "缺少盖章" in history
    assert ApplicationEvent.objects.filter(kind="evidence_replaced", data__file="合同（盖章版）.pdf").exists()


def test_replacing_with_a_bad_file_keeps_the_old_version_current(
    evidence_application, enterprise_user, private_media
) -> None:
    requirement = requirement_of(evidence_application, "2")
    old = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("合同.pdf", pdf_bytes())
    )
    response = client_for(enterprise_user).post(
        reverse("applications:evidence_file_replace", args=[old.pk]),
        {
            "file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 broken"),
            "products": [p.pk for p in evidence_application.scope.all()],
        },
    )
    assert response.status_code == 400
    assert "无法作为 PDF 打开" in response.content.decode()
    old.refresh_from_db()
    assert old.is_current and EvidenceFile.objects.count() == 1
    assert len(files_under(private_media)) == 1


def test_withdrawn_file_no_longer_counts_but_stays_in_history(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "1")
    evidence = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("简介.pdf", pdf_bytes())
    )
    response = client_for(enterprise_user).post(reverse("applications:evidence_file_withdraw", args=[evidence.pk]))
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.status, evidence.is_current) == (EvidenceFile.Status.WITHDRAWN, False)
    assert ApplicationEvent.objects.filter(kind="evidence_withdrawn", data__file="简介.pdf").exists()


def test_an_accepted_file_can_be_neither_replaced_nor_withdrawn(
    evidence_application, enterprise_user, consultant
) -> None:
    requirement = requirement_of(evidence_application, "1")
    evidence = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("简介.pdf", pdf_bytes())
    )
    services.evidence_file_accept(evidence=evidence, actor=consultant)
    client = client_for(enterprise_user)
    client.post(reverse("applications:evidence_file_withdraw", args=[evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.status == EvidenceFile.Status.ACCEPTED and evidence.is_current
    page = client.get(reverse("applications:evidence_file_replace", args=[evidence.pk])).content.decode()
    assert "只有尚未通过审核的当前文件才能替换" in page
    with pytest.raises(ValidationError, match="尚未通过审核"):
        services.evidence_replace(evidence=evidence, actor=enterprise_user, upload=upload("新.pdf", pdf_bytes()))


def test_details_can_be_corrected_while_pending(evidence_application, enterprise_user) -> None:
    requirement = requirement_of(evidence_application, "1")
    evidence = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("简介.pdf", pdf_bytes())
    )
    response = client_for(enterprise_user).post(
        reverse("applications:evidence_file_edit", args=[evidence.pk]),
        {
            "products": [p.pk for p in evidence_application.scope.all()],
            "note": "2024 版",
            "document_date": "2024-06-01",
        },
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.note, str(evidence.document_date)) == ("2024 版", "2024-06-01")


# --- Downloads and previews -------------------------------------------------------------------------


def test_download_is_an_attachment_under_the_original_chinese_name(evidence_application, enterprise_user) -> None:
    content = pdf_bytes()
    evidence = services.evidence_upload(
        requirement=requirement_of(evidence_application, "2"),
        actor=enterprise_user,
        upload=upload("销售合同 2025.pdf", content),
    )
    response = client_for(enterprise_user).get(reverse("applications:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert streamed_body(response) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E9%94%80%E5%94%AE%E5%90%88%E5%90%8C%202025.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content", "inline"), [
    ("照片.png", image_bytes(), True),
    ("合同.pdf", pdf_bytes(), True),
    ("手册.docx", GOOD["服务管理手册.docx"](), False),
])  # fmt: skip
def test_preview_is_inline_only_for_images_and_pdfs_and_sandboxed(
    name: str, content: bytes, inline: bool, evidence_application, enterprise_user
) -> None:
    evidence = services.evidence_upload(
        requirement=requirement_of(evidence_application, "1"), actor=enterprise_user, upload=upload(name, content)
    )
    from applications.tasks.evidence import evidence_thumbnail

    evidence_thumbnail(evidence.pk)  # the preview shown inline is the image the worker drew
    response = client_for(enterprise_user).get(reverse("applications:evidence_file_preview", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_uploads_close_once_with_the_body_except_for_items_sent_back(
    evidence_application, enterprise_user, consultant
) -> None:
    requirement = requirement_of(evidence_application, "3")
    put_in_status(evidence_application, "submitted")
    requirement.application.refresh_from_db()
    with pytest.raises(ValidationError, match="已提交发证机构"):
        services.evidence_upload(requirement=requirement, actor=enterprise_user, upload=upload("投标.pdf", pdf_bytes()))
    services.evidence_requirement_reject(
        requirement=requirement, actor=consultant, reason="请补充投标文件的售后承诺部分"
    )
    evidence = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("投标.pdf", pdf_bytes())
    )
    assert evidence.status == EvidenceFile.Status.PENDING


def test_a_stale_replacement_loses_and_leaves_nothing_behind(
    evidence_application, enterprise_user, consultant, private_media
) -> None:
    """Two people replace the same file from pages loaded at the same time: one wins."""
    requirement = requirement_of(evidence_application, "2")
    original = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("合同.pdf", pdf_bytes())
    )
    stale = EvidenceFile.objects.select_related("requirement__item", "requirement__application").get(pk=original.pk)
    services.evidence_replace(evidence=original, actor=enterprise_user, upload=upload("合同-新.pdf", pdf_bytes()))
    with pytest.raises(ValidationError, match="刚刚发生了变化"):
        services.evidence_replace(evidence=stale, actor=consultant, upload=upload("合同-另一版.pdf", pdf_bytes()))
    assert sorted(EvidenceFile.objects.values_list("original_name", flat=True)) == ["合同-新.pdf", "合同.pdf"]
    assert len(files_under(private_media)) == 2
