"""HTML to PDF with WeasyPrint. Called from Celery tasks only, never inside a request.

One FontConfiguration per process: a new one per render grows a worker past a gigabyte after a few
hundred documents. The URL fetcher reads our own static files and data: URIs, nothing else: images
that belong to an object (a seal, a signature, a QR code) are embedded as data: URIs, so rendering
needs no network and works the same with local disk or object storage.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_STATIC_DIR = Path(settings.BASE_DIR) / "static"


class ForbiddenResource(ValueError):
    """A PDF template asked for something outside our static files."""


@cache
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher: our static directory and data: URIs only."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(PDF_STATIC_DIR.resolve()) and path.is_file():
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})
        raise ForbiddenResource(f"PDF rendering may not fetch {url!r}")


def data_uri(content: bytes, mime_type: str) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(content).decode('ascii')}"


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML string whose relative URLs point into static/ (e.g. css/pdf.css)."""
    document = HTML(string=html, base_url=PDF_STATIC_DIR.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    pdf: bytes = document.write_pdf(font_config=font_configuration())
    return pdf


def render_template_pdf(template: str, context: dict[str, Any], *, language: str = "zh-hans") -> bytes:
    """Render a template under templates/pdf/ in the given language, then to PDF."""
    with translation.override(language):
        html = render_to_string(template, context)
    return render_pdf(html)


@dataclass(frozen=True)
class StoredPdf:
    name: str
    sha256: str
    size: int


def store_pdf(content: bytes, name: str) -> StoredPdf:
    """Write the PDF through a temporary file into the default storage under `name`."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        handle.seek(0)
        stored_name = default_storage.save(name, File(handle, name=Path(name).name))
    return StoredPdf(name=stored_name, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
