"""Evidence tasks: thumbnails and previews of images and PDFs, ZIP archives of the accepted
evidence, and the sweeper that re-sends jobs the broker never got.

Each task takes an id and runs its job through the job machine (certportal.lib.jobs): a missing row
or a job already done is skipped quietly, the work is claimed through the row's status, and the job
ends READY or FAILED with the error kept.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta

from celery import Task, shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import EvidenceArchive, EvidenceFile
from certportal.lib import jobs
from certportal.lib.files import generated_name, sha256_of
from certportal.lib.previews import previews_render
from certportal.lib.spreadsheets import csv_writer
from certportal.lib.text import join_list

logger = logging.getLogger(__name__)

Thumb = EvidenceFile.ThumbnailStatus
ArchiveStatus = EvidenceArchive.Status
ARCHIVE_TIME_LIMIT = 1900
COPY_CHUNK = 1024 * 1024
UNSAFE_IN_PATHS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

THUMBNAIL_JOB = jobs.JobKind(
    model=EvidenceFile,
    task_name="applications.tasks.evidence.evidence_thumbnail",
    status="thumbnail_status",
    working=Thumb.WORKING,
    updated="thumbnail_updated_at",
    queued="thumbnail_queued_at",
    claim="thumbnail_task_id",
    attempts="thumbnail_attempts",
    error="thumbnail_error",
)
ARCHIVE_JOB = jobs.JobKind(
    model=EvidenceArchive,
    task_name="applications.tasks.evidence.evidence_archive_build",
    working=ArchiveStatus.BUILDING,
    finished="finished_at",
    queued="queued_at",
    time_limit=ARCHIVE_TIME_LIMIT,
)


@shared_task(name="applications.tasks.evidence.evidence_thumbnail", bind=True)
def evidence_thumbnail(self: Task, file_id: int) -> None:
    """Make the thumbnail and the preview of one image or PDF, in a child process with limits."""
    jobs.job_run(
        THUMBNAIL_JOB, file_id, claim=jobs.task_claim(self.request.id, file_id), work=lambda: _previews(file_id)
    )


def _previews(file_id: int) -> jobs.Outcome:
    evidence = EvidenceFile.objects.select_related("requirement").get(pk=file_id)
    with evidence.file.open("rb") as stream:
        drawn = previews_render(source=stream, family=evidence.family)
    if drawn is None:
        return jobs.Outcome(status=Thumb.NONE)
    folder = f"evidence/{evidence.requirement.application_id}/thumbnails"
    thumbnail = default_storage.save(generated_name(folder, "thumbnail.jpg"), ContentFile(drawn.thumbnail))
    preview = default_storage.save(generated_name(folder, "preview.jpg"), ContentFile(drawn.preview))
    return jobs.Outcome(
        fields={"thumbnail": thumbnail, "preview": preview},
        stored=[thumbnail, preview],
        superseded=[name for name in (evidence.thumbnail.name, evidence.preview.name) if name],
    )


@shared_task(
    name="applications.tasks.evidence.evidence_archive_build",
    bind=True,
    soft_time_limit=ARCHIVE_TIME_LIMIT - 100,
    time_limit=ARCHIVE_TIME_LIMIT,
)
def evidence_archive_build(self: Task, archive_id: int) -> None:
    """Build the ZIP of an application's accepted evidence: one folder per item, and manifest.csv
    with each file's SHA-256. Written to a temporary file, then to storage: never held in memory."""
    jobs.job_run(
        ARCHIVE_JOB, archive_id, claim=jobs.task_claim(self.request.id, archive_id), work=lambda: _archive(archive_id)
    )


def _archive(archive_id: int) -> jobs.Outcome:
    archive = EvidenceArchive.objects.select_related("application", "requested_by").get(pk=archive_id)
    with translation.override(archive.requested_by.language or settings.LANGUAGE_CODE):
        name, sha256, size, count = _build_archive(archive)
    fields = {"file": name, "sha256": sha256, "size": size, "file_count": count}
    return jobs.Outcome(fields=fields, stored=[name])


def _folder_name(code: str, title: str) -> str:
    # "销售合同（应覆盖所申请的全部产品）" → "02 销售合同": short, and safe on every desktop.
    short = re.sub(r"[（(][^）)]*[）)]", "", title).strip() or title
    short = UNSAFE_IN_PATHS.sub("_", short)[:40].strip(" .")
    number = code.zfill(2) if code.isdigit() else code
    return f"{number} {short}"


