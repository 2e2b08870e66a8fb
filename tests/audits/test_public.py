"""The public verification pages: no login, public facts only, NOT valid said plainly, unknown numbers
reveal nothing, the search is rate-limited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import Certificate
from tests.audits.test_certificates import make_certificate

pytestmark = pytest.mark.django_db

Status = Certificate.Status


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def certificate(application, certifier) -> Certificate:
    return make_certificate(application=application, certifier_id=certifier.pk)


def verify(number: str, **headers: Any) -> tuple[int, str]:
    response = Client().get(reverse("verify_certificate", args=[number]), **headers)
    return response.status_code, response.content.decode()


def test_a_valid_certificate(certificate) -> None:
    status, page = verify(certificate.number)
    assert status == 200
    assert "该证书有效" in page and "该证书无效" not in page
    assert 'data-status="valid"' in page
    for fact in (certificate.holder_name, certificate.number, "四星级", "GB/T 27922-2011", certificate.scope[0],
                 certificate.issued_on.isoformat(), certificate.expires_on.isoformat()):  # fmt: skip
        assert fact in page, fact


def test_only_public_facts_are_shown(certificate) -> None:
    """What the certificate itself states is public (holder, address, credit code, score); the body's
    internal reasons are not."""
    Certificate.objects.filter(pk=certificate.pk).update(status_reason="内部原因：客户投诉")
    _status, page = verify(certificate.number)
    assert certificate.holder_uscc in page and certificate.holder_address in page
    assert "内部原因" not in page


NOT_VALID = [
    (Status.SUSPENDED, {"suspended_until": datetime.date(2031, 3, 1)}, "暂停", "2031-03-01"),
    (Status.WITHDRAWN, {}, "撤销", "撤销"),
    (Status.CANCELLED, {}, "注销", "注销"),
    (Status.EXPIRED, {}, "过期", "过期"),
]


@pytest.mark.parametrize(("status", "extra", "label", "says"), NOT_VALID, ids=[case[0] for case in NOT_VALID])
def test_a_certificate_that_is_not_valid_says_so_plainly(certificate, status, extra, label, says) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(status=status, **extra)
    code, page = verify(certificate.number)
    assert code == 200
    assert "该证书无效" in page and "该证书有效。" not in page
    assert f'data-status="{status}"' in page
    assert label in page and says in page


def test_a_certificate_past_its_expiry_is_shown_expired_before_the_nightly_task(certifier) -> None:
    old = make_certificate(certifier_id=certifier.pk, issued_on=timezone.localdate() - datetime.timedelta(days=1200))
    assert old.status == Status.VALID
    _code, page = verify(old.number)
    assert "该证书无效" in page and 'data-status="expired"' in page


def test_an_unknown_number_reveals_nothing(certificate) -> None:
    code, page = verify("CSA-2026-SV-99999")
    assert code == 404
    assert "查无此证书" in page
    assert certificate.holder_name not in page


def test_the_number_is_found_whatever_the_case_typed(certificate) -> None:
    code, _page = verify(certificate.number.lower())
    assert code == 200


def test_in_english(certificate) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(status=Status.WITHDRAWN)
    _code, page = verify(certificate.number, HTTP_ACCEPT_LANGUAGE="en")
    assert "This certificate is NOT valid." in page
    assert "Four stars" in page


def test_search_by_part_of_the_holder_name_lists_the_certificates(certificate) -> None:
    page = Client().get(reverse("verify_search"), {"q": certificate.holder_name[2:6]}).content.decode()
    assert 'id="verify-results"' in page
    assert reverse("verify_certificate", args=[certificate.number]) in page


@pytest.mark.parametrize(
    "typed",
    [
        lambda number: number,
        lambda number: number.lower(),
        lambda number: f"  {number.lower()} ",
        lambda number: " ".join(number.split("-")).replace(" ", " - "),
        lambda number: number.replace("-", "－").replace("C", "Ｃ"),
    ],
    ids=["as printed", "lower case", "spaces around", "spaces inside", "full-width"],
)
def test_an_exact_number_goes_straight_to_the_certificate(certificate, typed) -> None:
    response = Client().get(reverse("verify_search"), {"q": typed(certificate.number)}, follow=True)
    assert response.redirect_chain == [(reverse("verify_certificate", args=[certificate.number]), 302)]
    page = response.content.decode()
    assert "该证书有效" in page and certificate.holder_name in page


def test_a_number_with_a_digit_too_many_is_not_found(certificate) -> None:
    response = Client().get(reverse("verify_search"), {"q": certificate.number + "0"})
    assert response.status_code == 200
    assert 'id="no-results"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "example"), [("zh-hans", "例如：CSA-{year}-SV-00001"), ("en", "e.g. CSA-{year}-SV-00001")]
)
def test_the_search_placeholder_reads_as_an_example(client: Client, language: str, example: str) -> None:
    client.cookies["certportal_language"] = language
    page = client.get(reverse("verify_search")).content.decode()
    assert f'placeholder="{example.format(year=timezone.localdate().year)}"' in page


def test_search_without_match_and_too_short(certificate) -> None:
    page = Client().get(reverse("verify_search"), {"q": "不存在的公司"}).content.decode()
    assert 'id="no-results"' in page
    page = Client().get(reverse("verify_search"), {"q": "a"}).content.decode()
    assert "至少输入 2 个字符" in page


def test_the_search_is_rate_limited_with_a_friendly_page(certificate, settings) -> None:
    settings.VERIFY_SEARCH_RATE = "3/m"
    client = Client()
    codes = [client.get(reverse("verify_search"), {"q": certificate.holder_name}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    page = client.get(reverse("verify_search"), {"q": "x1"}).content.decode()
    assert "查询次数过多" in page
    other_address = Client(REMOTE_ADDR="203.0.113.9").get(reverse("verify_search"), {"q": certificate.holder_name})
    assert other_address.status_code == 200, "the limit is per client address"
    assert client.get(reverse("verify_search")).status_code == 200, "the empty search form is never limited"


def test_the_certificate_page_is_rate_limited_too(certificate, settings) -> None:
    settings.VERIFY_PAGE_RATE = "2/m"
    codes = [verify(certificate.number)[0] for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_landing_page_links_to_the_verification(client: Client) -> None:
    assert f'href="{reverse("verify_search")}"' in client.get(reverse("landing")).content.decode()


def test_verification_pages_need_few_queries(certificate, django_assert_max_num_queries) -> None:
    client = Client()
    with django_assert_max_num_queries(6):
        page = client.get(reverse("verify_certificate", args=[certificate.number]))
    assert page.status_code == 200
    assert "该证书有效" in page.content.decode() and certificate.holder_name in page.content.decode()
    with django_assert_max_num_queries(6):
        results = client.get(reverse("verify_search"), {"q": certificate.holder_name})
    assert results.status_code == 200
    assert reverse("verify_certificate", args=[certificate.number]) in results.content.decode()
