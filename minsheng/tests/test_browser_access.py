"""Issue 9 in Debian's chromium: every public page passes axe-core's WCAG 2.1 A/AA rules in the
standard and the care mode (关怀版) on a phone (390 px) and a desk (1366 px); reflows at 200 % and
400 % zoom on a 390 px phone without sideways scrolling; and follows the browser's font size.

The demo is loaded once for the module. Each browser test's database is flushed when it ends
(live_server makes every test transactional), so on SQLite the loaded demo is kept as an
in-memory copy and put back before the next test; on another database it is loaded again.

Each check walks every page and collects every problem before it fails, so one run lists all
that is left to fix. Phone screenshots of each page and mode go to $MINSHENG_SHOTS (else the
test's tmp_path). axe-core is test-only (minsheng/core/tests/vendor/axe-core): an init script
puts it in each page, where the site's Content-Security-Policy does not apply to it."""

import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from minsheng.testing import after_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
AXE = Path(__file__).resolve().parents[1] / "core" / "tests" / "vendor" / "axe-core" / "axe.min.js"
with AXE.open(encoding="utf-8") as _axe:
    AXE_VERSION = re.search(r"axe v([\d.]+)", _axe.read(100)).group(1)  # its first line: /*! axe v4.14.1
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = ("standard", "care")

# A phone and a desk for axe; a 390 px phone zoomed to 200 % and 400 % for the reflow (its CSS
# viewport shrinks by the zoom factor while the device pixels stay the same).
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 768}}
ZOOM = {
    "200%": {"viewport": {"width": 195, "height": 422}, "device_scale_factor": 4, "is_mobile": True, "has_touch": True},
    "400%": {"viewport": {"width": 97, "height": 211}, "device_scale_factor": 8, "is_mobile": True, "has_touch": True},
}


# --- the demo, loaded once ------------------------------------------------------------------

def _forget_caches() -> None:
    from minsheng.core import reference
    from minsheng.org import workdays

    workdays.clear_cache()
    reference.forget_here()


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@dataclass
class Demo:
    media: Path
    copy: sqlite3.Connection | None = None

    def load(self) -> None:
        from django.test import override_settings

        after_flush()
        with override_settings(MEDIA_ROOT=self.media):
            call_command("demo", "--no-serve", verbosity=0)
        _forget_caches()
        if _in_memory_sqlite():
            connection.ensure_connection()
            self.copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.copy)

    def ensure(self) -> None:
        """Put the demo back after the previous test's flush."""
        from minsheng.pledges.models import PledgeItem

        if PledgeItem.objects.exists():
            return
        if self.copy is not None:
            connection.ensure_connection()
            self.copy.backup(connection.connection)
            _forget_caches()
        else:
            self.load()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    demo = Demo(media=tmp_path_factory.mktemp("access-media"))
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=True):
        demo.load()
        yield demo
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        after_flush()
    if demo.copy is not None:
        demo.copy.close()


@pytest.fixture
def site(demo, live_server, settings):
    settings.DEBUG = False
    settings.MEDIA_ROOT = demo.media  # the demo's evidence photos
    demo.ensure()
    return live_server.url


# --- browsing -------------------------------------------------------------------------------

@dataclass
class Tab:
    page: object
    csp: list = field(default_factory=list)
    # What a page visited earlier in the same browser left for a later one (the submitted
    # case's number and query code for the tracking page).
    memory: dict = field(default_factory=dict)


