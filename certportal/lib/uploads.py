"""Checking uploaded files before anything is stored, and making thumbnails of the ones we keep.

Every file that enters the portal (evidence, corrective-action files, check-in photos, scans of
signed forms, the company seal and signatures) passes the same gates, in order: a name we can live
with, a size within the limit, an extension on the allow-list, magic bytes that agree with the
extension (the `filetype` library), then a real parse of the whole content: Pillow decodes images
and re-encodes their pixels only (decompression bombs are refusals, not warnings); PDFs are opened
by pypdf, then every object is inspected by pikepdf (`pdf_safety`: streams decoded under a size
cap, active content removed into a clean copy); Office/OFD zips are judged from their directory
(entry count, sizes, names) before a single entry is unpacked, then every part is read and every
XML part parsed (`office_safety`: macros, external links, DDE fields, DTDs are refusals). Each
refusal is an `UploadRefused` whose message tells the user, in plain words, what is wrong with
which file. What is stored is the checked content (the re-encoded image, the clean PDF copy, or
the file itself) under a generated name whose extension comes from the detected type, never from
the uploaded name (`upload_store`).

Uploads arrive as temporary files on disk (`StreamingUploadHandler`): a 200 MB scan never sits in
the web process's memory.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from certportal.lib import images
from certportal.lib.files import generated_name, sha256_of
from certportal.lib.text import join_list

MAX_NAME_LENGTH = 180
MAGIC_BYTES = 8192
# Office documents and OFD files are zips. Real ones have hundreds of entries and expand a few
# times; a zip bomb has thousands of entries or expands a thousandfold.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_DIRECTORY_BYTES = 16 * 1024 * 1024
ZIP_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_CHECKED_ABOVE = 16 * 1024 * 1024
ZIP_MAX_CONTENT_TYPES_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Family:
    """A kind of document an evidence item may accept."""

    key: str
    label: Any
    extensions: tuple[str, ...]
    # What `filetype` may report for these extensions (OOXML often looks like a plain zip).
    detected: tuple[str, ...]


FAMILIES: dict[str, Family] = {
    family.key: family
    for family in (
        Family("pdf", gettext_lazy("PDF"), ("pdf",), ("pdf",)),
        Family(
            "image", gettext_lazy("image (JPEG, PNG, WebP)"), ("jpg", "jpeg", "png", "webp"), ("jpg", "png", "webp")
        ),
        Family("word", gettext_lazy("Word (.docx)"), ("docx",), ("docx", "zip")),
        Family("excel", gettext_lazy("Excel (.xlsx)"), ("xlsx",), ("xlsx", "zip")),
        Family("powerpoint", gettext_lazy("PowerPoint (.pptx)"), ("pptx",), ("pptx", "zip")),
        Family("ofd", gettext_lazy("OFD"), ("ofd",), ("zip",)),
    )
}
FAMILY_CHOICES = [(family.key, family.label) for family in FAMILIES.values()]
DEFAULT_FAMILIES = ["pdf", "image", "word", "excel", "powerpoint"]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ofd": "application/ofd",
}
# Pillow's names for the formats each image extension may really be (the first is how we save it);
# MPO is the multi-picture JPEG some phone cameras write.
IMAGE_FORMATS = {"jpg": ("JPEG", "MPO"), "jpeg": ("JPEG", "MPO"), "png": ("PNG",), "webp": ("WEBP",)}
# The extension a stored file gets, from the format it was found (and re-encoded) to be.
STORED_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp"}
ORIENTATION = 0x0112
# The main part each Office document declares in [Content_Types].xml.
OOXML_MAIN_PARTS = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
    "pptx": b"presentationml.presentation.main+xml",
}


class UploadRefused(Exception):
    """A file we will not keep; the message says why, for the person who chose it."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class CheckedUpload:
    """An upload that passed every gate. `clean_copy` is what must be stored instead of the upload
    when there is one: an image's re-encoded pixels, or a PDF rewritten without its active content.
    `extension` is the detected type's, whatever the uploaded name ends in."""

    name: str
    extension: str
    family: str
    content_type: str
    clean_copy: IO[bytes] | None = None

    def close(self) -> None:
        if self.clean_copy is not None:
            self.clean_copy.close()


@dataclass(frozen=True)
class StoredUpload:
    """A checked upload, stored: where, and what the record of it keeps."""

    name: str
    original_name: str
    size: int
    sha256: str
    family: str
    content_type: str


