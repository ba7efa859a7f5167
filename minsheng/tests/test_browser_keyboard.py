"""Issue 9: the keyboard alone is enough. A window clerk registers a walk-in from the first field
to the slip without touching the mouse; a resident whose submission is refused is taken to the
problem by the error summary and fixes it, also by keyboard. Screenshots go to MINSHENG_SHOTS
(or the test's folder) for a person to look at."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.cases.models import Case
from minsheng.core.tests.browser import log_in, wait_until
from minsheng.org.demo import DEMO_PASSWORD, load_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# What the focused element is called: its label, legend, or text, as a person hears it.
FOCUSED_NAME = """() => {
  const text = (node) => {
    if (!node) return "";
    const copy = node.cloneNode(true);
    copy.querySelectorAll(".required-mark, .optional-mark, input").forEach((mark) => mark.remove());
    return copy.innerText.trim();
  };
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  if (el.type === "radio") return text(el.closest("fieldset")?.querySelector("legend")) + "/" + text(el.labels[0]);
  if (el.labels && el.labels.length) return text(el.labels[0]);
  return (el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
}"""


@pytest.fixture
def site(live_server, settings):
    settings.DEBUG = False
    from minsheng.cases.catalogue import create_kinds, load_catalogue

    with time_machine.travel(MONDAY, tick=True):
        create_kinds()
        load_org()
        load_catalogue()
        yield live_server.url


def focused(page) -> str:
    return page.evaluate(FOCUSED_NAME)


def tab_to(page, name: str, *, most: int = 3) -> None:
    """Tab forward until the focus is on the control called `name`: it must come within `most`
    presses, so the order of the form is the order a person reads it."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused(page).startswith(name):
            return
    raise AssertionError(f"{most} presses of Tab did not reach {name!r}; the focus is on {focused(page)!r}")


def arrow_to(page, wanted: str, *, key: str = "ArrowDown", most: int = 60) -> None:
    """Move through a radio group or a list with the arrow keys until `wanted` is chosen."""
    chosen = """() => { const el = document.activeElement;
      if (el.type === "radio") return el.labels[0].innerText.trim();
      return Array.from(el.selectedOptions || []).map(o => o.text).join("|"); }"""
    for _ in range(most):
        if page.evaluate(chosen) == wanted:
            return
        page.keyboard.press(key)
    raise AssertionError(f"the arrow keys did not reach {wanted!r}: {page.evaluate(chosen)!r}")


def test_a_clerk_registers_a_walk_in_from_the_first_field_to_the_slip_by_keyboard(site, desk, shots):
    log_in(desk, site, "chenjing", DEMO_PASSWORD)
    desk.goto(f"{site}/cases/staff/new/")
    # The skip link is the first stop, and it leads past the header straight to the form.
    desk.keyboard.press("Tab")
    assert focused(desk) == "跳到正文"
    desk.keyboard.press("Enter")
    tab_to(desk, "诉求类型/")
    arrow_to(desk, "办不成事反映", key="ArrowRight", most=6)
    tab_to(desk, "姓名")
    desk.keyboard.type("赵秀英")
    tab_to(desk, "手机号码")
    desk.keyboard.type("13812341234")
    tab_to(desk, "原来申请办理的事项")
    desk.keyboard.type("既有住宅加装电梯审批")
    tab_to(desk, "事项分类")
    arrow_to(desk, "住房城乡建设 / 既有住宅加装电梯")
    # The category's own questions appear right after it, in the tab order.
    tab_to(desk, "楼栋及单元")
    desk.keyboard.type("5栋2单元")
    tab_to(desk, "本单元业主是否已签署同意书")
    arrow_to(desk, "是")
    tab_to(desk, "筛选部门")
    desk.keyboard.type("住建")
    desk.keyboard.press("Enter")  # from the filter into the list
    assert focused(desk).startswith("卡在哪个部门")
    arrow_to(desk, "湖口县住建局")
    tab_to(desk, "跑了几次")
    desk.keyboard.type("3")
    tab_to(desk, "诉求内容")
    desk.keyboard.type("两个月前递交加装电梯审批，跑了三次还没有结果。")
    tab_to(desk, "希望如何解决")
    desk.keyboard.type("尽快完成审批")
    tab_to(desk, "建议承办部门")
    assert desk.evaluate("document.activeElement.selectedOptions[0].text") == "湖口县住建局"  # suggested by the category
    # Every stop showed where the focus was: a visible ring, not the browser's faint default.
    ring = desk.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth")
    assert ring == "solid 3px"
    desk.screenshot(path=str(shots / "window_keyboard_form.png"), full_page=True)
    tab_to(desk, "更多信息")
    tab_to(desk, "登记并打印回执")
    desk.keyboard.press("Enter")
    desk.wait_for_url(re.compile(r"/cases/staff/new/\d+/slip/"))
    case = Case.objects.get()
    assert case.requester_name == "赵秀英" and case.visits == 3 and case.answers["building"] == "5栋2单元"
    slip = desk.inner_text("main")
    assert case.number in slip and "查询码" in slip
    desk.screenshot(path=str(shots / "window_keyboard_slip.png"), full_page=True)


def test_a_resident_fixes_a_refused_submission_through_the_error_summary_by_keyboard(site, phone, shots):
    phone.goto(f"{site}/cases/submit/")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")  # 跳到正文
    tab_to(phone, "所在地区")
    arrow_to(phone, "湖口县")
    tab_to(phone, "诉求类型/")
    arrow_to(phone, "一般诉求", key="ArrowRight", most=6)
    tab_to(phone, "事项分类")
    arrow_to(phone, "住房城乡建设 / 物业管理")
    tab_to(phone, "标题")
    tab_to(phone, "诉求内容")
    phone.keyboard.type("小区电梯经常停运，物业不维修。")
    tab_to(phone, "希望如何解决")
    tab_to(phone, "地点")
    tab_to(phone, "姓名")
    phone.keyboard.type("王建国")
    tab_to(phone, "手机号码")
    phone.keyboard.type("1381234")  # four digits short
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    # Refused: the summary at the top has the focus, and says what and where.
    summary = phone.locator("[data-error-summary]")
    wait_until(phone, "document.activeElement.hasAttribute('data-error-summary')", timeout_ms=3000)
    assert summary.inner_text().splitlines()[0] == "有1处需要修改"
    assert "手机号码：手机号码应为11位数字，以13至19开头。" in summary.inner_text()
    assert not Case.objects.exists()
    phone.screenshot(path=str(shots / "submit_error_summary_phone.png"))
    # Its link takes the focus into the field; what was typed is still there.
    phone.keyboard.press("Tab")
    assert focused(phone).startswith("手机号码：")
    phone.keyboard.press("Enter")
    assert focused(phone).startswith("手机号码")
    assert phone.evaluate("document.activeElement.value") == "1381234"
    assert phone.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    phone.screenshot(path=str(shots / "submit_error_field_phone.png"))
    phone.keyboard.press("End")
    phone.keyboard.type("1234")
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/cases/submitted/"))
    case = Case.objects.get()
    assert case.requester_phone == "13812341234"
    assert case.number in phone.inner_text("main")
    phone.screenshot(path=str(shots / "submit_done_phone.png"), full_page=True)
