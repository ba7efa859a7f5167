"""Fixtures every GeoReport v2 test shares: the clock, a catalogue, a key."""

import pytest
import time_machine

from minsheng.cases.models import CategoryQuestion, QuestionType
from minsheng.testing import make_category
from minsheng.open311.tests.helpers import NOW
from minsheng.org.actions import do_create_api_client


@pytest.fixture(autouse=True)
def _setup():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def catalogue(people):
    elevator = make_category(routes=[(people.hukou, people.hukou_housing)], description="老旧小区加装电梯的申请和问题", keywords="电梯,加装")
    CategoryQuestion.objects.create(category=elevator, code="building", label="楼栋及单元", datatype=QuestionType.STRING, required=True, order=1)
    CategoryQuestion.objects.create(
        category=elevator, code="problems", label="遇到的问题", datatype=QuestionType.MULTI, order=2,
        values=[{"key": "consent", "name": "业主意见不一"}, {"key": "funding", "name": "资金"}, {"key": "approval", "name": "审批"}],
    )
    light = make_category("streetlight", "路灯设施", parent_code="urban", routes=[(people.hukou, people.hukou_housing)])
    return elevator, light


@pytest.fixture
def key(people):
    _client, secret = do_create_api_client("12345热线", region=people.city, channel="hotline", actor=None)
    return secret


