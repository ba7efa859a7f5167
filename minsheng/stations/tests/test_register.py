"""The register of stations: a station as its operator's head or the district's supervisors enter
it (amenities, a point from GPS or from a phone map in GCJ-02), corrected later with each change
kept, suspended and reopened; volunteers and photos. Bad input is refused on its field and
nothing is saved; only the station's keepers may change it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core import geo
from minsheng.stations import actions
from minsheng.stations.models import (
    Amenity,
    EventKind,
    Station,
    StationAmenity,
    StationEvent,
    StationPhoto,
    StationStatus,
    Volunteer,
)
from minsheng.testing import XUNYANG_POINT, make_station, png_bytes

pytestmark = pytest.mark.django_db
WUHAN = (30.5928, 114.3055)


def register(people, keepers, *, actor=None, **fields):
    """浔阳区城管局's station at 花果园北路, as its head 宋局 registers it (unless told otherwise)."""
    values = {
        "name": "城市驿站·花果园",
        "region": people.xunyang,
        "address": "浔阳区花果园北路18号",
        "latitude": XUNYANG_POINT[0],
        "longitude": XUNYANG_POINT[1],
        "operator": keepers.xunyang_urban,
        "amenities": ["toilet", "hot-water", "charging"],
        "phone": "0792-8221234",
        "area_m2": 45,
    } | fields
    return actions.do_register_station(**values, actor=actor if actor is not None else keepers.song)


def current(station: Station) -> dict:
    """The station's register entry as an update takes it (everything kept as it is)."""
    return {
        "name": station.name,
        "address": station.address,
        "latitude": station.latitude,
        "longitude": station.longitude,
        "amenities": list(station.amenity_rows.values_list("code", flat=True)),
        "phone": station.phone,
        "description": station.description,
        "area_m2": station.area_m2,
        "opened_on": station.opened_on,
    }


# --- registering ------------------------------------------------------------------------------


def test_a_registered_station_keeps_its_amenities_and_writes_one_event(people, keepers):
    station = register(people, keepers)
    station.refresh_from_db()
    assert station.status == StationStatus.OPEN
    assert (station.region, station.operator) == (people.xunyang, keepers.xunyang_urban)
    assert sorted(station.amenity_rows.values_list("code", flat=True)) == ["charging", "hot-water", "toilet"]
    assert station.phone == "0792-8221234" and station.area_m2 == 45
    events = StationEvent.objects.filter(station=station)
    assert [event.kind for event in events] == [EventKind.REGISTERED]
    event = events.get()
    assert event.actor == keepers.song and event.is_public
    assert event.data["amenities"] == ["toilet", "hot-water", "charging"]
    assert "浔阳区城管局" in event.note


def test_amenities_may_be_named_by_their_chinese_labels_and_repeats_count_once(people, keepers):
    station = register(people, keepers, amenities="厕所、热水，toilet")
    assert sorted(station.amenity_rows.values_list("code", flat=True)) == ["hot-water", "toilet"]


def test_a_point_taken_from_a_phone_map_is_stored_in_wgs84(people, keepers):
    gcj_lat, gcj_lng = geo.wgs84_to_gcj02(*XUNYANG_POINT)
    # The two datums differ by about half a kilometre here: storing the input unconverted would show.
    assert geo.haversine_m(gcj_lat, gcj_lng, *XUNYANG_POINT) > 300
    station = register(people, keepers, latitude=gcj_lat, longitude=gcj_lng, datum="gcj02")
    station.refresh_from_db()
    assert float(station.latitude) == pytest.approx(XUNYANG_POINT[0], abs=1e-6)
    assert float(station.longitude) == pytest.approx(XUNYANG_POINT[1], abs=1e-6)
    event = StationEvent.objects.get(station=station, kind=EventKind.REGISTERED)
    assert event.data["datum"] == "gcj02"
    assert float(event.data["latitude"]) == pytest.approx(XUNYANG_POINT[0], abs=1e-6)


def test_a_wgs84_point_is_stored_as_given(people, keepers):
    station = register(people, keepers, latitude="29.714500", longitude="115.989000")
    station.refresh_from_db()
    assert (str(station.latitude), str(station.longitude)) == ("29.714500", "115.989000")


