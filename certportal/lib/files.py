"""Private files: stored under generated names, served only through views that checked access."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from pathlib import PurePath

from django.core.files.base import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
HASH_CHUNK = 1024 * 1024


def generated_name(folder: str, original_name: str) -> str:
    """`<folder>/<uuid>.<ext>`: never the user's name, which may be long, odd or hostile."""
    extension = PurePath(original_name).suffix.lower().lstrip(".")
    extension = extension if extension.isalnum() and len(extension) <= 8 else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def sha256_of(file: File) -> str:
    """SHA-256 of a file, read in chunks (uploads may be hundreds of megabytes)."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks(HASH_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def private_file_response(
    request: HttpRequest, file: FieldFile, *, filename: str, inline: bool = False
) -> HttpResponse:
    """Send a stored file under its original name. Call only after the access check.

    Images and PDFs may be shown inline; everything else is an attachment. The browser is told not
    to guess the type and not to run anything inside the file.
    """
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    show_inline = inline and content_type in INLINE_TYPES
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not show_inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
