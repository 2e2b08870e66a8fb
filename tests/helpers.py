"""Small helpers shared by tests."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def pdf_text(content: bytes) -> str:
    """The text of a PDF as pdftotext reads it (what a person copying from it would get)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def squashed(text: str) -> str:
    """Text without whitespace: pdftotext spaces Chinese characters unpredictably."""
    return re.sub(r"\s+", "", text)


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The colour channels of one pixel of a multi-band (RGB, RGBA) image."""
    value = image.getpixel(xy)
    assert isinstance(value, tuple), image.mode
    return value
