from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.testing import make_item, make_pledge_list, png_bytes
from minsheng.pledges import actions
from minsheng.pledges.models import EventKind, Evidence, PledgeEvent, Status

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def elevator_item(people):
    pledge_list = make_pledge_list(people.city)
    return make_item(pledge_list, people.city_housing, title="既有住宅加装电梯305部", deadline=date(2026, 12, 31))


def photo(name="现场.png", content=None):
    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type="image/png")


def test_the_lead_department_posts_progress_with_a_photo_and_it_goes_public(client, people, elevator_item):
    client.force_login(people.li)
    response = client.post(
        f"/pledges/staff/items/{elevator_item.pk}/",
        {"happened_on": "2026-11-20", "percent": "60", "text": "已完成加装电梯183部", "files": [photo()]},
    )
    assert response.status_code == 302
    elevator_item.refresh_from_db()
    assert elevator_item.percent == 60
    assert elevator_item.status_on(NOW.date()) == Status.IN_PROGRESS
    event = elevator_item.events.get(kind=EventKind.PROGRESS)
    assert (event.actor, event.percent, event.happened_on, event.is_public) == (people.li, 60, date(2026, 11, 20), True)
    assert event.data == {"old_percent": 0, "new_percent": 60}
    evidence = Evidence.objects.get(event=event)
    assert evidence.content_type == "image/png" and evidence.original_name == "现场.png"

    client.logout()
    public = client.get(f"/pledges/items/{elevator_item.pk}/").content.decode()
    assert "已完成加装电梯183部" in public and "2026年11月20日" in public
    link = f"/pledges/evidence/{evidence.key}/"
    assert link in public and evidence.file.name not in public
    assert "李红" not in public  # staff names stay off the public timeline
    served = client.get(link)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/media/{evidence.file.name}").status_code == 404  # nothing served raw


def test_another_bureau_cannot_post_on_an_item_it_does_not_lead(client, people, elevator_item):
    client.force_login(people.huang)
    response = client.post(
        f"/pledges/staff/items/{elevator_item.pk}/", {"happened_on": "2026-11-20", "percent": "60", "text": "越权"}, follow=True
    )
    assert "只有牵头单位可以报送本事项的进度" in response.content.decode()
    assert not elevator_item.events.filter(kind=EventKind.PROGRESS).exists()
    page = client.get(f"/pledges/staff/items/{elevator_item.pk}/").content.decode()
    assert "您可以查看但不能报送进度" in page


@pytest.mark.parametrize("user", ["huang", "sun", "zhang", "xu", "nobody"])
def test_only_the_lead_department_may_post(people, elevator_item, user):
    with pytest.raises(NotAllowed):
        actions.do_post_progress(
            elevator_item, happened_on=date(2026, 11, 1), text="进展", percent=10, actor=getattr(people, user)
        )
    assert elevator_item.events.filter(kind=EventKind.PROGRESS).count() == 0


