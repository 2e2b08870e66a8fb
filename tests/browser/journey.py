"""Steps that several browser journeys take: signing a form on the pad, running a video audit round,
filling the score sheet to four stars, logging out."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable

from django.utils import timezone
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from applications.models import Application
from audits.models import Indicator

# 92% of every indicator (sampled ones: 2 failed of 25), 5.2.6 excluded: 874 of 950 → 920.00, four stars.
AWARDED = {"5.1.1": "46", "5.1.3": "55.2", "5.1.4": "64.4", "5.1.5": "46", "5.1.6": "46", "5.1.7": "46",
           "5.2.1": "46", "5.2.2": "55.2", "5.2.3": "46", "5.2.5": "55.2", "5.3.1": "110.4"}  # fmt: skip
SAMPLED = ("5.1.2", "5.2.4", "5.3.2")
FOUR_STAR_TOTAL = "920.00"


def png(name: str = "签到截图.png", colour: tuple[int, int, int] = (40, 90, 160)) -> FilePayload:
    """A small real PNG, as Playwright's set_input_files takes it."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), colour).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def local(moment: datetime.datetime) -> str:
    """A moment as a datetime-local input takes it, in the portal's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def log_out(page: Page) -> None:
    """Forget the session. Leave the page first: a response still on its way to it (Django sends the
    CSRF cookie again with every page that has a form) would otherwise put the old cookie back after
    the next login page set a new one, and that login would fail its CSRF check."""
    page.goto("about:blank")
    page.context.clear_cookies()


def draw_signature(page: Page) -> None:
    """A handwritten signature drawn with the mouse on the signature pad."""
    box = page.locator("#signature-pad").bounding_box()
    assert box is not None
    x, y, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + width * 0.1, y + height * 0.7)
    page.mouse.down()
    for fx, fy in [(0.25, 0.2), (0.35, 0.75), (0.5, 0.3), (0.62, 0.7), (0.8, 0.35), (0.9, 0.6)]:
        page.mouse.move(x + width * fx, y + height * fy, steps=6)
    page.mouse.up()


def run_round(
    page: Page, application: Application, number: int, start: datetime.datetime, shot: Callable[[str], None]
) -> None:
    """As the auditor: schedule a video audit round (in the recent past, so that it can be marked
    done), upload the check-in photos of both meetings, record an interview in round 1, finish it."""
    page.goto(f"/audits/applications/{application.pk}/rounds/")
    card = page.locator(f'.round-card[data-round="{number}"]')
    card.get_by_role("link", name="安排").click()
    page.locator("#id_starts_at").fill(local(start))
    page.locator("#id_ends_at").fill(local(start + datetime.timedelta(hours=2)))
    page.locator("#id_platform").select_option("tencent_meeting")
    page.locator("#id_meeting_link").fill(f"https://meeting.tencent.com/dm/journey{number}")
    page.locator("#id_lead_auditor").select_option(label="审核员甲")
    page.locator("#id_enterprise_participants").fill("王芳，售后服务部经理")
    page.get_by_role("button", name="保存并发送邀请").click()
    expect(page.get_by_text("已安排。邀请邮件已发送给企业、咨询老师和审核组。")).to_be_visible()
    for meeting in ("opening", "closing"):
        page.locator("#id_moment").select_option(meeting)
        page.locator("#id_photo").set_input_files(png())
        page.get_by_role("button", name="上传照片").click()
        expect(page.get_by_text("签到照片已于")).to_be_visible()
    if number == 1:
        page.locator("#id_department").fill("售后服务部")
        page.locator("#id_interviewees").fill("王芳、李强")
        page.locator("#id_notes").fill("服务流程清晰，抽查维修记录签字齐全。")
        page.get_by_role("button", name="添加记录").click()
        expect(page.locator("#interviews")).to_contain_text("王芳、李强")
    page.locator("#id_summary").fill("按议程完成。")
    page.get_by_role("button", name="标记本轮完成").click()
    expect(page.locator(".round-status")).to_have_text("已完成")
    if number == 1:
        shot("first-round-done")


def settled(page: Page, indicator_pk: int) -> None:
    """Wait until htmx has wired up the score row it just swapped in: it does so only once the row
    has settled, and a change typed into the row before that would never be sent."""
    expect(page.locator(f"#indicator-{indicator_pk}")).not_to_have_class(re.compile(r"\bhtmx-settling\b"))


def score(page: Page, application: Application) -> None:
    """Fill the score sheet row by row to the four-star total, watching each row's points follow."""
    version = application.score_sheet.version
    indicators = {i.code: i for i in Indicator.objects.filter(version=version, parent__isnull=False)}

    def fill(field: str, code: str, value: str, earned: str) -> None:
        pk = indicators[code].pk
        box = page.locator(f"#id_i{pk}-{field}")
        box.fill(value)
        box.press("Tab")
        expect(page.locator(f"#indicator-{pk} .earned")).to_have_text(f"{earned} / {indicators[code].max_points:.0f}")
        settled(page, pk)

    for code, value in AWARDED.items():
        fill("awarded", code, value, value)
    for code in SAMPLED:
        full = f"{indicators[code].max_points:.0f}"
        fill("samples", code, "25", full)
        fill("failed_samples", code, "2", f"{indicators[code].max_points * 23 / 25:.1f}")
    pk = indicators["5.2.6"].pk
    page.locator(f"#id_i{pk}-excluded").check()
    expect(page.locator(f"#indicator-{pk}")).to_contain_text("请说明该指标为什么不适用于该企业")
    settled(page, pk)
    page.locator(f"#id_i{pk}-exclusion_reason").fill("企业不回收废弃商品，由生产厂家回收")
    page.locator(f"#id_i{pk}-exclusion_reason").press("Tab")
    expect(page.locator(f"#indicator-{pk} .earned")).to_have_text("已删减")
