"""Issue 9: what the public pages promise an older reader or a screen reader, checked in the
HTML every page sends: the care mode switch and its memory, labels for every control, groups
with a legend, aria-describedby that always points at something, an error summary whose links
reach their fields, and autocomplete where a resident types their own details.
(The browser checks — axe-core, zoom, font size, keyboard — are in test_browser_access.py and
test_browser_keyboard.py.)"""

from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.catalogue import kind
from minsheng.pledges import actions as pledge_actions
from minsheng.testing import make_category, make_focus_area, make_item, make_pledge_list, make_station

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


class Page(HTMLParser):
    """The parts of a page this test reads: elements with their attributes, label targets,
    the text of each legend."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.legends: list[str] = []
        self._in_legend = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_legend = tag == "legend" or self._in_legend and tag == "span"
        if tag == "legend":
            self.legends.append("")

    def handle_endtag(self, tag):
        if tag == "legend":
            self._in_legend = False

    def handle_data(self, data):
        if self._in_legend:
            self.legends[-1] += data

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.elements if attrs.get("id")}

    def with_attr(self, name: str) -> list[tuple[str, dict]]:
        return [(tag, attrs) for tag, attrs in self.elements if name in attrs]

    def controls(self) -> list[dict]:
        hidden = ("hidden", "submit", "button")
        return [attrs for tag, attrs in self.elements
                if tag in ("input", "select", "textarea") and attrs.get("type") not in hidden]

    def labelled(self) -> set[str]:
        return {attrs["for"] for tag, attrs in self.elements if tag == "label" and attrs.get("for")}


@pytest.fixture
def pages(people, client):
    """Every public page, as a resident reaches it."""
    area = make_focus_area("聚焦城市建设")
    item = make_item(make_pledge_list(people.hukou), people.hukou_housing, area=area, title="加装电梯10部")
    pledge_actions.do_post_progress(item, happened_on=date(2026, 10, 1), text="已完工3部", percent=30, actor=None)
    pledge_actions.do_edit_item(item, {"latitude": "29.7263", "longitude": "116.2517"}, actor=None)  # on the map
    make_category(routes=[(people.hukou, people.hukou_housing)])
    refused = client.post("/cases/submit/", {"region": people.hukou.code, "requester_phone": "1381234"})
    assert refused.status_code == 200
    station = make_station(people, name="城市驿站·浔阳站")
    make_category("station-facility", "城市驿站", parent_code="urban-management")
    return {
        "stations": client.get("/stations/?amenity=hot-water"),
        "station": client.get(f"/stations/{station.pk}/"),
        "station feedback": client.get(f"/stations/{station.pk}/feedback/"),
        "board": client.get("/"),
        "item list": client.get("/pledges/items/?q=电梯"),
        "item": client.get(f"/pledges/items/{item.pk}/"),
        "submit": client.get("/cases/submit/"),
        "submit refused": refused,
        "track": client.get("/cases/track/"),
        "track refused": client.post("/cases/track/", {"number": "", "code": ""}),
        "login": client.get("/accounts/login/"),
        "inspections": client.get("/inspections/"),
        "inspection check refused": client.post("/inspections/check/", {"number": "", "code": ""}),
        "inspection results": client.get("/inspections/results/"),
        "lifts": client.get("/elevators/"),
    }


def test_every_control_on_every_public_page_has_a_visible_label_and_describedby_points_at_something(pages):
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = Page(response.content.decode())
        labelled = page.labelled()
        for control in page.controls():
            if control.get("name") == "website":  # the bots' field, hidden from people and readers
                continue
            # A radio or checkbox sits inside its label; everything else is named by a label's for=.
            inside_label = control.get("type") in ("radio", "checkbox")
            assert inside_label or control.get("id") in labelled, f"{name}: {control} has no label"
        for tag, attrs in page.with_attr("aria-describedby"):
            missing = [ref for ref in attrs["aria-describedby"].split() if ref not in page.ids]
            assert not missing, f"{name}: <{tag} {attrs}> describes itself by missing ids {missing}"


def test_a_radio_group_is_a_fieldset_named_by_its_legend(pages):
    page = Page(pages["submit"].content.decode())
    assert any(legend.startswith("诉求类型") for legend in page.legends)
    # No label points nowhere (the old <label for=""> of a radio group).
    assert not [attrs for tag, attrs in page.elements if tag == "label" and attrs.get("for") == ""]


def test_a_refused_submission_lists_every_problem_at_the_top_with_links_to_the_fields(pages):
    html = pages["submit refused"].content.decode()
    page = Page(html)
    summary = html.split('data-error-summary')[1].split("</div>")[0]
    assert "有5处需要修改" in summary  # kind, category, description, name, phone
    links = [attrs["href"][1:] for tag, attrs in page.elements if tag == "a" and attrs.get("href", "").startswith("#id_")]
    assert links == ["id_kind_0", "id_category", "id_description", "id_requester_name", "id_requester_phone"]
    assert set(links) <= page.ids
    assert "手机号码：手机号码应为11位数字，以13至19开头。" in summary
    # Each field says it is wrong, and which message is its own.
    phone = next(attrs for attrs in page.controls() if attrs.get("name") == "requester_phone")
    assert phone["aria-invalid"] == "true" and "id_requester_phone_error" in phone["aria-describedby"]


def test_the_region_list_is_in_the_summary_when_it_is_missing(client, people):
    make_category(routes=[(people.hukou, people.hukou_housing)])
    html = client.post("/cases/submit/", {"description": ""}).content.decode()
    page = Page(html)
    assert '<a href="#id_region">所在地区：请选择所在地区。</a>' in html
    region = next(attrs for attrs in page.controls() if attrs.get("name") == "region")
    assert region["aria-invalid"] == "true" and region["aria-describedby"] == "id_region_helptext id_region_error"


def test_a_resident_types_their_own_name_and_phone_with_autocomplete_but_a_clerk_does_not(client, people):
    public = Page(client.get("/cases/submit/").content.decode())
    fields = {attrs.get("name"): attrs for attrs in public.controls()}
    assert fields["requester_name"]["autocomplete"] == "name"
    assert fields["requester_phone"]["autocomplete"] == "tel"
    client.force_login(people.chen)
    window = Page(client.get("/cases/staff/new/").content.decode())
    fields = {attrs.get("name"): attrs for attrs in window.controls()}
    assert fields["requester_name"]["autocomplete"] == "off" and fields["requester_phone"]["autocomplete"] == "off"


def test_optional_fields_say_so_and_required_ones_do_not(pages):
    html = pages["submit"].content.decode()
    assert '<label for="id_wants">希望如何解决<span class="optional-mark">（选填）</span></label>' in html
    assert '<label for="id_requester_phone">手机号码 <span aria-hidden="true" class="required-mark">*</span></label>' in html
    # What one kind requires (办不成事: the original application) is never called optional.
    assert '<label for="id_applied_for">原来申请办理的事项</label>' in html


def test_care_mode_is_switched_from_the_header_and_remembered(client, people):
    board = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in board
    toggle = '<a class="care-toggle" href="/care/on/?next=%2F"'
    assert toggle in board
    response = client.get("/care/on/?next=/pledges/items/%3Fq%3D电梯")
    assert response.status_code == 302 and response["Location"] == "/pledges/items/?q=%E7%94%B5%E6%A2%AF"  # 电梯
    cookie = response.cookies["care"]
    assert cookie.value == "1" and cookie["max-age"] == 365 * 24 * 3600 and cookie["samesite"] == "Lax"
    assert not cookie["httponly"]  # the page's script switches it in place
    # Remembered: every later page opens in care mode, with the way back.
    for path in ("/", "/cases/submit/", "/cases/track/", "/accounts/login/"):
        html = client.get(path).content.decode()
        assert '<html lang="zh-CN" class="care">' in html, path
        assert ">标准版</a>" in html, path
    off = client.get("/care/off/?next=/")
    assert off.status_code == 302 and off.cookies["care"].value == ""
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "", "\x00",
])
def test_the_care_switch_never_sends_anyone_off_the_site(client, target):
    response = client.get("/care/on/", {"next": target})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"] == "/"


def test_the_care_switch_knows_only_on_and_off(client):
    assert client.get("/care/maybe/?next=/").status_code == 404
    assert client.post("/care/on/?next=/").status_code == 405


def test_the_text_size_follows_the_browser_the_style_sheet_sets_no_pixels_on_the_root(client):
    from django.contrib.staticfiles import finders

    css = open(finders.find("minsheng/site.css"), encoding="utf-8").read()
    root = css.split(":root {")[1].split("}")[0]
    assert "font-size: 100%" in root and "px" not in root.split("font-size:")[1].split(";")[0]


def test_the_search_and_filters_have_visible_labels(pages):
    html = pages["item list"].content.decode()
    for label in ('<label for="q">关键词</label>', '<label for="region">地区</label>', '<label for="area">聚焦领域</label>',
                  '<label for="status">状态</label>'):
        assert label in html
    assert 'class="skip" for=' not in html and 'class="skip" for=' not in pages["board"].content.decode()


def test_a_window_walk_in_form_lists_its_problems_at_the_top(client, people):
    make_category(routes=[(people.hukou, people.hukou_housing)])
    client.force_login(people.chen)
    html = client.post("/cases/staff/new/", {"kind": kind("stuck-matter").pk, "submission_token": "t"}).content.decode()
    assert "data-error-summary" in html and '<a href="#id_requester_name">姓名：请填写姓名。</a>' in html
