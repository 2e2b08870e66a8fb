"""Certificates that prove themselves: each certificate PDF is signed as PAdES with the body's signing
certificate (a PKCS#12 file, settings CERTIFICATE_SIGNING_*), timestamped when CERTIFICATE_TSA_URL is
set, and anyone can hand a file back to the public check, which says whether it is a certificate
this body issued, unchanged.

A file is genuine when both hold: its signature is valid with our signing certificate as the only
trust root and covers the whole file (nothing appended after signing), and its SHA-256 is that of a
certificate PDF we issued. The signature proves the body made it without asking our database; the
hash ties it to one certificate in the register.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from audits.models import Certificate
from certportal.lib.uploads import check_upload

T = TypeVar("T")
SIGNATURE_FIELD = "CertificationBody"
TSA_TIMEOUT_SECONDS = 10
DEMO_VALID_DAYS = 10 * 365


class SigningProblem(Exception):
    """The signing certificate is configured but cannot be used (wrong password, damaged file)."""


# --- The body's signing certificate -------------------------------------------------------------------


def signing_configured() -> bool:
    path = settings.CERTIFICATE_SIGNING_P12
    return bool(path) and Path(path).is_file()


def signing_password() -> bytes | None:
    """From CERTIFICATE_SIGNING_PASSWORD, else the file CERTIFICATE_SIGNING_PASSWORD_FILE names."""
    if settings.CERTIFICATE_SIGNING_PASSWORD:
        return str(settings.CERTIFICATE_SIGNING_PASSWORD).encode()
    password_file = settings.CERTIFICATE_SIGNING_PASSWORD_FILE
    if password_file and Path(password_file).is_file():
        return Path(password_file).read_text(encoding="utf-8").strip().encode()
    return None


def body_signer() -> signers.SimpleSigner | None:
    """The body's signer, or None when no signing certificate is configured."""
    if not signing_configured():
        return None
    path = Path(settings.CERTIFICATE_SIGNING_P12)
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=(), passphrase=signing_password())
    except Exception as error:  # cryptography raises ValueError or TypeError for a wrong password
        raise SigningProblem(f"The signing certificate {path} cannot be opened: {error}") from error
    if signer is None:
        raise SigningProblem(f"The signing certificate {path} cannot be opened (wrong password?).")
    return signer


def body_certificate() -> asn1_x509.Certificate | None:
    signer = body_signer()
    return None if signer is None else signer.signing_cert


def _timestamper() -> HTTPTimeStamper | None:
    url = settings.CERTIFICATE_TSA_URL
    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT_SECONDS) if url else None


def pdf_sign(pdf: bytes) -> bytes:
    """The PDF signed as PAdES (B-B, or B-T with a timestamp authority); unchanged when no signing
    certificate is configured."""
    signer = body_signer()
    if signer is None:
        return pdf
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = _outside_any_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer, timestamper=_timestamper()))
    return bytes(output.getvalue())


def _outside_any_event_loop(work: Callable[[], T]) -> T:
    """pyHanko runs its own event loop (asyncio.run), which cannot start inside a running one (an
    async caller, or Playwright's sync API in the browser tests): there it gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(work).result()


def signing_identity_create(*, common_name: str, organisation: str, password: bytes) -> bytes:
    """A self-signed signing certificate and its key as a PKCS#12 file (demo and tests only)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=DEMO_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password)
    return pkcs12.serialize_key_and_certificates(common_name.encode(), key, certificate, None, encryption)


def demo_signing_password() -> bytes:
    return secrets.token_urlsafe(24).encode()


# --- The public check of a certificate file ---------------------------------------------------------


class Verdict:
    GENUINE = "genuine"  # signed by us, unchanged, and a certificate PDF we issued
    CHANGED = "changed"  # our signature, but the file was changed (or added to) after signing
    OTHER_VERSION = "other_version"  # our signature intact, but not the current file of any certificate
    REGISTERED = "registered"  # exactly a file we issued, without a valid signature of ours
    NOT_ISSUED = "not_issued"  # unsigned, signed by someone else, or unknown


@dataclass(frozen=True)
class FileCheck:
    verdict: str
    certificate: Certificate | None = None


class _Signature:
    NONE = "none"
    OURS = "ours"
    OURS_BROKEN = "ours_broken"
    FOREIGN = "foreign"


def certificate_upload_check(upload: UploadedFile) -> FileCheck:
    """Check an uploaded file: first the portal's one upload check (a real PDF, nothing hostile,
    within VERIFY_FILE_MAX_MB; raises UploadRefused), then the file as uploaded, byte for byte, not
    the clean copy that check makes. Nothing is stored."""
    checked = check_upload(upload, families=["pdf"], max_bytes=settings.VERIFY_FILE_MAX_MB * 1024 * 1024)
    checked.close()
    upload.seek(0)
    return certificate_file_check(upload.read())


def certificate_file_check(content: bytes) -> FileCheck:
    """What an uploaded file is: see `Verdict`. The file itself is not kept."""
    digest = hashlib.sha256(content).hexdigest()
    issued = Certificate.objects.filter(pdf_sha256=digest).first()
    signature = _our_signature(content)
    if signature == _Signature.OURS:
        return FileCheck(Verdict.GENUINE, issued) if issued else FileCheck(Verdict.OTHER_VERSION)
    if issued is not None:
        return FileCheck(Verdict.REGISTERED, issued)
    if signature == _Signature.OURS_BROKEN:
        return FileCheck(Verdict.CHANGED)
    return FileCheck(Verdict.NOT_ISSUED)


def _our_signature(content: bytes) -> str:
    ours = body_certificate()
    try:
        embedded = PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
    except Exception:  # a damaged file is simply not one of ours
        return _Signature.NONE
    if not embedded:
        return _Signature.NONE
    if ours is None:
        return _Signature.FOREIGN
    for signature in embedded:
        if _signer_fingerprint(signature) == ours.sha256:
            return _Signature.OURS if _valid_over_the_whole_file(signature, ours) else _Signature.OURS_BROKEN
    return _Signature.FOREIGN


def _signer_fingerprint(signature: EmbeddedPdfSignature) -> bytes | None:
    try:
        return bytes(signature.signer_cert.sha256)
    except Exception:  # a signature without a readable certificate is nobody's we know
        return None


def _valid_over_the_whole_file(signature: EmbeddedPdfSignature, ours: asn1_x509.Certificate) -> bool:
    """Valid with our certificate as the only trust root, and nothing added after signing."""
    context = ValidationContext(trust_roots=[ours], allow_fetching=False)
    try:
        status = _outside_any_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception:  # a signature of ours that cannot even be evaluated was tampered with
        return False
    return bool(
        status.intact and status.valid and status.trusted and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )
