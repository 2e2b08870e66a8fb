"""Private files: stored under generated names, served only through views that checked access."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
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
) -> HttpResponseBase:
    """Send a stored file under its original name. Call only after the access check.

    Images and PDFs may be shown inline; everything else is an attachment. The browser is told not
    to guess the type and not to run anything inside the file. How the bytes travel depends on the
    storage: object storage gets a redirect to a short-lived signed URL, local disk behind nginx an
    X-Accel-Redirect (nginx sends the file), and local disk without nginx a streamed response.
    """
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    show_inline = inline and content_type in INLINE_TYPES
    # None only for an inline file without a name, which our callers never send.
    disposition = content_disposition_header(not show_inline, filename) or "inline"
    if _is_object_storage(file.storage):
        response: HttpResponseBase = _signed_url_redirect(file, content_type=content_type, disposition=disposition)
    elif settings.MEDIA_X_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=content_type)
        assert file.name is not None  # a stored file always has a name
        response["X-Accel-Redirect"] = settings.MEDIA_X_ACCEL_REDIRECT_PREFIX + quote(file.name)
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _is_object_storage(storage: Storage) -> bool:
    from storages.backends.s3 import S3Storage  # boto3 is slow to import; most processes never need it

    return isinstance(storage, S3Storage)


def _signed_url_redirect(file: FieldFile, *, content_type: str, disposition: str) -> HttpResponseRedirect:
    """302 to the object store. The signature carries the name and type the object store must answer
    with, since its bucket holds the file under a generated name; the URL dies after a few minutes,
    so a copied link stops working soon after the access check that produced it."""
    # S3Storage.url() takes the signing parameters that the base Storage.url() lacks.
    storage: Any = file.storage
    url = storage.url(
        file.name,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": content_type,
            "ResponseCacheControl": "private, no-store",
        },
        expire=settings.S3_SIGNED_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    # Applies to the redirected request: the object store's logs need not learn which page linked here.
    response["Referrer-Policy"] = "no-referrer"
    return response
