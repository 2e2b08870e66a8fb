"""What an uploaded PDF may carry, checked over the whole document with pikepdf (qpdf).

Every object is visited, not just the first page. Two kinds of problem, two answers:

- A document that would unpack to far more than any real one (a decompression bomb) is refused:
  every stream is decoded under a cap, counting bytes instead of keeping them, so that a 1 MB file
  claiming gigabytes is stopped after the limit, never inflated into memory.
- Active content is removed into a clean copy, which is what the portal keeps: JavaScript, actions
  that run by themselves (open actions, additional actions on pages, annotations and fields,
  launch/submit/import actions), embedded files and file attachments, multimedia and XFA forms.
  Bytes outside the document (appended after its end, or slipped between its revisions) go too:
  qpdf writes only what the document's own structure reaches. A PDF with none of this is kept
  byte for byte, so the digital signatures of clean documents stay valid.
"""

from __future__ import annotations

import re
import tempfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, cast

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _

from certportal.lib.uploads import UploadRefused

# No stream, and no image on a page, may decode to more than this, nor all streams together to
# more than the total: a 600 dpi A3 colour scan page is about 210 MB, an Office document's limit is
# the same 1 GiB (uploads.ZIP_MAX_UNCOMPRESSED).
PDF_MAX_STREAM_BYTES = 256 * 1024 * 1024
PDF_MAX_DECODED_BYTES = 1024 * 1024 * 1024
INFLATE_CHUNK = 1024 * 1024
TAIL_BYTES = 1024
SCAN_CHUNK = 1024 * 1024
MAX_NESTING = 64
# Filters that decode to bytes; the image codecs after them are bounded by the image's size.
GENERAL_FILTERS = {
    "/FlateDecode": "/FlateDecode",
    "/Fl": "/FlateDecode",
    "/LZWDecode": "/LZWDecode",
    "/LZW": "/LZWDecode",
    "/RunLengthDecode": "/RunLengthDecode",
    "/RL": "/RunLengthDecode",
    "/ASCII85Decode": "/ASCII85Decode",
    "/A85": "/ASCII85Decode",
    "/ASCIIHexDecode": "/ASCIIHexDecode",
    "/AHx": "/ASCIIHexDecode",
}
COLOUR_COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/Indexed": 1, "/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3}
# Actions that only move within the document or open a link the reader clicked.
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named"}
SAFE_URI = re.compile(rb"^(https?://|mailto:)", re.IGNORECASE)
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
CATALOG_ACTIVE = ("/AA", "/Collection", "/NeedsRendering")
NAMES_ACTIVE = ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations")
# What may follow a revision's %%EOF: the next revision's first object or cross-reference table.
NEXT_REVISION = re.compile(rb"^[\s\x00]*(\d+\s+\d+\s+obj\b|xref\b)")
BLANK = b" \t\r\n\x00\x0c"


class _TooLarge(Exception):
    pass


def clean_pdf(stream: IO[bytes], name: str) -> IO[bytes] | None:
    """Inspect the whole PDF; None when it is clean as uploaded, else its clean copy (the caller
    closes it). Raises UploadRefused for a decompression bomb or what qpdf cannot read."""
    try:
        # Read before qpdf opens the file: it reads the same stream lazily while open.
        outside = _bytes_outside_the_document(stream)
        stream.seek(0)
        with pikepdf.open(cast(BinaryIO, stream)) as pdf:
            for page in pdf.pages:
                page.mediabox  # noqa: B018 - every page must resolve, not only the first
            _check_decoded_size(pdf)
            removed = _remove_active_content(pdf)
            if not removed and not outside:
                return None
            return _clean_copy(pdf)
    except _TooLarge as error:
        raise UploadRefused(
            _("“%(name)s” was refused: its content would unpack to far more than that of any real document "
              "(a decompression bomb). Please export or scan it again.") % {"name": name}
        ) from error  # fmt: skip
    except pikepdf.PasswordError as error:
        raise UploadRefused(
            _("“%(name)s” is protected by a password. Please upload it without the password.") % {"name": name}
        ) from error
    except Exception as error:  # qpdf and pikepdf raise many kinds of errors on damaged files
        raise UploadRefused(
            _("“%(name)s” could not be opened as a PDF (it is damaged or not a PDF). "
              "Please export or scan it again.") % {"name": name}
        ) from error  # fmt: skip
    finally:
        stream.seek(0)