@contextmanager
def browsing(browser, site, device: dict, care: bool):
    context = browser.new_context(locale="zh-CN", **device)
    context.set_default_timeout(10_000)  # a control out of reach fails in seconds, not half a minute
    context.add_init_script(path=str(AXE))
    if care:
        context.add_cookies([{"name": "care", "value": "1", "url": site}])
    page = context.new_page()
    tab = Tab(page)
    page.on("console", lambda message: tab.csp.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        yield tab
    finally:
        context.close()


SETTLE = """async () => {
  // Lazy images load now (a photo can be what sticks out), then the fonts.
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.race([
    Promise.all(images.map(img => img.complete ? null : new Promise(done => { img.onload = img.onerror = done; }))),
    new Promise(done => setTimeout(done, 3000)),
  ]);
  await document.fonts.ready;
}"""


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.evaluate(SETTLE)


@dataclass
class Facts:
    """What the pages are about, read from the demo."""

    county_code: str
    item_pk: int
    region_code: str
    kind_pk: int
    category_pk: int
    lift_number: str
    lift_county_pk: int
    firm_uscc: str
    firm_phone: str
    policy_number: str
    indicator_pk: int
    station_pk: int


def demo_facts() -> Facts:
    from django.db.models import Count, Q

    from minsheng.cases.models import CaseKind, Category
    from minsheng.org.models import Region
    from minsheng.pledges.models import PledgeItem

    # The item with the fullest page: sub-items, milestones and the most public updates with photos.
    item = (
        PledgeItem.objects.annotate(
            updates=Count("events", filter=Q(events__is_public=True), distinct=True),
            photos=Count("events__evidence", filter=Q(events__is_public=True), distinct=True),
            subitems=Count("children", distinct=True),
            steps=Count("milestones", distinct=True),
        )
        .filter(updates__gt=0, photos__gt=0)
        .order_by("-subitems", "-steps", "-updates", "pk")
        .first()
    )
    from minsheng.elevators.models import Application

    lift = Application.objects.select_related("region").get(entrance__building__estate__name="长运宿舍",
                                                            entrance__building__name="7栋")
    from minsheng.enterprises.models import Entity

    firm = Entity.objects.get(name="江西宏丰塑胶有限公司")  # JOURNEYS.md 11
    from minsheng.policies.models import Policy

    policy = Policy.objects.get(title="武宁县支持专精特新企业加快成长奖励办法")  # JOURNEYS.md 13
    from minsheng.evaluation.models import FirstIndicator

    starting = FirstIndicator.objects.filter(name="开办企业").order_by("-framework__year", "-pk").first()
    from minsheng.stations.models import Station

    return Facts(
        station_pk=Station.objects.get(name="城市驿站·浔阳站").pk,
        policy_number=policy.number,
        indicator_pk=starting.pk,
        firm_uscc=firm.uscc,
        firm_phone=firm.contact_phone,
        lift_number=lift.number,
        lift_county_pk=lift.region.pk,
        county_code=Region.objects.get(name="浔阳区").code,
        item_pk=item.pk,
        region_code=Region.objects.get(name="湖口县").code,
        kind_pk=CaseKind.objects.get(code="general").pk,
        category_pk=Category.objects.get(code="elevator-retrofit").pk,
    )


# The public pages, each a name and how to reach it in a fresh browser (the same browser visits
# them in this order: the tracked case is the one submitted two pages before).

def _submit_valid(tab: Tab, site: str, facts: Facts) -> None:
    page = tab.page
    page.goto(f"{site}/cases/submit/")
    page.locator("#id_region").select_option(facts.region_code)
    page.locator(f"input[name=kind][value='{facts.kind_pk}']").check()
    page.locator("#id_category").select_option(str(facts.category_pk))
    page.locator("#id_answer_building").fill("5栋2单元")  # the category's own questions (intake.js)
    page.locator("#id_answer_consent").select_option("yes")
    page.locator("#id_description").fill("小区想加装电梯，业主都已签字同意，不知道到哪里申请。")
    page.locator("#id_requester_name").fill("王先生")
    page.locator("#id_requester_phone").fill("13912345678")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/cases/submitted/")
    tab.memory["number"] = page.locator(".big-number").inner_text().strip()
    tab.memory["code"] = page.locator(".code").inner_text().strip()


def _submit_empty(tab: Tab, site: str, facts: Facts) -> None:
    page = tab.page
    page.goto(f"{site}/cases/submit/")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert page.locator(".errorlist").count() > 0, "an empty submit shows no errors"


def _report_fault_empty(tab: Tab, site: str, facts: Facts) -> None:
    page = tab.page
    page.goto(f"{site}/elevators/a/{facts.lift_number}/fault/")
    with page.expect_navigation():
        page.get_by_role("button", name="提交报修").click()
    assert page.locator(".errorlist").count() > 0, "an empty fault report shows no errors"


def _station_feedback_empty(tab: Tab, site: str, facts: Facts) -> None:
    page = tab.page
    page.goto(f"{site}/stations/{facts.station_pk}/feedback/")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="提交").click()
    assert page.locator(".errorlist").count() > 0, "an empty station feedback shows no errors"


