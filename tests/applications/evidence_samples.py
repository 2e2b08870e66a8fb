"""Sample files for evidence tests, made in code: good documents of every accepted kind, and a
corpus of hostile ones. Nothing binary is committed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.{main}"/>'
    "</Types>"
)
OOXML = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 30), colour: str = "red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format=image_format)
    return output.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    output = io.BytesIO()
    frames = [Image.new("RGB", (200, 280), colour) for colour in ["white", "yellow", "blue"][:pages]]
    frames[0].save(output, format="PDF", save_all=True, append_images=frames[1:])
    return output.getvalue()


def ooxml_bytes(extension: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    part, main = OOXML[extension]
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, main=main))
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(part, '<?xml version="1.0"?><document>售后服务</document>')
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return output.getvalue()


def ofd_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        archive.writestr("Doc_0/Document.xml", '<?xml version="1.0"?><ofd:Document/>')
    return output.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Good files of every kind ------------------------------------------------------------------------

GOOD = {
    "销售合同-空气净化器.pdf": lambda: pdf_bytes(2),
    "验收单照片.jpg": lambda: image_bytes("JPEG"),
    "验收单照片.jpeg": lambda: image_bytes("JPEG", colour="green"),
    "发货单.png": lambda: image_bytes("PNG"),
    "截图.webp": lambda: image_bytes("WEBP"),
    "服务管理手册.docx": lambda: ooxml_bytes("docx"),
    "合格供方名录.xlsx": lambda: ooxml_bytes("xlsx"),
    "培训课件.pptx": lambda: ooxml_bytes("pptx"),
}


# --- Hostile files: each must be refused, leaving nothing behind -------------------------------------


def png_header_then_html() -> bytes:
    """Starts like a PNG (magic bytes pass), then is an HTML page with a script."""
    return b"\x89PNG\r\n\x1a\n" + b"<html><body><script>alert(document.cookie)</script></body></html>" * 20


def decompression_bomb_png(pixels_side: int = 12_000) -> bytes:
    """A tiny PNG that claims 144 million pixels: a few kilobytes that would take ~430 MB to decode."""
    width = height = pixels_side
    raw_row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(raw_row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@cache
def zip_bomb_docx() -> bytes:
    """Looks like a Word document, but one entry unpacks a thousandfold (64 KB → 64 MB of zeros);
    nested or larger bombs are refused by the same directory checks."""
    output = io.BytesIO()
    part, main = OOXML["docx"]
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, main=main))
        archive.writestr(part, "<document/>")
        info = zipfile.ZipInfo("word/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as entry:
            block = b"\x00" * (16 * 1024 * 1024)
            for _ in range(4):
                entry.write(block)
    return output.getvalue()


@cache
def many_entries_docx(count: int = 20_000) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part="word/document.xml", main="x"))
        for number in range(count):
            archive.writestr(f"word/{number}.xml", b"")
    return output.getvalue()


def traversal_docx() -> bytes:
    part, main = OOXML["docx"]
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, main=main))
        archive.writestr(part, "<document/>")
        archive.writestr("../../../../tmp/evil.sh", "rm -rf /")
    return output.getvalue()


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf at all\n" + b"\x00" * 200


def truncated_jpeg() -> bytes:
    return image_bytes("JPEG", size=(400, 300))[:300]


def elf_binary() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 400


# name -> (content factory, words the refusal must contain)
# case: (file name, content, words of the refusal)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "wrong-extension": ("合同.exe", lambda: pdf_bytes(), "不接受"),
    "pdf-named-jpg": ("照片.jpg", lambda: pdf_bytes(), "内容与文件名不符"),
    "png-named-pdf": ("合同.pdf", lambda: image_bytes("PNG"), "内容与文件名不符"),
    "executable-named-pdf": ("合同.pdf", elf_binary, "内容与文件名不符"),
    "docx-named-xlsx": ("表格.xlsx", lambda: ooxml_bytes("docx"), "内容与文件名不符"),
    "html-behind-png-header": ("截图.png", png_header_then_html, "无法识别为图片"),
    "truncated-jpeg": ("照片.jpg", truncated_jpeg, "无法识别为图片"),
    "decompression-bomb": ("巨图.png", decompression_bomb_png, "像素过多"),
    "zip-bomb-docx": ("手册.docx", zip_bomb_docx, "内部结构"),
    "too-many-entries-docx": ("手册.docx", many_entries_docx, "内部结构"),
    "traversal-inside-docx": ("手册.docx", traversal_docx, "内部结构"),
    "macro-docx": ("手册.docx", lambda: ooxml_bytes("docx", extra={"word/vbaProject.bin": b"macro"}), "宏"),
    "pdf-that-does-not-parse": ("合同.pdf", broken_pdf, "无法作为 PDF 打开"),
    "empty": ("空文件.pdf", lambda: b"", "是空的"),
    "path-traversal-name": ("..\\..\\..\\Windows\\合同.pdf", lambda: pdf_bytes(), "文件夹"),
    "very-long-name": ("很长的文件名" * 40 + ".pdf", lambda: pdf_bytes(), "文件名太长"),
    "control-characters-in-name": ("合同\u0007.pdf", lambda: pdf_bytes(), "控制字符"),
}


def multipart(fields: dict[str, list[str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body with file names sent exactly as given (the test client would
    strip directories from them; a hostile client does not)."""
    boundary = "----certportal-test-boundary"
    parts: list[bytes] = []
    for name, values in fields.items():
        for value in values:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, filename, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
