"""Certificates that prove themselves: the worker signs each certificate PDF as PAdES with the body's
certificate, and anyone can hand a file back to the public check, which tells a genuine, unmodified
certificate from a changed file or one not issued here."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import socket
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import DummyTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from audits.checks import check_signing_certificate
from audits.models import Certificate
from audits.signing import signing_identity_create
from audits.tasks import certificate_render_pdf
from tests.applications.evidence_samples import image_bytes, pdf_bytes
from tests.audits.test_certificates import make_certificate
from tests.conftest import SIGNING_PASSWORD
from tests.helpers import pdf_text, squashed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def certificate(application, certifier) -> Certificate:
    return make_certificate(application=application, certifier_id=certifier.pk)


def rendered(certificate: Certificate, media: Path) -> bytes:
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate.refresh_from_db()
    return (media / certificate.pdf_file.name).read_bytes()


def trust_root(p12: Path, password: str = SIGNING_PASSWORD) -> asn1_x509.Certificate:
    _key, certificate, _others = pkcs12.load_key_and_certificates(p12.read_bytes(), password.encode())
    assert certificate is not None
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def signed_by_another_body(pdf: bytes) -> bytes:
    p12 = signing_identity_create(common_name="Another body", organisation="Another body", password=b"other")
    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=(), passphrase=b"other")
    assert signer is not None
    meta = signers.PdfSignatureMetadata(field_name="Other", subfilter=fields.SigSeedSubFilter.PADES)
    return bytes(signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer).getvalue())


def one_byte_changed(pdf: bytes) -> bytes:
    """A byte inside the page's content stream, well within what the signature covers."""
    start = pdf.index(b"stream\n", len(pdf) // 4) + len(b"stream\n") + 20
    changed = bytearray(pdf)
    changed[start] ^= 0x01
    return bytes(changed)


def check_file(content: bytes, client: Client | None = None, name: str = "证书.pdf") -> str:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = (client or Client()).post(reverse("verify_file"), {"file": upload})
    assert response.status_code == 200
    return response.content.decode()


# --- Signing --------------------------------------------------------------------------------------


def test_the_worker_signs_the_certificate_pdf_and_pyhanko_validates_it(
    certificate, private_media, signing_certificate
) -> None:
    content = rendered(certificate, private_media)
    assert certificate.pdf_sha256 == hashlib.sha256(content).hexdigest(), "the hash is of the signed file"
    assert certificate.pdf_size == len(content)
    assert squashed(certificate.number) in squashed(pdf_text(content))
    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    root = trust_root(signing_certificate)
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.sha256 == root.sha256
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached", "PAdES"


def test_a_changed_byte_breaks_the_signature(certificate, private_media, signing_certificate) -> None:
    content = one_byte_changed(rendered(certificate, private_media))
    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    context = ValidationContext(trust_roots=[trust_root(signing_certificate)], allow_fetching=False)
    assert not validate_pdf_signature(signature, context).intact


def test_without_a_signing_certificate_the_pdf_is_unsigned_and_the_check_warns(
    certificate, private_media, settings
) -> None:
    settings.CERTIFICATE_SIGNING_P12 = ""
    content = rendered(certificate, private_media)
    assert PdfFileReader(io.BytesIO(content)).embedded_signatures == []
    assert [message.id for message in check_signing_certificate()] == ["audits.W001"]
    settings.CERTIFICATE_SIGNING_P12 = str(private_media / "missing.p12")
    assert [message.id for message in check_signing_certificate()] == ["audits.W001"]


def test_the_check_is_quiet_with_a_working_certificate_and_fails_on_a_wrong_password(settings) -> None:
    assert check_signing_certificate() == []
    settings.CERTIFICATE_SIGNING_PASSWORD = "wrong"
    assert [message.id for message in check_signing_certificate()] == ["audits.E003"]


def test_a_wrong_password_fails_the_pdf_job_with_its_reason(certificate, settings) -> None:
    settings.CERTIFICATE_SIGNING_PASSWORD = "wrong"
    assert certificate_render_pdf(certificate.pk) == "failed"
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.FAILED
    assert "signing certificate" in certificate.pdf_error


def test_the_demo_certificate_is_made_once_with_a_private_key_file(tmp_path, settings) -> None:
    settings.CERTIFICATE_SIGNING_P12 = str(tmp_path / "signing" / "demo.p12")
    settings.CERTIFICATE_SIGNING_PASSWORD = ""
    settings.CERTIFICATE_SIGNING_PASSWORD_FILE = str(tmp_path / "signing" / "demo.password")
    call_command("make_signing_certificate", stdout=io.StringIO())
    p12 = Path(settings.CERTIFICATE_SIGNING_P12)
    password = Path(settings.CERTIFICATE_SIGNING_PASSWORD_FILE).read_text().strip()
    for path in (p12, Path(settings.CERTIFICATE_SIGNING_PASSWORD_FILE)):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = p12.read_bytes()
    call_command("make_signing_certificate", stdout=io.StringIO())
    assert p12.read_bytes() == first, "an existing certificate is kept"
    assert trust_root(p12, password).subject.native["organization_name"]
    assert check_signing_certificate() == []


def test_production_never_makes_a_demo_certificate(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("make_signing_certificate")


# --- The public check of a file ---------------------------------------------------------------------


def test_a_genuine_file_names_its_certificate_and_says_it_is_valid_today(certificate, private_media) -> None:
    page = check_file(rendered(certificate, private_media))
    assert 'data-verdict="genuine"' in page
    assert "真实有效：这是本机构颁发、未经改动的证书。" in page
    assert certificate.number in page and certificate.holder_name in page
    assert "是，该证书今日有效。" in page
    assert reverse("verify_certificate", args=[certificate.number]) in page


def test_a_genuine_file_of_a_suspended_certificate_says_it_is_not_valid_today(certificate, private_media) -> None:
    content = rendered(certificate, private_media)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.SUSPENDED)
    page = check_file(content)
    assert 'data-verdict="genuine"' in page
    assert "否，该证书今日无效。" in page and 'data-status="suspended"' in page


def test_one_changed_byte_is_told_as_changed_after_signing(certificate, private_media) -> None:
    page = check_file(one_byte_changed(rendered(certificate, private_media)))
    assert 'data-verdict="changed"' in page
    assert certificate.number not in page


def test_an_unsigned_foreign_pdf_is_not_issued_here(certificate, private_media) -> None:
    rendered(certificate, private_media)
    page = check_file(pdf_bytes())
    assert 'data-verdict="not_issued"' in page
    assert certificate.number not in page


def test_a_certificate_signed_by_someone_else_is_not_issued_here(certificate, private_media, settings) -> None:
    signing = settings.CERTIFICATE_SIGNING_P12
    settings.CERTIFICATE_SIGNING_P12 = ""
    unsigned = rendered(certificate, private_media)
    settings.CERTIFICATE_SIGNING_P12 = signing
    page = check_file(signed_by_another_body(unsigned))
    assert 'data-verdict="not_issued"' in page and certificate.number not in page


def test_our_pdf_signed_again_by_someone_else_is_changed(certificate, private_media) -> None:
    page = check_file(signed_by_another_body(rendered(certificate, private_media)))
    assert 'data-verdict="changed"' in page


def test_an_unsigned_pdf_we_issued_is_recognised_by_its_fingerprint(certificate, private_media, settings) -> None:
    signing = settings.CERTIFICATE_SIGNING_P12
    settings.CERTIFICATE_SIGNING_P12 = ""
    unsigned = rendered(certificate, private_media)
    settings.CERTIFICATE_SIGNING_P12 = signing
    page = check_file(unsigned)
    assert 'data-verdict="registered"' in page and certificate.number in page


def test_our_signed_file_that_is_no_longer_current_is_told_so(certificate, private_media) -> None:
    content = rendered(certificate, private_media)
    Certificate.objects.filter(pk=certificate.pk).update(pdf_sha256="0" * 64)
    page = check_file(content)
    assert 'data-verdict="other_version"' in page and certificate.number not in page


def test_the_check_page_in_english(certificate, private_media) -> None:
    client = Client()
    client.cookies["certportal_language"] = "en"
    form = client.get(reverse("verify_file")).content.decode()
    assert "Check a certificate file" in form and 'accept=".pdf"' in form
    page = check_file(rendered(certificate, private_media), client)
    assert "Genuine: this is an unmodified certificate issued by this body." in page
    assert "Yes, the certificate is valid today." in page
    changed = check_file(pdf_bytes(), client)
    assert "Not issued here: this file is not a certificate issued by this body." in changed


def test_the_check_page_in_chinese_and_linked_from_the_search() -> None:
    page = Client().get(reverse("verify_file")).content.decode()
    assert "核验证书文件" in page and 'enctype="multipart/form-data"' in page
    assert reverse("verify_file") in Client().get(reverse("verify_search")).content.decode()


def test_the_upload_check_refuses_a_file_that_is_not_a_pdf() -> None:
    page = check_file(image_bytes("PNG"), name="证书.pdf")
    assert 'id="error_1_id_file"' in page and "data-verdict" not in page
    page = check_file(b"%PDF-1.7 not really", name="证书.pdf")
    assert 'id="error_1_id_file"' in page and "data-verdict" not in page


def test_the_file_check_is_rate_limited_per_address(certificate, settings) -> None:
    settings.VERIFY_FILE_RATE = "2/m"
    client = Client()
    codes = []
    for _ in range(3):
        upload = SimpleUploadedFile("证书.pdf", pdf_bytes(), content_type="application/pdf")
        codes.append(client.post(reverse("verify_file"), {"file": upload}).status_code)
    assert codes == [200, 200, 429]
    assert client.get(reverse("verify_file")).status_code == 200, "the empty form is never limited"
    other = Client(REMOTE_ADDR="203.0.113.9")
    upload = SimpleUploadedFile("证书.pdf", pdf_bytes(), content_type="application/pdf")
    assert other.post(reverse("verify_file"), {"file": upload}).status_code == 200


def test_the_uploaded_file_is_not_kept(certificate, private_media) -> None:
    content = rendered(certificate, private_media)
    before = sorted(private_media.rglob("*"))
    check_file(content)
    assert sorted(private_media.rglob("*")) == before


def test_the_file_check_needs_few_queries(certificate, private_media, django_assert_max_num_queries) -> None:
    content = rendered(certificate, private_media)
    with django_assert_max_num_queries(6):
        page = check_file(content)
    assert 'data-verdict="genuine"' in page


# --- The timestamp authority ----------------------------------------------------------------------


@pytest.fixture
def timestamp_authority() -> Iterator[str]:
    """An RFC 3161 timestamp authority on loopback (pyHanko's test TSA behind a tiny HTTP server)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA signs with RSA only
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_with_a_timestamp_authority_the_signature_carries_its_timestamp(
    certificate, private_media, settings, timestamp_authority
) -> None:
    settings.CERTIFICATE_TSA_URL = timestamp_authority
    content = rendered(certificate, private_media)
    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    unsigned = [attribute["type"].native for attribute in signature.signer_info["unsigned_attrs"]]
    assert "signature_time_stamp_token" in unsigned, "PAdES B-T"
    assert 'data-verdict="genuine"' in check_file(content)


def test_a_timestamp_authority_that_does_not_answer_hands_the_job_back(certificate, settings) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.CERTIFICATE_TSA_URL = f"http://127.0.0.1:{unused.getsockname()[1]}/"
    with pytest.raises(TimestampRequestError):
        certificate_render_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING, "to be tried again"
    assert not certificate.pdf_file
