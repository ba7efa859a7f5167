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


def test_an_inspector_added_in_the_admin_goes_through_the_action_and_a_bad_one_is_refused(client, superuser, people):
    from minsheng.inspections.models import EventKind as InspectionEventKind, InspectionEvent, Inspector

    log_in_verified(client, superuser)
    url = reverse("admin:inspections_inspector_add")
    values = {"department": people.hukou_land.pk, "name": "王军", "certificate_number": "jx04290001 ", "field": "自然资源执法",
              "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
    assert client.post(url, values).status_code == 302
    inspector = Inspector.objects.get()
    assert inspector.certificate_number == "JX04290001"
    assert InspectionEvent.objects.filter(kind=InspectionEventKind.INSPECTOR_ADDED).count() == 1
    response = client.post(url, {**values, "name": "赵静"}, follow=True)  # the same certificate again
    assert "未保存" in response.content.decode() and "已在名录库中" in response.content.decode()
    assert Inspector.objects.count() == 1
    # The visits themselves are read only here.
    assert client.get(reverse("admin:inspections_filing_add")).status_code == 403
