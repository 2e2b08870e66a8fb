"""The six forms as PDFs: real, searchable Chinese text with the enterprise, its USCC and the scope
on every form; the roster with its ID numbers masked; the signed version with the seal, the handwritten
signature and a footer naming the signer and the unsigned version's SHA-256."""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from applications import services
from applications.models import FormRendition, FormType, LawStandardRow
from applications.models.forms import form_code
from applications.services.forms import rendition_process
from tests.conftest import put_in_status
from tests.factories import VALID_ID_MALE, forms_prepared, seal_photo, signature_drawing
from tests.helpers import pdf_text, pixel, squashed

pytestmark = pytest.mark.django_db


def render(application, consultant, form_types: list[str] | None = None) -> dict[str, FormRendition]:
    """The forms generated and rendered (synchronously, as the task would)."""
    forms_prepared(application)
    laws = application.forms.get(form_type=FormType.LAWS)
    if not laws.law_rows.filter(number="GB 4706.1-2005").exists():
        row = LawStandardRow.objects.create(form=laws, name="家用和类似用途电器的安全 第1部分", number="GB 4706.1-2005")
        row.products.set(application.scope.all())
    result = services.forms_generate(application=application, actor=consultant, form_types=form_types)
    assert not result.skipped
    for rendition in result.queued:
        assert rendition_process(rendition_id=rendition.pk, claim="test")
    return {r.form.form_type: FormRendition.objects.get(pk=r.pk) for r in result.queued}


def text_of(rendition: FormRendition) -> str:
    with rendition.file.open("rb") as handle:
        return squashed(pdf_text(handle.read()))


TITLES = {
    "basic_info": "企业基本信息表",
    "application": "服务认证申请书",
    "contract": "服务认证合同",
    "laws": "相关法律法规及所售产品质量标准清单",
    "managers": "售后服务管理师名单",
    "remote_audit": "远程审核申请表",
}
# What each form shows besides the common header (pdftotext lays table cells out side by side, so
# long cells may be split: the numbers are checked by their tails).
OWN_CONTENT = {
    "basic_info": ["员工总数", "200", "售后服务热线", "400-800-1234", "杭州服务中心"],
    "application": ["服务活动描述", "申请方（盖章）", "声明"],
    "contract": ["甲方", "乙方", "18,000.00", "23,000.00", "保密", "合同编号"],
    "laws": ["中华人民共和国产品质量法", "27922-2011", "4706.1-2005"],
    "managers": ["440524********0014", "李建国", "售后服务管理师（高级）"],
    "remote_audit": ["FS02", "FS03", "腾讯会议", "以下由发证机构填写"],
}


def test_every_form_shows_the_enterprise_its_uscc_and_the_scope_as_text(application, consultant) -> None:
    rendered = render(application, consultant)
    enterprise = application.enterprise
    product = application.scope.get()
    assert sorted(rendered) == sorted(FormType.values)
    for form_type, rendition in rendered.items():
        assert rendition.status == FormRendition.Status.READY
        text = text_of(rendition)
        assert TITLES[form_type] in text, form_type
        assert squashed(enterprise.name) in text, form_type
        assert enterprise.uscc in text, form_type
        assert squashed(str(product)) in text, form_type
        assert form_code(form_type) in text, form_type
        assert squashed(str(settings.CERTIFICATION_BODY_NAME)) in text, form_type
        assert "第1页共" in text, form_type
        for content in OWN_CONTENT[form_type]:
            assert squashed(content) in text, (form_type, content)
        assert VALID_ID_MALE not in text, form_type
        assert rendition.size == rendition.file.size < 400 * 1024, form_type
        assert len(rendition.sha256) == 64


def test_the_contract_has_three_pages_and_two_embedded_subset_font_faces(application, consultant, tmp_path) -> None:
    contract = render(application, consultant, ["contract"])["contract"]
    path = tmp_path / "contract.pdf"
    path.write_bytes(contract.file.read())
    assert len(PdfReader(path).pages) == 3
    assert "第3页共3页" in text_of(contract)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert 1 <= len(lines) <= 2, lines
    for line in lines:
        name, *_, embedded, subset, unicode, _object, _generation = line.split()
        assert "CJK" in name and "+" in name
        assert (embedded, subset, unicode) == ("yes", "yes", "yes"), line


