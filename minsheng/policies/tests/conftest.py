"""The policy tests' county: 湖口县工信局's policy officer 甘政 and four firms with last year's
revenue growth, employees and certifications, one of 浔阳区 beside them."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.enterprises import actions as enterprise_actions
from minsheng.org.models import Role
from minsheng.policies import actions
from minsheng.policies.models import DataSource, FirmFigure
from minsheng.testing import make_department, make_entity, make_user

GROWTH_RULES = [
    {"field": "certification", "operator": "has", "value": ["specialised_sme", "little_giant"]},
    {"field": "revenue_growth", "operator": "gte", "value": "15", "period": "last_year"},
]


def figures(firm, **by_year):
    for key, value in by_year.items():
        field, year = key.rsplit("_", 1)
        FirmFigure.objects.create(entity=firm, year=int(year), field=field, value=Decimal(value), source=DataSource.TAX,
                                  updated_at=timezone.now())


@pytest.fixture
def county(people):
    industry = make_department("湖口县工信局", people.hukou)
    officer = make_user("ganzheng", industry, Role.HANDLER, full_name="甘政")
    firms = {}
    for name, growth_from, growth_to, employees, certified in (
            ("湖口县精工阀门有限公司", "8000", "9400", "120", True),     # +17.5 %: meets
            ("湖口县恒达机械有限公司", "5000", "5500", "80", True),      # +10 %: misses the growth
            ("湖口县金砂湾新材料有限公司", "3000", "3600", "40", False),  # +20 %, not certified
            ("湖口县宏远电子有限公司", "0", "900", "30", True)):          # no base to grow from
        firm = make_entity(people.hukou, name=name, actor=None)
        figures(firm, revenue_2024=growth_from, revenue_2025=growth_to, employees_2025=employees)
        if certified:
            enterprise_actions.do_add_certification(firm, kind="specialised_sme", number="JX-ZJTX-2025",
                                                    valid_from=date(2025, 6, 1), valid_to=date(2028, 5, 31), actor=None)
        firms[name] = firm
    elsewhere = make_entity(people.xunyang, name="浔阳区精密模具有限公司", actor=None)
    figures(elsewhere, revenue_2024="1000", revenue_2025="2000")
    enterprise_actions.do_add_certification(elsewhere, kind="specialised_sme", number="X", valid_from=date(2025, 1, 1),
                                            actor=None)
    return {"department": industry, "officer": officer, "firms": firms, "elsewhere": elsewhere}


def create(county, **fields):
    values = {"title": "湖口县支持专精特新企业加快成长的若干措施", "document_number": "湖府办发〔2026〕18号",
              "issued_on": date(2026, 11, 24), "valid_from": date(2026, 11, 24), "benefit_type": "grant",
              "delivery": "automatic", "beneficiaries": "上年度营业收入增长15%以上的专精特新中小企业",
              "amount_text": "一次性奖励5万元", "budget": "1000000", "conditions_rows": GROWTH_RULES,
              "benefit_kind": "fixed", "amount": "50000"}
    return actions.do_create_policy(county["department"], **{**values, **fields}, actor=county["officer"])


def log_in_firm(client, firm, phone: str = "13607921234") -> None:
    """The firm's contact logs in on the enterprise side with the code texted to the phone."""
    import re

    from minsheng.cases.models import Notification

    if firm.contact_phone != phone:
        draft = enterprise_actions.draft_of(firm)
        draft.contact_phone, draft.contact_name = phone, draft.contact_name or "周敏"
        enterprise_actions.do_update_entity(firm, draft, actor=None)
    client.post("/enterprises/firm/login/", {"uscc": firm.uscc, "do": "send"})
    sms = Notification.objects.filter(recipient_address=phone).latest("pk")
    response = client.post("/enterprises/firm/login/", {"uscc": firm.uscc, "code": re.search(r"(\d{6})", sms.body).group(1),
                                                         "do": "login"})
    assert response.status_code == 302
