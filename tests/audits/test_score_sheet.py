"""The score sheet as data (versions, indicators, thresholds) and the scoring page (saved per indicator,
total shown live through htmx)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import Application
from audits import services
from audits.admin import version_copy
from audits.models import Indicator, IndicatorScore, ScoreSheet, ScoreSheetVersion, SpecialItem
from audits.selectors import scored_indicators
from tests.audits.conftest import in_audits, score_sheet_at
from tests.conftest import client_for, put_in_status

pytestmark = pytest.mark.django_db

Status = Application.Status


def values(**kwargs) -> services.IndicatorInput:
    return services.IndicatorInput(**kwargs)


def test_the_default_sheet_is_the_standards_tree_worth_1000_points() -> None:
    version = ScoreSheetVersion.objects.current()
    assert version is not None and version.number == 1
    first = list(version.indicators.filter(parent__isnull=True).order_by("position"))
    assert [(i.code, i.name, i.max_points) for i in first] == [
        ("5.1", "售后服务体系", 400),
        ("5.2", "商品服务", 350),
        ("5.3", "顾客服务", 250),
    ]
    second = version.indicators.filter(parent__isnull=False)
    assert [second.filter(parent=parent).count() for parent in first] == [7, 6, 2]
    assert sum(i.max_points for i in second) == 1000
    assert set(second.filter(sampled=True).values_list("name", flat=True)) == {"人员配置", "维修", "投诉处理"}
    assert version.problems() == []
    assert (version.five_star_min, version.four_star_min, version.three_star_min, version.two_star_min) == (
        950, 900, 800, 700,
    )  # fmt: skip


def test_a_version_whose_points_do_not_add_up_cannot_be_published() -> None:
    draft = version_copy(ScoreSheetVersion.objects.current())
    Indicator.objects.filter(version=draft, code="5.1.1").update(max_points=Decimal(60))
    problems = [str(p) for p in draft.problems()]
    assert any("1010" in p for p in problems)
    assert any("5.1" in p and "410" in p for p in problems)
    ScoreSheetVersion.objects.filter(pk=draft.pk).update(four_star_min=960)
    draft.refresh_from_db()
    assert any("星级分数线" in str(p) for p in draft.problems())


def test_an_old_sheet_keeps_its_version_when_a_new_one_is_published(application, other_application, auditor) -> None:
    in_audits(application)
    old_sheet = application.score_sheet
    draft = version_copy(old_sheet.version)
    Indicator.objects.filter(version=draft, code="5.3.1").update(max_points=Decimal(100))
    Indicator.objects.filter(version=draft, code="5.3.2").update(max_points=Decimal(150), name="投诉受理与处理")
    assert draft.problems() == []
    ScoreSheetVersion.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    in_audits(other_application)
    new_sheet = ScoreSheet.objects.get(application=other_application)
    assert new_sheet.version == draft
    old_sheet.refresh_from_db()
    assert old_sheet.version.number == 1
    assert {i.name for i in scored_indicators(old_sheet)} >= {"投诉处理"}
    assert "投诉受理与处理" in {i.name for i in scored_indicators(new_sheet)}


def test_published_versions_are_read_only_in_the_admin(superuser) -> None:
    version = ScoreSheetVersion.objects.current()
    client = client_for(superuser)
    page = client.get(reverse("admin:audits_scoresheetversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode(), "published: shown, not editable"
    client.post(
        reverse("admin:audits_scoresheetversion_changelist"),
        {"action": "copy_as_draft", "_selected_action": [version.pk]},
    )
    draft = ScoreSheetVersion.objects.get(number=2)
    assert draft.published_at is None
    assert draft.indicators.count() == 18
    assert draft.indicators.get(code="5.2.4").parent.code == "5.2"
    page = client.get(reverse("admin:audits_scoresheetversion_change", args=[draft.pk]))
    assert 'name="title"' in page.content.decode()
    client.post(
        reverse("admin:audits_scoresheetversion_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert ScoreSheetVersion.objects.current() == draft


# --- Scoring through the service -----------------------------------------------------------------


@pytest.fixture
def sheet(application) -> ScoreSheet:
    in_audits(application, Status.EVALUATION)
    return application.score_sheet


def indicator(sheet: ScoreSheet, code: str) -> Indicator:
    return sheet.version.indicators.get(code=code)


def test_points_are_recorded_per_indicator(sheet, auditor) -> None:
    services.indicator_score_save(
        sheet=sheet, indicator=indicator(sheet, "5.1.1"), actor=auditor, values=values(awarded=Decimal(45))
    )
    result = sheet.result()
    assert result.total == Decimal("900.00")
    assert len(result.undecided) == 14
    entry = IndicatorScore.objects.get()
    assert entry.scored_by == auditor


@pytest.mark.parametrize(
    ("code", "given", "field"),
    [
        ("5.1.1", {"awarded": Decimal("50.01")}, "awarded"),
        ("5.1.1", {"awarded": Decimal(-1)}, "awarded"),
        ("5.1.2", {"samples": 4, "failed_samples": 5}, "failed_samples"),
        ("5.1.2", {"samples": 0}, "samples"),
        ("5.1.2", {"failed_samples": 2}, "samples"),
        ("5.2.3", {"excluded": True, "exclusion_reason": " "}, "exclusion_reason"),
    ],
)
def test_entries_the_rules_do_not_allow_are_refused_next_to_the_field(sheet, auditor, code, given, field) -> None:
    with pytest.raises(ValidationError) as error:
        services.indicator_score_save(
            sheet=sheet, indicator=indicator(sheet, code), actor=auditor, values=values(**given)
        )
    assert field in error.value.error_dict
    assert not IndicatorScore.objects.exists()


def test_sampled_and_excluded_indicators(sheet, auditor) -> None:
    score_sheet_at(sheet.application, auditor, "1")
    services.indicator_score_save(
        sheet=sheet, indicator=indicator(sheet, "5.2.4"), actor=auditor, values=values(samples=10, failed_samples=1)
    )
    services.indicator_score_save(
        sheet=sheet, indicator=indicator(sheet, "5.2.3"), actor=auditor,
        values=values(excluded=True, exclusion_reason="企业不承担配送"),
    )  # fmt: skip
    result = sheet.result()
    assert result.applicable_points == Decimal(950)
    assert result.earned == Decimal(942)
    assert result.total == Decimal("991.57")  # 942 / 950 × 1000 = 991.578…, cut to 991.57
    assert result.complete


def test_at_most_one_special_bonus_and_deductions_need_a_correction(sheet, auditor) -> None:
    services.special_item_add(sheet=sheet, actor=auditor, kind="bonus", reason="获得省级服务名牌")
    with pytest.raises(ValidationError) as error:
        services.special_item_add(sheet=sheet, actor=auditor, kind="bonus", reason="另一项")
    assert "最多只能有一项" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.special_item_add(sheet=sheet, actor=auditor, kind="deduction", reason="未公示收费标准")
    assert "required_correction" in error.value.error_dict
    services.special_item_add(
        sheet=sheet, actor=auditor, kind="deduction", reason="未公示收费标准", required_correction="在网点公示收费标准"
    )
    assert sheet.result().deductions == 1
    assert sheet.result().bonuses == 1


def test_only_auditors_score_and_only_while_auditing_or_evaluating(sheet, auditor, certifier, consultant) -> None:
    target = indicator(sheet, "5.1.1")
    for user in (certifier, consultant):
        with pytest.raises(PermissionDenied):
            services.indicator_score_save(sheet=sheet, indicator=target, actor=user, values=values(awarded=Decimal(1)))
    put_in_status(sheet.application, Status.DECISION)
    sheet.application.refresh_from_db()
    with pytest.raises(ValidationError, match="远程审核和评价阶段"):
        services.indicator_score_save(sheet=sheet, indicator=target, actor=auditor, values=values(awarded=Decimal(1)))


def test_sending_for_decision_needs_a_complete_sheet(sheet, auditor) -> None:
    application = sheet.application
    with pytest.raises(application_services.TransitionError, match="15 个指标尚未评分"):
        application_services.application_transition(application=application, actor=auditor, target=Status.DECISION)
    score_sheet_at(application, auditor, "0.9")
    application_services.application_transition(application=application, actor=auditor, target=Status.DECISION)


# --- The page ------------------------------------------------------------------------------------


def test_changing_an_indicator_returns_the_row_and_the_total_live(sheet, auditor) -> None:
    target = indicator(sheet, "5.1.1")
    url = reverse("audits:indicator_save", args=[sheet.application_id, target.pk])
    response = client_for(auditor).post(url, {f"i{target.pk}-awarded": "45"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="indicator-{target.pk}"' in page
    assert 'id="score-total"' in page and 'hx-swap-oob="true"' in page
    assert "900.00" in page
    assert "45 / 50" in page


def test_a_bad_value_comes_back_next_to_its_field_with_what_was_typed(sheet, auditor) -> None:
    target = indicator(sheet, "5.1.1")
    url = reverse("audits:indicator_save", args=[sheet.application_id, target.pk])
    response = client_for(auditor).post(url, {f"i{target.pk}-awarded": "77", f"i{target.pk}-note": "制度不全"},
                                        HTTP_HX_REQUEST="true")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "应在 0 到 50 分之间" in page
    assert 'value="77"' in page and 'value="制度不全"' in page
    assert not IndicatorScore.objects.exists()


def test_without_javascript_the_row_form_saves_and_returns_to_the_sheet(sheet, auditor) -> None:
    target = indicator(sheet, "5.1.2")
    url = reverse("audits:indicator_save", args=[sheet.application_id, target.pk])
    data = {f"i{target.pk}-samples": "8", f"i{target.pk}-failed_samples": "2"}
    response = client_for(auditor).post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#indicator-{target.pk}")
    assert IndicatorScore.objects.get().failed_samples == 2


def test_the_score_page_shows_every_indicator_in_few_queries(sheet, auditor, django_assert_max_num_queries) -> None:
    score_sheet_at(sheet.application, auditor, "0.95")
    SpecialItem.objects.create(sheet=sheet, kind="bonus", reason="服务创新", created_by=auditor)
    client = client_for(auditor)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("audits:score_sheet", args=[sheet.application_id])).content.decode()
    assert page.count('class="row g-2 align-items-start border-bottom py-2 indicator-row') == 15
    assert "960.00" in page


def test_the_enterprise_sees_the_score_only_after_the_decision(sheet, auditor, enterprise_user, consultant) -> None:
    score_sheet_at(sheet.application, auditor, "0.95")
    url = reverse("audits:score_sheet", args=[sheet.application_id])
    assert client_for(enterprise_user).get(url).status_code == 403
    assert client_for(consultant).get(url).status_code == 403
    put_in_status(sheet.application, Status.CERTIFIED)
    page = client_for(enterprise_user).get(url)
    assert page.status_code == 200
    assert "950.00" in page.content.decode()
    assert "<form" not in page.content.decode().split('id="indicators"')[1].split('id="special-items"')[0]
