"""Active content in accepted documents: PDFs keep only a clean copy (no JavaScript, actions,
embedded files or bytes outside the document), decompression bombs are refused, and Office files
with external links, DDE fields, macros, embedded programs, XML declarations, or symlink and
duplicate members are refused in plain words. Whole documents are inspected, not the first page
or the zip directory only."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError

from applications import services
from applications.models import EvidenceFile
from certportal.lib.uploads import DEFAULT_FAMILIES, UploadRefused, check_upload
from tests.applications.evidence_samples import (
    HOSTILE_DOCUMENTS,
    OOXML,
    SANITISED_PDFS,
    docx_with,
    field,
    pdf_bytes,
    relationships,
    upload,
    word_document,
)

ACCEPTED = [*DEFAULT_FAMILIES, "ofd"]


def requirement_of(application, code: str):
    return application.evidence_requirements.select_related("item", "application").get(item__code=code)


@pytest.mark.parametrize("key", list(HOSTILE_DOCUMENTS))
def test_hostile_document_is_refused_in_plain_words(key: str) -> None:
    name, make, words = HOSTILE_DOCUMENTS[key]
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload(name, make()), families=ACCEPTED)
    assert name in refused.value.message
    assert words in refused.value.message, refused.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["remote-template", "dde-field-split-over-runs", "pdf-bomb", "external-entity"])
def test_hostile_document_leaves_nothing_behind(key: str, evidence_application, enterprise_user, private_media) -> None:
    name, make, words = HOSTILE_DOCUMENTS[key]
    with pytest.raises(ValidationError, match=words):
        services.evidence_upload(
            requirement=requirement_of(evidence_application, "4"), actor=enterprise_user, upload=upload(name, make())
        )
    assert not EvidenceFile.objects.exists()
    assert not [path for path in private_media.rglob("*") if path.is_file()]


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(SANITISED_PDFS))
def test_pdf_with_active_content_is_kept_only_as_a_clean_copy(
    key: str, evidence_application, enterprise_user, private_media: Path
) -> None:
    make, absent = SANITISED_PDFS[key]
    content = make()
    assert all(part in content for part in absent)  # the sample really carries it
    evidence = services.evidence_upload(
        requirement=requirement_of(evidence_application, "4"), actor=enterprise_user, upload=upload("手册.pdf", content)
    )
    stored = (private_media / evidence.file.name).read_bytes()
    assert stored != content
    for part in absent:
        assert part not in stored, part
    assert evidence.size == len(stored) and evidence.sha256 == hashlib.sha256(stored).hexdigest()
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == len(pikepdf.open(io.BytesIO(content)).pages)
        assert ("/OpenAction" not in pdf.Root and "/Names" not in pdf.Root) or not pdf.Root.Names.keys()
        assert not pdf.attachments
        for page in pdf.pages:
            assert "/AA" not in page.obj
            assert all(str(annotation.get("/Subtype")) == "/Link" for annotation in page.obj.get("/Annots", []))
            assert all("/A" not in annotation for annotation in page.obj.get("/Annots", []))
    assert stored.rstrip().endswith(b"%%EOF")


def test_a_clean_pdf_with_links_is_kept_byte_for_byte() -> None:
    with pikepdf.open(io.BytesIO(pdf_bytes(2))) as pdf:
        first = pdf.pages[0].obj
        pdf.Root.OpenAction = pikepdf.Array([first, pikepdf.Name.Fit])
        web = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.cnca.gov.cn/"))
        pdf.pages[1].obj.Annots = pikepdf.Array(
            [pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                  Rect=pikepdf.Array([0, 0, 10, 10]), A=web))]
        )  # fmt: skip
        output = io.BytesIO()
        pdf.save(output)
    checked = check_upload(upload("手册.pdf", output.getvalue()), families=["pdf"])
    assert checked.clean_copy is None  # stored as uploaded: a digital signature would stay valid


def test_a_clean_pdf_with_two_revisions_is_kept_byte_for_byte() -> None:
    content = pdf_bytes(2)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        revision = pdf.trailer.Root.objgen
    xref_at = content.rindex(b"startxref")
    previous = int(content[xref_at + len(b"startxref") :].split()[0])
    update = (
        b"\n%d 0 obj\n<< /Title (Revised) >>\nendobj\n" % 99
        + b"xref\n99 1\n%010d 00000 n \n" % (len(content) + 1)
        + b"trailer\n<< /Size 100 /Root %d 0 R /Info 99 0 R /Prev %d >>\n" % (revision[0], previous)
    )
    xref = len(content) + update.index(b"xref")
    updated = content + update + b"startxref\n%d\n%%%%EOF\n" % xref
    assert updated.count(b"%%EOF") == 2
    with pikepdf.open(io.BytesIO(updated)) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Revised"  # a real second revision
    checked = check_upload(upload("手册.pdf", updated), families=["pdf"])
    assert checked.clean_copy is None


def test_a_link_on_a_later_page_that_runs_javascript_is_removed() -> None:
    with pikepdf.open(io.BytesIO(pdf_bytes(3))) as pdf:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('x')"))
        web = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("javascript:alert(1)"))
        pdf.pages[2].obj.Annots = pikepdf.Array(
            [pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                  Rect=pikepdf.Array([0, 0, 10, 10]), A=action))
             for action in (script, web)]
        )  # fmt: skip
        output = io.BytesIO()
        pdf.save(output)
    checked = check_upload(upload("手册.pdf", output.getvalue()), families=["pdf"])
    assert checked.clean_copy is not None
    clean = checked.clean_copy.read()
    assert b"app.launchURL" not in clean and b"javascript:" not in clean


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            docx_with({"word/_rels/document.xml.rels": relationships(("hyperlink", "https://www.cnca.gov.cn/", True),
                                                                     ("image", "media/image1.png", False))}),
            id="hyperlink-and-embedded-picture",
        ),
        pytest.param(
            docx_with({OOXML["docx"][0]: word_document(field(" PAGE ") + field(" HYPERLINK \"https://a.cn\" ")
                                                       + field(" TOC \\o \"1-3\" "))}),
            id="ordinary-fields",
        ),
    ],
)  # fmt: skip
def test_ordinary_office_documents_are_accepted(content: bytes) -> None:
    checked = check_upload(upload("手册.docx", content), families=ACCEPTED)
    assert checked.family == "word" and checked.clean_copy is None
