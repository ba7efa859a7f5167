from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from minsheng.testing import log_in_verified, make_item, make_pledge_list
from minsheng.org.models import CalendarDay, OrgEvent
from minsheng.pledges.models import EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(people):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    return people.admin


def test_every_registered_model_has_a_chinese_list_and_form(client, superuser):
    log_in_verified(client, superuser)
    index = client.get(reverse("admin:index")).content.decode()
    assert "民生平台管理" in index and "实事项目" in index and "节假日与调休" in index
    for model in admin.site._registry:
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200, meta
        if admin.site._registry[model].has_add_permission(type("R", (), {"user": superuser})()):
            assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 200, meta


def test_editing_an_item_in_the_admin_goes_through_the_action(client, superuser, people):
    item = make_item(make_pledge_list(people.city), people.city_housing, title="旧名称")
    log_in_verified(client, superuser)
    url = reverse("admin:pledges_pledgeitem_change", args=[item.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(
        title="新名称",
        focus_area=item.focus_area_id,
        region=item.region_id,
        lead_department=item.lead_department_id,
        co_departments=[],
        start_date="2026-01-01",
        deadline="2026-12-31",
        weight="",
        **{"milestones-TOTAL_FORMS": "0", "milestones-INITIAL_FORMS": "0"},
    )
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.title == "新名称"
    assert item.events.get(kind=EventKind.EDITED).data["title"] == {"old": "旧名称", "new": "新名称"}


def test_a_calendar_day_added_in_the_admin_is_recorded(client, superuser):
    log_in_verified(client, superuser)
    response = client.post(
        reverse("admin:org_calendarday_add"), {"date": "2026-12-07", "is_working_day": "", "name": "防汛放假"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2026, 12, 7)).name == "防汛放假"
    assert OrgEvent.objects.get(kind="calendar_day_set").actor == superuser
