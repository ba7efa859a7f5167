"""首违不罚、首罚取下限: what the rules say is computed from the firm's history and the city's
exemption list; the officer's choice is recorded beside it; departing needs a written reason,
which the supervisors are told of."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.models import Notification
from minsheng.core.errors import ActionError
from minsheng.inspections import actions
from minsheng.inspections.models import (
    Decision,
    Eligibility,
    EventKind,
    ExemptionKind,
    FilingKind,
    FilingState,
    InspectionEvent,
    Outcome,
    ResultCode,
)
from minsheng.org.models import Role
from minsheng.testing import make_department, make_entity, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def regulator(people):
    department = make_department("湖口县市场监督管理局", people.hukou)
    officer = make_user("heping", department, Role.HANDLER, full_name="何平")
    head = make_user("jiangtao", department, Role.DEPARTMENT_HEAD, full_name="江涛")
    inspectors = [actions.do_add_inspector(department, name=name, certificate_number=f"JX0429{n:04d}", field="市场监管",
                                           valid_from=date(2020, 1, 1), valid_to=date(2030, 12, 31), actor=None)
                  for n, name in enumerate(["王军", "赵静"], start=1)]
    item = actions.do_add_item(department, code="SC-02", name="食品标签检查", legal_basis="《食品安全法》第六十七条",
                               scope="预包装食品", method="现场检查", actor=None)
    labelling = actions.do_add_violation_type(
        department, code="SP-125", name="预包装食品标签瑕疵", fine_min="5000", fine_max="50000",
        legal_basis="《中华人民共和国食品安全法》第一百二十五条第二款", actor=None)
    actions.do_add_exemption(labelling, kind=ExemptionKind.FIRST_OFFENCE, valid_from=date(2021, 7, 15),
                             conditions="初次违法，标签瑕疵不影响食品安全且不会对消费者造成误导，及时改正",
                             exclusions="婴幼儿食品、特殊医学用途配方食品", actor=None)
    hygiene = actions.do_add_violation_type(
        department, code="SP-126", name="未按规定查验进货票据", fine_min="5000", fine_max="50000",
        legal_basis="《中华人民共和国食品安全法》第一百二十六条", actor=None)
    return {"department": department, "officer": officer, "head": head, "inspectors": inspectors, "item": item,
            "labelling": labelling, "hygiene": hygiene}


def inspected(regulator, entity, day: date):
    """A visit to `entity` on `day` that found a violation."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI), tick=False):
        filing = actions.do_file_inspection(regulator["department"], entity, kind=FilingKind.COMPLAINT,
                                            items=[regulator["item"]], inspectors=regulator["inspectors"],
                                            planned_on=day, trigger="投诉举报", actor=regulator["officer"])
        filing = actions.do_approve_filing(filing, actor=regulator["head"])
        return actions.do_record_inspection(filing, inspected_on=day, result=ResultCode.OTHER_VIOLATION,
                                            findings="预包装食品标签未标注生产日期", actor=regulator["officer"])


def decide(regulator, filing, day: date, **fields):
    values = {"violation_type": regulator["labelling"], "offence_on": day, "harm_minor": True, "corrected": True,
              "outcome": Outcome.NO_PENALTY, "correction_due": date(day.year, 12, 31)}
    with time_machine.travel(datetime(day.year, day.month, day.day, 15, 0, tzinfo=SHANGHAI), tick=False):
        return actions.do_decide_penalty(filing, **{**values, **fields}, actor=regulator["officer"])


def test_a_first_minor_offence_is_exempted_with_an_education_notice(regulator, people):
    bakery = make_entity(people.hukou, name="麦香园烘焙店", kind="individual", industry="1411", actor=None)
    filing = inspected(regulator, bakery, date(2026, 3, 10))
    decision = decide(regulator, filing, date(2026, 3, 10))
    assert decision.eligibility == Eligibility.EXEMPT and decision.outcome == Outcome.NO_PENALTY
    assert decision.fine is None and not decision.departs and decision.notice_number == "JYGZ202600001"
    event = InspectionEvent.objects.get(kind=EventKind.DECIDED)
    assert event.data["eligibility"] == Eligibility.EXEMPT and "教育告知书JYGZ202600001" in event.note
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert actions.do_publish_result(filing, actor=regulator["officer"]).state == FilingState.PUBLISHED


def test_a_repeat_within_two_years_is_fined_and_a_first_fine_takes_the_minimum(regulator, people):
    shop = make_entity(people.hukou, name="湖口县好又多超市", industry="5212", actor=None)
    decide(regulator, inspected(regulator, shop, date(2025, 2, 10)), date(2025, 2, 10))  # exempted the first time
    repeat = inspected(regulator, shop, date(2026, 3, 10))
    assessment = actions.eligibility(shop, regulator["labelling"], date(2026, 3, 10), harm_minor=True, corrected=True,
                                     aggravating="")
    # Exempted once already: not "first" any more, so a fine is due; but the firm's first fine of
    # the kind, with nothing aggravating: the legal minimum (首罚取下限).
    assert assessment.eligibility == Eligibility.MINIMUM and assessment.fine == Decimal("5000")
    assert [prior["outcome"] for prior in assessment.priors] == [Outcome.NO_PENALTY]
    with pytest.raises(ActionError) as refused:  # exempting again departs from the rules: a reason is needed
        decide(regulator, repeat, date(2026, 3, 10))
    assert refused.value.field == "departure_reason" and not Decision.objects.filter(filing=repeat).exists()
    decision = decide(regulator, repeat, date(2026, 3, 10), outcome=Outcome.FINE, fine="5000", correction_due=None)
    assert decision.fine == Decimal("5000") and decision.eligibility == Eligibility.MINIMUM and not decision.departs

    # Fined once within the window: the third time is decided within the band, any amount the law allows.
    third = inspected(regulator, shop, date(2026, 4, 8))
    decision = decide(regulator, third, date(2026, 4, 8), outcome=Outcome.FINE, fine="12000", correction_due=None)
    assert decision.eligibility == Eligibility.DISCRETION and not decision.departs and len(decision.prior_decisions) == 2


