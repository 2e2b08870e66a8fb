"""Evidence tasks: thumbnails (images, the first page of PDFs) and the ZIP of accepted evidence,
called directly (missing object, already done, failure) and once through a real worker; and the
sweeper that re-sends jobs the broker never got."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications import services
from applications.models import EvidenceArchive, EvidenceFile
from applications.tasks.evidence import evidence_archive_build, evidence_sweep, evidence_thumbnail
from tests.applications.evidence_samples import GOOD, image_bytes, pdf_bytes, upload
from tests.conftest import client_for
from tests.helpers import pixel

Thumb = EvidenceFile.ThumbnailStatus


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def uploaded(application, code: str, user, name: str, content: bytes) -> EvidenceFile:
    requirement = application.evidence_requirements.select_related("item", "application").get(item__code=code)
    return services.evidence_upload(requirement=requirement, actor=user, upload=upload(name, content))


# --- Thumbnails --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "red_page"),
    [("照片.jpg", image_bytes("JPEG", (1200, 900)), True), ("合同.pdf", pdf_bytes(2), False)],
)
def test_thumbnail_of_an_image_and_of_a_pdfs_first_page(
    name: str,
    content: bytes,
    red_page: bool,
    evidence_application,
    enterprise_user,
    private_media: Path,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        evidence = uploaded(evidence_application, "1", enterprise_user, name, content)
    assert len(callbacks) == 1  # the task is sent only once the upload has committed
    assert evidence.thumbnail_status == Thumb.PENDING
    evidence_thumbnail(evidence.pk)
    evidence.refresh_from_db()
    assert evidence.thumbnail_status == Thumb.READY
    with Image.open(private_media / evidence.thumbnail.name) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) <= 320
        colour = pixel(thumbnail.convert("RGB"), (thumbnail.width // 2, thumbnail.height // 2))
    # The red photo stays red; the PDF's first page is white (its second page is yellow).
    assert colour[0] > 200 and (colour[1] < 60 if red_page else colour[1] > 200 and colour[2] > 200)
    response = client_for(enterprise_user).get(reverse("applications:evidence_file_thumbnail", args=[evidence.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_thumbnail_task_is_quiet_when_the_file_is_gone_or_already_done(evidence_application, enterprise_user) -> None:
    assert evidence_thumbnail(987654) is None
    evidence = uploaded(evidence_application, "1", enterprise_user, "照片.png", image_bytes())
    evidence_thumbnail(evidence.pk)
    evidence.refresh_from_db()
    first = (evidence.thumbnail.name, evidence.thumbnail_updated_at)
    evidence_thumbnail(evidence.pk)
    evidence.refresh_from_db()
    assert (evidence.thumbnail.name, evidence.thumbnail_updated_at) == first


@pytest.mark.django_db
def test_thumbnail_failure_is_recorded_and_the_page_still_works(
    evidence_application, enterprise_user, private_media
) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user, "合同.pdf", pdf_bytes())
    (private_media / evidence.file.name).write_bytes(b"%PDF-1.4 damaged on disk")
    evidence_thumbnail(evidence.pk)
    evidence.refresh_from_db()
    assert evidence.thumbnail_status == Thumb.FAILED
    assert evidence.thumbnail_error
    page = client_for(enterprise_user).get(reverse("applications:evidence_requirement", args=[evidence.requirement_id]))
    assert page.status_code == 200
    assert "evidence-placeholder-lg" in page.content.decode()


@pytest.mark.django_db
def test_office_files_get_no_thumbnail_and_a_placeholder(evidence_application, enterprise_user) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user, "手册.docx", GOOD["服务管理手册.docx"]())
    assert evidence.thumbnail_status == Thumb.NONE
    page = client_for(enterprise_user).get(reverse("applications:evidence", args=[evidence_application.pk]))
    assert "bi-file-earmark-word" in page.content.decode()


@pytest.mark.django_db
def test_page_shows_a_placeholder_before_the_thumbnail_exists(evidence_application, enterprise_user) -> None:
    evidence = uploaded(evidence_application, "1", enterprise_user, "照片.png", image_bytes())
    client = client_for(enterprise_user)
    html = client.get(reverse("applications:evidence", args=[evidence_application.pk])).content.decode()
    assert "evidence-placeholder" in html
    assert reverse("applications:evidence_file_thumbnail", args=[evidence.pk]) not in html
    assert client.get(reverse("applications:evidence_file_thumbnail", args=[evidence.pk])).status_code == 404
    evidence_thumbnail(evidence.pk)
    html = client.get(reverse("applications:evidence", args=[evidence_application.pk])).content.decode()
    assert reverse("applications:evidence_file_thumbnail", args=[evidence.pk]) in html


# --- The ZIP -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_zip_holds_the_accepted_current_files_by_item_with_a_manifest(
    evidence_application, enterprise_user, consultant, private_media
) -> None:
    contract = uploaded(evidence_application, "2", enterprise_user, "销售合同.pdf", pdf_bytes())
    services.evidence_file_accept(evidence=contract, actor=consultant)
    photo = uploaded(evidence_application, "13", enterprise_user, "验收单.jpg", image_bytes("JPEG"))
    services.evidence_file_accept(evidence=photo, actor=consultant)
    same_name = uploaded(evidence_application, "13", enterprise_user, "验收单.jpg", image_bytes("JPEG", colour="blue"))
    services.evidence_file_accept(evidence=same_name, actor=consultant)
    uploaded(evidence_application, "1", enterprise_user, "待审核.pdf", pdf_bytes())  # pending: left out
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    evidence_archive_build(archive.pk)
    archive.refresh_from_db()
    assert (archive.status, archive.file_count) == (EvidenceArchive.Status.READY, 3)
    content = (private_media / archive.file.name).read_bytes()
    assert archive.sha256 == hashlib.sha256(content).hexdigest() and archive.size == len(content)
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        names = bundle.namelist()
        assert names == ["02 销售合同/销售合同.pdf", "13 产品交付验收单或验收报告/验收单.jpg",
                         "13 产品交付验收单或验收报告/验收单 (2).jpg", "manifest.csv"]  # fmt: skip
        assert bundle.read("02 销售合同/销售合同.pdf") == (private_media / contract.file.name).read_bytes()
        rows = list(csv.reader(io.StringIO(bundle.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[0][:5] == ["项目", "名称", "压缩包内文件", "原文件名", "SHA-256"]
    by_path = {row[2]: row for row in rows[1:]}
    for evidence, path in [(contract, names[0]), (photo, names[1]), (same_name, names[2])]:
        evidence.refresh_from_db()
        assert by_path[path][4] == evidence.sha256
        assert by_path[path][5] == str(evidence.size)


@pytest.mark.django_db
def test_zip_download_is_an_attachment_named_after_the_application(evidence_application, consultant) -> None:
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    evidence_archive_build(archive.pk)
    client = client_for(consultant)
    page = client.get(reverse("applications:evidence_archive", args=[archive.pk])).content.decode()
    assert "下载压缩包" in page and "hx-trigger" not in page
    response = client.get(reverse("applications:evidence_archive_download", args=[archive.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert evidence_application.reference in response["Content-Disposition"]


@pytest.mark.django_db
def test_archive_page_polls_while_the_zip_is_built(evidence_application, consultant) -> None:
    client = client_for(consultant)
    response = client.post(reverse("applications:evidence_archive_request", args=[evidence_application.pk]))
    archive = EvidenceArchive.objects.get()
    assert response["Location"] == reverse("applications:evidence_archive", args=[archive.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队中：很快就会开始生成" in page
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="archive-status"')
    assert client.get(reverse("applications:evidence_archive_download", args=[archive.pk])).status_code == 404
    # A second click while it is built reuses the job.
    client.post(reverse("applications:evidence_archive_request", args=[evidence_application.pk]))
    assert EvidenceArchive.objects.count() == 1


@pytest.mark.django_db
def test_archive_task_is_quiet_when_missing_or_done_and_records_failure(
    evidence_application, enterprise_user, consultant, private_media
) -> None:
    assert evidence_archive_build(123456) is None
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    evidence_archive_build(archive.pk)
    archive.refresh_from_db()
    done = (archive.file.name, archive.finished_at)
    evidence_archive_build(archive.pk)
    archive.refresh_from_db()
    assert (archive.file.name, archive.finished_at) == done
    evidence = uploaded(evidence_application, "1", enterprise_user, "简介.pdf", pdf_bytes())
    services.evidence_file_accept(evidence=evidence, actor=consultant)
    (private_media / evidence.file.name).unlink()
    broken = EvidenceArchive.objects.create(application=evidence_application, requested_by=consultant)
    evidence_archive_build(broken.pk)
    broken.refresh_from_db()
    assert broken.status == EvidenceArchive.Status.FAILED
    assert "FileNotFoundError" in broken.error


# --- The sweeper -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sweeper_resends_stuck_jobs_and_deletes_old_archives(
    evidence_application, enterprise_user, consultant, monkeypatch
) -> None:
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr("certportal.lib.jobs.enqueue", lambda task, pk: sent.append((task.name, pk)) or True)
    long_ago = timezone.now() - timedelta(hours=1)
    fresh = uploaded(evidence_application, "1", enterprise_user, "新.png", image_bytes())
    stuck = uploaded(evidence_application, "1", enterprise_user, "旧.png", image_bytes())
    abandoned = uploaded(evidence_application, "1", enterprise_user, "半途.png", image_bytes())
    EvidenceFile.objects.filter(pk=stuck.pk).update(thumbnail_updated_at=long_ago)
    EvidenceFile.objects.filter(pk=abandoned.pk).update(thumbnail_status=Thumb.WORKING, thumbnail_updated_at=long_ago)
    waiting = EvidenceArchive.objects.create(application=evidence_application, requested_by=consultant)
    EvidenceArchive.objects.filter(pk=waiting.pk).update(updated_at=long_ago)
    old = EvidenceArchive.objects.create(application=evidence_application, requested_by=consultant, status="ready")
    EvidenceArchive.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    # One policy for every job (certportal.lib.jobs): work a dead worker left is given back and sent
    # again in the same sweep, as for forms and certificates.
    assert evidence_sweep() == 3
    assert ("applications.tasks.evidence.evidence_thumbnail", stuck.pk) in sent
    assert ("applications.tasks.evidence.evidence_archive_build", waiting.pk) in sent
    assert ("applications.tasks.evidence.evidence_thumbnail", abandoned.pk) in sent
    assert ("applications.tasks.evidence.evidence_thumbnail", fresh.pk) not in sent
    abandoned.refresh_from_db()
    assert abandoned.thumbnail_status == Thumb.PENDING  # given back
    assert not EvidenceArchive.objects.filter(pk=old.pk).exists()


def test_sweeper_is_scheduled(settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "applications.tasks.evidence.evidence_sweep" in tasks


# --- Through a real worker ---------------------------------------------------------------------------


@pytest.mark.worker
def test_thumbnail_and_zip_are_made_by_a_real_worker(
    celery_worker, evidence_items, application, enterprise_user, consultant
) -> None:
    from applications.services.evidence import evidence_requirements_ensure

    evidence_requirements_ensure(application)
    evidence = uploaded(application, "2", enterprise_user, "销售合同-扫描.pdf", pdf_bytes())
    assert wait_for(lambda: EvidenceFile.objects.get(pk=evidence.pk).thumbnail_status == Thumb.READY), (
        celery_worker.log()
    )
    services.evidence_file_accept(evidence=EvidenceFile.objects.get(pk=evidence.pk), actor=consultant)
    archive = services.evidence_archive_request(application=application, actor=consultant)
    assert wait_for(lambda: EvidenceArchive.objects.get(pk=archive.pk).status == "ready"), celery_worker.log()
    assert EvidenceArchive.objects.get(pk=archive.pk).file_count == 1