def _track(tab: Tab, site: str, facts: Facts) -> None:
    page = tab.page
    assert "number" in tab.memory, "no case was submitted in this browser before its tracking page"
    page.goto(f"{site}/cases/track/")
    page.locator("#id_number").fill(tab.memory["number"])
    page.locator("#id_code").fill(tab.memory["code"])
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert tab.memory["number"] in page.inner_text("main"), "the tracking page did not find the case just submitted"


def _firm_logged_in(tab: Tab, site: str, facts: Facts) -> None:
    """The firm's home, after logging in on the page with the code texted to its contact phone
    (read from the SMS waiting in the outbox). The code's send limits are counted in the shared
    cache, and every mode and device logs in again: the cache is cleared first."""
    from django.core.cache import cache

    from minsheng.cases.models import Notification

    cache.clear()
    page = tab.page
    page.goto(f"{site}/enterprises/firm/login/")
    page.locator("#id_uscc").fill(facts.firm_uscc)
    with page.expect_navigation():
        page.get_by_role("button", name="获取验证码", exact=True).click()
    sms = (Notification.objects.filter(channel="sms", recipient_address=facts.firm_phone, body__contains="登录验证码")
           .order_by("-created_at", "-pk").first())
    assert sms is not None, "no login code was texted to the firm's contact phone"
    page.locator("#id_code").fill(re.search(r"验证码为(\d{6})", sms.body).group(1))
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/enterprises/firm/")


def unreachable(error: Exception) -> str:
    """Playwright's first line, and the last steps of its call log (what covered the button)."""
    lines = str(error).splitlines()
    steps = [line.strip() for line in lines if line.strip().startswith("- ")]
    return " / ".join([lines[0], *steps[-2:]]) if lines else repr(error)


def _go(path_of):
    def visit(tab: Tab, site: str, facts: Facts) -> None:
        tab.page.goto(site + path_of(facts))

    return visit


def _county_search(facts: Facts) -> str:
    return f"/pledges/items/?year={NOW.year}&region={facts.county_code}&q=加装电梯"


PAGES = [
    ("board", "进度榜 /", _go(lambda facts: "/")),
    ("items", "事项查询 /pledges/items/", _go(lambda facts: "/pledges/items/")),
    ("items-county", "事项查询 浔阳区 + 加装电梯", _go(_county_search)),
    ("item", "事项详情 /pledges/items/<pk>/", _go(lambda facts: f"/pledges/items/{facts.item_pk}/")),
    ("submit", "我要反映 /cases/submit/", _go(lambda facts: "/cases/submit/")),
    ("submit-errors", "我要反映，空表提交后", _submit_empty),
    ("submitted", "提交成功 /cases/submitted/", _submit_valid),
    ("track", "进度查询 /cases/track/", _go(lambda facts: "/cases/track/")),
    ("tracked", "进度查询，查到刚提交的诉求", _track),
    ("login", "工作人员登录 /accounts/login/", _go(lambda facts: "/accounts/login/")),
    ("lifts", "加装电梯 /elevators/", _go(lambda facts: "/elevators/")),
    ("lifts-2021", "加装电梯 截至2021年10月30日", _go(lambda facts: "/elevators/?as_of=2021-10-30")),
    ("lift-lookup", "加装电梯 查到长运宿舍7栋", _go(
        lambda facts: f"/elevators/lookup/?region={facts.lift_county_pk}&estate=长运宿舍&building=7栋")),
    ("lift", "加装电梯 赵金德家的申请", _go(lambda facts: f"/elevators/a/{facts.lift_number}/")),
    ("lift-fault-errors", "电梯故障报修，空表提交后", _report_fault_empty),
    ("firm-login", "企业登录 /enterprises/firm/login/", _go(lambda facts: "/enterprises/firm/login/")),
    ("firm-home", "企业首页 /enterprises/firm/（短信验证码登录后）", _firm_logged_in),
    # The firm is still logged in: each policy says what the firm meets and misses.
    ("policies", "惠企政策 /policies/（企业登录后）", _go(lambda facts: "/policies/?q=专精特新")),
    ("policy", "惠企政策 专精特新成长奖励", _go(lambda facts: f"/policies/p/{facts.policy_number}/")),
    ("policy-figures", "惠企政策兑现情况 /policies/figures/", _go(lambda facts: "/policies/figures/")),
    ("evaluation", "营商环境评价 /evaluation/", _go(lambda facts: "/evaluation/")),
    ("evaluation-indicator", "营商环境 开办企业", _go(lambda facts: f"/evaluation/indicators/{facts.indicator_pk}/")),
    ("walkthroughs", "局长走流程 /evaluation/walkthroughs/", _go(lambda facts: "/evaluation/walkthroughs/")),
    ("reforms", "改革任务清单 /evaluation/reforms/", _go(lambda facts: "/evaluation/reforms/")),
    ("stations", "城市驿站 离花果园北路最近的、有热水的", _go(lambda facts: "/stations/?place=花果园北路&amenity=hot-water")),
    ("station", "城市驿站·浔阳站", _go(lambda facts: f"/stations/{facts.station_pk}/")),
    ("station-feedback-errors", "驿站反映，空表提交后", _station_feedback_empty),
]


