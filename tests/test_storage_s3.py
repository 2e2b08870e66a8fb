"""The portal's storage code against an S3-compatible server on loopback (moto's server mode).

Uploads, signed-URL downloads, PDF writes, the health probe and a backup all go through Django's
storage API to the object store over HTTP, and nothing is written to the local media folder.
"""

from __future__ import annotations

import hashlib
import io
import socket
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, RequestFactory
from django.utils import timezone
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from certportal.backup import backup_create, backup_restore, storage_files
from certportal.lib.files import private_file_response
from certportal.models import WorkerHeartbeat
from tests.storage import stored_file

CREDENTIALS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def use_bucket(settings, endpoint: str) -> str:
    """Point the default storage at a new private bucket, configured as settings.py does for s3."""
    bucket = f"certportal-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": settings.S3_SIGNED_URL_SECONDS,
                **CREDENTIALS,
            },
        },
    }
    return bucket


@pytest.fixture
def s3_bucket(settings, s3_endpoint: str, private_media: Path) -> Iterator[str]:
    bucket = use_bucket(settings, s3_endpoint)
    yield bucket
    assert not private_media.exists() or not any(private_media.rglob("*")), "object storage wrote to local disk"


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )


def test_upload_lands_in_the_bucket_as_a_private_object(s3_bucket: str, s3_endpoint: str) -> None:
    name = default_storage.save("evidence/7/scan.jpg", ContentFile(b"\xff\xd8\xff jpeg bytes"))
    stored = s3_client(s3_endpoint).get_object(Bucket=s3_bucket, Key=name)
    assert stored["Body"].read() == b"\xff\xd8\xff jpeg bytes"
    grants = s3_client(s3_endpoint).get_object_acl(Bucket=s3_bucket, Key=name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants), f"object is readable by a group: {grants}"


def test_same_name_never_overwrites_earlier_evidence(s3_bucket: str) -> None:
    first = default_storage.save("evidence/7/contract.pdf", ContentFile(b"first"))
    second = default_storage.save("evidence/7/contract.pdf", ContentFile(b"second"))
    assert first != second
    assert default_storage.open(first).read() == b"first"
    assert default_storage.open(second).read() == b"second"


def test_download_redirects_to_a_short_lived_signed_url_that_serves_the_bytes(s3_bucket: str, settings) -> None:
    content = b"%PDF-1.7 certificate " + bytes(range(256))
    file = stored_file("certificates/3/abc.pdf", content)
    response = private_file_response(RequestFactory().get("/"), file, filename="售后服务认证证书.pdf", inline=True)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["X-Amz-Expires"] == [str(settings.S3_SIGNED_URL_SECONDS)]
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:
        assert fetched.read() == content
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"] == (
            "inline; filename*=utf-8''%E5%94%AE%E5%90%8E%E6%9C%8D%E5%8A%A1%E8%AE%A4%E8%AF%81%E8%AF%81%E4%B9%A6.pdf"
        )


def test_a_pdf_rendered_by_weasyprint_is_written_and_read_back(s3_bucket: str) -> None:
    from weasyprint import HTML

    with tempfile.TemporaryFile() as rendered:
        HTML(string="<h1>售后服务认证证书</h1><p>五星级</p>").write_pdf(target=rendered)
        rendered.seek(0)
        expected = hashlib.sha256(rendered.read()).hexdigest()
        name = default_storage.save("certificates/9/certificate.pdf", File(rendered, name="certificate.pdf"))
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == expected
    assert "售后服务认证证书" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_health_probe_works_on_object_storage_and_leaves_nothing(s3_bucket: str, client: Client, db) -> None:
    WorkerHeartbeat.objects.create(hostname="w1", beat_at=timezone.now())
    body = client.get("/health/").json()
    assert body["checks"]["storage"]["status"] == "ok"
    assert list(storage_files(default_storage)) == []
    assert s3_bucket not in str(body)


def test_backup_and_restore_between_buckets(
    s3_bucket: str, s3_endpoint: str, settings, tmp_path: Path, transactional_db
) -> None:
    names = [default_storage.save(f"evidence/{n}/file.bin", ContentFile(bytes([n]) * 1000)) for n in range(3)]
    backup_create(path=tmp_path / "backup.tar")
    use_bucket(settings, s3_endpoint)
    assert list(storage_files(default_storage)) == []
    backup_restore(path=tmp_path / "backup.tar")
    assert sorted(storage_files(default_storage)) == sorted(names)
    assert default_storage.open(names[2]).read() == bytes([2]) * 1000