def _clean_copy(pdf: pikepdf.Pdf) -> IO[bytes]:
    # Closed by the caller (CheckedUpload.close) once stored.
    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        pdf.save(cast(BinaryIO, output), encryption=False, preserve_pdfa=False)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


# --- Decompression bombs ---------------------------------------------------------------------------


def _check_decoded_size(pdf: pikepdf.Pdf) -> None:
    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        budget = min(PDF_MAX_STREAM_BYTES, PDF_MAX_DECODED_BYTES - total)
        if obj.get("/Subtype") == pikepdf.Name.Image and _raster_bytes(obj) > PDF_MAX_STREAM_BYTES:
            raise _TooLarge
        total += _stream_decoded_size(obj, budget)
        if total > PDF_MAX_DECODED_BYTES:
            raise _TooLarge


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(value)] if isinstance(value, pikepdf.Name) else [str(item) for item in value]


def _stream_decoded_size(stream: pikepdf.Stream, budget: int) -> int:
    """Bytes the stream decodes to through its byte filters, counted under `budget`."""
    filters = [GENERAL_FILTERS.get(name) for name in _filters(stream)]
    if not filters:
        return int(stream.get("/Length", 0))  # stored as is: no bigger than the file
    general = []
    for name in filters:
        if name is None:  # an image codec or an unknown filter: decoded by the renderer, bounded above
            break
        general.append(name)
    data = stream.read_raw_bytes()
    if not general:
        return len(data)
    for name in general[:-1]:
        data = _decode(name, data, budget)
    if general[-1] == "/FlateDecode":
        return sum(len(chunk) for chunk in _inflate(data, budget))
    return len(_decode(general[-1], data, budget))


def _inflate(data: bytes, budget: int) -> Iterator[bytes]:
    """Inflate in chunks of at most 1 MB; _TooLarge past the budget. A damaged stream ends where
    its damage begins, as PDF readers treat it."""
    inflater = zlib.decompressobj()
    produced = 0
    pending = data
    while pending:
        try:
            chunk = inflater.decompress(pending, INFLATE_CHUNK)
        except zlib.error:
            return
        produced += len(chunk)
        if produced > budget:
            raise _TooLarge
        yield chunk
        pending = inflater.unconsumed_tail
        if inflater.eof or not chunk:
            return


def _decode(name: str, data: bytes, budget: int) -> bytes:
    """An intermediate filter's output, held in memory: at most `budget` bytes."""
    if name == "/FlateDecode":
        return b"".join(_inflate(data, budget))
    from pypdf import apply_configuration, filters
    from pypdf.errors import LimitReachedError

    decoders: dict[str, Any] = {
        "/LZWDecode": filters.LZWDecode,
        "/RunLengthDecode": filters.RunLengthDecode,
        "/ASCII85Decode": filters.ASCII85Decode,
        "/ASCIIHexDecode": filters.ASCIIHexDecode,
    }
    try:
        with apply_configuration(lzw_maximum_output_length=budget, run_length_maximum_output_length=budget):
            decoded: bytes = decoders[name].decode(data)
    except LimitReachedError as error:
        raise _TooLarge from error
    if len(decoded) > budget:
        raise _TooLarge
    return decoded


def _raster_bytes(image: pikepdf.Stream) -> int:
    """What a renderer allocates for the image, from the size it declares."""
    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        bits = 1 if image.get("/ImageMask", False) else int(image.get("/BitsPerComponent", 8))
    except (TypeError, ValueError):
        return 0
    return max(width, 0) * max(height, 0) * max(bits, 1) * _components(image.get("/ColorSpace")) // 8


def _components(colour_space: Any) -> int:
    if isinstance(colour_space, pikepdf.Name):
        return 4 if str(colour_space) == "/DeviceCMYK" else COLOUR_COMPONENTS.get(str(colour_space), 4)
    if isinstance(colour_space, pikepdf.Array) and len(colour_space) > 0:
        family = str(colour_space[0])
        if family == "/ICCBased" and len(colour_space) > 1:
            try:
                return int(colour_space[1].get("/N", 4))
            except (TypeError, ValueError, AttributeError):
                return 4
        return COLOUR_COMPONENTS.get(family, 4)
    return 4  # not declared (JPX): the most a renderer might need


