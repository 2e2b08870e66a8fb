"""Downloads from local storage: streamed by Django, or sent by nginx through X-Accel-Redirect."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpResponse
from django.test import RequestFactory

from certportal.lib.files import private_file_response
from tests.http import streamed_body
from tests.storage import stored_file

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
CHINESE_NAME = "营业执照副本.pdf"


def test_local_storage_streams_the_file_under_its_original_name(private_media: Path) -> None:
    file = stored_file("evidence/1/abc.pdf", PDF)
    response = private_file_response(RequestFactory().get("/"), file, filename=CHINESE_NAME)
    assert response.status_code == 200
    assert streamed_body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    # RFC 5987: the Chinese name survives in every browser, as an attachment unless asked inline.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%E5%89%AF%E6%9C%AC.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Accel-Redirect" not in response


def test_behind_nginx_the_view_only_names_the_file_for_x_accel_redirect(private_media: Path, settings) -> None:
    settings.MEDIA_X_ACCEL_REDIRECT_PREFIX = "/_protected_media/"
    file = stored_file("evidence/1/abc.pdf", PDF)
    response = private_file_response(RequestFactory().get("/"), file, filename=CHINESE_NAME, inline=True)
    assert response.status_code == 200
    assert isinstance(response, HttpResponse)
    assert response.content == b"", "nginx sends the bytes, not Django"
    assert response["X-Accel-Redirect"] == "/_protected_media/evidence/1/abc.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["Content-Security-Policy"].endswith("sandbox")
    assert response["Cache-Control"] == "private, no-store"


def test_x_accel_redirect_quotes_odd_names(private_media: Path, settings) -> None:
    settings.MEDIA_X_ACCEL_REDIRECT_PREFIX = "/_protected_media/"
    file = stored_file("legacy/合同 副本.pdf", PDF)
    response = private_file_response(RequestFactory().get("/"), file, filename="合同.pdf")
    assert response["X-Accel-Redirect"] == "/_protected_media/legacy/%E5%90%88%E5%90%8C%20%E5%89%AF%E6%9C%AC.pdf"


def test_html_is_never_shown_inline(private_media: Path) -> None:
    file = stored_file("evidence/1/x.html", b"<script>alert(1)</script>")
    response = private_file_response(RequestFactory().get("/"), file, filename="x.html", inline=True)
    assert response["Content-Disposition"].startswith("attachment;")
