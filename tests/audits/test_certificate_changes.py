"""Certificate changes (变更): the holder asks for a new name, address or scope; a certifier approves
(the certificate is reissued as version 2, version 1 kept), refuses with reasons, or asks for a remote
round. Pages, the PDF text, the public page, the upload check, races and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Application
from audits import services
from audits.models import Certificate, CertificateChange, CertificateEvent, CertificateVersion, CertificationDecision
from audits.services import certificate_changes as changes
from audits.tasks import certificate_render_pdf
from notifications.models import Kind, Notification
from tests.applications.evidence_samples import pdf_bytes, upload
from tests.conftest import client_for, put_in_status
from tests.factories import ProductFactory
from tests.helpers import pdf_text, squashed

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "浙江省杭州市滨江区江南大道 588 号"


@pytest.fixture
def certificate(application, certifier, private_media) -> Certificate:
    """Enterprise A's certificate, its version 1 PDF rendered."""
    put_in_status(application, Application.Status.CERTIFIED)
    decision = CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score=Decimal("925.50"),
        computed_star_level=4, star_level=4,
    )  # fmt: skip
    certificate = services.certificate_issue(application=application, decision=decision, actor=certifier)
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def new_product(application):
    return ProductFactory(enterprise=application.enterprise, name="商用洗碗机", model="XW-9")


def request_url(certificate: Certificate) -> str:
    return reverse("audits:certificate_change_request", args=[certificate.pk])


def ask(client, certificate: Certificate, **fields):
    data = {"holder_name": certificate.holder_name, "holder_address": certificate.holder_address, **fields}
    return client.post(request_url(certificate), data)


def decide(client, change: CertificateChange, decision: str, reason: str = ""):
    url = reverse("audits:certificate_change_decide", args=[change.pk])
    return client.post(url, {"decision": decision, "reason": reason})


def pdf_of(certificate: Certificate, private_media) -> str:
    assert certificate_render_pdf(certificate.pk) == "ready"
    certificate.refresh_from_db()
    return squashed(pdf_text((private_media / certificate.pdf_file.name).read_bytes()))


# --- The whole journey --------------------------------------------------------------------------------


def test_an_approved_change_of_address_reissues_the_certificate_as_version_2(
    certificate, enterprise_user, consultant, certifier, client, private_media
) -> None:
    old_address, old_pdf = certificate.holder_address, (private_media / certificate.pdf_file.name).read_bytes()
    holder = client_for(enterprise_user)
    response = ask(holder, certificate, holder_address=NEW_ADDRESS, explanation="搬迁到新厂区")
    change = CertificateChange.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "audits:certificate_change", args=[change.pk]
    )
    assert change.new_holder_address == NEW_ADDRESS and change.status == "open"
    assert Notification.objects.filter(recipient=certifier, kind=Kind.CERTIFICATE_CHANGE_REQUESTED).exists()

    response = decide(client_for(certifier), change, "approve", "营业执照已核对")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.version == 2 and certificate.holder_address == NEW_ADDRESS
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING, "a new PDF is queued"
    kept = CertificateVersion.objects.get(certificate=certificate)
    assert (kept.version, kept.holder_address, kept.scope, kept.star_level) == (1, old_address, certificate.scope, 4)
    assert kept.superseded_at is not None and kept.superseded_by == change
    assert (private_media / kept.pdf_file.name).read_bytes() == old_pdf
    told = set(Notification.objects.filter(kind=Kind.CERTIFICATE_CHANGE_DECIDED).values_list("recipient", flat=True))
    assert told == {enterprise_user.pk, consultant.pk}

    text = pdf_of(certificate, private_media)
    assert "第2版" in text and squashed(NEW_ADDRESS) in text and squashed(old_address) not in text
    assert (private_media / kept.pdf_file.name).read_bytes() == old_pdf, "the old version's PDF outlives the new one"

    page = client.get(reverse("verify_certificate", args=[certificate.number])).content.decode()
    assert "第 2 版" in page and NEW_ADDRESS in page and 'id="change-history"' in page
    assert "地址变更为" in page and "营业执照已核对" not in page, "the public page has no internal reasons"
    detail = holder.get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    assert 'data-version="1"' in detail and reverse("audits:certificate_version_pdf", args=[kept.pk]) in detail
    assert holder.get(reverse("audits:certificate_version_pdf", args=[kept.pk])).status_code == 200


