"""Drawing the thumbnail and the preview of an image or a PDF: run as a child process of the worker,
under memory, CPU-time and file-size limits set before the file is opened (certportal.lib.previews).

No Django here: the child starts quickly, and a PDF whose streams inflate to gigabytes meets the
memory limit in this process, which dies alone, instead of in the worker.

    python -I preview_child.py FAMILY SOURCE THUMBNAIL PREVIEW MEMORY_BYTES CPU_SECONDS MAX_PIXELS
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import IO

from PIL import Image, ImageOps

THUMBNAIL_SIZE = (320, 320)
PREVIEW_WIDTH = 1200
PREVIEW_MAX_PAGES = 10
PREVIEW_MAX_HEIGHT = 16_000
PAGE_GAP = 16
OUTPUT_MAX_BYTES = 64 * 1024 * 1024


def limit_resources(*, memory_bytes: int, cpu_seconds: int) -> None:
    """Address space, CPU time and the size of any file written; beyond them the kernel refuses
    memory (MemoryError, or PDFium aborts) or stops the process."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_MAX_BYTES, OUTPUT_MAX_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def render(family: str, source: str | IO[bytes], *, max_pixels: int) -> tuple[bytes, bytes]:
    """(thumbnail, preview) as JPEG: an image scaled down, or a PDF's first pages one below the other
    (the thumbnail shows the first page)."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    if family == "image":
        with Image.open(source) as image:
            image.draft("RGB", (PREVIEW_WIDTH, PREVIEW_WIDTH))
            picture = _rgb(ImageOps.exif_transpose(image))
        preview = picture.copy()
        preview.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH))
        return _jpeg(_thumbnail(picture)), _jpeg(preview)
    if family == "pdf":
        pages = list(_pdf_pages(source))
        if not pages:
            raise ValueError("the PDF has no pages")
        return _jpeg(_thumbnail(pages[0])), _jpeg(_stacked(pages))
    raise ValueError(f"no preview for {family!r}")


def _pdf_pages(source: str | IO[bytes]) -> Iterator[Image.Image]:
    import pypdfium2

    document = pypdfium2.PdfDocument(source)
    try:
        height = 0
        for index in range(min(len(document), PREVIEW_MAX_PAGES)):
            page = document[index]
            width_pt, height_pt = page.get_size()
            # Width-bound, but a freakishly tall page must not become a freakishly tall bitmap.
            scale = min(PREVIEW_WIDTH / width_pt, (PREVIEW_MAX_HEIGHT - height) / height_pt)
            if scale <= 0 or (index and height + height_pt * scale > PREVIEW_MAX_HEIGHT):
                break
            picture = _rgb(page.render(scale=scale).to_pil())
            page.close()
            height += picture.height + PAGE_GAP
            yield picture
    finally:
        document.close()


def _stacked(pages: list[Image.Image]) -> Image.Image:
    width = max(page.width for page in pages)
    height = sum(page.height for page in pages) + PAGE_GAP * (len(pages) - 1)
    sheet = Image.new("RGB", (width, height), (222, 226, 230))
    top = 0
    for page in pages:
        sheet.paste(page, ((width - page.width) // 2, top))
        top += page.height + PAGE_GAP
    return sheet


def _rgb(picture: Image.Image) -> Image.Image:
    if picture.mode in ("RGBA", "LA", "P", "PA"):
        picture = picture.convert("RGBA")
        background = Image.new("RGB", picture.size, "white")
        background.paste(picture, mask=picture.getchannel("A"))
        return background
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def _thumbnail(picture: Image.Image) -> Image.Image:
    small = picture.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    return small


def _jpeg(picture: Image.Image) -> bytes:
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=82)
    return output.getvalue()


def main(argv: list[str]) -> int:
    family, source, thumbnail_path, preview_path, memory_bytes, cpu_seconds, max_pixels = argv
    limit_resources(memory_bytes=int(memory_bytes), cpu_seconds=int(cpu_seconds))
    try:
        thumbnail, preview = render(family, source, max_pixels=int(max_pixels))
        with open(thumbnail_path, "wb") as target:
            target.write(thumbnail)
        with open(preview_path, "wb") as target:
            target.write(preview)
    except MemoryError:
        print(f"MemoryError: the file needs more than the {int(memory_bytes) >> 20} MB allowed", file=sys.stderr)
        return 3
    except Exception as error:  # told to the worker, which records it on the job
        print(f"{type(error).__name__}: {error}"[:1000], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
