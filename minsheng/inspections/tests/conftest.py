"""The inspection tests' shared town: 湖口县's market regulator and health commission with their
inspectors and items, a bakery and a 规上 plastics maker, quiet days 1st-25th for 规上 firms."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from minsheng.inspections import actions
from minsheng.inspections.models import FilingKind, FirmGroup
from minsheng.org.models import Role
from minsheng.testing import make_department, make_entity, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)  # 2026-12-01 is a Tuesday
FRIDAY = date(2026, 12, 4)  # three working days after it
QUIET_DAY = FRIDAY  # the 4th: a quiet day (1st-25th) for 规上 firms
NOT_QUIET = date(2026, 12, 28)


@pytest.fixture
def town(people):
    """湖口县: its market regulator (handler 何平, head 江涛) and health commission (handler 苏琳),
    each with inspectors; a bakery (个体户, not 规上), a 规上 plastics maker; quiet days for 规上."""
    regulator = make_department("湖口县市场监督管理局", people.hukou)
    health = make_department("湖口县卫生健康委员会", people.hukou)
    he = make_user("heping", regulator, Role.HANDLER, full_name="何平")
    head = make_user("jiangtao", regulator, Role.DEPARTMENT_HEAD, full_name="江涛")
    su = make_user("sulin", health, Role.HANDLER, full_name="苏琳")
    add = actions.do_add_inspector
    inspectors = [add(regulator, name=name, certificate_number=f"JX0429{n:04d}", field="市场监管", valid_from=date(2024, 1, 1),
                      valid_to=date(2028, 12, 31), actor=None) for n, name in enumerate(["王军", "赵静", "钱峰"], start=1)]
    expiring = add(regulator, name="孙将满", certificate_number="JX04290008", field="市场监管", valid_from=date(2022, 1, 1),
                   valid_to=date(2026, 12, 3), actor=None)
    doctors = [add(health, name=name, certificate_number=f"WJ0429{n:04d}", field="卫生监督", valid_from=date(2024, 1, 1),
                   valid_to=date(2028, 12, 31), actor=None) for n, name in enumerate(["钟医", "闻卫"], start=1)]
    food = actions.do_add_item(regulator, code="SC-01", name="食品生产经营者检查", legal_basis="《中华人民共和国食品安全法》第八十七条",
                               scope="食品生产经营者", method="现场检查", actor=None)
    label = actions.do_add_item(regulator, code="SC-02", name="食品标签检查", legal_basis="《食品安全法》第六十七条",
                                scope="预包装食品", method="现场检查", actor=None)
    hygiene = actions.do_add_item(health, code="WJ-01", name="公共场所卫生检查", legal_basis="《公共场所卫生管理条例》",
                                  scope="公共场所", method="现场检查", actor=None)
    bakery = make_entity(people.hukou, name="湖口县麦香园烘焙店", kind="individual", industry="1411",
                         contact_phone="13807920001", actor=None)
    plastics = make_entity(people.hukou, name="江西宏丰塑胶有限公司", figures_year=2025, employees=320, revenue=52000,
                           assets=40000, actor=None)
    assert plastics.above_scale and not bakery.above_scale
    actions.do_add_quiet_day_rule(people.hukou, firm_group=FirmGroup.ABOVE_SCALE, first_day=1, last_day=25,
                                  valid_from=date(2026, 1, 1), basis="湖口县关于推行宁静生产日制度的通知", actor=None)
    return {"regulator": regulator, "health": health, "he": he, "head": head, "su": su, "inspectors": inspectors,
            "expiring": expiring, "doctors": doctors, "food": food, "label": label, "hygiene": hygiene,
            "bakery": bakery, "plastics": plastics}


def file(town, entity=None, **fields):
    values = {"kind": FilingKind.ROUTINE, "items": [town["food"]], "inspectors": town["inspectors"][:2],
              "planned_on": FRIDAY, "trigger": "2026年度日常监督检查计划"}
    return actions.do_file_inspection(town["regulator"], entity or town["bakery"], **{**values, **fields},
                                      actor=town["he"])