def test_the_pdf_of_version_1_shows_no_version(certificate, private_media) -> None:
    text = squashed(pdf_text((private_media / certificate.pdf_file.name).read_bytes()))
    assert certificate.number in text and "版" not in text.split(certificate.number, 1)[1][:3]


def test_a_removed_product_is_no_longer_shown_as_certified(
    certificate, application, enterprise_user, certifier, client, private_media
) -> None:
    kept, removed = ProductFactory(enterprise=application.enterprise, name="空气净化器"), application.scope.get()
    Certificate.objects.filter(pk=certificate.pk).update(scope=[str(kept), str(removed)])
    certificate.refresh_from_db()
    ask(client_for(enterprise_user), certificate, remove=[str(removed)])
    decide(client_for(certifier), CertificateChange.objects.get(), "approve")
    certificate.refresh_from_db()
    assert certificate.scope == [str(kept)]
    for page in (
        client_for(enterprise_user).get(reverse("audits:certificate", args=[certificate.pk])),
        client.get(reverse("verify_certificate", args=[certificate.number])),
    ):
        body = page.content.decode()
        assert str(removed) not in body and str(kept) in body
    search = client.get(reverse("verify_search"), {"q": certificate.holder_name}).content.decode()
    assert certificate.number in search and str(removed) not in search
    text = pdf_of(certificate, private_media)
    assert squashed(str(removed)) not in text and squashed(str(kept)) in text


def test_a_name_change_and_an_added_product_with_its_file(
    certificate, enterprise_user, certifier, new_product, private_media
) -> None:
    holder = client_for(enterprise_user)
    response = holder.post(request_url(certificate), {
        "holder_name": "杭州新名称科技有限公司", "holder_address": certificate.holder_address,
        "add": [new_product.pk], f"files_{new_product.pk}": [upload("质检报告.pdf", pdf_bytes())],
    })  # fmt: skip
    assert response.status_code == 302
    change = CertificateChange.objects.get()
    assert change.products_added == [str(new_product)] and change.files.get().product == new_product
    stored = change.files.get()
    assert holder.get(reverse("audits:certificate_change_file", args=[stored.pk])).status_code == 200
    changes.certificate_change_decide(change=change, actor=certifier, decision="approve", reason="")
    certificate.refresh_from_db()
    assert certificate.holder_name == "杭州新名称科技有限公司" and str(new_product) in certificate.scope
    text = pdf_of(certificate, private_media)
    assert "杭州新名称科技有限公司" in text and squashed(str(new_product)) in text


# --- Validation and hostile input ---------------------------------------------------------------------


def test_a_request_that_changes_nothing_is_refused(certificate, enterprise_user) -> None:
    response = ask(client_for(enterprise_user), certificate)
    assert response.status_code == 200
    assert "没有任何变更" in response.content.decode()
    assert not CertificateChange.objects.exists()


def test_an_added_product_without_a_file_is_refused_next_to_its_field(
    certificate, enterprise_user, new_product
) -> None:
    response = ask(client_for(enterprise_user), certificate, add=[new_product.pk])
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"files_{new_product.pk}"] and str(new_product) in errors[f"files_{new_product.pk}"][0]
    assert not CertificateChange.objects.exists()


def test_a_forged_pdf_is_refused_by_the_upload_check_and_nothing_is_kept(
    certificate, enterprise_user, new_product, private_media
) -> None:
    before = {path for path in private_media.rglob("*") if path.is_file()}
    response = ask(client_for(enterprise_user), certificate, add=[new_product.pk],
                   **{f"files_{new_product.pk}": [upload("报告.pdf", b"MZ\x90\x00 this is a program")]})  # fmt: skip
    assert response.status_code == 200
    assert "报告.pdf" in response.context["form"].errors[f"files_{new_product.pk}"][0]
    assert not CertificateChange.objects.exists()
    assert {path for path in private_media.rglob("*") if path.is_file()} == before


