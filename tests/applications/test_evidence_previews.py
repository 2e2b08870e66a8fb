"""Previews of evidence files: images drawn by a worker in a child process with memory and time
limits, never the uploaded PDF shown inline. A PDF whose streams inflate to gigabytes kills only that
child; its job ends FAILED (after a bounded number of deliveries when the worker itself was lost),
and the worker carries on with the next job."""

from __future__ import annotations

import hashlib
import resource
import subprocess
import time
import zlib
from functools import cache

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from applications import services
from applications.models import EvidenceFile, EvidenceRequirement
from applications.tasks.evidence import THUMBNAIL_JOB, evidence_thumbnail
from certportal.lib import previews
from tests.applications.evidence_samples import image_bytes, pdf_bytes, upload
from tests.conftest import WorkerProcess, client_for
from tests.helpers import pixel
from tests.http import streamed_body

Thumb = EvidenceFile.ThumbnailStatus
BOMB_INFLATES_TO = 512 * 1024 * 1024
CHILD_MEMORY_MB = 256


@cache
def bomb_pdf() -> bytes:
    """A valid one-page PDF of about 500 KB whose content stream inflates to 512 MB."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    stream = b"".join(packer.compress(chunk) for _ in range(BOMB_INFLATES_TO // len(chunk))) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    document = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(document)


def stored_evidence(requirement: EvidenceRequirement, user, name: str, content: bytes) -> EvidenceFile:
    """A file as it lies in storage, whatever the upload check of its day let through."""
    stored = default_storage.save(f"evidence/{requirement.application_id}/{name}", ContentFile(content))
    return EvidenceFile.objects.create(
        requirement=requirement, file=stored, original_name=name, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content_type="application/pdf", family="pdf", uploaded_by=user,
    )  # fmt: skip


def first_requirement(application) -> EvidenceRequirement:
    return application.evidence_requirements.select_related("item", "application").get(item__code="1")


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The bomb ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_bomb_kills_only_the_drawing_process_and_its_job_ends_failed(
    evidence_application, enterprise_user, private_media, settings
) -> None:
    settings.PREVIEW_MEMORY_MB = CHILD_MEMORY_MB
    requirement = first_requirement(evidence_application)
    bomb = stored_evidence(requirement, enterprise_user, "炸弹.pdf", bomb_pdf())
    assert len(bomb_pdf()) < 1024 * 1024
    before = peak_memory_mb()
    evidence_thumbnail(bomb.pk)
    bomb.refresh_from_db()
    assert bomb.thumbnail_status == Thumb.FAILED
    assert f"memory limit {CHILD_MEMORY_MB} MB" in bomb.thumbnail_error or "MemoryError" in bomb.thumbnail_error
    assert not bomb.thumbnail and not bomb.preview
    assert peak_memory_mb() - before < 100, "the inflated streams never reached this process"
    # The same process carries on: the next file gets its thumbnail.
    normal = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("合同.pdf", pdf_bytes())
    )
    evidence_thumbnail(normal.pk)
    normal.refresh_from_db()
    assert normal.thumbnail_status == Thumb.READY
    client = client_for(enterprise_user)
    page = client.get(reverse("applications:evidence_requirement", args=[requirement.pk])).content.decode()
    assert "evidence-placeholder-lg" in page
    preview = client.get(reverse("applications:evidence_file_preview", args=[bomb.pk]))
    assert "无法为此文件生成预览" in preview.content.decode() and "hx-trigger" not in preview.content.decode()


@pytest.mark.django_db
def test_a_drawing_that_takes_too_long_is_stopped(
    evidence_application, enterprise_user, private_media, settings, monkeypatch, tmp_path
) -> None:
    slow = tmp_path / "slow_child.py"
    slow.write_text("import time\ntime.sleep(30)\n")
    monkeypatch.setattr(previews, "CHILD", slow)
    settings.PREVIEW_TIME_LIMIT = 1
    evidence = stored_evidence(first_requirement(evidence_application), enterprise_user, "慢.pdf", pdf_bytes())
    started = time.monotonic()
    evidence_thumbnail(evidence.pk)
    assert time.monotonic() - started < 10
    evidence.refresh_from_db()
    assert evidence.thumbnail_status == Thumb.FAILED
    assert "time limit" in evidence.thumbnail_error


@pytest.mark.django_db
def test_a_thumbnail_whose_worker_was_lost_on_every_delivery_ends_failed(evidence_application, enterprise_user) -> None:
    evidence = stored_evidence(first_requirement(evidence_application), enterprise_user, "杀手.pdf", pdf_bytes())
    # The worker was killed while drawing, each time Redis handed the task back (acks_late).
    EvidenceFile.objects.filter(pk=evidence.pk).update(
        thumbnail_status=Thumb.WORKING, thumbnail_task_id="task-1", thumbnail_attempts=THUMBNAIL_JOB.max_deliveries
    )
    evidence_thumbnail.apply(args=(evidence.pk,), task_id="task-1")
    evidence.refresh_from_db()
    assert evidence.thumbnail_status == Thumb.FAILED
    assert "Stopped after 3 attempts" in evidence.thumbnail_error


# --- The preview page --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdfs_preview_is_an_image_of_its_pages_never_the_pdf_itself(
    evidence_application, enterprise_user, private_media
) -> None:
    evidence = services.evidence_upload(
        requirement=first_requirement(evidence_application),
        actor=enterprise_user,
        upload=upload("合同.pdf", pdf_bytes(2)),
    )
    client = client_for(enterprise_user)
    url = reverse("applications:evidence_file_preview", args=[evidence.pk])
    waiting = client.get(url)
    assert waiting["Content-Type"].startswith("text/html")
    html = waiting.content.decode()
    assert "排队中：很快就会开始生成" in html and 'hx-trigger="every 2s"' in html
    assert client.get(url, HTTP_HX_REQUEST="true").content.decode().startswith('<div id="preview-status"')
    evidence_thumbnail(evidence.pk)
    assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true", "the waiting page reloads"
    response = client.get(url)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline") and ".jpg" in response["Content-Disposition"]
    body = streamed_body(response)
    assert body.startswith(b"\xff\xd8") and b"%PDF" not in body
    with Image.open(private_media / EvidenceFile.objects.get(pk=evidence.pk).preview.name) as preview:
        assert preview.width == 1200
        top = preview.convert("RGB").getpixel((600, 100))
        bottom = pixel(preview.convert("RGB"), (600, preview.height - 100))
    assert top == pytest.approx((255, 255, 255), abs=8), "the first page is white"
    assert bottom[0] > 200 and bottom[1] > 200 and bottom[2] < 60, "the second page, below it, is yellow"


@pytest.mark.django_db
def test_the_uploaded_file_itself_only_downloads_as_an_attachment(evidence_application, enterprise_user) -> None:
    evidence = services.evidence_upload(
        requirement=first_requirement(evidence_application),
        actor=enterprise_user,
        upload=upload("合同.pdf", pdf_bytes()),
    )
    response = client_for(enterprise_user).get(reverse("applications:evidence_file", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_an_images_preview_is_drawn_again_without_its_metadata(
    evidence_application, enterprise_user, private_media
) -> None:
    evidence = services.evidence_upload(
        requirement=first_requirement(evidence_application),
        actor=enterprise_user,
        upload=upload("照片.png", image_bytes("PNG", (2400, 1800))),
    )
    evidence_thumbnail(evidence.pk)
    evidence.refresh_from_db()
    with Image.open(private_media / evidence.preview.name) as preview:
        assert (preview.format, preview.size) == ("JPEG", (1200, 900))
    with Image.open(private_media / evidence.thumbnail.name) as thumbnail:
        assert max(thumbnail.size) == 320


# --- Through a real worker ---------------------------------------------------------------------------


@pytest.fixture
def small_worker(redis_server, transactional_db, private_media, tmp_path):
    from certportal.celery import app

    # Jobs earlier tests of this session queued (with no worker then) must not reach this worker:
    # the test watches its one pool process.
    app.control.purge()
    worker = WorkerProcess(broker_url=redis_server, media_root=private_media, log_path=tmp_path / "worker.log")
    worker.env["PREVIEW_MEMORY_MB"] = str(CHILD_MEMORY_MB)
    worker.start()
    yield worker
    worker.stop()


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return sorted(int(child) for child in found)


def settled_pool(pid: int, timeout: float = 60.0) -> list[int]:
    """The worker's pool processes once two readings half a second apart agree (a pool that is still
    starting up may show none, or a process about to be replaced)."""
    deadline = time.monotonic() + timeout
    previous: list[int] = []
    while time.monotonic() < deadline:
        current = pool_children(pid)
        if current and current == previous:
            return current
        previous = current
        time.sleep(0.5)
    return []


@pytest.mark.worker
def test_a_real_worker_survives_a_pdf_bomb_and_draws_the_next_file(
    small_worker, evidence_items, application, enterprise_user
) -> None:
    from certportal.lib.broker import enqueue

    services.evidence_requirements_ensure(application)
    requirement = first_requirement(application)
    bomb = stored_evidence(requirement, enterprise_user, "炸弹.pdf", bomb_pdf())
    pool = settled_pool(small_worker.process.pid)
    assert pool, small_worker.log()
    assert enqueue(evidence_thumbnail, bomb.pk)
    failed = lambda: EvidenceFile.objects.get(pk=bomb.pk).thumbnail_status == Thumb.FAILED  # noqa: E731
    assert wait_for(failed), small_worker.log()
    assert pool_children(small_worker.process.pid) == pool, f"the pool process was lost:\n{small_worker.log()}"
    assert EvidenceFile.objects.get(pk=bomb.pk).thumbnail_attempts == 1, "delivered once, not again and again"
    normal = services.evidence_upload(
        requirement=requirement, actor=enterprise_user, upload=upload("合同.pdf", pdf_bytes())
    )
    ready = lambda: EvidenceFile.objects.get(pk=normal.pk).thumbnail_status == Thumb.READY  # noqa: E731
    assert wait_for(ready), small_worker.log()
