"""Images that go on the forms: the company seal (公章) and handwritten signatures.

Both end up as transparent PNGs, trimmed to what was drawn and scaled to a sensible size, so that
they sit on the printed form like ink: a seal photographed or scanned on white paper loses its
white background, and a signature drawn in the browser loses the empty canvas around it.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageChops, ImageFile, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A decompression bomb is a small file that opens to billions of pixels; refuse before decoding.
MAX_PIXELS = 30_000_000
SEAL_MAX_SIDE = 600
SIGNATURE_MAX_WIDTH = 800
SIGNATURE_MAX_HEIGHT = 300
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
# Lightness (of the darkest channel) from which a pixel counts as paper, and up to which as ink.
PAPER_FROM = 235
INK_UP_TO = 150
DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=\s]+)$")


class ImageProblem(ValueError):
    """An image we cannot use; the message says why, for the person who sent it."""


@contextmanager
def strict_decoding(*, max_pixels: int = MAX_PIXELS) -> Iterator[None]:
    """Pillow at its strict defaults while an upload is decoded, whatever another library set for
    the whole process, and as that library had it afterwards. WeasyPrint's import turns on
    `LOAD_TRUNCATED_IMAGES` (a partly drawn picture in a PDF beats none), under which a truncated
    or cut-off upload would decode without an error and pass as a whole image."""
    truncated, pixels = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = truncated, pixels


def open_image(content: bytes) -> Image.Image:
    """Open a PNG, JPEG or WebP image after checking its size; anything else is refused."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImageProblem(_("The image is larger than 5 MB; please send a smaller one."))
    try:
        with strict_decoding():
            image = Image.open(io.BytesIO(content))
            if image.format not in ACCEPTED_FORMATS:
                raise ImageProblem(_("Please send a PNG or JPEG image."))
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem(_("The image has too many pixels; please send a smaller one."))
            image.load()
    except Image.DecompressionBombError as error:
        raise ImageProblem(_("The image has too many pixels; please send a smaller one.")) from error
    except (UnidentifiedImageError, OSError) as error:
        raise ImageProblem(_("This file is not an image we can read; please send a PNG or JPEG image.")) from error
    return image


def paper_to_transparent(image: Image.Image) -> Image.Image:
    """White and near-white pixels become transparent, ink stays opaque, with a soft edge between."""
    rgba = image.convert("RGBA")
    red, green, blue, alpha = rgba.split()
    lightness = ImageChops.darker(ImageChops.darker(red, green), blue)
    span = PAPER_FROM - INK_UP_TO
    ink = lightness.point(lambda value: 255 if value <= INK_UP_TO else max(0, (PAPER_FROM - value) * 255 // span))
    rgba.putalpha(ImageChops.multiply(alpha, ink))
    return rgba


def trim(image: Image.Image, *, padding: int = 4) -> Image.Image:
    """Crop to the visible pixels; an image with nothing visible is refused."""
    box = image.getchannel("A").point(lambda value: 255 if value > 24 else 0).getbbox()
    if box is None:
        raise ImageProblem(_("The image is empty: nothing was drawn on it."))
    left, top, right, bottom = box
    return image.crop(
        (
            max(0, left - padding),
            max(0, top - padding),
            min(image.width, right + padding),
            min(image.height, bottom + padding),
        )
    )


def fit(image: Image.Image, *, max_width: int, max_height: int) -> Image.Image:
    fitted = image.copy()
    fitted.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
    return fitted


def to_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seal_png(content: bytes) -> bytes:
    """The company seal from a photo or scan: transparent background, trimmed, at most 600 px."""
    image = trim(paper_to_transparent(open_image(content)))
    if min(image.size) < 40:
        raise ImageProblem(_("The seal is too small to be legible; please send a larger image (at least 300 px)."))
    return to_png(fit(image, max_width=SEAL_MAX_SIDE, max_height=SEAL_MAX_SIDE))


def signature_png(content: bytes) -> bytes:
    """A handwritten signature (uploaded or drawn in the browser): transparent, trimmed, scaled."""
    image = trim(paper_to_transparent(open_image(content)))
    return to_png(fit(image, max_width=SIGNATURE_MAX_WIDTH, max_height=SIGNATURE_MAX_HEIGHT))


def decode_png_data_url(text: str) -> bytes:
    """The PNG inside a `data:image/png;base64,…` URL, as a browser canvas produces it."""
    match = DATA_URL.match(text.strip())
    if match is None:
        raise ImageProblem(_("The drawn signature did not arrive; please draw it again."))
    if len(match.group(1)) > MAX_UPLOAD_BYTES * 4 // 3:
        raise ImageProblem(_("The image is larger than 5 MB; please send a smaller one."))
    try:
        return base64.b64decode(match.group(1), validate=False)
    except (binascii.Error, ValueError) as error:
        raise ImageProblem(_("The drawn signature did not arrive; please draw it again.")) from error