def test_a_file_that_is_not_an_accepted_type_is_refused(certificate, enterprise_user, new_product) -> None:
    response = ask(client_for(enterprise_user), certificate, add=[new_product.pk],
                   **{f"files_{new_product.pk}": [upload("run.exe", b"MZ\x90\x00")]})  # fmt: skip
    assert f"files_{new_product.pk}" in response.context["form"].errors
    assert not CertificateChange.objects.exists()


def test_overlong_text_is_refused_and_script_tags_are_shown_as_text(certificate, enterprise_user, certifier) -> None:
    holder = client_for(enterprise_user)
    response = ask(holder, certificate, holder_name="企" * 201)
    assert "holder_name" in response.context["form"].errors and not CertificateChange.objects.exists()
    response = ask(holder, certificate, holder_address=f"<script>alert(1)</script>{NEW_ADDRESS}")
    change = CertificateChange.objects.get()
    page = client_for(certifier).get(reverse("audits:certificate_change", args=[change.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_service_refuses_products_outside_the_scope(certificate, enterprise_user) -> None:
    request = changes.ChangeRequest(holder_name=certificate.holder_name, holder_address=certificate.holder_address,
                                    remove=["不存在的产品"])  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        changes.certificate_change_request(certificate=certificate, actor=enterprise_user, request=request)
    assert "remove" in refused.value.message_dict


def test_a_second_request_waits_for_the_first(certificate, enterprise_user) -> None:
    holder = client_for(enterprise_user)
    ask(holder, certificate, holder_address=NEW_ADDRESS)
    page = holder.get(request_url(certificate)).content.decode()
    assert 'id="change-request-problem"' in page and 'id="change-request-form"' not in page
    ask(holder, certificate, holder_address=NEW_ADDRESS + "2")
    assert CertificateChange.objects.count() == 1


# --- Who may ------------------------------------------------------------------------------------------


def test_only_the_holder_asks_for_a_change(
    certificate, consultant, other_consultant, other_enterprise_user, auditor, certifier, client
) -> None:
    url = request_url(certificate)
    assert client_for(other_consultant).get(url).status_code == 404
    assert client_for(other_enterprise_user).get(url).status_code == 404
    assert client_for(consultant).get(url).status_code == 403
    assert client_for(auditor).get(url).status_code == 403
    assert client_for(certifier).post(url, {"holder_address": NEW_ADDRESS}).status_code == 403
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not CertificateChange.objects.exists()


def test_only_certifiers_decide(certificate, enterprise_user, consultant, other_consultant, auditor) -> None:
    ask(client_for(enterprise_user), certificate, holder_address=NEW_ADDRESS)
    change = CertificateChange.objects.get()
    assert decide(client_for(enterprise_user), change, "approve").status_code == 403
    assert decide(client_for(auditor), change, "approve").status_code == 403
    assert decide(client_for(other_consultant), change, "approve").status_code == 404
    assert client_for(other_consultant).get(reverse("audits:certificate_change", args=[change.pk])).status_code == 404
    assert client_for(consultant).get(reverse("audits:certificate_change", args=[change.pk])).status_code == 200
    change.refresh_from_db()
    assert change.status == "open"


# --- Refusal, remote round, races ---------------------------------------------------------------------


def test_a_refusal_changes_nothing_and_keeps_the_reason(certificate, enterprise_user, certifier) -> None:
    ask(client_for(enterprise_user), certificate, holder_address=NEW_ADDRESS)
    change = CertificateChange.objects.get()
    response = decide(client_for(certifier), change, "refuse")
    assert "reason" in response.context["form"].errors
    decide(client_for(certifier), change, "refuse", "新地址无售后服务网点")
    certificate.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "refused" and certificate.version == 1 and certificate.holder_address != NEW_ADDRESS
    assert not CertificateVersion.objects.exists()
    assert certificate.pdf_status == Certificate.PdfStatus.READY, "no new PDF"
    event = CertificateEvent.objects.get(kind=CertificateEvent.Kind.CHANGE_REFUSED)
    assert event.reason == "新地址无售后服务网点"
    page = client_for(enterprise_user).get(reverse("audits:certificate_change", args=[change.pk])).content.decode()
    assert "新地址无售后服务网点" in page
    history = client_for(enterprise_user).get(reverse("audits:certificate", args=[certificate.pk])).content.decode()
    assert "新地址无售后服务网点" in history


def test_the_body_asks_for_a_remote_round_and_the_change_stays_open(certificate, enterprise_user, certifier) -> None:
    ask(client_for(enterprise_user), certificate, holder_address=NEW_ADDRESS)
    change = CertificateChange.objects.get()
    decide(client_for(certifier), change, "remote_round", "请安排新厂区视频审核")
    change.refresh_from_db()
    assert change.status == "open" and change.remote_round_note == "请安排新厂区视频审核"
    told = Notification.objects.get(recipient=enterprise_user, kind=Kind.CERTIFICATE_CHANGE_DECIDED)
    assert "请安排新厂区视频审核" in told.body and "远程审核" in told.title
    changes.certificate_change_decide(change=change, actor=certifier, decision="approve", reason="")
    certificate.refresh_from_db()
    assert certificate.version == 2


def test_two_certifiers_deciding_at_once_one_wins(certificate, enterprise_user, certifier, other_certifier) -> None:
    ask(client_for(enterprise_user), certificate, holder_address=NEW_ADDRESS)
    first, second = CertificateChange.objects.get(), CertificateChange.objects.get()
    changes.certificate_change_decide(change=first, actor=certifier, decision="approve", reason="")
    with pytest.raises(ValidationError, match="刚刚"):
        changes.certificate_change_decide(change=second, actor=other_certifier, decision="refuse", reason="不同意")
    certificate.refresh_from_db()
    assert certificate.version == 2 and CertificateVersion.objects.count() == 1
    assert CertificateChange.objects.get().status == "approved"
    assert not CertificateEvent.objects.filter(kind=CertificateEvent.Kind.CHANGE_REFUSED).exists()


def test_a_suspended_certificate_cannot_be_changed(certificate, enterprise_user) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.SUSPENDED)
    page = client_for(enterprise_user).get(request_url(certificate)).content.decode()
    assert 'id="change-request-problem"' in page
    ask(client_for(enterprise_user), certificate, holder_address=NEW_ADDRESS)
    assert not CertificateChange.objects.exists()


# --- Query counts -------------------------------------------------------------------------------------


def _queries(django_assert_num_queries, client, url: str, limit: int) -> None:
    with django_assert_num_queries(limit):
        assert client.get(url).status_code == 200


def test_the_change_pages_need_a_fixed_number_of_queries(
    certificate, application, enterprise_user, certifier, client, django_assert_num_queries, private_media
) -> None:
    products = [ProductFactory(enterprise=application.enterprise) for _ in range(3)]
    holder = client_for(enterprise_user)
    response = holder.post(request_url(certificate), {
        "holder_name": certificate.holder_name, "holder_address": NEW_ADDRESS, "add": [p.pk for p in products],
        **{f"files_{p.pk}": [upload(f"{p.pk}.pdf", pdf_bytes())] for p in products},
    })  # fmt: skip
    assert response.status_code == 302
    change = CertificateChange.objects.get()
    _queries(
        django_assert_num_queries, client_for(certifier), reverse("audits:certificate_change", args=[change.pk]), 5
    )
    changes.certificate_change_decide(change=change, actor=certifier, decision="approve", reason="")
    _queries(django_assert_num_queries, holder, request_url(certificate), 6)
    _queries(
        django_assert_num_queries, holder, reverse("audits:certificate", args=[certificate.pk]), 11
    )  # with its surveillance audits
    _queries(django_assert_num_queries, client, reverse("verify_certificate", args=[certificate.number]), 7)