def max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024


def families_label(keys: Iterable[str]) -> str:
    return join_list(FAMILIES[key].label for key in keys if key in FAMILIES)


def accept_attribute(keys: Iterable[str]) -> str:
    """The file picker's `accept` list for these families."""
    return ",".join(f".{extension}" for key in keys if key in FAMILIES for extension in FAMILIES[key].extensions)


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def check_name(name: str) -> None:
    """Names are kept for display and downloads only (storage names are generated), but a name with
    directory parts, control characters or absurd length is a sign of a tool gone wrong or of
    mischief: refuse it and say how to fix it."""
    if not name or not name.strip():
        raise UploadRefused(_("The file has no name."))
    if "/" in name or "\\" in name or name.strip(" .") == "" or ".." in PurePath(name).parts:
        raise UploadRefused(_("“%(name)s”: the file name must not contain folder names or slashes.") % {"name": name})
    if any(not character.isprintable() for character in name):
        raise UploadRefused(_("“%(name)s”: the file name contains invisible control characters.") % {"name": name})
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused(
            _("The file name is too long (%(length)s characters; at most %(limit)s). Please rename the file.")
            % {"length": len(name), "limit": MAX_NAME_LENGTH}
        )


def check_upload(upload: UploadedFile, *, families: Iterable[str], max_bytes: int | None = None) -> CheckedUpload:
    """Run every gate on one uploaded file; raise UploadRefused at the first that fails."""
    name = upload.name or ""
    check_name(name)
    size = upload.size or 0
    limit = min(max_bytes or max_upload_bytes(), max_upload_bytes())
    if getattr(upload, "too_large", False) or size > limit:
        raise UploadRefused(
            _("“%(name)s” is too large (%(size)s); files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise UploadRefused(_("“%(name)s” is empty (0 bytes). Please choose the right file.") % {"name": name})
    allowed = [key for key in families if key in FAMILIES]
    extension = extension_of(name)
    family = next((FAMILIES[key] for key in allowed if extension in FAMILIES[key].extensions), None)
    if family is None and not extension:
        raise UploadRefused(
            _("“%(name)s” has no file type at the end of its name; this item accepts %(types)s.")
            % {"name": name, "types": families_label(allowed)}
        )
    if family is None:
        raise UploadRefused(
            _("“%(name)s”: this item accepts %(types)s; files ending in “.%(extension)s” are not accepted.")
            % {"name": name, "types": families_label(allowed), "extension": extension or "?"}
        )
    stored_extension = STORED_EXTENSIONS.get(extension, extension)
    with _opened(upload) as stream:
        _check_magic(stream, name, extension, family)
        checked = CheckedUpload(
            name=name, extension=stored_extension, family=family.key, content_type=CONTENT_TYPES[stored_extension]
        )
        if family.key == "image":
            checked.clean_copy = _reencode_image(stream, name, extension)
        elif family.key == "pdf":
            _check_pdf(stream, name)
            checked.clean_copy = _clean_pdf(stream, name)
        else:
            _check_zip_document(stream, name, extension)
    return checked


def upload_store(
    upload: UploadedFile, *, families: Iterable[str], folder: str, max_bytes: int | None = None
) -> StoredUpload:
    """Check one upload and store what passed: the clean copy when the check made one, else the
    file itself, under `<folder>/<uuid>.<detected extension>`. Raises UploadRefused. The caller
    records it, and deletes the stored file if recording fails."""
    checked = check_upload(upload, families=families, max_bytes=max_bytes)
    try:
        content: File = File(checked.clean_copy) if checked.clean_copy is not None else upload
        sha256 = sha256_of(content)
        content.seek(0, os.SEEK_END)
        size = content.tell()
        content.seek(0)
        name = default_storage.save(generated_name(folder, f"upload.{checked.extension}"), content)
    finally:
        checked.close()
    return StoredUpload(
        name=name,
        original_name=checked.name,
        size=size,
        sha256=sha256,
        family=checked.family,
        content_type=checked.content_type,
    )


def image_upload_content(upload: UploadedFile, *, max_bytes: int) -> bytes:
    """The checked, re-encoded content of an uploaded picture that is made into a seal or signature.
    What is no picture at all is told so in the seal's own words first."""
    if (upload.size or 0) <= max_bytes:
        try:
            images.open_image(upload.read())
        except images.ImageProblem as problem:
            raise UploadRefused(str(problem)) from problem
    checked = check_upload(upload, families=["image"], max_bytes=max_bytes)
    try:
        return checked.clean_copy.read() if checked.clean_copy is not None else b""
    finally:
        checked.close()


class _opened:
    """The upload's content as a seekable binary stream, rewound before and after."""

    def __init__(self, upload: UploadedFile) -> None:
        self.upload = upload

    def __enter__(self) -> IO[bytes]:
        self.upload.open("rb")
        self.upload.seek(0)
        return self.upload.file  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        self.upload.seek(0)


def _not_what_it_claims(name: str, family: Family) -> UploadRefused:
    return UploadRefused(
        _("“%(name)s” is not really a %(type)s file: its content does not match its name. "
          "Please upload the original document.") % {"name": name, "type": family.label}
    )  # fmt: skip


def _check_magic(stream: IO[bytes], name: str, extension: str, family: Family) -> None:
    head = stream.read(MAGIC_BYTES)
    stream.seek(0)
    kind = filetype.guess(head)
    detected = kind.extension if kind else None
    if detected not in family.detected:
        raise _not_what_it_claims(name, family)
    if family.key == "image" and detected != ("jpg" if extension in ("jpg", "jpeg") else extension):
        raise _not_what_it_claims(name, family)
    if family.key in ("word", "excel", "powerpoint") and detected not in ("zip", extension):
        raise _not_what_it_claims(name, family)


def _reencode_image(stream: IO[bytes], name: str, extension: str) -> IO[bytes]:
    """Decode the whole image and encode it again: what we store is pixels Pillow understood, not
    whatever else rode along in the file. Oversized images (decompression bombs) are refused."""
    limit = settings.EVIDENCE_MAX_IMAGE_PIXELS
    refused = UploadRefused(
        _("“%(name)s” could not be read as an image (it may be damaged or not an image at all).") % {"name": name}
    )
    # Closed by the caller (CheckedUpload.close) once stored, or right here on refusal.
    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        with warnings.catch_warnings(), images.strict_decoding(max_pixels=limit):
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.format not in IMAGE_FORMATS[extension]:
                    raise refused
                image.load()
                # Phone photos are stored sideways with an orientation tag; store them upright.
                upright = ImageOps.exif_transpose(image) if image.getexif().get(ORIENTATION, 1) != 1 else image
                _save_image(_pixels_only(upright), output, IMAGE_FORMATS[extension][0])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        output.close()
        raise UploadRefused(
            _("“%(name)s” has too many pixels to be processed safely (at most %(limit)s million). "
              "Please scale it down or save it as PDF.") % {"name": name, "limit": limit // 1_000_000}
        ) from error  # fmt: skip
    except UploadRefused:
        output.close()
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error, EOFError) as error:
        output.close()
        raise refused from error
    output.seek(0)
    return output


def _pixels_only(picture: Image.Image) -> Image.Image:
    """The picture's pixels, upright and in sRGB, with nothing else: Pillow writes back what it read
    into `info` (JPEG comments, ICC profiles, PNG text), so all of it goes except transparency.
    EXIF (camera, GPS position), XMP and comments are never stored."""
    profile = picture.info.get("icc_profile")
    if profile:
        picture = _to_srgb(picture, profile)
    transparency = picture.info.get("transparency")
    picture.info = {} if transparency is None else {"transparency": transparency}
    return picture


def _to_srgb(picture: Image.Image, profile: bytes) -> Image.Image:
    """Colours as the embedded profile meant them, converted to sRGB, so the profile can go."""
    if picture.mode not in ("RGB", "RGBA", "CMYK"):
        return picture
    alpha = picture.getchannel("A") if picture.mode == "RGBA" else None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            picture.convert("RGB") if alpha is not None else picture,
            source,
            ImageCms.createProfile("sRGB"),
            outputMode="RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return picture  # a profile LittleCMS cannot read: the pixels as they are
    if converted is None:
        return picture
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _save_image(picture: Image.Image, output: IO[bytes], image_format: str) -> None:
    options: dict[str, Any] = {}
    if image_format == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        options.update(quality=92)
    elif image_format == "WEBP":
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        options.update(quality=92)
    picture.save(output, format=image_format, **options)


def _check_pdf(stream: IO[bytes], name: str) -> None:
    """The PDF must open, have pages, and not be locked with a password nobody gave us."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRefused(
                _("“%(name)s” is protected by a password. Please upload it without the password.") % {"name": name}
            )
        if len(reader.pages) == 0:
            raise UploadRefused(_("“%(name)s” is a PDF without any pages.") % {"name": name})
        reader.pages[0].mediabox  # noqa: B018 - parsing the first page object is the point
    except UploadRefused:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise UploadRefused(
            _("“%(name)s” could not be opened as a PDF (it is damaged or not a PDF). "
              "Please export or scan it again.") % {"name": name}
        ) from error  # fmt: skip


def _clean_pdf(stream: IO[bytes], name: str) -> IO[bytes] | None:
    from certportal.lib import pdf_safety  # imports this module's UploadRefused

    return pdf_safety.clean_pdf(stream, name)


def _zip_directory(stream: IO[bytes]) -> tuple[int, int]:
    """Entry count and directory size from the end-of-central-directory record, read before
    zipfile builds an object per entry (a zip of a million empty entries would fill memory)."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    tail_length = min(size, 65_536 + 22)
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    stream.seek(0)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < 22:
        raise zipfile.BadZipFile("no end of central directory")
    entries, directory_size = struct.unpack("<HI", tail[position + 10 : position + 16])
    return entries, directory_size


def _check_zip_document(stream: IO[bytes], name: str, extension: str) -> None:
    from certportal.lib import office_safety

    broken = UploadRefused(
        _("“%(name)s” could not be opened as a document (it is damaged or not what its name says).") % {"name": name}
    )
    suspicious = UploadRefused(
        _("“%(name)s” was refused: its inner structure is not that of a normal document "
          "(too many parts or far too large when unpacked).") % {"name": name}
    )  # fmt: skip
    try:
        entries, directory_size = _zip_directory(stream)
        # 0xFFFF / 0xFFFFFFFF mean ZIP64, which no real Office or OFD file needs.
        if entries >= 0xFFFF or entries > ZIP_MAX_ENTRIES or directory_size > ZIP_MAX_DIRECTORY_BYTES:
            raise suspicious
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            _check_zip_entries(infos, suspicious)
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise UploadRefused(
                    _("“%(name)s” is protected by a password. Please upload it without the password.") % {"name": name}
                )
            if extension == "ofd":
                if "OFD.xml" not in names:
                    raise broken
            else:
                _check_ooxml_main_part(archive, infos, name, extension, broken)
            office_safety.check_parts(archive, name=name, broken=broken, suspicious=suspicious)
    except UploadRefused:
        raise
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error, ValueError, NotImplementedError,
        RuntimeError,
    ) as error:  # fmt: skip
        raise broken from error
    finally:
        stream.seek(0)


def _check_ooxml_main_part(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, extension: str, broken: UploadRefused
) -> None:
    if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
        raise UploadRefused(
            _("“%(name)s” contains macros. Please save it as a normal document without macros, or as PDF.")
            % {"name": name}
        )
    content_types = next((info for info in infos if info.filename == "[Content_Types].xml"), None)
    if content_types is None or content_types.file_size > ZIP_MAX_CONTENT_TYPES_BYTES:
        raise broken
    with archive.open(content_types) as part:
        declared = part.read(ZIP_MAX_CONTENT_TYPES_BYTES)
    if OOXML_MAIN_PARTS[extension] not in declared:
        raise broken


def _check_zip_entries(infos: list[zipfile.ZipInfo], suspicious: UploadRefused) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise suspicious
    uncompressed = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if uncompressed > ZIP_MAX_UNCOMPRESSED:
        raise suspicious
    if uncompressed > ZIP_RATIO_CHECKED_ABOVE and uncompressed > ZIP_MAX_RATIO * max(compressed, 1):
        raise suspicious
    for info in infos:
        parts = PurePath(info.filename).parts
        if info.filename.startswith(("/", "\\")) or "\\" in info.filename or ".." in parts:
            raise suspicious


# --- Streaming uploads ---------------------------------------------------------------------------


class StreamingUploadHandler(TemporaryFileUploadHandler):
    """Every uploaded file goes straight to a temporary file on disk, never into memory.

    A file over the limit stops being written (the rest of it is read and dropped) and is marked
    `too_large`, so that the view can say which file was too big while the others go through.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = max_upload_bytes()
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            if not self.too_large:
                self.too_large = True
                self.file.truncate(0)
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> TemporaryUploadedFile:
        self.file.seek(0)
        self.file.size = self.received
        self.file.too_large = self.too_large  # type: ignore[attr-defined]
        return self.file
