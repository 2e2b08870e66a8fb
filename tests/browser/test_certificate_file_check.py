"""In the browser: someone holding a certificate PDF opens the public verification, follows "check a
certificate file", uploads the file as issued and reads that it is genuine, which certificate it is
and that it is valid today; the same file with one byte changed is told apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from audits.models import Certificate
from audits.tasks import certificate_render_pdf
from tests.audits.test_certificates import make_certificate
from tests.audits.test_signing import one_byte_changed

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_genuine_certificate_file_is_recognised(
    page: Page, shot, application, certifier, private_media: Path, tmp_path: Path
) -> None:
    certificate = make_certificate(application=application, certifier_id=certifier.pk)
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate = Certificate.objects.get(pk=certificate.pk)
    genuine = tmp_path / f"{certificate.number}.pdf"
    genuine.write_bytes((private_media / certificate.pdf_file.name).read_bytes())

    page.goto("/verify/")
    page.get_by_role("link", name="核验证书文件").click()
    page.locator("#id_file").set_input_files(str(genuine))
    page.get_by_role("button", name="核验文件").click()
    verdict = page.locator("#file-verdict")
    expect(verdict).to_have_attribute("data-verdict", "genuine")
    expect(verdict).to_contain_text("真实有效")
    expect(page.locator("#file-certificate-number")).to_have_text(certificate.number)
    expect(page.locator("#file-certificate-valid")).to_contain_text("该证书今日有效")
    shot("genuine")

    changed = tmp_path / "changed.pdf"
    changed.write_bytes(one_byte_changed(genuine.read_bytes()))
    page.locator("#id_file").set_input_files(str(changed))
    page.get_by_role("button", name="核验文件").click()
    expect(page.locator("#file-verdict")).to_have_attribute("data-verdict", "changed")
    expect(page.locator("#file-certificate")).to_have_count(0)
    shot("changed")
