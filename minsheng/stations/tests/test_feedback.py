"""A resident's word about a station ("热水器坏了") is a case of the catalogue's 城市驿站 category,
registered through the case engine, accepted and sent at once to the station's operator unit;
the station and the case show each other. The resident gets the query code; a form sent twice
makes one case; bad input, a category not yet opened and a closed station are refused with
nothing saved. The operator's staff find it in their inbox, other departments do not."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.actions import query_code_matches
from minsheng.cases.catalogue import load_catalogue
from minsheng.cases.models import Case, CaseEvent, Category, Notification, State
from minsheng.cases.queries import inbox_tabs, visible_cases
from minsheng.core.errors import ActionError
from minsheng.stations import actions
from minsheng.stations.models import EventKind, StationCase, StationEvent, StationStatus
from minsheng.testing import make_station

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, a working day
PHONE = "13807921234"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def station(people, keepers):
    """The catalogue loaded (城市驿站 among 城市管理's matters) and 浔阳区城管局's station."""
    load_catalogue()
    return make_station(people, name="城市驿站·花果园", operator=keepers.xunyang_urban,
                        amenities=["toilet", "hot-water"])


def report(station, **fields):
    values = {"description": "驿站的热水器坏了，没有热水。", "requester_name": "赵金德", "requester_phone": PHONE,
              "amenity": "hot-water", "submission_token": "s" * 32} | fields
    return actions.do_report_feedback(station, **values)


def nothing_saved():
    return (not Case.objects.exists() and not StationCase.objects.exists()
            and not StationEvent.objects.filter(kind=EventKind.FEEDBACK).exists()
            and not Notification.objects.filter(case__isnull=False).exists())


def test_feedback_becomes_a_case_sent_to_the_stations_operator(people, keepers, station):
    case, code = report(station)
    case = Case.objects.get(pk=case.pk)
    assert case.category.code == "station-facility" and case.kind.code == "general"
    assert case.region == people.xunyang
    assert case.state == State.DISPATCHED
    assert case.proposed_department == keepers.xunyang_urban
    assert case.lead_department == keepers.xunyang_urban
    assert case.title == "城市驿站·花果园热水问题"
    assert case.answers == {"station": "城市驿站·花果园"}
    assert (case.latitude, case.longitude) == (station.latitude, station.longitude)
    assert "城市驿站·花果园" in case.address
    assert case.due_at is not None and case.due_at > NOW  # the sign-for clock runs
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "registered", "accepted", "dispatched"]

    link = StationCase.objects.get()
    assert (link.station, link.case, link.amenity) == (station, case, "hot-water")
    assert station.case_links.get() == link and case.station_link == link
    event = StationEvent.objects.get(station=station, kind=EventKind.FEEDBACK)
    assert event.data == {"case": case.number, "amenity": "hot-water"}
    assert case.number in event.note and "浔阳区城管局" in event.note and "热水" in event.note
    assert not event.is_public


def test_the_resident_gets_the_query_code(station):
    case, code = report(station)
    assert code and query_code_matches(case, code)
    assert not query_code_matches(case, "000000" if code != "000000" else "111111")
    sms = Notification.objects.get(case=case, channel="sms")
    assert sms.recipient_address == PHONE
    assert case.number in sms.body and code in sms.body


def test_the_operators_staff_are_told_and_find_it_in_their_inbox(people, keepers, station):
    case, _code = report(station)
    told = set(Notification.objects.filter(case=case, channel="staff").values_list("recipient_user", flat=True))
    assert {keepers.qian.pk, keepers.song.pk} <= told
    assert keepers.feng.pk not in told and people.huang.pk not in told

    assert list(inbox_tabs(keepers.qian, NOW)["to_sign"]) == [case]
    assert case in visible_cases(keepers.qian)
    # Handlers of other departments (濂溪区城管局, 湖口县住建局) neither see it nor have it to sign for.
    for stranger in (keepers.feng, people.huang):
        assert case not in inbox_tabs(stranger, NOW)["to_sign"]
        assert case not in visible_cases(stranger)


def test_the_same_submission_twice_makes_one_case(station):
    first, code = report(station)
    again, second_code = report(station)
    assert again.pk == first.pk and second_code is None and code
    assert Case.objects.count() == 1 and StationCase.objects.count() == 1
    assert StationEvent.objects.filter(kind=EventKind.FEEDBACK).count() == 1
    assert Notification.objects.filter(case=first, channel="sms").count() == 1


def test_without_an_amenity_the_case_is_about_the_station(station):
    case, _code = report(station, amenity="")
    assert StationCase.objects.get(case=case).amenity == ""
    assert case.title != "" and "热水" in case.description


def test_an_unknown_amenity_is_refused(station):
    with pytest.raises(ActionError) as refused:
        report(station, amenity="sauna")
    assert refused.value.field == "amenity" and "sauna" in refused.value.message
    assert nothing_saved()


@pytest.mark.parametrize("fields, field", [
    ({"requester_phone": "12345"}, "requester_phone"),
    ({"requester_name": ""}, "requester_name"),
    ({"description": ""}, "description"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(station, fields, field):
    with pytest.raises(ActionError) as refused:
        report(station, **fields)
    assert refused.value.field == field
    assert nothing_saved()


def test_while_the_category_is_not_open_feedback_is_refused(station):
    Category.objects.filter(code="station-facility").update(is_active=False)
    with pytest.raises(ActionError) as refused:
        report(station)
    assert refused.value.message == actions.FEEDBACK_NOT_OPEN and "暂未开通" in refused.value.message
    assert nothing_saved()


def test_a_closed_station_takes_no_feedback(keepers, station):
    actions.do_set_station_status(station, status=StationStatus.CLOSED, note="场地收回", actor=keepers.qian)
    station.refresh_from_db()
    with pytest.raises(ActionError) as refused:
        report(station)
    assert refused.value.field == "station"
    assert nothing_saved()
