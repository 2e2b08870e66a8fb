"""Seals and signatures for the forms: white paper becomes transparent, the ink is trimmed and
scaled, and anything that is not a usable image is refused with a clear message."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from certportal.lib import images
from tests.factories import seal_photo, signature_drawing
from tests.helpers import pixel


def opened(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def test_a_photographed_seal_loses_its_white_paper_and_keeps_its_red_ink() -> None:
    seal = opened(images.seal_png(seal_photo(size=400)))
    assert seal.format == "PNG"
    assert seal.mode == "RGBA"
    # Trimmed to the ring (400 px plus a little padding), not the 600×500 photo.
    assert 390 <= seal.width <= 420 and 390 <= seal.height <= 420
    assert pixel(seal, (2, 2))[3] == 0, "the paper in the corner is transparent"
    centre = pixel(seal, (seal.width // 2, seal.height // 2))
    assert centre[3] == 255 and centre[0] > 150 and centre[1] < 80, "the red star stays opaque red"


def test_a_large_seal_is_scaled_down() -> None:
    seal = opened(images.seal_png(seal_photo(size=1500)))
    assert max(seal.size) == images.SEAL_MAX_SIDE


def test_slightly_grey_paper_counts_as_paper() -> None:
    seal = opened(images.seal_png(seal_photo(background=(242, 240, 238))))
    assert pixel(seal, (2, 2))[3] == 0


def test_a_signature_drawn_in_the_browser_is_trimmed() -> None:
    signature = opened(images.signature_png(signature_drawing()))
    assert signature.width < 600 and signature.height < 200
    assert pixel(signature, (0, 0))[3] == 0


def test_the_data_url_of_a_canvas_is_decoded() -> None:
    content = signature_drawing()
    url = "data:image/png;base64," + base64.b64encode(content).decode()
    assert images.decode_png_data_url(url) == content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not an image", "不是可以读取的图片"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "不是可以读取的图片"),
    ],
)
def test_what_is_not_an_image_is_refused_in_plain_words(content: bytes, message: str) -> None:
    with pytest.raises(images.ImageProblem, match=message):
        images.seal_png(content)


def test_an_empty_canvas_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 200), (0, 0, 0, 0)).save(buffer, format="PNG")
    with pytest.raises(images.ImageProblem, match="空白"):
        images.signature_png(buffer.getvalue())


def test_a_blank_white_photo_is_refused_as_a_seal() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (255, 255, 255)).save(buffer, format="JPEG")
    with pytest.raises(images.ImageProblem, match="空白"):
        images.seal_png(buffer.getvalue())


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < images.MAX_UPLOAD_BYTES
    with pytest.raises(images.ImageProblem, match="像素"):
        images.seal_png(buffer.getvalue())


def test_a_file_over_5_mb_is_refused() -> None:
    with pytest.raises(images.ImageProblem, match="5 MB"):
        images.seal_png(b"\xff\xd8\xff" + b"\0" * (images.MAX_UPLOAD_BYTES + 1))


@pytest.mark.parametrize("url", ["", "data:image/jpeg;base64,AAAA", "javascript:alert(1)", "data:image/png;base64,@@"])
def test_a_bad_data_url_is_refused(url: str) -> None:
    with pytest.raises(images.ImageProblem):
        images.decode_png_data_url(url)