# --- Active content --------------------------------------------------------------------------------


def _remove_active_content(pdf: pikepdf.Pdf) -> set[str]:
    """Strip what runs by itself or carries other files; the kinds found, empty when none."""
    removed: set[str] = set()
    root = pdf.Root
    for key in CATALOG_ACTIVE:
        if key in root:
            del root[key]
            removed.add(key)
    if "/OpenAction" in root and _unsafe_action(root["/OpenAction"], {"/GoTo"}):
        del root["/OpenAction"]
        removed.add("/OpenAction")
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in NAMES_ACTIVE:
            if key in names:
                del names[key]
                removed.add(key)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        removed.add("/XFA")
    for page in pdf.pages:
        removed |= _remove_active_annotations(page.obj)
    for obj in pdf.objects:
        _clean_object(obj, removed, depth=0)
    return removed


def _remove_active_annotations(page: pikepdf.Dictionary) -> set[str]:
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return set()
    kept = [item for item in annotations if not _is_active_annotation(item)]
    if len(kept) == len(annotations):
        return set()
    page["/Annots"] = pikepdf.Array(kept)
    return {"/Annots"}


def _is_active_annotation(annotation: Any) -> bool:
    return isinstance(annotation, pikepdf.Dictionary) and str(annotation.get("/Subtype", "")) in ACTIVE_ANNOTATIONS


def _clean_object(obj: Any, removed: set[str], *, depth: int) -> None:
    """Actions and embedded files, wherever they sit: in any dictionary, direct or indirect."""
    if depth > MAX_NESTING:
        return
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        _clean_dictionary(obj, removed)
        children = list(obj.values())
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        # Indirect objects are visited on their own, from pdf.objects.
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            _clean_object(child, removed, depth=depth + 1)


def _clean_dictionary(obj: pikepdf.Dictionary | pikepdf.Stream, removed: set[str]) -> None:
    for key in ("/AA", "/JS", "/EF", "/AF", "/RichMediaContent"):
        if key in obj:
            del obj[key]
            removed.add(key)
    for key in ("/A", "/Next"):
        if key in obj and _unsafe_action(obj[key], SAFE_ACTIONS):
            del obj[key]
            removed.add(key)


def _unsafe_action(value: Any, safe: set[str]) -> bool:
    if isinstance(value, pikepdf.Array):
        return any(_unsafe_action(item, safe) for item in value if isinstance(item, pikepdf.Dictionary))
    if not isinstance(value, pikepdf.Dictionary) or "/S" not in value:
        return False  # a destination (or a page in one), not an action
    kind = str(value.get("/S", ""))
    if kind not in safe:
        return True
    if kind == "/URI":
        return not SAFE_URI.match(bytes(value.get("/URI", b"")))
    return "/Next" in value and _unsafe_action(value["/Next"], safe)


# --- Bytes outside the document ----------------------------------------------------------------------


def _bytes_outside_the_document(stream: IO[bytes]) -> bool:
    """Anything after the last %%EOF but blanks, or between two revisions anything but the next
    revision (a polyglot hides a zip or a web page there)."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(max(0, size - TAIL_BYTES))
    tail = stream.read()
    end = tail.rfind(b"%%EOF")
    if end < 0 or tail[end + 5 :].strip(BLANK):
        return True
    last = size - len(tail) + end
    return any(not NEXT_REVISION.match(after) for position, after in _after_each_eof(stream) if position < last)


def _after_each_eof(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(offset, the 64 bytes after it) for every %%EOF marker in the file, read in 1 MB chunks
    (the last 4 bytes of each carried into the next, for a marker across the boundary)."""
    markers = []
    stream.seek(0)
    offset, carry = 0, b""
    while chunk := stream.read(SCAN_CHUNK):
        window = carry + chunk
        position = window.find(b"%%EOF")
        while position >= 0:
            markers.append(offset - len(carry) + position)
            position = window.find(b"%%EOF", position + 1)
        carry = window[-4:]
        offset += len(chunk)
    for marker in markers:
        stream.seek(marker + 5)
        yield marker, stream.read(64)
