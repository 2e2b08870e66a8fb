"""What an uploaded Office (OOXML) or OFD document may carry, checked part by part.

The zip directory was judged before (uploads._check_zip_document: entry count, sizes, names); here
every member is read to its end (zipfile checks each one's CRC and that its local header names the
same file as the directory), and every XML part is parsed with defusedxml. Refused, each with its
own message: symlink or duplicate members, DTDs and entity declarations (no Office program writes
one; they are how entity expansion and external entities get in), external relationships other
than hyperlinks (remote templates, linked OLE objects and pictures on network paths), fields and
formulas that fetch data or start programs (DDE, LINK, INCLUDETEXT, INCLUDEPICTURE), macros,
ActiveX controls, and embedded objects that package a file or carry macros.

A refusal rather than a clean copy: rewriting an Office document part by part can leave references
dangling, and the fix is one "Save as" away for the person who has the document.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from certportal.lib.uploads import UploadRefused

READ_CHUNK = 1024 * 1024
XML_EXTENSIONS = {"xml", "rels"}
# Relationships that may point outside the document: a link the reader chooses to follow.
EXTERNAL_ALLOWED = ("/hyperlink",)
REMOTE_TARGET = re.compile(r"^(\\\\|//|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)
# Word fields that fetch content from elsewhere or run another program.
ACTIVE_FIELDS = {"DDE", "DDEAUTO", "LINK", "INCLUDETEXT", "INCLUDEPICTURE", "IMPORT", "INCLUDE"}
QUOTED = re.compile(r'"[^"]*"')
DDE_ELEMENTS = {"ddeLink", "oleLink"}
MACRO_PART = re.compile(r"(^|/)vba(project|projectsignature|data)[^/]*\.(bin|xml)$", re.IGNORECASE)
MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata")
ACTIVEX_TYPES = ("activex",)
# Names inside an OLE compound file (UTF-16): a packaged file of any kind, or a VBA project.
OLE_MARKERS = tuple(marker.encode("utf-16-le") for marker in ("Ole10Native", "_VBA_PROJECT"))
EMBEDDED_REFUSED = {
    "exe", "dll", "scr", "com", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "hta", "ps1", "jar", "msi",
    "lnk", "docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "ppam",
}  # fmt: skip
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class _Refusal(Exception):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(kind)


def check_parts(
    archive: zipfile.ZipFile,
    *,
    name: str,
    broken: UploadRefused,
    suspicious: UploadRefused,
) -> None:
    """Read and inspect every member of an Office or OFD zip; raise UploadRefused for the first
    problem. Damaged members (bad CRC, names that differ) raise zipfile.BadZipFile."""
    infos = archive.infolist()
    if _has_symlink_or_duplicate(infos):
        raise suspicious
    try:
        for info in infos:
            if not info.is_dir():
                _check_part(archive, info)
    except _Refusal as refusal:
        raise _refusal_message(refusal.kind, name) from refusal
    except (ParseError, UnicodeError) as error:
        raise broken from error
    except DefusedXmlException as error:
        raise _refusal_message("declarations", name) from error


def _has_symlink_or_duplicate(infos: list[zipfile.ZipInfo]) -> bool:
    # Part names are compared without case, as Office (OPC) and Windows compare them.
    names = [info.filename.rstrip("/").casefold() for info in infos]
    if len(set(names)) != len(names):
        return True
    return any(stat.S_ISLNK(info.external_attr >> 16) for info in infos)


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    path = PurePosixPath(info.filename)
    extension = path.suffix.lower().lstrip(".")
    if MACRO_PART.search(info.filename):
        raise _Refusal("macros")
    if info.filename.lower().startswith(("word/activex/", "xl/activex/", "ppt/activex/")):
        raise _Refusal("objects")
    if "embeddings/" in info.filename.lower() and extension in EMBEDDED_REFUSED:
        raise _Refusal("objects")
    with archive.open(info) as part:
        if extension in XML_EXTENSIONS:
            _check_xml(part, path)
        else:
            _check_binary(part, scan_declarations=extension == "vml")


def _check_binary(part: IO[bytes], *, scan_declarations: bool) -> None:
    """Read to the end (the CRC is checked there), looking for OLE packages and VBA projects, and
    in VML drawings (XML-like, but not always well-formed) for declarations."""
    carry = b""
    while chunk := part.read(READ_CHUNK):
        window = carry + chunk
        if any(marker in window for marker in OLE_MARKERS):
            raise _Refusal("objects")
        if scan_declarations and DECLARATION.search(window):
            raise _Refusal("declarations")
        carry = window[-32:]


def _check_xml(part: IO[bytes], path: PurePosixPath) -> None:
    fields = _FieldCodes()
    for element in _elements(part):
        local = _local(element.tag)
        if local == "Relationship":
            _check_relationship(element)
        elif local == "Override" or local == "Default":
            content_type = (element.get("ContentType") or "").lower()
            if any(word in content_type for word in MACRO_TYPES):
                raise _Refusal("macros")
            if any(word in content_type for word in ACTIVEX_TYPES):
                raise _Refusal("objects")
        elif local in DDE_ELEMENTS:
            raise _Refusal("fields")
        elif local == "f" and "|" in QUOTED.sub("", element.text or ""):
            raise _Refusal("fields")  # a DDE formula: =cmd|' /c calc'!A1
        else:
            fields.feed(local, element)


def _elements(part: IO[bytes]) -> Iterator[Element]:
    """Each element once complete, in document order; finished ones are dropped from the tree,
    so a sheet of a million rows is parsed in little memory. DTDs, entities and external
    references raise defusedxml's errors."""
    stack: list[Element] = []
    for event, element in iterparse(part, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        yield element
        if stack:
            del stack[-1][-1]  # the element just ended is its parent's last child


def _check_relationship(element: Element) -> None:
    kind = element.get("Type") or ""
    target = (element.get("Target") or "").strip()
    external = (element.get("TargetMode") or "").lower() == "external" or bool(REMOTE_TARGET.match(target))
    if external and not kind.endswith(EXTERNAL_ALLOWED):
        raise _Refusal("external")


class _FieldCodes:
    """Word's field instructions, assembled across the runs they are split into (an instruction
    may be typed as "DD" in one run and "EAUTO" in the next); nested fields each have their own."""

    def __init__(self) -> None:
        self.open: list[list[str]] = []

    def feed(self, local: str, element: Element) -> None:
        if local == "fldSimple":
            _check_instruction(_attribute(element, "instr"))
        elif local == "fldChar":
            kind = _attribute(element, "fldCharType")
            if kind == "begin":
                self.open.append([])
            elif kind in ("separate", "end") and self.open:
                _check_instruction("".join(self.open.pop()))
                if kind == "separate":
                    self.open.append([])  # the result part: no more instruction text expected
        elif local == "instrText":
            if self.open:
                self.open[-1].append(element.text or "")
            else:
                _check_instruction(element.text or "")


def _check_instruction(instruction: str) -> None:
    words = instruction.split()
    if words and words[0].upper() in ACTIVE_FIELDS:
        raise _Refusal("fields")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: Element, local: str) -> str:
    return next((value for key, value in element.attrib.items() if _local(key) == local), "")


def _refusal_message(kind: str, name: str) -> UploadRefused:
    messages = {
        "macros": _("“%(name)s” contains macros. Please save it as a normal document without macros, or as PDF."),
        "objects": _(
            "“%(name)s” contains embedded programs or objects (ActiveX controls, packaged files, macros inside "
            "an embedded document). Please remove them, or save the document as PDF."
        ),
        "external": _(
            "“%(name)s” refers to content outside the document (a template, linked object or picture elsewhere, "
            "or a link to another file). Please embed the content or break the links, save it again and upload it."
        ),
        "fields": _(
            "“%(name)s” contains fields or formulas that fetch data from other programs or files by themselves "
            "(DDE, LINK, INCLUDETEXT). Please remove them or convert them to text, or save the document as PDF."
        ),
        "declarations": _(
            "“%(name)s” contains XML declarations (DOCTYPE or ENTITY) that no Office program writes. "
            "Please open it in Office, save it again, and upload it, or save it as PDF."
        ),
    }
    return UploadRefused(messages[kind] % {"name": name})