@pytest.mark.parametrize("fields, field, words", [
    ({"latitude": WUHAN[0], "longitude": WUHAN[1]}, "latitude", "不在九江市范围内"),
    ({"latitude": "NaN"}, "latitude", "纬度"),
    ({"latitude": float("nan")}, "latitude", "纬度"),
    ({"latitude": "abc"}, "latitude", "纬度"),
    ({"latitude": "1e400"}, "latitude", "纬度"),
    ({"latitude": ""}, "latitude", "纬度"),
    ({"longitude": "inf"}, "longitude", "经度"),
    ({"amenities": ["toilet", "sauna"]}, "amenities", "sauna"),
    ({"name": ""}, "name", "驿站名称"),
    ({"name": "   "}, "name", "驿站名称"),
    ({"name": "驿" * 61}, "name", "驿站名称"),
    ({"address": "浔阳区\x00花果园北路"}, "address", "地址"),
    ({"area_m2": 0}, "area_m2", "面积"),
    ({"area_m2": "-5"}, "area_m2", "面积"),
    ({"area_m2": "四十"}, "area_m2", "面积"),
    ({"phone": "12ab"}, "phone", "服务电话"),
    ({"datum": "bd09"}, "datum", "坐标系"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(people, keepers, fields, field, words):
    before = (Station.objects.count(), StationAmenity.objects.count(), StationEvent.objects.count())
    with pytest.raises(ActionError) as refused:
        register(people, keepers, **fields)
    assert not isinstance(refused.value, NotAllowed)
    assert refused.value.field == field
    assert words in refused.value.message
    assert (Station.objects.count(), StationAmenity.objects.count(), StationEvent.objects.count()) == before


def test_an_unknown_amenity_is_refused_with_the_list_of_those_there_are(people, keepers):
    with pytest.raises(ActionError) as refused:
        register(people, keepers, amenities=["sauna"])
    assert refused.value.field == "amenities"
    for label in Amenity.labels:
        assert label in refused.value.message
    assert not Station.objects.exists()


def test_a_second_station_of_the_same_name_is_refused(people, keepers):
    register(people, keepers)
    with pytest.raises(ActionError) as refused:
        register(people, keepers, address="浔阳区湓浦路1号")
    assert refused.value.field == "name" and "城市驿站·花果园" in refused.value.message
    assert Station.objects.count() == 1
    assert StationEvent.objects.filter(kind=EventKind.REGISTERED).count() == 1


def test_a_station_is_registered_in_a_district_its_operator_works_in(people, keepers):
    with pytest.raises(ActionError) as refused:
        register(people, keepers, operator=keepers.lianxi_urban, actor=people.sun)
    assert refused.value.field == "operator" and "濂溪区城管局" in refused.value.message
    with pytest.raises(ActionError) as refused:
        register(people, keepers, region=people.city, actor=people.sun)
    assert refused.value.field == "region"
    assert not Station.objects.exists()


# --- who may ----------------------------------------------------------------------------------


def test_the_operators_handler_may_not_register_but_its_head_may(people, keepers):
    with pytest.raises(NotAllowed):
        register(people, keepers, actor=keepers.qian)
    assert not Station.objects.exists() and not StationEvent.objects.exists()
    station = register(people, keepers, actor=keepers.song)
    assert Station.objects.get() == station


def test_another_districts_bureau_may_not_correct_a_station_but_a_city_supervisor_may(people, keepers):
    station = register(people, keepers)
    with pytest.raises(NotAllowed):
        actions.do_update_station(station, **(current(station) | {"phone": "0792-8220000"}), actor=keepers.feng)
    station.refresh_from_db()
    assert station.phone == "0792-8221234"
    assert not StationEvent.objects.filter(kind=EventKind.UPDATED).exists()

    actions.do_update_station(station, **(current(station) | {"phone": "0792-8220000"}), actor=people.sun)
    station.refresh_from_db()
    assert station.phone == "0792-8220000"
    assert StationEvent.objects.get(kind=EventKind.UPDATED).actor == people.sun


def test_another_districts_bureau_may_not_suspend_a_station(people, keepers):
    station = register(people, keepers)
    with pytest.raises(NotAllowed):
        actions.do_set_station_status(station, status=StationStatus.SUSPENDED, note="维修", actor=keepers.feng)
    station.refresh_from_db()
    assert station.status == StationStatus.OPEN


# --- correcting -------------------------------------------------------------------------------


def test_a_correction_keeps_each_changed_fields_before_and_after(people, keepers):
    station = register(people, keepers)
    actions.do_update_station(
        station,
        **(current(station) | {"name": "城市驿站·花果园北", "phone": "", "amenities": ["toilet", "wifi"]}),
        actor=keepers.qian,
    )
    station.refresh_from_db()
    assert station.name == "城市驿站·花果园北" and station.phone == ""
    assert sorted(station.amenity_rows.values_list("code", flat=True)) == ["toilet", "wifi"]
    event = StationEvent.objects.get(station=station, kind=EventKind.UPDATED)
    assert event.actor == keepers.qian
    assert event.data["changes"] == {
        "name": ["城市驿站·花果园", "城市驿站·花果园北"],
        "phone": ["0792-8221234", ""],
        "amenities": [["charging", "hot-water", "toilet"], ["toilet", "wifi"]],
    }
    assert "驿站名称" in event.note and "服务电话" in event.note and "设施" in event.note


def test_a_correction_that_changes_nothing_writes_no_event(people, keepers):
    station = register(people, keepers)
    before = station.updated_at
    same = current(station) | {"latitude": str(XUNYANG_POINT[0]), "longitude": str(XUNYANG_POINT[1]),
                               "amenities": ["hot-water", "charging", "toilet"]}
    actions.do_update_station(station, **same, actor=keepers.qian)
    assert not StationEvent.objects.filter(kind=EventKind.UPDATED).exists()
    station.refresh_from_db()
    assert station.updated_at == before


def test_a_correction_may_not_take_another_stations_name(people, keepers):
    station = register(people, keepers)
    register(people, keepers, name="城市驿站·湓浦", address="浔阳区湓浦路1号")
    with pytest.raises(ActionError) as refused:
        actions.do_update_station(station, **(current(station) | {"name": "城市驿站·湓浦"}), actor=keepers.qian)
    assert refused.value.field == "name"
    station.refresh_from_db()
    assert station.name == "城市驿站·花果园"
    assert not StationEvent.objects.filter(kind=EventKind.UPDATED).exists()


def test_a_correction_with_a_bad_point_changes_nothing(people, keepers):
    station = register(people, keepers)
    with pytest.raises(ActionError) as refused:
        actions.do_update_station(station, **(current(station) | {"latitude": WUHAN[0], "longitude": WUHAN[1],
                                                                  "amenities": ["toilet"]}), actor=keepers.qian)
    assert refused.value.field == "latitude"
    station.refresh_from_db()
    assert float(station.latitude) == pytest.approx(XUNYANG_POINT[0], abs=1e-6)
    assert station.amenity_rows.count() == 3


# --- status -----------------------------------------------------------------------------------


def test_suspending_needs_a_reason_and_is_recorded_once(people, keepers):
    station = register(people, keepers)
    with pytest.raises(ActionError) as refused:
        actions.do_set_station_status(station, status=StationStatus.SUSPENDED, note="", actor=keepers.qian)
    assert refused.value.field == "note"
    with pytest.raises(ActionError) as refused:
        actions.do_set_station_status(station, status="demolished", note="拆除", actor=keepers.qian)
    assert refused.value.field == "status"
    station.refresh_from_db()
    assert station.status == StationStatus.OPEN
    assert not StationEvent.objects.filter(kind=EventKind.STATUS).exists()

    for _ in range(2):
        actions.do_set_station_status(station, status=StationStatus.SUSPENDED, note="热水器维修", actor=keepers.qian)
    station.refresh_from_db()
    assert (station.status, station.status_note) == (StationStatus.SUSPENDED, "热水器维修")
    event = StationEvent.objects.get(station=station, kind=EventKind.STATUS)
    assert event.data == {"old": "open", "new": "suspended"} and "热水器维修" in event.note

    actions.do_set_station_status(station, status=StationStatus.OPEN, actor=keepers.qian)
    station.refresh_from_db()
    assert station.status == StationStatus.OPEN
    assert StationEvent.objects.filter(station=station, kind=EventKind.STATUS).count() == 2


# --- volunteers and photos ----------------------------------------------------------------------


def test_a_volunteer_with_a_bad_phone_is_refused(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban)
    with pytest.raises(ActionError) as refused:
        actions.do_add_volunteer(station, name="李强", phone="12345", actor=keepers.qian)
    assert refused.value.field == "phone"
    assert not Volunteer.objects.exists()
    assert not StationEvent.objects.filter(kind=EventKind.VOLUNTEER).exists()


def test_a_volunteers_phone_is_stored_as_eleven_digits(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban)
    volunteer = actions.do_add_volunteer(station, name="李强", phone="+86 138-0792-1234", organisation="九江学院",
                                         duties="饮水、雨伞借还", actor=keepers.qian)
    volunteer.refresh_from_db()
    assert (volunteer.station, volunteer.name, volunteer.phone) == (station, "李强", "13807921234")
    assert volunteer.left_on is None
    event = StationEvent.objects.get(station=station, kind=EventKind.VOLUNTEER)
    assert event.data == {"volunteer": volunteer.pk} and "九江学院" in event.note
    with pytest.raises(ActionError) as refused:  # the same person, still serving, once only
        actions.do_add_volunteer(station, name="李强", phone="13807921234", actor=keepers.qian)
    assert refused.value.field == "phone"
    assert Volunteer.objects.count() == 1


def test_a_real_png_is_accepted_as_a_photo(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban)
    upload = SimpleUploadedFile("门头.png", png_bytes(), content_type="image/png")
    photo = actions.do_add_photo(station, upload=upload, caption="门头", actor=keepers.qian)
    photo.refresh_from_db()
    assert (photo.station, photo.content_type, photo.caption, photo.uploaded_by) == (
        station, "image/png", "门头", keepers.qian)
    assert photo.file.name.endswith(".png")
    with photo.file.open("rb") as stored:
        assert stored.read() == png_bytes()
    assert StationEvent.objects.get(station=station, kind=EventKind.PHOTO).data == {"photo": photo.pk}


def test_a_text_file_renamed_png_is_refused(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban)
    upload = SimpleUploadedFile("x.png", b"just some text, not an image\n", content_type="image/png")
    with pytest.raises(ActionError) as refused:
        actions.do_add_photo(station, upload=upload, actor=keepers.qian)
    assert refused.value.field == "photo" and "x.png" in refused.value.message
    assert not StationPhoto.objects.exists()
    assert not StationEvent.objects.filter(kind=EventKind.PHOTO).exists()