def mode_problems(page, care: bool) -> list[str]:
    """The care mode's interface: <html class="care"> when on, a header link to switch it."""
    problems = []
    on = page.evaluate("document.documentElement.classList.contains('care')")
    if on != care:
        problems.append(f'<html> {"lacks" if care else "has"} class "care"')
    toggle = page.locator("header [data-care-toggle]")
    if toggle.count() == 0:
        problems.append("no [data-care-toggle] link in the header")
    else:
        text = toggle.first.inner_text().strip()
        href = toggle.first.get_attribute("href") or ""
        wanted_text, wanted_href = ("标准版", "/care/off/?next=") if care else ("关怀版", "/care/on/?next=")
        if text != wanted_text or wanted_href not in href:
            problems.append(f"header toggle reads {text!r} -> {href!r}, expected {wanted_text!r} -> {wanted_href}<path>")
    return problems


# --- axe --------------------------------------------------------------------------------------

AXE_RUN = """async (tags) => {
  if (typeof axe === 'undefined') return {version: null, violations: []};
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const target = node => node.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' | ');
  const message = node => [...node.any, ...node.all, ...node.none].map(check => check.message).filter(Boolean)[0] || '';
  return {
    version: axe.version,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(node => ({target: target(node), message: message(node)})),
    })),
  };
}"""


def run_axe(page) -> dict:
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def describe_violation(violation: dict, shown: int = 4) -> str:
    nodes = violation["nodes"]
    lines = [f"{violation['id']} [{violation['impact']}] {violation['help']} — {len(nodes)} element(s):"]
    for node in nodes[:shown]:
        note = f" — {node['message'][:220]}" if node["message"] else ""
        lines.append(f"      {node['target']}{note}")
    if len(nodes) > shown:
        lines.append(f"      … and {len(nodes) - shown} more")
    return "\n".join(lines)


def test_the_harness_loads_axe_and_sees_a_violation_and_an_overflow(browser):
    """The checks below can fail: axe runs under an init script and reports a missing alt text,
    and the reflow check names an element wider than the phone."""
    context = browser.new_context(locale="zh-CN", **ZOOM["200%"])
    try:
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_content(
            '<!doctype html><html lang="zh-CN"><head><meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>t</title></head><body><main><img src="data:,"><div id="wide" style="width:300px">宽</div>'
            '<div style="overflow-x:auto"><table style="width:600px"><tr><td>表</td></tr></table></div></main></body></html>'
        )
        assert page.evaluate("typeof axe") == "object"
        found = run_axe(page)
        assert found["version"] == AXE_VERSION and "image-alt" in [v["id"] for v in found["violations"]]
        reflow = measure_reflow(page)
        # innerWidth has grown to the content (a phone does that): the limit is the viewport's.
        assert reflow["limit"] == 195 and reflow["scrollWidth"] > 195 and reflow["innerWidth"] > 195
        assert [o["where"] for o in reflow["offenders"]] == ["div#wide"]  # not the table in its scroller
        assert reflow["fails"] and reflow["clipped"] == []
        # Hiding the overflow is no reflow: the page no longer scrolls, and still fails.
        page.add_style_tag(content="html, body { overflow-x: hidden } #wide { width: auto } main { overflow: hidden }"
                                   " main::after { content: ''; display: block; width: 400px; height: 1px }")
        clipped = measure_reflow(page)
        assert clipped["scrollWidth"] <= clipped["limit"] and clipped["fails"]
        assert [box["where"] for box in clipped["clipped"]][-1] == "main"
    finally:
        context.close()


