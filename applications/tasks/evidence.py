"""Evidence tasks: thumbnails of images and PDFs, ZIP archives of the accepted evidence, and the
sweeper that re-sends jobs the broker never got.

Each task takes an id, re-fetches, returns quietly when the row is gone or the work is done, claims
the work through a conditional update of its status, and ends in READY or FAILED with the error.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import EvidenceArchive, EvidenceFile
from certportal.lib.broker import enqueue
from certportal.lib.files import generated_name, sha256_of
from certportal.lib.spreadsheets import csv_writer
from certportal.lib.uploads import render_thumbnail

logger = logging.getLogger(__name__)

Thumb = EvidenceFile.ThumbnailStatus
ArchiveStatus = EvidenceArchive.Status
# A job pending this long was probably never delivered (the broker was down); one claimed this long
# ago belonged to a worker that died.
STUCK_AFTER = timedelta(minutes=2)
ABANDONED_AFTER = timedelta(minutes=15)
ARCHIVE_ABANDONED_AFTER = timedelta(minutes=45)
COPY_CHUNK = 1024 * 1024
UNSAFE_IN_PATHS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@shared_task(name="applications.tasks.evidence.evidence_thumbnail")
def evidence_thumbnail(file_id: int) -> None:
    """Make the thumbnail of one image or PDF (its first page)."""
    now = timezone.now()
    claimed = EvidenceFile.objects.filter(pk=file_id, thumbnail_status=Thumb.PENDING).update(
        thumbnail_status=Thumb.WORKING, thumbnail_updated_at=now
    )
    if not claimed:
        return
    evidence = EvidenceFile.objects.select_related("requirement").get(pk=file_id)
    try:
        with evidence.file.open("rb") as stream:
            content = render_thumbnail(stream, evidence.family)
        if content is None:
            EvidenceFile.objects.filter(pk=file_id).update(thumbnail_status=Thumb.NONE, thumbnail_updated_at=now)
            return
        folder = f"evidence/{evidence.requirement.application_id}/thumbnails"
        name = default_storage.save(generated_name(folder, "thumbnail.jpg"), ContentFile(content))
    except Exception as error:  # a damaged file must not retry forever: record why and stop
        logger.warning("thumbnail of evidence file %s failed: %s", file_id, error)
        EvidenceFile.objects.filter(pk=file_id).update(
            thumbnail_status=Thumb.FAILED,
            thumbnail_error=f"{type(error).__name__}: {error}"[:2000],
            thumbnail_updated_at=timezone.now(),
        )
        return
    EvidenceFile.objects.filter(pk=file_id).update(
        thumbnail=name, thumbnail_status=Thumb.READY, thumbnail_error="", thumbnail_updated_at=timezone.now()
    )


@shared_task(name="applications.tasks.evidence.evidence_archive_build", soft_time_limit=1800, time_limit=1900)
def evidence_archive_build(archive_id: int) -> None:
    """Build the ZIP of an application's accepted evidence: one folder per item, and manifest.csv
    with each file's SHA-256. Written to a temporary file, then to storage: never held in memory."""
    claimed = EvidenceArchive.objects.filter(pk=archive_id, status=ArchiveStatus.PENDING).update(
        status=ArchiveStatus.BUILDING, updated_at=timezone.now()
    )
    if not claimed:
        return
    archive = EvidenceArchive.objects.select_related("application", "requested_by").get(pk=archive_id)
    try:
        with translation.override(archive.requested_by.language or settings.LANGUAGE_CODE):
            name, sha256, size, count = _build_archive(archive)
    except Exception as error:
        logger.exception("evidence archive %s failed", archive_id)
        EvidenceArchive.objects.filter(pk=archive_id).update(
            status=ArchiveStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return
    EvidenceArchive.objects.filter(pk=archive_id).update(
        status=ArchiveStatus.READY,
        file=name,
        sha256=sha256,
        size=size,
        file_count=count,
        error="",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


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
        "、".join(str(product) for product in evidence.products.all()),
        evidence.document_date.isoformat() if evidence.document_date else "",
        when(evidence.created_at).strftime("%Y-%m-%d %H:%M"),
        evidence.uploaded_by.display_name,
        evidence.reviewed_by.display_name if evidence.reviewed_by else "",
        when(evidence.reviewed_at).strftime("%Y-%m-%d %H:%M") if evidence.reviewed_at else "",
    ]


@shared_task(name="applications.tasks.evidence.evidence_sweep")
def evidence_sweep() -> int:
    """Re-send thumbnails and archives still pending after a while, give back work a dead worker
    held, and delete archives past their keeping time. Returns the number of jobs re-sent."""
    now = timezone.now()
    EvidenceFile.objects.filter(thumbnail_status=Thumb.WORKING, thumbnail_updated_at__lt=now - ABANDONED_AFTER).update(
        thumbnail_status=Thumb.PENDING, thumbnail_updated_at=now
    )
    EvidenceArchive.objects.filter(status=ArchiveStatus.BUILDING, updated_at__lt=now - ARCHIVE_ABANDONED_AFTER).update(
        status=ArchiveStatus.PENDING, updated_at=now
    )
    count = 0
    stuck_thumbnails = EvidenceFile.objects.filter(
        thumbnail_status=Thumb.PENDING, thumbnail_updated_at__lt=now - STUCK_AFTER
    ).values_list("pk", flat=True)
    for file_id in stuck_thumbnails[:500]:
        count += enqueue(evidence_thumbnail, file_id)
    stuck_archives = EvidenceArchive.objects.filter(
        status=ArchiveStatus.PENDING, updated_at__lt=now - STUCK_AFTER
    ).values_list("pk", flat=True)
    for archive_id in stuck_archives[:100]:
        count += enqueue(evidence_archive_build, archive_id)
    _delete_old_archives(now - timedelta(days=settings.EVIDENCE_ARCHIVE_KEEP_DAYS))
    return count


def _delete_old_archives(before: datetime) -> None:
    for archive in EvidenceArchive.objects.filter(created_at__lt=before).exclude(status=ArchiveStatus.BUILDING)[:200]:
        if archive.file:
            archive.file.delete(save=False)
        archive.delete()
