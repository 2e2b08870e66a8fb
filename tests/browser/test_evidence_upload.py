"""In the browser, as an enterprise user: upload several files with Chinese names to one checklist
item at once, watch each file's progress bar, see which were accepted and which refused (and why),
and find the uploaded files listed; then the consultant reviews one."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import FilePayload, Page, expect

from applications.models import EvidenceFile
from applications.services.evidence import evidence_requirements_ensure
from certportal.benchmark import large_pdf
from tests.applications.evidence_samples import image_bytes
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Records every value each progress bar takes, so the test can tell that progress was shown.
WATCH_PROGRESS = """
window.progressSeen = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.attributeName === "aria-valuenow") {
      window.progressSeen.push(Number(change.target.getAttribute("aria-valuenow")));
    }
  }
}).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]});
"""


def scanned_pdf(size: int) -> bytes:
    content = io.BytesIO()
    large_pdf(content, size)
    return content.getvalue()


def test_several_chinese_named_files_upload_with_progress_and_per_file_results(
    page: Page, shot, evidence_items, application, enterprise_user, consultant, password
) -> None:
    evidence_requirements_ensure(application)
    log_in(page, enterprise_user.username, password)
    page.goto(f"/applications/{application.pk}/evidence/")
    expect(page.locator("#progress-count")).to_have_text("已完成 0 / 30 项")
    shot("checklist-empty")

    page.locator("#items-application").get_by_role("link", name="产品交付验收单或验收报告").click()
    expect(page.get_by_role("heading", name="第 13 项 产品交付验收单或验收报告")).to_be_visible()
    page.evaluate(WATCH_PROGRESS)
    # A slow office line, so that the progress of the larger scan can be seen moving.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1_500_000},
    )
    files: list[FilePayload] = [
        {"name": "验收单（一月，客户签字）.pdf", "mimeType": "application/pdf", "buffer": scanned_pdf(3_000_000)},
        {"name": "验收单-二月.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG", (800, 600))},
        {"name": "验收报告 三月.png", "mimeType": "image/png", "buffer": image_bytes("PNG")},
        {"name": "空白页.pdf", "mimeType": "application/pdf", "buffer": b""},
        {"name": "安装程序.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" + b"\0" * 100},
    ]
    page.locator("#id_files").set_input_files(files)
    expect(page.locator(".upload-row")).to_have_count(5)
    expect(page.locator(".upload-row").nth(4)).to_contain_text("本项只接受")  # refused before sending
    shot("files-chosen")

    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#upload-summary")).to_have_text("已上传 3 个，被拒绝 2 个。", timeout=30_000)
    rows = page.locator(".upload-row")
    for number in range(3):
        expect(rows.nth(number)).to_have_attribute("data-outcome", "ok")
        expect(rows.nth(number).locator(".upload-status")).to_contain_text("已上传，等待咨询老师审核")
        expect(rows.nth(number).get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(rows.nth(3)).to_have_attribute("data-outcome", "refused")
    expect(rows.nth(3)).to_contain_text("“空白页.pdf”是空的（0 字节），请选择正确的文件。")
    expect(rows.nth(4)).to_contain_text("“安装程序.exe”：本项只接受")
    seen = page.evaluate("window.progressSeen")
    assert any(0 < value < 100 for value in seen), seen  # the bar moved, not just jumped to the end
    expect(page.locator("#files")).to_contain_text("验收单（一月，客户签字）.pdf")
    expect(page.locator("#files")).to_contain_text("验收报告 三月.png")
    expect(page.locator("#item-copies")).to_contain_text("已通过份数：0 / 4")
    shot("uploaded")

    names = set(EvidenceFile.objects.values_list("original_name", flat=True))
    assert names == {"验收单（一月，客户签字）.pdf", "验收单-二月.jpg", "验收报告 三月.png"}

    # The consultant sends one back; the enterprise sees why on the item.
    page.context.clear_cookies()
    log_in(page, consultant.username, password)
    page.goto(page.url if "/evidence/items/" in page.url else f"/applications/{application.pk}/evidence/")
    page.goto(f"/evidence/items/{EvidenceFile.objects.get(original_name='验收单-二月.jpg').requirement_id}/")
    photo = page.locator(".evidence-file", has_text="验收单-二月.jpg")
    photo.locator("select[name=reason_choice]").select_option("customer")
    photo.get_by_role("button", name="退回").click()
    expect(page.get_by_text("“验收单-二月.jpg”已连同原因退回。")).to_be_visible()
    shot("sent-back")

    page.context.clear_cookies()
    log_in(page, enterprise_user.username, password)
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("#evidence-summary")).to_contain_text("缺少客户签字或盖章")
    shot("detail-what-next")