def test_every_public_page_passes_axe_in_both_modes_on_a_phone_and_a_desk(site, browser, shots):
    facts = demo_facts()
    failures: list[str] = []
    for mode in MODES:
        for width, device in (("390", PHONE), ("1366", DESK)):
            with browsing(browser, site, device, care=mode == "care") as tab:
                for number, (name, title, visit) in enumerate(PAGES):
                    where = f"{title} · {mode} · {width}px"
                    try:
                        visit(tab, site, facts)
                        settle(tab.page)
                    except Exception as error:  # a page that cannot be reached is one more failure
                        failures.append(f"{where}: could not open the page: {unreachable(error)}")
                        continue
                    if width == "390":
                        tab.page.screenshot(path=str(shots / f"{number:02d}-{name}-{mode}.png"), full_page=True)
                    problems = mode_problems(tab.page, care=mode == "care")
                    found = run_axe(tab.page)
                    if found["version"] is None:
                        problems.append("axe-core did not load (typeof axe is 'undefined')")
                    problems += [describe_violation(violation) for violation in found["violations"]]
                    problems += [f"Content-Security-Policy: {message}" for message in tab.csp]
                    tab.csp.clear()
                    if problems:
                        failures.append(f"{where} ({tab.page.url}):\n    " + "\n    ".join(problems))
    assert not failures, f"{len(failures)} of {len(PAGES) * 4} page views fail axe-core {AXE_VERSION}:\n\n" + "\n\n".join(failures)


# --- reflow -----------------------------------------------------------------------------------

REFLOW = """(width) => {
  const root = document.documentElement;
  // A mobile browser widens innerWidth to the content when it overflows: the page's own width
  // (clientWidth, the viewport without scroll bars) is the one to stay within.
  const limit = Math.min(width, root.clientWidth, window.innerWidth);
  // Inside a box that scrolls or clips sideways (.table-scroll), overflow is that box's affair.
  const contained = node => {
    for (let box = node.parentElement; box && box !== document.body && box !== root; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = el => {
    let text = el.tagName.toLowerCase();
    if (el.id) return text + '#' + el.id;
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) text += '.' + classes.join('.');
    return text;
  };
  const path = el => {
    const parts = [];
    for (let at = el; at && at !== document.body && parts.length < 4; at = at.parentElement) {
      parts.unshift(name(at));
      if (at.id) break;
    }
    return parts.join(' > ');
  };
  const snippet = node => (node.textContent || node.getAttribute?.('aria-label') || '').replace(/\\s+/g, ' ').trim().slice(0, 30);
  const sticksOut = new Set();
  const right = new Map();
  for (const el of [document.body, ...document.body.querySelectorAll('*')]) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > limit + 1 && !contained(el)) { sticksOut.add(el); right.set(el, box.right); }
  }
  // Text wider than its box (a long word, a number that does not wrap).
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || contained(node)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const edge = Math.max(0, ...[...range.getClientRects()].map(r => r.right));
    if (edge > limit + 1) texts.push({node, edge});
  }
  const offenders = [];
  for (const el of sticksOut) {
    if (el.parentElement && sticksOut.has(el.parentElement)) continue;  // the outermost only
    const inner = [...el.querySelectorAll('*')].filter(d => sticksOut.has(d) && ![...d.children].some(c => sticksOut.has(c)));
    el.setAttribute('data-reflow-offender', '');  // for the screenshot
    offenders.push({where: path(el), right: Math.round(right.get(el)), width: Math.round(el.getBoundingClientRect().width),
                    text: snippet(el), inner: inner.slice(0, 3).map(d => path(d) + ' "' + snippet(d) + '"')});
  }
  for (const {node, edge} of texts) {
    if (sticksOut.has(node.parentElement)) continue;
    node.parentElement.setAttribute('data-reflow-offender', '');
    offenders.push({where: path(node.parentElement) + ' (its text)', right: Math.round(edge),
                    width: Math.round(node.parentElement.getBoundingClientRect().width), text: snippet(node), inner: []});
  }
  // Overflow hidden instead of reflowed is content lost: a box that clips its content sideways
  // (not a 1 px visually hidden one, nor a form control scrolling its own value, nor a map: it
  // is panned, the two-dimensional content WCAG 1.4.10 exempts, and its page lists what it shows).
  const clipped = [];
  for (const el of [root, document.body, ...document.body.querySelectorAll('*')]) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow !== 'hidden' && overflow !== 'clip') || el.matches('input, select, textarea')) continue;
    if (el.closest('.ms-map')) continue;
    if (el.getBoundingClientRect().width <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
    clipped.push({where: el === root ? 'html' : path(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, text: snippet(el)});
  }
  return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, clientWidth: root.clientWidth, limit, offenders, clipped,
          fails: root.scrollWidth > limit || offenders.length > 0 || clipped.length > 0};
}"""


