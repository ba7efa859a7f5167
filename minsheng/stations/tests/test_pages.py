"""The station pages as their users meet them: the public finder and station page on a phone,
the feedback form, the operator's pages (their own stations only), every form refusing bad input
beside its field, the staff home page's panel."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.stations import actions
from minsheng.stations.models import HolidayPlan, Place, Standard, Station, StationEvent, Volunteer
from minsheng.testing import make_station, png_bytes

pytestmark = pytest.mark.django_db
HOLIDAY_NOON = datetime(2026, 10, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def station(people, keepers):
    made = make_station(people, name="城市驿站·浔阳站", operator=keepers.xunyang_urban, point=(29.7160, 115.9910),
                        amenities=["toilet", "hot-water"])
    actions.do_add_volunteer(made, name="黄秀英", phone="15979208862", organisation="退休党员服务队", actor=keepers.qian)
    Place.objects.create(name="花果园北路", region=people.xunyang, latitude="29.713300", longitude="115.987900")
    return made


def logged_in(client, user):
    client.force_login(user)
    return client


@time_machine.travel(HOLIDAY_NOON, tick=False)
def test_the_finder_answers_a_typed_place_and_an_unknown_one(client, station):
    page = client.get("/stations/", {"place": "花果园", "amenity": "hot-water"})
    assert page.status_code == 200
    assert [row["station"] for row in page.context["rows"]] == [station]
    assert "离“花果园北路”最近的驿站" in page.content.decode()
    unknown = client.get("/stations/", {"place": "不存在的路"})
    assert "没有找到“不存在的路”" in unknown.content.decode()
    outside = client.get("/stations/", {"lat": "30.5928", "lng": "114.3055"})
    assert "不在九江市范围内" in outside.content.decode()
    for bad in ({"lat": "\x00", "lng": "1"}, {"amenity": "sauna"}, {"lat": "NaN", "lng": "NaN"}):
        assert client.get("/stations/", bad).status_code in (200, 400)


@time_machine.travel(HOLIDAY_NOON, tick=False)
def test_the_station_page_shows_the_week_duty_and_masks_volunteers(client, station, keepers):
    actions.do_plan_holiday(station, day=date(2026, 10, 4), spans="08:00-20:00", duty_staff="王芳（站长）",
                            duty_phone="0792-8226001", actor=keepers.qian)
    body = client.get(f"/stations/{station.pk}/").content.decode()
    assert "正在开放" in body and "国庆节" in body and "王芳（站长）" in body
    assert "黄**" in body and "黄秀英" not in body and "15979208862" not in body
    assert "uri.amap.com" in body and "geo:29.716000,115.991000" in body
    assert client.get("/stations/999999/").status_code == 404


def test_a_closed_station_is_gone_from_the_public(client, station, keepers):
    actions.do_set_station_status(station, status="closed", note="撤并", actor=keepers.song)
    assert client.get(f"/stations/{station.pk}/").status_code == 404
    assert client.get(f"/stations/{station.pk}/feedback/").status_code == 404


def test_feedback_refuses_bad_input_beside_its_field(client, station):
    from minsheng.testing import make_category

    make_category("station-facility", "城市驿站", parent_code="urban-management")
    page = client.post(f"/stations/{station.pk}/feedback/", {"description": "", "requester_name": "刘桂兰",
                                                            "requester_phone": "123"})
    assert page.status_code == 400 and "具体情况" in page.content.decode()
    page = client.post(f"/stations/{station.pk}/feedback/", {"description": "热水器坏了", "requester_name": "刘桂兰",
                                                            "requester_phone": "123", "amenity": "hot-water"})
    assert page.status_code == 400 and "手机号码" in page.content.decode()
    done = client.post(f"/stations/{station.pk}/feedback/", {"description": "热水器坏了", "requester_name": "刘桂兰",
                                                            "requester_phone": "13907921234", "amenity": "hot-water"})
    assert done.status_code == 302 and station.case_links.count() == 1


def test_the_operator_keeps_their_own_stations_only(client, station, keepers, people):
    assert client.get("/stations/staff/").status_code == 302  # to the login
    logged_in(client, keepers.feng)
    assert client.get(f"/stations/staff/{station.pk}/").status_code == 404
    assert client.post(f"/stations/staff/{station.pk}/act/hours/", {"hours_0": "全天"}).status_code == 404
    assert "本单位没有运营的城市驿站" in client.get("/stations/staff/").content.decode()
    logged_in(client, keepers.qian)
    page = client.get(f"/stations/staff/{station.pk}/").content.decode()
    assert "15979208862" in page  # the keeper calls the volunteers
    page = logged_in(client, people.sun).get(f"/stations/staff/{station.pk}/").content.decode()
    assert "15979208862" not in page and "159****8862" in page  # a supervisor looking in


def test_the_keepers_forms_save_through_the_actions_and_refuse_beside_the_field(client, station, keepers):
    logged_in(client, keepers.qian)
    act = f"/stations/staff/{station.pk}/act"
    bad = client.post(f"{act}/hours/", {"hours_0": "09:00-08:00"})
    assert bad.status_code == 400 and "结束时间不晚于开始时间" in bad.content.decode()
    assert client.post(f"{act}/hours/", {f"hours_{d}": "07:00-19:00" for d in range(7)}).status_code == 302
    assert station.hours.count() == 7
    bad = client.post(f"{act}/station/", {"name": station.name, "address": station.address, "latitude": "30.5928",
                                          "longitude": "114.3055", "datum": "wgs84"})
    assert bad.status_code == 400 and "不在九江市范围内" in bad.content.decode()
    assert Station.objects.get(pk=station.pk).latitude == station.latitude
    with time_machine.travel(datetime(2026, 9, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert client.post(f"{act}/holiday/", {"date": "2026-10-02", "spans": "08:00-20:00", "duty_staff": "王芳",
                                               "duty_phone": "0792-8226001"}).status_code == 302
        not_listed = client.post(f"{act}/holiday/", {"date": "2026-10-10", "spans": "08:00-20:00"})
        assert not_listed.status_code == 400  # a make-up Saturday is not offered
    assert HolidayPlan.objects.filter(station=station).count() == 1
    photo = client.post(f"{act}/photo/", {"photo": _upload("站内.png", png_bytes(20, 20)), "caption": "休息区"})
    assert photo.status_code == 302 and station.photos.count() == 1
    served = client.get(f"/stations/{station.pk}/photos/{station.photos.get().pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert client.post(f"{act}/volunteer/", {"name": "周建华", "phone": "12"}).status_code == 400
    assert Volunteer.objects.filter(station=station).count() == 1
    assert client.post(f"{act}/nonsense/", {}).status_code == 404
    assert StationEvent.objects.filter(station=station, actor=keepers.qian).exists()


def test_an_inspection_with_a_problem_and_its_fix(client, station, keepers, people):
    actions.do_define_standard(name="七个一", items=["一间厕所", "一台饮水机"], actor=people.admin)
    logged_in(client, keepers.qian)
    url = f"/stations/staff/{station.pk}/inspect/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"visited_on": "2026-11-10", "item_1": "yes", "item_2": "no"})
    assert refused.status_code == 400 and "不合格，请写明问题和整改期限" in refused.content.decode()
    assert 'value="no" checked' in refused.content.decode()  # what was typed stays
    with time_machine.travel(datetime(2026, 11, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        done = client.post(url, {"visited_on": "2026-11-10", "item_1": "yes", "item_2": "no",
                                 "problem_2": "热水温度不足", "deadline_2": "2026-11-17"})
        assert done.status_code == 302
        problem = station.problems.get()
        assert client.post(f"/stations/staff/{station.pk}/problems/{problem.pk}/fix/",
                           {"note": "更换加热管", "fixed_on": "2026-11-12"}).status_code == 302
    problem.refresh_from_db()
    assert problem.fixed_on == date(2026, 11, 12) and problem.status(date(2026, 11, 30)) == "已整改"


def test_the_staff_home_shows_the_stations_work(client, station, keepers, people):
    actions.do_define_standard(name="七个一", items=["一间厕所"], actor=people.admin)
    standard = Standard.objects.get()
    with time_machine.travel(datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        actions.do_record_inspection(station, standard=standard, visited_on=date(2026, 11, 10), results={1: False},
                                     problems=[{"item": 1, "description": "厕所无人保洁", "deadline": date(2026, 11, 12)}],
                                     actor=keepers.qian)
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        page = logged_in(client, keepers.qian).get("/staff/")
        work = page.context["station_work"]
        assert (work.stations, work.open_problems, work.late_problems) == (1, 1, 1)
        assert logged_in(client, people.huang).get("/staff/").context["station_work"] is None


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")





def test_the_city_sets_its_standard_and_places_on_a_page(client, people, keepers):
    assert logged_in(client, keepers.qian).get("/stations/staff/settings/").status_code == 404
    logged_in(client, people.sun)
    url = "/stations/staff/settings/"
    bad = client.post(url, {"form": "standard", "name": "七个一", "items": "一间厕所\n一间厕所"})
    assert bad.status_code == 400 and "检查内容有重复" in bad.content.decode()
    assert client.post(url, {"form": "standard", "name": "七个一", "issuer": "市城管局",
                             "items": "一间厕所\n\n一台饮水机\n"}).status_code == 302
    assert list(Standard.objects.get().items.values_list("text", flat=True)) == ["一间厕所", "一台饮水机"]
    outside = client.post(url, {"form": "place", "name": "武汉站", "region": people.xunyang.pk, "latitude": "30.6075",
                                "longitude": "114.4248", "datum": "wgs84"})
    assert outside.status_code == 400 and "不在九江市范围内" in outside.content.decode()
    assert client.post(url, {"form": "place", "name": "浔阳楼", "region": people.xunyang.pk, "latitude": "29.7312",
                             "longitude": "115.9985", "datum": "wgs84"}).status_code == 302
    assert Place.objects.filter(name="浔阳楼").exists()