def test_the_window_is_two_years_by_default_and_configurable(regulator, people):
    shop = make_entity(people.hukou, name="湖口县老街副食店", industry="5212", actor=None)
    decide(regulator, inspected(regulator, shop, date(2024, 3, 1)), date(2024, 3, 1))
    later = date(2026, 3, 2)  # two years and a day after
    assert actions.eligibility(shop, regulator["labelling"], later, harm_minor=True, corrected=True,
                               aggravating="").eligibility == Eligibility.EXEMPT
    actions.do_set_rules(people.hukou, first_offence_window_years=3, actor=None)
    # Within three years the exemption is used up; never fined, the firm is fined at the minimum.
    assert actions.eligibility(shop, regulator["labelling"], later, harm_minor=True, corrected=True,
                               aggravating="").eligibility == Eligibility.MINIMUM
    # Something aggravating, or harm not minor, rules out both the exemption and the minimum.
    fresh = make_entity(people.hukou, name="湖口县新开超市", industry="5212", actor=None)
    assert actions.eligibility(fresh, regulator["labelling"], later, harm_minor=True, corrected=True,
                               aggravating="拒不改正").eligibility == Eligibility.DISCRETION
    assert actions.eligibility(fresh, regulator["labelling"], later, harm_minor=False, corrected=True,
                               aggravating="").eligibility == Eligibility.MINIMUM
    # An exemption list line not yet in force on the day of the offence does not apply.
    assert actions.eligibility(fresh, regulator["labelling"], date(2021, 7, 14), harm_minor=True, corrected=True,
                               aggravating="").eligibility == Eligibility.MINIMUM


def test_departing_from_the_minimum_needs_a_written_reason_reported_to_supervisors(regulator, people):
    shop = make_entity(people.hukou, name="湖口县惠民药房", industry="5251", actor=None)
    filing = inspected(regulator, shop, date(2026, 5, 6))
    with pytest.raises(ActionError) as refused:
        decide(regulator, filing, date(2026, 5, 6), violation_type=regulator["hygiene"], outcome=Outcome.FINE,
               fine="20000", correction_due=None, departure_reason="情节重")  # too short to be a reason
    assert refused.value.field == "departure_reason" and "首罚取下限" in refused.value.message
    decision = decide(regulator, filing, date(2026, 5, 6), violation_type=regulator["hygiene"], outcome=Outcome.FINE,
                      fine="20000", correction_due=None, departure_reason="同批次进货涉及三家学校食堂，影响面大，依裁量基准从重")
    assert decision.departs and decision.eligibility == Eligibility.MINIMUM
    told = Notification.objects.filter(channel="staff", subject__startswith="处罚偏离系统认定")
    assert {note.recipient_user for note in told} == {people.liu, people.sun}  # 湖口县's and the city's supervisors


@pytest.mark.parametrize("fields, field", [
    ({"outcome": Outcome.FINE, "fine": "4999.99", "correction_due": None}, "fine"),
    ({"outcome": Outcome.FINE, "fine": "50000.01", "correction_due": None}, "fine"),
    ({"outcome": Outcome.FINE, "fine": "NaN", "correction_due": None}, "fine"),
    ({"outcome": Outcome.FINE, "fine": "5000.001", "correction_due": None}, "fine"),
    ({"outcome": Outcome.FINE, "fine": "五千", "correction_due": None}, "fine"),
    ({"outcome": Outcome.FINE, "fine": None, "correction_due": None}, "fine"),
    ({"outcome": Outcome.NO_PENALTY, "fine": "5000"}, "fine"),
    ({"outcome": Outcome.NO_PENALTY, "correction_due": None}, "correction_due"),
    ({"outcome": "warning"}, "outcome"),
    ({"offence_on": date(2026, 6, 2)}, "offence_on"),
    ({"offence_on": None}, "offence_on"),
    ({"aggravating": "x" * 301}, "aggravating"),
])
def test_bad_decisions_are_refused_naming_the_field_and_nothing_is_saved(regulator, people, fields, field):
    shop = make_entity(people.hukou, name="湖口县平价超市", industry="5212", actor=None)
    filing = inspected(regulator, shop, date(2026, 6, 1))
    with pytest.raises(ActionError) as refused:
        decide(regulator, filing, date(2026, 6, 1), **fields)
    assert refused.value.field == field
    assert not Decision.objects.exists() and not InspectionEvent.objects.filter(kind=EventKind.DECIDED).exists()


def test_a_result_with_an_offence_is_not_published_before_it_is_decided(regulator, people):
    shop = make_entity(people.hukou, name="湖口县便民商店", industry="5212", actor=None)
    filing = inspected(regulator, shop, date(2026, 6, 1))
    with time_machine.travel(datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(ActionError, match="处理决定"):
            actions.do_publish_result(filing, actor=regulator["officer"])