def images_on_last_page(content: bytes) -> list[Image.Image]:
    return [image.image for image in PdfReader(io.BytesIO(content)).pages[-1].images]


def test_the_signed_version_carries_the_seal_the_signature_and_the_hash_footer(
    application, consultant, enterprise_user
) -> None:
    rendered = render(application, consultant, ["contract"])
    put_in_status(application, "awaiting_signature")
    services.enterprise_seal_save(enterprise=application.enterprise, actor=enterprise_user, content=seal_photo())
    form = application.forms.get(form_type=FormType.CONTRACT)
    signed = services.form_sign(
        form=form, actor=enterprise_user, signer_name="陈立", signer_title="总经理",
        signature_png=signature_drawing(), confirmed=True,
    )  # fmt: skip
    assert rendition_process(rendition_id=signed.pk, claim="test")
    signed.refresh_from_db()
    unsigned = rendered["contract"]
    assert signed.status == FormRendition.Status.READY
    assert signed.signature.unsigned_sha256 == unsigned.sha256
    with signed.file.open("rb") as handle:
        content = handle.read()
    text = squashed(pdf_text(content))
    assert unsigned.sha256 in text
    assert "陈立" in text and "总经理" in text
    assert "电子签署" in text
    assert squashed(application.enterprise.name) in text, "same content as the unsigned version"
    with unsigned.file.open("rb") as handle:
        assert images_on_last_page(handle.read()) == [], "the unsigned version has no images"
    with application.enterprise.seal.open("rb") as handle:
        seal = Image.open(handle)
        seal_size = seal.size
    embedded = images_on_last_page(content)
    assert len(embedded) == 2
    assert seal_size in [image.size for image in embedded], "the seal is embedded as uploaded"
    reds = [image for image in embedded if image.size == seal_size]
    red, green, _blue = pixel(reds[0].convert("RGB"), (seal_size[0] // 2, seal_size[1] // 2))
    assert red > 150 and green < 80


Box = tuple[int, int, int, int]  # left, top, right, bottom


def boxes_on_last_page(content: bytes, folder: Path) -> tuple[list[Box], dict[str, Box]]:
    """Where the images and the printed words sit on the last page, as poppler lays them out."""
    pdf = folder / "signed.pdf"
    pdf.write_bytes(content)
    pages = len(PdfReader(pdf).pages)
    subprocess.run(["pdftohtml", "-xml", "-q", "-f", str(pages), "-l", str(pages), str(pdf), str(folder / "out")],
                   check=True, capture_output=True)  # fmt: skip
    page = ET.parse(folder / "out.xml").getroot().find("page")
    assert page is not None

    def box(element: ET.Element) -> Box:
        left, top, width, height = (int(element.get(key, "0")) for key in ("left", "top", "width", "height"))
        return left, top, left + width, top + height

    images = [box(image) for image in page.iter("image")]
    words = {"".join(text.itertext()): box(text) for text in page.iter("text")}
    return images, words


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("form_type", [FormType.CONTRACT, FormType.APPLICATION])
def test_the_signature_block_names_the_title_and_the_seal_covers_no_printed_word(
    application, consultant, enterprise_user, form_type, tmp_path
) -> None:
    rendered = render(application, consultant, [form_type])
    with rendered[form_type].file.open("rb") as handle:
        assert "职务：" in squashed(pdf_text(handle.read())), "the unsigned version has the line to fill in"
    put_in_status(application, "awaiting_signature")
    services.enterprise_seal_save(enterprise=application.enterprise, actor=enterprise_user, content=seal_photo())
    signed = services.form_sign(
        form=application.forms.get(form_type=form_type), actor=enterprise_user, signer_name="陈立",
        signer_title="总经理", signature_png=signature_drawing(), confirmed=True,
    )  # fmt: skip
    assert rendition_process(rendition_id=signed.pk, claim="test")
    signed.refresh_from_db()
    with signed.file.open("rb") as handle:
        content = handle.read()
    text = squashed(pdf_text(content))
    assert "职务：总经理" in text
    assert "名称：总经理" not in text
    images, words = boxes_on_last_page(content, tmp_path)
    seal = max(images, key=lambda image: (image[2] - image[0]) * (image[3] - image[1]))
    assert any("（陈立）" in word for word in words), words
    covered = [word for word, place in words.items() if overlap(seal, place)]
    assert covered == [], f"the seal covers {covered}"