SHOW_OFFENDER = """() => {
  const offender = document.querySelector('main [data-reflow-offender]') || document.querySelector('[data-reflow-offender]');
  if (offender) offender.scrollIntoView({block: 'center'});
  window.scrollTo(0, window.scrollY);  // the page's left edge in view, the overflow on the right
}"""


def measure_reflow(page) -> dict:
    return page.evaluate(REFLOW, page.viewport_size["width"])


def describe_reflow(found: dict) -> str:
    """The edge overflowed, then each kind of element or text past it (the same path once, with
    how many there are): where it is, how far it reaches, what it says."""
    relation = ">" if found["scrollWidth"] > found["limit"] else "<="
    lines = [f"scrollWidth {found['scrollWidth']} {relation} {found['limit']} (innerWidth {found['innerWidth']}, clientWidth {found['clientWidth']})"]
    groups: dict[str, list[dict]] = {}
    for offender in found["offenders"]:
        groups.setdefault(offender["where"], []).append(offender)
    for where, alike in groups.items():
        texts = list(dict.fromkeys(f'"{o["text"]}"' for o in alike if o["text"]))
        count = f" ×{len(alike)}" if len(alike) > 1 else ""
        widths = sorted({o["width"] for o in alike})
        width = f"{widths[0]}–{widths[-1]}" if len(widths) > 1 else f"{widths[0]}"
        inner = f"; inside: {', '.join(alike[0]['inner'])}" if alike[0]["inner"] else ""
        lines.append(f"      {where}{count} — right edge up to {max(o['right'] for o in alike)} px, {width} px wide, "
                     f"{', '.join(texts[:3]) or '(no text)'}{' …' if len(texts) > 3 else ''}{inner}")
    for box in found["clipped"]:
        lines.append(f"      {box['where']} clips its content: {box['scrollWidth']} px wide in {box['clientWidth']} px, \"{box['text']}\"")
    if not found["offenders"] and not found["clipped"]:
        lines.append("      (no element or text found past the edge)")
    return "\n".join(lines)


def test_every_public_page_reflows_at_200_and_400_percent_zoom_on_a_phone(site, browser, shots):
    facts = demo_facts()
    failures: list[str] = []
    for mode in MODES:
        for zoom, device in ZOOM.items():
            with browsing(browser, site, device, care=mode == "care") as tab:
                for number, (name, title, visit) in enumerate(PAGES):
                    where = f"{title} · {mode} · zoom {zoom} ({device['viewport']['width']} px)"
                    try:
                        visit(tab, site, facts)
                        settle(tab.page)
                    except Exception as error:
                        failures.append(f"{where}: could not open the page: {unreachable(error)}")
                        continue
                    problems = mode_problems(tab.page, care=mode == "care")
                    found = measure_reflow(tab.page)
                    if found["fails"]:
                        shot = shots / f"zoom{zoom[:3]}-{number:02d}-{name}-{mode}.png"
                        tab.page.evaluate(SHOW_OFFENDER)
                        tab.page.screenshot(path=str(shot))
                        problems.append(describe_reflow(found) + f"\n      screenshot: {shot}")
                    problems += [f"Content-Security-Policy: {message}" for message in tab.csp]
                    tab.csp.clear()
                    if problems:
                        failures.append(f"{where} ({tab.page.url}):\n    " + "\n    ".join(problems))
    assert not failures, f"{len(failures)} of {len(PAGES) * 4} page views scroll sideways or clip:\n\n" + "\n\n".join(failures)