def test_county_staff_post_on_their_own_county_item(people):
    item = make_item(make_pledge_list(people.hukou), people.hukou_housing)
    actions.do_post_progress(item, happened_on=date(2026, 11, 1), text="开工", percent=20, actor=people.huang)
    with pytest.raises(NotAllowed):
        actions.do_post_progress(item, happened_on=date(2026, 11, 1), text="开工", percent=30, actor=people.li)
    item.refresh_from_db()
    assert item.percent == 20


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"percent": "120"}, "percent", "完成进度不能大于100"),
        ({"percent": "abc"}, "percent", "完成进度应为0到100之间的整数"),
        ({"text": ""}, "text", "请填写进展情况"),
        ({"happened_on": "2026-11-27"}, "happened_on", "进展日期不能晚于今天"),
        ({"happened_on": "2026-02-30"}, "happened_on", "进展日期格式不正确"),
        ({"files": [photo("病毒.png", b"MZ\x90\x00 not an image")]}, "files", "类型不受支持"),
        ({"files": [photo("说明.exe")]}, "files", "类型不受支持"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, people, elevator_item, fields, field, message):
    client.force_login(people.li)
    data = {"happened_on": "2026-11-20", "percent": "50", "text": "进展"} | fields
    response = client.post(f"/pledges/staff/items/{elevator_item.pk}/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert message in page and form.fields[field].label in page
    assert not elevator_item.events.filter(kind=EventKind.PROGRESS).exists()
    assert not Evidence.objects.exists()


def test_an_oversize_attachment_is_refused(people, elevator_item, settings):
    settings.MAX_ATTACHMENT_BYTES = 1024
    big = photo("大图.png", png_bytes(200, 200) + b"\0" * 2048)
    with pytest.raises(ActionError) as raised:
        actions.do_post_progress(elevator_item, happened_on=date(2026, 11, 1), text="x", percent=5, files=[big], actor=people.li)
    assert "超过" in raised.value.message and raised.value.field == "files"
    assert not PledgeEvent.objects.filter(kind=EventKind.PROGRESS).exists()


def test_progress_never_goes_backwards(people, elevator_item):
    actions.do_post_progress(elevator_item, happened_on=date(2026, 11, 1), text="过半", percent=60, actor=people.li)
    with pytest.raises(ActionError) as raised:
        actions.do_post_progress(elevator_item, happened_on=date(2026, 11, 2), text="回退", percent=40, actor=people.li)
    assert raised.value.message == "进度不能低于当前的60%。"
    # The same percent with news is fine.
    actions.do_post_progress(elevator_item, happened_on=date(2026, 11, 3), text="继续推进", percent=60, actor=people.li)
    assert elevator_item.events.filter(kind=EventKind.PROGRESS).count() == 2


def test_reaching_100_completes_the_item_on_that_day(people, elevator_item):
    actions.do_post_progress(elevator_item, happened_on=date(2026, 11, 18), text="完成", percent=100, actor=people.li)
    elevator_item.refresh_from_db()
    assert elevator_item.completed_on == date(2026, 11, 18)
    assert elevator_item.status_on(NOW.date()) == Status.DONE


def test_sub_items_roll_up_by_weight_and_complete_the_parent(people):
    pledge_list = make_pledge_list(people.city)
    parent = make_item(pledge_list, people.city_housing, title="加装电梯")
    lianxi = make_item(pledge_list, people.city_housing, parent=parent, weight=Decimal(140))
    xunyang = make_item(pledge_list, people.xunyang_housing, parent=parent, weight=Decimal(60), region=people.xunyang)
    actions.do_post_progress(lianxi, happened_on=date(2026, 11, 1), text="过半", percent=50, actor=people.li)
    parent.refresh_from_db()
    assert parent.percent == 35  # (50*140 + 0*60) / 200
    actions.do_post_progress(xunyang, happened_on=date(2026, 11, 2), text="完成", percent=100, actor=people.xu)
    parent.refresh_from_db()
    assert parent.percent == 65  # (50*140 + 100*60) / 200
    actions.do_post_progress(lianxi, happened_on=date(2026, 11, 10), text="完成", percent=100, actor=people.li)
    parent.refresh_from_db()
    assert (parent.percent, parent.completed_on) == (100, date(2026, 11, 10))


def test_sub_items_without_weights_roll_up_as_an_average(people):
    pledge_list = make_pledge_list(people.city)
    parent = make_item(pledge_list, people.city_housing)
    first = make_item(pledge_list, people.city_housing, parent=parent)
    make_item(pledge_list, people.city_housing, parent=parent)
    make_item(pledge_list, people.city_housing, parent=parent)
    actions.do_post_progress(first, happened_on=date(2026, 11, 1), text="完成", percent=100, actor=people.li)
    parent.refresh_from_db()
    assert parent.percent == 33


def test_a_parent_takes_text_but_not_a_percent(people):
    pledge_list = make_pledge_list(people.city)
    parent = make_item(pledge_list, people.city_housing)
    make_item(pledge_list, people.city_housing, parent=parent)
    with pytest.raises(ActionError) as raised:
        actions.do_post_progress(parent, happened_on=date(2026, 11, 1), text="x", percent=50, actor=people.li)
    assert "由子项汇总" in raised.value.message
    actions.do_post_progress(parent, happened_on=date(2026, 11, 1), text="统筹推进", percent=None, actor=people.li)
    assert parent.events.filter(kind=EventKind.PROGRESS, percent=None).count() == 1


def test_a_milestone_is_completed_once_by_the_lead_department(people):
    item = make_item(
        make_pledge_list(people.city), people.city_housing, milestones=[(date(2026, 6, 30), "完成设计")]
    )
    milestone = item.milestones.get()
    with pytest.raises(NotAllowed):
        actions.do_complete_milestone(milestone, completed_on=date(2026, 6, 28), actor=people.huang)
    event = actions.do_complete_milestone(milestone, completed_on=date(2026, 6, 28), actor=people.li)
    assert event.note == "完成节点：完成设计" and event.is_public
    with pytest.raises(ActionError):
        actions.do_complete_milestone(milestone, completed_on=date(2026, 6, 29), actor=people.li)


def test_the_timeline_holds_one_event_per_change_in_order(people, elevator_item):
    actions.do_post_progress(elevator_item, happened_on=date(2026, 3, 1), text="启动", percent=10, actor=people.li)
    actions.do_edit_item(elevator_item, {"deadline": date(2026, 12, 20)}, actor=people.admin)
    actions.do_post_progress(elevator_item, happened_on=date(2026, 6, 1), text="过半", percent=55, actor=people.li)
    kinds = list(elevator_item.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.PROGRESS, EventKind.EDITED, EventKind.PROGRESS]
    edit = elevator_item.events.get(kind=EventKind.EDITED)
    assert edit.data == {"deadline": {"old": "2026-12-31", "new": "2026-12-20"}}
    assert edit.note == "修改了完成时限。"


def test_handlers_cannot_edit_items_but_administrators_of_the_region_can(people, elevator_item):
    with pytest.raises(NotAllowed):
        actions.do_edit_item(elevator_item, {"title": "改名"}, actor=people.li)
    with pytest.raises(NotAllowed):
        actions.do_edit_item(elevator_item, {"title": "改名"}, actor=people.hukou_admin)
    actions.do_edit_item(elevator_item, {"title": "既有住宅加装电梯310部"}, actor=people.sun)
    elevator_item.refresh_from_db()
    assert elevator_item.title == "既有住宅加装电梯310部"


def test_events_cannot_be_rewritten(elevator_item):
    from minsheng.core.models import ImmutableEvent

    event = elevator_item.events.first()
    event.note = "篡改"
    with pytest.raises(ImmutableEvent):
        event.save()
    with pytest.raises(ImmutableEvent):
        event.delete()


def test_the_lead_department_ticks_off_a_milestone_from_the_item_page(client, people):
    item = make_item(make_pledge_list(people.city), people.city_housing, milestones=[(date(2026, 6, 30), "完成设计")])
    milestone = item.milestones.get()
    client.force_login(people.huang)
    client.post(f"/pledges/staff/items/{item.pk}/", {"milestone": milestone.pk})
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    client.force_login(people.li)
    page = client.get(f"/pledges/staff/items/{item.pk}/").content.decode()
    assert 'value="2026-11-26"' in page  # the day defaults to today
    response = client.post(
        f"/pledges/staff/items/{item.pk}/", {"milestone": milestone.pk, "completed_on": "2026-11-26"}, follow=True
    )
    assert "已确认节点“完成设计”于2026年11月26日完成。" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_on == NOW.date()


def test_a_new_milestone_plan_replaces_the_open_ones_and_is_recorded(people):
    item = make_item(make_pledge_list(people.city), people.city_housing, milestones=[(date(2026, 6, 30), "完成设计")])
    actions.do_complete_milestone(item.milestones.get(), completed_on=date(2026, 6, 28), actor=people.li)
    actions.do_plan_milestones(item, [(date(2026, 9, 30), "主体完工"), (date(2026, 12, 20), "验收")], actor=people.sun)
    assert [(m.title, m.completed_on is not None) for m in item.milestones.order_by("due_date")] == [
        ("完成设计", True), ("主体完工", False), ("验收", False)
    ]
    edit = item.events.filter(kind=EventKind.EDITED).get()
    assert edit.data["milestones"]["new"] == ["2026-09-30 主体完工", "2026-12-20 验收"]
    with pytest.raises(NotAllowed):
        actions.do_plan_milestones(item, [], actor=people.li)
    with pytest.raises(ActionError, match="应在开始日期与完成时限之间"):
        actions.do_plan_milestones(item, [(date(2027, 3, 1), "明年")], actor=people.sun)


def test_a_phone_number_in_a_progress_note_is_masked_on_the_public_page(client, people, elevator_item):
    actions.do_post_progress(
        elevator_item, happened_on=date(2026, 11, 20), text="业主联系人13979212345，身份证360429198001011235", percent=None,
        actor=people.li,
    )
    public = client.get(f"/pledges/items/{elevator_item.pk}/").content.decode()
    assert "139****2345" in public and "13979212345" not in public and "360429198001011235" not in public
    client.force_login(people.li)
    assert "13979212345" in client.get(f"/pledges/staff/items/{elevator_item.pk}/").content.decode()
