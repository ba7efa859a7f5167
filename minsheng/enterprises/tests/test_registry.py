"""The registry (一企一档) through its actions: a firm's file with its size class and 规上 derived
from its figures, the county read from its code, bad input refused on its field with nothing
saved, updates recorded old and new, and only the county's keepers at work."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.enterprises import actions
from minsheng.enterprises.models import Entity, EnterpriseEvent, EventKind, SizeClass
from minsheng.testing import ensure_industries, make_department, make_entity, make_user, uscc

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        ensure_industries()
        yield


def hongfeng(people, **fields):
    values = {"uscc": uscc(people.hukou.code, 1001), "name": "江西宏丰塑胶有限公司", "industry": "C2922",
              "region": people.hukou, "established_on": "2009-05-12", "legal_representative": "宏丰法人",
              "figures_year": 2025, "employees": "320", "revenue": "18000", "assets": "15600",
              "contact_name": "王经理", "contact_phone": "139 0792 5566"} | fields
    return actions.EntityDraft(**values)


def test_a_firm_is_filed_with_its_size_and_scale_derived(people):
    entity = actions.do_register_entity(hongfeng(people), actor=people.liu)
    assert entity.industry.code == "2922" and entity.region == people.hukou
    assert entity.size_class == SizeClass.MEDIUM and entity.above_scale  # 320 workers, 1.8亿 revenue
    assert entity.contact_phone == "13907925566" and entity.masked_phone == "139****5566"
    event = EnterpriseEvent.objects.get(entity=entity)
    assert event.kind == EventKind.REGISTERED and event.actor == people.liu


def test_the_county_comes_from_the_codes_registration_authority(people):
    entity = actions.do_register_entity(hongfeng(people, region=None), actor=people.liu)
    assert entity.region == people.hukou


def test_an_individual_business_has_no_size_class_and_is_never_above_scale(people):
    entity = make_entity(people.hukou, kind="individual", name="湖口县老王早餐店", industry="6241", employees=3,
                         revenue="900", actor=people.liu)
    assert entity.size_class == "" and not entity.above_scale


BAD = [
    ({"uscc": uscc("360429", 1001)[:-1] + ("0" if uscc("360429", 1001)[-1] != "0" else "1")}, "uscc", "校验位"),
    ({"uscc": "91360429MA35X"}, "uscc", "18位"),
    ({"industry": "9999"}, "industry", "不是《国民经济行业分类》"),
    ({"industry": "29"}, "industry", "小类"),
    ({"industry": ""}, "industry", "请填写行业代码"),
    ({"region": None, "uscc": uscc("110105", 1001)}, "region", "请填写所在县"),
    ({"region": "北京市"}, "region", "不在本市的行政区划中"),
    ({"name": "  "}, "name", "请填写名称"),
    ({"name": "宏丰\x00塑胶"}, "name", "控制字符"),
    ({"revenue": "NaN"}, "revenue", "应为数字"),
    ({"revenue": "1e30"}, "revenue", "超出合理范围"),
    ({"employees": "-3"}, "employees", "不能为负数"),
    ({"employees": "3.5"}, "employees", "应为整数"),
    ({"established_on": "2026-02-30"}, "established_on", "格式不正确"),
    ({"established_on": "2027-01-01"}, "established_on", "不能晚于今天"),
    ({"established_on": "1949-09-30"}, "established_on", "应在1949年10月1日至"),
    ({"status": "cancelled"}, "closed_on", "注销（吊销）日期"),
    ({"contact_phone": "12345"}, "contact_phone", "联系人手机"),
    ({"kind": "外星企业"}, "kind", "主体类型应为"),
    ({"qualified": "也许"}, "qualified", "是”或“否"),
]


@pytest.mark.parametrize("fields, field, words", BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(people, fields, field, words):
    with pytest.raises(ActionError) as refused:
        actions.do_register_entity(hongfeng(people, **fields), actor=people.liu)
    assert refused.value.field == field and words in refused.value.message
    assert not Entity.objects.exists() and not EnterpriseEvent.objects.exists()


def test_a_firm_registered_in_the_1980s_is_on_file_with_its_founding_date(people):
    entity = actions.do_register_entity(hongfeng(people, established_on="1984-07-01"), actor=people.liu)
    assert entity.established_on == date(1984, 7, 1)


def test_a_code_already_on_file_is_refused(people):
    actions.do_register_entity(hongfeng(people), actor=people.liu)
    with pytest.raises(ActionError) as refused:
        actions.do_register_entity(hongfeng(people, name="另一家"), actor=people.liu)
    assert refused.value.field == "uscc" and Entity.objects.count() == 1


def test_an_update_records_old_and_new_and_rederives_the_size(people):
    entity = actions.do_register_entity(hongfeng(people), actor=people.liu)
    draft = actions.draft_of(entity)
    draft.employees, draft.revenue = 240, Decimal("18000")
    entity = actions.do_update_entity(entity, draft, actor=people.liu)
    assert entity.size_class == SizeClass.SMALL  # under 300 workers: no longer medium
    event = EnterpriseEvent.objects.filter(entity=entity).latest("pk")
    assert event.kind == EventKind.UPDATED
    assert event.data["changed"]["employees"] == [320, 240] and event.data["changed"]["size_class"] == ["medium", "small"]
    # The same values again: nothing changed, no event.
    actions.do_update_entity(entity, actions.draft_of(entity), actor=people.liu)
    assert EnterpriseEvent.objects.filter(entity=entity).count() == 2


def test_the_code_cannot_change_and_closing_needs_its_date(people):
    entity = actions.do_register_entity(hongfeng(people), actor=people.liu)
    draft = actions.draft_of(entity)
    draft.uscc = uscc(people.hukou.code, 1002)
    with pytest.raises(ActionError) as refused:
        actions.do_update_entity(entity, draft, actor=people.liu)
    assert refused.value.field == "uscc"
    draft = actions.draft_of(entity)
    draft.status, draft.closed_on = "cancelled", date(2026, 10, 8)
    entity = actions.do_update_entity(entity, draft, actor=people.liu)
    assert not entity.is_active and EnterpriseEvent.objects.filter(entity=entity).latest("pk").kind == EventKind.CLOSED


def test_only_the_countys_keepers_file_firms(people):
    xunyang_office = make_department("浔阳区营商办", people.xunyang, supervision=True)
    xunyang_supervisor = make_user("xy_supervisor", xunyang_office, "supervisor", full_name="浔阳督办")
    for outsider in (people.huang, xunyang_supervisor, people.nobody):  # a handler; another county; no department
        with pytest.raises(NotAllowed):
            actions.do_register_entity(hongfeng(people), actor=outsider)
    assert actions.do_register_entity(hongfeng(people), actor=people.sun).region == people.hukou  # the city's supervisor


def test_certifications_with_dates_and_no_overlap(people):
    entity = actions.do_register_entity(hongfeng(people), actor=people.liu)
    actions.do_add_certification(entity, kind="high_tech", valid_from=date(2023, 11, 1), valid_to=date(2026, 10, 31),
                                 number="GR202336000123", actor=people.liu)
    with pytest.raises(ActionError) as refused:
        actions.do_add_certification(entity, kind="high_tech", valid_from=date(2026, 1, 1), actor=people.liu)
    assert refused.value.field == "valid_from"
    with pytest.raises(ActionError) as refused:
        actions.do_add_certification(entity, kind="tech_sme", valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1),
                                     actor=people.liu)
    assert refused.value.field == "valid_to"
    [certification] = entity.certifications.all()
    assert certification.held_on(date(2025, 6, 1)) and not certification.held_on(date(2026, 11, 30))
