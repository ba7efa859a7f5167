"""What the demo's practical-matter lists guarantee (JOURNEYS.md 1 and 2): loaded once for the
module, the regions and the lists only (the whole demo is walked in minsheng/tests/test_demo.py)."""

import struct
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from minsheng.org.demo import load_org
from minsheng.pledges import queries
from minsheng.pledges.demo import load_pledges
from minsheng.pledges.demo_photos import THEMES, site_photo
from minsheng.pledges.models import EventKind, Evidence, Milestone, PledgeEvent, PledgeItem

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, media):
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), override_settings(MEDIA_ROOT=media):
        load_pledges(load_org())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _now(settings, media):
    settings.MEDIA_ROOT = media  # where the module's demo put its photos
    with time_machine.travel(NOW, tick=False):
        yield


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.django_db
def test_the_figures_are_still_jiujiangs_counted_by_owner(demo):
    figures = queries.compute_board(2026, TODAY)
    assert figures.headline == "市县两级共制定实事清单638项，已完成494项；其中市本级34项，已完成23项"
    assert {tally.label: tally.total for tally in figures.by_region}["浔阳区"] == 49


@pytest.mark.django_db
def test_xunyangs_filter_shows_the_citys_elevators_built_there(demo, client):
    response = client.get("/pledges/items/", {"region": "360403", "q": "加装电梯"})
    titles = [item.title for item in response.context["page"].object_list]
    assert "浔阳区既有住宅加装电梯95部" in titles
    assert "其中1项是在本地实施的市本级事项" in response.content.decode()
    located = PledgeItem.objects.filter(location__isnull=False).values_list("title", "location__name")
    assert sorted(located) == [
        ("柴桑区既有住宅加装电梯70部", "柴桑区"),
        ("浔阳区既有住宅加装电梯95部", "浔阳区"),
        ("濂溪区既有住宅加装电梯140部", "濂溪区"),
    ]


@pytest.mark.django_db
def test_a_word_search_finds_the_old_community_items(demo, client):
    response = client.get("/pledges/items/", {"q": "老旧小区电梯"})
    assert response.context["page"].paginator.count >= 1
    for item in response.context["page"].object_list:
        text = item.title + item.description
        assert "老旧" in text and "小区" in text and "电梯" in text


@pytest.mark.django_db
def test_every_progress_update_carries_a_site_photo_served_through_the_checked_view(demo, client):
    updates = PledgeEvent.objects.filter(kind=EventKind.PROGRESS)
    assert updates.count() > 1000
    assert not updates.filter(evidence__isnull=True).exists()
    evidence = Evidence.objects.select_related("event__item").order_by("id").first()
    assert evidence.content_type == "image/png" and evidence.original_name.startswith("现场照片")
    page = client.get(f"/pledges/items/{evidence.event.item_id}/").content.decode()
    assert f"/pledges/evidence/{evidence.key}/" in page
    served = client.get(f"/pledges/evidence/{evidence.key}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    data = b"".join(served.streaming_content)
    assert png_size(data) == (320, 240) and len(data) == evidence.size


def test_the_photos_are_real_images_drawn_the_same_way_every_time():
    for theme in THEMES:
        for stage in range(3):
            first = site_photo.__wrapped__(theme, stage, 1)
            assert png_size(first) == (320, 240) and len(first) < 8000
            assert first == site_photo.__wrapped__(theme, stage, 1)
    assert site_photo("cityscape", 0, 0) != site_photo("cityscape", 2, 0)


@pytest.mark.django_db
def test_timelines_were_recorded_in_the_order_they_happened(demo):
    """Lists were imported when the year began and progress recorded on its day, so a timeline
    sorted by the date shown is also the order things were recorded (item 84 of issue 8)."""
    for item in PledgeItem.objects.order_by("id")[:200]:
        events = list(queries.public_timeline(item))
        assert events[0].kind == EventKind.IMPORTED, item
        assert [event.created_at for event in events] == sorted(event.created_at for event in events), item
        assert all(event.created_at <= NOW for event in events)


@pytest.mark.django_db
def test_city_milestones_are_ticked_off_on_the_day_they_were_reached(demo):
    done = Milestone.objects.filter(completed_on__isnull=False).select_related("item")
    assert done.count() >= 23
    for milestone in done:
        assert milestone.item.start_date <= milestone.completed_on <= TODAY
    # Past half way, the half-way milestone is ticked: the elevator item through its districts too.
    for item in PledgeItem.objects.filter(level="city", parent__isnull=True, percent__gte=50):
        assert item.milestones.get(title="完成过半").completed_on is not None, item
