"""Invisible control characters are stripped from every form's text, once, by a middleware."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from certportal.middleware import cleaned_form_data, without_invisible_controls
from tests.conftest import client_for


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("王芳\x1b[31m", "王芳[31m"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("a\x07b\x08c\x7fd\u2066e\u2069", "abcde"),
        ("第一行\r\n第二行\t缩进", "第一行\r\n第二行\t缩进"),
        ("nul\x00stays", "nul\x00stays"),
        ("中文、English, 123", "中文、English, 123"),
    ],
)
def test_invisible_controls_are_stripped_and_line_breaks_kept(typed: str, kept: str) -> None:
    assert without_invisible_controls(typed) == kept


def test_only_fields_that_need_it_are_cleaned_and_passwords_never() -> None:
    data = QueryDict(mutable=True)
    data.setlist("tags", ["a\x1bb", "ok"])
    data["password1"] = "p\x1bw"
    data["name"] = "plain"
    cleaned = cleaned_form_data(data)
    assert cleaned.getlist("tags") == ["ab", "ok"]
    assert cleaned["password1"] == "p\x1bw"
    assert cleaned["name"] == "plain"
    assert not cleaned._mutable
    untouched = QueryDict("name=plain")
    assert cleaned_form_data(untouched) is untouched


@pytest.mark.django_db
def test_a_posted_form_is_saved_without_the_control_characters(enterprise_user) -> None:
    response = client_for(enterprise_user).post(
        reverse("accounts:settings"), {"full_name": "王\x1b[2J芳\u202e", "mobile": "", "language": "zh-hans"}
    )
    assert response.status_code == 302
    enterprise_user.refresh_from_db()
    assert enterprise_user.full_name == "王[2J芳"


@pytest.mark.django_db
def test_a_nul_character_is_refused_next_to_the_field(enterprise_user) -> None:
    response = client_for(enterprise_user).post(
        reverse("accounts:settings"), {"full_name": "王\x00芳", "mobile": "", "language": "zh-hans"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]
    enterprise_user.refresh_from_db()
    assert enterprise_user.full_name == "企业甲用户"


@pytest.mark.django_db
def test_url_encoded_forms_are_cleaned_too(enterprise_user) -> None:
    """The test client posts multipart by default; htmx and plain forms post URL-encoded."""
    client: Client = client_for(enterprise_user)
    response = client.post(
        reverse("accounts:settings"),
        urlencode({"full_name": "李\x1b强", "mobile": "", "language": "zh-hans"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    enterprise_user.refresh_from_db()
    assert enterprise_user.full_name == "李强"
