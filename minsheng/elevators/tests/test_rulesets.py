"""The city's dated rules: checked when saved, fixed once an application follows them."""

from datetime import date

import pytest

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.elevators import actions
from minsheng.elevators.models import RuleSet
from minsheng.org.models import OrgEvent
from minsheng.testing import make_entrance, make_rule_set, make_street_office

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field, value, message", [
    ("participation_area", "3/2", "参与表决专有面积比例应大于0、不超过1"),
    ("agreement_heads", "three quarters", "同意人数比例应写成分数"),
    ("publicity_days", 0, "公示期应为1至60日"),
    ("subsidy_share", 150, "补贴占造价比例应在0至100之间"),
    ("stage_days", {"construction": 10}, "不是可设置的项目"),
    ("stage_days", {"joint_review": "NaN"}, "不合理"),
    ("cost_table", {"一楼": 0}, "楼层“一楼”应为整数"),
])
def test_a_bad_rule_is_refused_naming_its_field(people, field, value, message):
    rule_set = RuleSet(region=people.city, effective_from=date(2026, 1, 1), name="新办法")
    setattr(rule_set, field, value)
    with pytest.raises(ActionError, match=message) as refused:
        actions.do_save_rule_set(rule_set, actor=people.admin)
    assert refused.value.field == field and not RuleSet.objects.exists()


def test_an_administrator_saves_a_rule_set_with_its_event(people):
    rule_set = RuleSet(region=people.city, effective_from=date(2026, 1, 1), name="九江市办法", participation_area="4／6",
                       stage_days={"joint_review": "10"})
    actions.do_save_rule_set(rule_set, actor=people.admin)
    rule_set.refresh_from_db()
    assert rule_set.participation_area == "2/3" and rule_set.stage_days == {"joint_review": 10}
    assert rule_set.days_for("joint_review") == 10 and rule_set.days_for("street_review") == 10
    assert OrgEvent.objects.get(kind="elevator_rules").actor == people.admin
    with pytest.raises(NotAllowed):
        actions.do_save_rule_set(rule_set, actor=people.huang)


def test_a_rule_set_an_application_follows_cannot_change(people):
    rule_set = make_rule_set(people.city)
    entrance = make_entrance(people)
    actions.do_file_application(entrance, filed_on=date(2026, 2, 27), representatives=[entrance.dwellings.first().voter],
                                actor=make_street_office(people))
    rule_set.publicity_days = 5
    with pytest.raises(ActionError, match="已有1件申请适用该规则，不能修改"):
        actions.do_save_rule_set(rule_set, actor=people.admin)
    rule_set.refresh_from_db()
    assert rule_set.publicity_days == 10