def _unique(path: str, taken: set[str]) -> str:
    if path not in taken:
        taken.add(path)
        return path
    stem, dot, extension = path.rpartition(".")
    if not dot:
        stem, extension = path, ""
    number = 2
    while True:
        candidate = f"{stem} ({number}).{extension}" if extension else f"{stem} ({number})"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        number += 1


def _build_archive(archive: EvidenceArchive) -> tuple[str, str, int, int]:
    files = (
        EvidenceFile.objects.filter(
            requirement__application=archive.application, is_current=True, status=EvidenceFile.Status.ACCEPTED
        )
        .select_related("requirement__item", "uploaded_by", "reviewed_by")
        .prefetch_related("products")
        .order_by("requirement__item__phase", "requirement__item__position", "created_at", "pk")
    )
    taken: set[str] = set()
    rows: list[list[str]] = []
    with tempfile.NamedTemporaryFile(suffix=".zip", dir=settings.FILE_UPLOAD_TEMP_DIR) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as bundle:
            for evidence in files:
                item = evidence.requirement.item
                original = UNSAFE_IN_PATHS.sub("_", evidence.original_name).strip(" .") or "file"
                path = _unique(f"{_folder_name(item.code, item.title)}/{original}", taken)
                info = zipfile.ZipInfo(path, date_time=timezone.localtime(evidence.created_at).timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                info.file_size = evidence.size  # lets zipfile choose ZIP64 only for files that need it
                with evidence.file.open("rb") as source, bundle.open(info, "w") as target:
                    shutil.copyfileobj(source, target, COPY_CHUNK)
                rows.append(_manifest_row(evidence, path))
            manifest = io.StringIO()
            writer = csv_writer(manifest)
            writer.writerow(
                [_("Item"), _("Title"), _("File in this archive"), _("Original file name"), "SHA-256",
                 _("Size (bytes)"), _("Products covered"), _("Document date"), _("Uploaded"), _("Uploaded by"),
                 _("Accepted by"), _("Accepted")]
            )  # fmt: skip
            writer.writerows(rows)
            # With a byte-order mark, Excel opens the Chinese text correctly.
            bundle.writestr("manifest.csv", "\ufeff" + manifest.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
        temporary.flush()
        temporary.seek(0)
        content = File(temporary)
        sha256 = sha256_of(content)
        size = temporary.seek(0, 2)
        temporary.seek(0)
        reference = archive.application.reference
        name = default_storage.save(
            generated_name(f"evidence/{archive.application_id}/archives", f"{reference}.zip"), content
        )
    return name, sha256, size, len(rows)


def _manifest_row(evidence: EvidenceFile, path: str) -> list[str]:
    item = evidence.requirement.item
    when = timezone.localtime
    return [
        item.code,
        item.title,
        path,
        evidence.original_name,
        evidence.sha256,
        str(evidence.size),
        join_list(evidence.products.all()),
        evidence.document_date.isoformat() if evidence.document_date else "",
        when(evidence.created_at).strftime("%Y-%m-%d %H:%M"),
        evidence.uploaded_by.display_name,
        evidence.reviewed_by.display_name if evidence.reviewed_by else "",
        when(evidence.reviewed_at).strftime("%Y-%m-%d %H:%M") if evidence.reviewed_at else "",
    ]


@shared_task(name="applications.tasks.evidence.evidence_sweep")
def evidence_sweep() -> int:
    """Re-send thumbnails and archives the broker never got or a dead worker left, and delete
    archives past their keeping time. Returns the number of jobs re-sent."""
    count = jobs.job_sweep(THUMBNAIL_JOB) + jobs.job_sweep(ARCHIVE_JOB, batch=100)
    _delete_old_archives(timezone.now() - timedelta(days=settings.EVIDENCE_ARCHIVE_KEEP_DAYS))
    return count


def _delete_old_archives(before: datetime) -> None:
    for archive in EvidenceArchive.objects.filter(created_at__lt=before).exclude(status=ArchiveStatus.BUILDING)[:200]:
        if archive.file:
            archive.file.delete(save=False)
        archive.delete()
