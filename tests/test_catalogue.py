"""The words of the portal: Chinese punctuation in the Chinese catalogue, one term per concept,
Django's own messages in natural Chinese, lists and selects written the way each language writes them.

Glossary (the Chinese the portal uses; the domain reference's terms, and the catalogue's majority):
- remote (video) audit: 远程审核, rounds 首次/第二次/第三次远程审核. "视频" only for the video call
  itself (视频会议平台, 视频连接); never 视频审厂, 远程审厂, 视频审核, nor 审厂 (审核准备, 审核前资料).
- evidence: 证据 (证据清单), never 证据材料 or 材料; the six forms are 申请文件.
- certification body: 发证机构, never 认证机构.
- e-mail address: 电子邮箱, never a bare 邮箱.
- gender: 男 / 女.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from applications.models import ServiceManager
from certportal.lib.text import join_clauses, join_list
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
HAN = r"[\u3400-\u9fff]"
PUNCTUATION = {
    "ASCII , ; : ? ! or ( after a Chinese character": re.compile(HAN + r"[,;:?!(]"),
    "ASCII , ; : ? ! or ) before a Chinese character": re.compile(r"[,;:?!)] ?" + HAN),
    "ASCII ( before a Chinese character": re.compile(r"\( ?" + HAN),
    "ASCII ) after a Chinese character": re.compile(HAN + r" ?\)"),
    "。。": re.compile("。。"),
    "an ASCII full stop after a Chinese character": re.compile(HAN + r"\.(?:\s|$|" + HAN + ")"),
}
# Banned term -> the glossary's term.
BANNED = {
    "视频审厂": "远程审核",
    "远程审厂": "远程审核",
    "视频审核": "远程审核",
    "审厂": "审核",
    "材料": "证据 / 申请文件",
    "认证机构": "发证机构",
    "男性": "男",
    "女性": "女",
}
BARE_MAILBOX = re.compile(r"(?<!电子)邮箱")


def chinese_texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for entry in polib.pofile(str(CATALOGUE)):
        texts.extend((entry.msgid, text) for text in [entry.msgstr, *entry.msgstr_plural.values()] if text)
    return texts


def test_the_punctuation_checks_catch_what_they_name() -> None:
    for bad in ["证据,文件", "证据 (按产品)", "请上传文件.", "已完成。。", "注意:请上传", "完成!"]:
        assert any(p.search(bad) for p in PUNCTUATION.values()), bad
    for good in ["证据、文件（按产品）。", "FS02 远程审核", "1. 阅读表格", "第 %(code)s 项", "GB/T 27922 (2011)"]:
        assert not any(p.search(good) for p in PUNCTUATION.values()), good


def test_chinese_text_uses_chinese_punctuation() -> None:
    wrong = [(name, text) for _msgid, text in chinese_texts() for name, p in PUNCTUATION.items() if p.search(text)]
    assert wrong == []


def test_every_entry_has_a_chinese_translation_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue if not e.translated() and not e.obsolete] == []
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []


def test_one_term_per_concept_in_the_catalogue() -> None:
    wrong = [(term, text) for _msgid, text in chinese_texts() for term in BANNED if term in text]
    wrong += [("邮箱", text) for _msgid, text in chinese_texts() if BARE_MAILBOX.search(text)]
    assert wrong == []


@pytest.mark.parametrize("folder", ["templates", "applications", "audits", "notifications", "certportal"])
def test_one_term_per_concept_in_templates_and_seed_data(folder: str) -> None:
    """Chinese written straight into templates, demo data and stored defaults follows the glossary too."""
    wrong = []
    for path in (ROOT / folder).rglob("*"):
        if path.suffix not in {".html", ".txt", ".py"} or path.name == "test_catalogue.py":
            continue
        text = path.read_text(encoding="utf-8")
        wrong += [(str(path.relative_to(ROOT)), term) for term in BANNED if term in text]
        wrong += [(str(path.relative_to(ROOT)), "邮箱") for _match in BARE_MAILBOX.finditer(text)]
    assert wrong == []


def email_error(language: str) -> list[str]:
    with translation.override(language):
        try:
            validate_email("not-an-address")
        except ValidationError as error:
            return error.messages
    raise AssertionError("the address was accepted")


def test_django_email_validator_speaks_natural_chinese() -> None:
    assert email_error("zh-hans") == ["请输入有效的电子邮箱地址。"]
    assert email_error("en") == ["Enter a valid email address."]
    with translation.override("zh-hans"):
        assert str(forms.CharField().error_messages["required"]) == "此项为必填项。"


def test_lists_use_commas_in_english_and_the_enumeration_comma_in_chinese() -> None:
    with translation.override("en"):
        assert join_list(["Sales contracts", "Delivery notes"]) == "Sales contracts, Delivery notes"
        assert join_clauses(["a, b", "c"]) == "a, b; c"
        page = Template("{% load portal %}{{ names|join_list }}|a{% list_separator %}b").render(
            Context({"names": ["Ann", "Bo"]})
        )
        assert page == "Ann, Bo|a, b"
    with translation.override("zh-hans"):
        assert join_list(["销售合同", "发货单"]) == "销售合同、发货单"
        assert join_clauses(["甲", "乙"]) == "甲；乙"


def test_selects_say_please_choose_and_gender_is_male_or_female() -> None:
    class ManagerForm(forms.ModelForm):
        class Meta:
            model = ServiceManager
            fields = ["gender"]

    field = ManagerForm.base_fields["gender"]
    assert isinstance(field, forms.ChoiceField)
    field.required = False  # the model's blank choice only shows on an optional select
    field.choices = [("", "---------"), *ServiceManager.Gender.choices]
    with translation.override("zh-hans"):
        html = str(ManagerForm()["gender"])
        assert '<option value="" selected>请选择</option>' in html
        assert ">男</option>" in html and ">女</option>" in html
        assert "---------" not in html
    with translation.override("en"):
        assert '<option value="" selected>Please choose</option>' in str(ManagerForm()["gender"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "named"), [("products", "添加产品"), ("outlets", "添加服务网点"), ("managers", "添加售后服务管理师")]
)
def test_the_breadcrumb_names_what_is_added(enterprise_user, kind: str, named: str) -> None:
    url = reverse("applications:profile_item_add", args=[enterprise_user.enterprise.pk, kind])
    page = client_for(enterprise_user).get(url).content.decode()
    crumb = page[page.index('<li class="breadcrumb-item active"') :].split("</li>")[0]
    assert named in crumb
