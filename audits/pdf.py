"""The certificate PDF: landscape A4, Chinese, star marks drawn as SVG polygons, a QR code that leads
to the public verification page (which shows the certificate's current status); signed as PAdES."""

from __future__ import annotations

import math
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse

from audits.models import Certificate
from audits.models.certificates import STAR_NAMES
from certportal.lib.pdf import data_uri, render_template_pdf

PDF_LANGUAGE = "zh-hans"


def star_points(cx: float, cy: float, outer: float, inner: float) -> str:
    """The ten corners of a five-pointed star centred on (cx, cy), first point up, as SVG points."""
    corners = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.radians(-90 + index * 36)
        corners.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(corners)


def star_row(count: int, *, size: float = 40.0, gap: float = 8.0) -> dict[str, Any]:
    """An SVG-ready row of `count` stars: the viewBox width and each star's points."""
    outer = size / 2
    inner = outer * 0.382  # the golden ratio gives the classic star
    width = count * size + (count - 1) * gap
    stars = [star_points(outer + index * (size + gap), outer + 1, outer, inner) for index in range(count)]
    return {"width": f"{width:.0f}", "height": f"{size + 2:.0f}", "stars": stars}


def verify_url(certificate: Certificate) -> str:
    from certportal.lib.links import site_url

    return site_url() + reverse("verify_certificate", args=[certificate.number])


def qr_code_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    return data_uri(image.to_string(encoding="utf-8"), "image/svg+xml")


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    url = verify_url(certificate)
    return {
        "certificate": certificate,
        "star_name": STAR_NAMES[certificate.star_level],
        "star_row": star_row(certificate.star_level),
        "verify_url": url,
        "qr_code": qr_code_data_uri(url),
        "emblem_star": star_points(50, 52, 26, 10),
        "national_platform_url": settings.NATIONAL_PLATFORM_URL,
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate rendered and signed with the body's signing certificate (audits.signing)."""
    from audits.signing import pdf_sign

    return pdf_sign(
        render_template_pdf("pdf/certificate.html", certificate_context(certificate), language=PDF_LANGUAGE)
    )
