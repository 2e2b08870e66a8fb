"""The shared PDF renderer: real Chinese text, local resources only, one font configuration."""

from __future__ import annotations

import subprocess
import time

import pytest

from certportal.lib import pdf
from tests.helpers import pdf_text, squashed

PAGE = """<html><head><link rel="stylesheet" href="css/pdf.css"></head>
<body><h1>服务认证申请书</h1><table class="form"><tr><th>企业名称</th><td>杭州示例家电服务有限公司</td></tr></table>
{extra}</body></html>"""


def test_chinese_text_is_real_text_with_page_numbers() -> None:
    text = squashed(pdf_text(pdf.render_pdf(PAGE.format(extra=""))))
    assert "服务认证申请书" in text
    assert "杭州示例家电服务有限公司" in text
    assert "第1页共1页" in text


def test_fonts_are_embedded(tmp_path) -> None:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf.render_pdf(PAGE.format(extra="")))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip()), fonts


def test_a_chinese_page_renders_fast_with_the_harfbuzz_subsetter() -> None:
    pdf.render_pdf(PAGE.format(extra=""))  # warm up fonts
    started = time.monotonic()
    pdf.render_pdf(PAGE.format(extra="<p>" + "售后服务认证" * 200 + "</p>"))
    assert time.monotonic() - started < 5, "without libharfbuzz-subset0 this takes ~10 s"


@pytest.mark.parametrize(
    "url", ["http://example.com/x.png", "file:///etc/passwd", "https://127.0.0.1/x.css", "file:///work/../etc/hosts"]
)
def test_fetcher_refuses_anything_outside_static(url: str) -> None:
    with pytest.raises(pdf.ForbiddenResource):
        pdf.LocalOnlyFetcher().fetch(url)


def test_fetcher_reads_static_files_and_data_uris() -> None:
    css = pdf.LocalOnlyFetcher().fetch((pdf.PDF_STATIC_DIR / "css" / "pdf.css").as_uri())
    assert b"@page" in css.read()
    image = pdf.LocalOnlyFetcher().fetch(pdf.data_uri(b"\x89PNG", "image/png"))
    assert image.read() == b"\x89PNG"


def test_external_image_in_a_template_is_not_fetched() -> None:
    started = time.monotonic()
    content = pdf.render_pdf(PAGE.format(extra='<img src="http://203.0.113.1/tracker.png">'))
    assert "杭州示例家电服务有限公司" in squashed(pdf_text(content))
    assert time.monotonic() - started < 3, "no network attempt"


def test_one_font_configuration_per_process() -> None:
    assert pdf.font_configuration() is pdf.font_configuration()


@pytest.mark.django_db
def test_store_pdf_records_hash_and_size(private_media) -> None:
    stored = pdf.store_pdf(b"%PDF-1.7 test", "forms/1/test.pdf")
    assert stored.size == 13
    assert len(stored.sha256) == 64
    assert (private_media / stored.name).read_bytes() == b"%PDF-1.7 test"
