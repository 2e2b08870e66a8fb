"""Thumbnails and previews of uploaded images and PDFs, drawn in a child process with limits.

An uploaded file is hostile until proven otherwise: a 1 MB PDF whose streams inflate to gigabytes
once took 2 GB of a worker's memory. So the worker copies the file to a temporary folder and runs
certportal/lib/preview_child.py in a fresh interpreter under an address-space limit
(`PREVIEW_MEMORY_MB`), a CPU-time limit and a wall-clock timeout (`PREVIEW_TIME_LIMIT`). A child that
meets a limit dies alone; the worker records why (`PreviewFailed`) and carries on with the next job.
Pages show these images, never the uploaded PDF itself.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from certportal.lib import preview_child

CHILD = Path(preview_child.__file__)
COPY_CHUNK = 1024 * 1024
PREVIEW_FAMILIES = ("pdf", "image")


class PreviewFailed(Exception):
    """The child could not draw the file, or was stopped at a limit; the message says which."""


@dataclass(frozen=True)
class Previews:
    thumbnail: bytes  # JPEG, at most 320 × 320
    preview: bytes  # JPEG, 1200 pixels wide: the image, or the PDF's first pages


def previews_render(*, source: IO[bytes], family: str) -> Previews | None:
    """Draw the thumbnail and preview of an uploaded file in a limited child process; None for kinds
    of file without a preview. Raises PreviewFailed when the child fails or is stopped."""
    if family not in PREVIEW_FAMILIES:
        return None
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="preview-") as folder:
        work = Path(folder)
        with (work / "source").open("wb") as copy:
            shutil.copyfileobj(source, copy, COPY_CHUNK)
        _run_child(family, work)
        return Previews(thumbnail=(work / "thumbnail.jpg").read_bytes(), preview=(work / "preview.jpg").read_bytes())


def previews_render_trusted(*, source: IO[bytes], family: str) -> Previews:
    """The same images drawn in this process, for documents the portal made itself (demo data)."""
    thumbnail, preview = preview_child.render(family, source, max_pixels=settings.EVIDENCE_MAX_IMAGE_PIXELS)
    return Previews(thumbnail=thumbnail, preview=preview)


def _run_child(family: str, work: Path) -> None:
    memory = settings.PREVIEW_MEMORY_MB * 1024 * 1024
    seconds = settings.PREVIEW_TIME_LIMIT
    command = [
        sys.executable, "-I", str(CHILD), family, str(work / "source"), str(work / "thumbnail.jpg"),
        str(work / "preview.jpg"), str(memory), str(seconds), str(settings.EVIDENCE_MAX_IMAGE_PIXELS),
    ]  # fmt: skip
    try:
        # -I: no environment variables, no user site, not the current folder on the path.
        done = subprocess.run(command, cwd=work, env={}, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as error:  # run() has killed the child
        raise PreviewFailed(f"stopped after {seconds} s (time limit)") from error
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise PreviewFailed(
            f"the drawing process was stopped ({name}): memory limit {settings.PREVIEW_MEMORY_MB} MB "
            f"or time limit {seconds} s reached"
        )
    if done.returncode:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise PreviewFailed(message[-1] if message else f"exit status {done.returncode}")
