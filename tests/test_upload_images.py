"""Uploaded pictures: stored as pixels and orientation only (no comments, EXIF, XMP, ICC profile or
PNG text), and checked strictly whatever another library set for Pillow (WeasyPrint's import turns
on LOAD_TRUNCATED_IMAGES for the whole process)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from certportal.lib import images
from certportal.lib.uploads import UploadRefused, check_upload
from tests.applications.evidence_samples import image_bytes, upload
from tests.conftest import client_for
from tests.factories import seal_photo
from tests.helpers import pixel

SECRET = b"GPS 31.2304N 121.4737E private-comment"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>private-xmp</rdf:Description></x:xmpmeta>'


def photo_with_metadata() -> bytes:
    """A phone photo: 60 × 40 pixels stored sideways (EXIF orientation 6 = turn right), with a
    comment, EXIF text, XMP and an ICC profile."""
    picture = Image.new("RGB", (60, 40), (200, 30, 30))
    picture.paste((20, 20, 200), (0, 0, 10, 40))  # a blue band on the left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010E] = SECRET.decode()  # ImageDescription
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    output = io.BytesIO()
    picture.save(output, format="JPEG", comment=SECRET, exif=exif, xmp=XMP, icc_profile=profile, quality=95)
    return output.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_itxt("Description", "private-itxt", zip=True)
    output = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 128, 0, 128)).save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def cut_photo() -> bytes:
    """A real photo whose last third never arrived."""
    whole = seal_photo()
    return whole[: len(whole) * 2 // 3]


def stored_image(checked_copy: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(checked_copy))
    picture.load()
    return picture


def test_a_photo_keeps_its_pixels_upright_and_nothing_else() -> None:
    content = photo_with_metadata()
    assert SECRET in content and b"private-xmp" in content
    checked = check_upload(upload("现场.jpg", content), families=["image"])
    assert checked.clean_copy is not None
    stored = checked.clean_copy.read()
    assert SECRET not in stored and b"private-xmp" not in stored and b"ICC_PROFILE" not in stored
    picture = stored_image(stored)
    assert picture.size == (40, 60)  # turned upright
    assert pixel(picture, (20, 2))[2] > 150  # the blue band is now at the top
    assert not picture.getexif()
    assert not {"comment", "exif", "xmp", "icc_profile"} & set(picture.info)
    assert b"\xff\xfe" not in stored[: stored.index(b"\xff\xda")]  # no COM segment before the image data


def test_png_text_chunks_are_not_stored() -> None:
    content = png_with_text()
    assert b"tEXt" in content and b"iTXt" in content
    checked = check_upload(upload("截图.png", content), families=["image"])
    assert checked.clean_copy is not None
    stored = checked.clean_copy.read()
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"):
        assert chunk not in stored, chunk
    assert stored_image(stored).getpixel((5, 5)) == (0, 128, 0, 128)


@pytest.mark.django_db
def test_a_check_in_photo_is_stored_without_its_metadata(application, auditor, private_media: Path) -> None:
    import datetime

    from tests.audits.conftest import in_audits, schedule_directly
    from tests.audits.test_rounds import NOW

    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(minutes=5))
    response = client_for(auditor).post(
        reverse("audits:photo_upload", args=[first.pk]),
        {"moment": "opening", "photo": SimpleUploadedFile("开幕.jpeg", photo_with_metadata())},
    )
    assert response.status_code == 302
    photo = first.photos.get()
    assert photo.file.name.endswith(".jpg")
    stored = (private_media / photo.file.name).read_bytes()
    assert SECRET not in stored and b"private-xmp" not in stored
    assert stored_image(stored).size == (40, 60)


@pytest.fixture
def weasyprint_imported():
    """WeasyPrint imported, as in every worker that renders PDFs, and its setting in force."""
    import weasyprint  # noqa: F401

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what `import weasyprint` does, even if imported already
    yield
    ImageFile.LOAD_TRUNCATED_IMAGES = before


def test_truncated_image_is_refused_with_weasyprint_imported(weasyprint_imported) -> None:
    content = cut_photo()
    Image.open(io.BytesIO(content)).load()  # what WeasyPrint's setting lets through
    with pytest.raises(UploadRefused, match="无法识别为图片"):
        check_upload(upload("照片.jpg", content), families=["image"])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint gets its setting back


def test_truncated_seal_is_refused_with_weasyprint_imported(weasyprint_imported) -> None:
    cut = cut_photo()
    Image.open(io.BytesIO(cut)).load()
    with pytest.raises(images.ImageProblem):
        images.seal_png(cut)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


@pytest.mark.django_db
def test_truncated_seal_upload_is_refused_with_weasyprint_imported(weasyprint_imported, enterprise_user) -> None:
    enterprise = enterprise_user.enterprise
    response = client_for(enterprise_user).post(
        reverse("applications:enterprise_seal", args=[enterprise.pk]),
        {"image": SimpleUploadedFile("公章.jpg", cut_photo(), content_type="image/jpeg")},
    )
    assert response.status_code == 200
    assert "seal_form" in response.context and response.context["seal_form"].errors
    enterprise.refresh_from_db()
    assert not enterprise.seal
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_whole_image_still_passes_with_weasyprint_imported(weasyprint_imported) -> None:
    checked = check_upload(upload("照片.jpg", image_bytes("JPEG")), families=["image"])
    assert checked.extension == "jpg" and checked.clean_copy is not None