# --- the browser's font size ------------------------------------------------------------------

FONT_SIZES = """() => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  return {
    body: px(document.body),
    main: px(document.querySelector('main') || document.body),
    labels: [...document.querySelectorAll('main label, main legend')]
      .filter(el => el.getClientRects().length && !el.closest('[aria-hidden=true], .visually-hidden'))
      .map(el => ({text: el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 20), size: px(el)})),
  };
}"""


def font_sizes(browser, site, standard: int | None) -> dict:
    """The computed sizes on the submission form and the board, with the browser's default font
    size set to `standard` px (None: chromium's own 16 px)."""
    sizes = {}
    with browsing(browser, site, PHONE, care=False) as tab:
        if standard is not None:
            session = tab.page.context.new_cdp_session(tab.page)
            session.send("Page.setFontSizes", {"fontSizes": {"standard": standard, "fixed": standard - 4}})
        for path in ("/cases/submit/", "/"):
            tab.page.goto(site + path)
            settle(tab.page)
            sizes[path] = tab.page.evaluate(FONT_SIZES)
    return sizes


def test_the_pages_follow_the_browsers_font_size(site, browser):
    default = font_sizes(browser, site, None)
    larger = font_sizes(browser, site, 24)
    problems = []
    for path in ("/cases/submit/", "/"):
        if default[path]["body"] != 16:
            problems.append(f"{path}: body text is {default[path]['body']} px at the browser's default 16 px")
        for part in ("body", "main"):
            if larger[path][part] < 24:
                problems.append(f"{path}: {part} text stays {larger[path][part]} px when the browser's font size is 24 px")
    labels_default, labels_larger = default["/cases/submit/"]["labels"], larger["/cases/submit/"]["labels"]
    assert len(labels_default) >= 5 and len(labels_default) == len(labels_larger), (labels_default, labels_larger)
    for before, after in zip(labels_default, labels_larger):
        if before["size"] < 16:
            problems.append(f"label {before['text']!r} is {before['size']} px at the default 16 px")
        # At 24 px instead of 16 px every label is at least 24 px, and grows with the setting.
        if after["size"] < 24 or after["size"] < before["size"] * 1.5 - 0.5:
            problems.append(f"label {after['text']!r}: {before['size']} px at 16 px, {after['size']} px at 24 px")
    assert not problems, "\n".join(problems)


# --- the care mode's switch -------------------------------------------------------------------

def test_the_care_mode_is_switched_from_the_header_and_remembered(site, browser):
    with browsing(browser, site, PHONE, care=False) as tab:
        page = tab.page
        html = page.locator("html")
        toggle = page.locator("header [data-care-toggle]")
        page.goto(site + "/")
        expect(html).not_to_have_class(re.compile(r"\bcare\b"))
        expect(toggle).to_have_text("关怀版")
        assert "/care/on/?next=" in toggle.get_attribute("href")
        toggle.click()
        expect(html).to_have_class(re.compile(r"\bcare\b"))
        expect(toggle).to_have_text("标准版")
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="事项查询").click()
        page.wait_for_url("**/pledges/items/")
        expect(html).to_have_class(re.compile(r"\bcare\b"))  # remembered on the next page
        expect(toggle).to_have_text("标准版")
        assert "/care/off/?next=" in toggle.get_attribute("href")
        toggle.click()
        expect(html).not_to_have_class(re.compile(r"\bcare\b"))
        expect(toggle).to_have_text("关怀版")
        page.reload()
        expect(html).not_to_have_class(re.compile(r"\bcare\b"))
        expect(toggle).to_have_text("关怀版")
        # Without the script the link itself switches, and comes back to the same page.
        page.goto(site + toggle.get_attribute("href"))
        page.wait_for_url("**/pledges/items/")
        expect(html).to_have_class(re.compile(r"\bcare\b"))
        page.goto(site + toggle.get_attribute("href"))
        page.wait_for_url("**/pledges/items/")
        expect(html).not_to_have_class(re.compile(r"\bcare\b"))
        assert tab.csp == []
