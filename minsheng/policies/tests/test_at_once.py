"""Two people acting at the same moment, each on their own connection (PostgreSQL): the budget is
never overspent by two confirmations at once (they are serialised on the policy's row), and a
firm's application sent twice at once (two tabs, a double tap) makes one application and one case."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from minsheng.cases.models import Case
from minsheng.core.errors import ActionError
from minsheng.policies import actions
from minsheng.policies.models import Payout, PayoutState, PolicyApplication
from minsheng.policies.tests.conftest import create
from minsheng.policies.tests.test_applications import EQUIPMENT_RULES
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import make_category, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def test_two_confirmations_at_once_never_overspend_the_budget(county):
    officer = county["officer"]
    rules = [{"field": "certification", "operator": "has", "value": ["specialised_sme"]}]
    policy = actions.do_publish_policy(create(county, conditions_rows=rules, budget="50000"), actor=officer)
    assert actions.do_match_policy(policy, actor=officer) == 3
    first, second = Payout.objects.filter(policy=policy)[:2]
    results = run_together(lambda: actions.do_confirm_payout(first, actor=officer).state,
                           lambda: actions.do_confirm_payout(second, actor=officer).state)
    assert sorted(state for _, state in results) == [PayoutState.CONFIRMED, PayoutState.WAITING], results


def test_an_application_sent_twice_at_once_is_made_once(county):
    make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")
    policy = actions.do_publish_policy(create(county, delivery="application", conditions_rows=EQUIPMENT_RULES,
                                              amount="30000"), actor=county["officer"])
    firm = county["firms"]["湖口县精工阀门有限公司"]

    def apply():
        application, _ = actions.do_apply_for_policy(
            policy, firm, applicant_name="周敏", applicant_phone="13607921234",
            materials={1: SimpleUploadedFile("发票.pdf", b"%PDF-1.4", content_type="application/pdf")}, actor=None)
        return application.pk

    results = run_together(apply, apply)
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ActionError) and "已申报过" in error.message
    assert PolicyApplication.objects.count() == 1 and Case.objects.count() == 1
