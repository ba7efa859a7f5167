"""The inspection pages as people use them: a department files on its page and its head
approves; the firm checks the code (typed or scanned) and sees who comes and why; the result is
recorded, decided and published on the public list; the firm rates the visit from its own home
page; anyone re-runs a draw from the public page."""

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from minsheng.cases.models import Notification
from minsheng.inspections import actions
from minsheng.inspections.models import Decision, Filing, FilingKind, FilingRating, FilingState, Outcome, ResultCode, SeedSource
from minsheng.inspections.tests.conftest import SHANGHAI, TUESDAY, file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def form_for(town, **fields):
    return {"uscc": town["bakery"].uscc, "kind": FilingKind.ROUTINE, "trigger": "2026年度日常监督检查计划",
            "planned_on": "2026-12-04", "items": [town["food"].pk, town["label"].pk],
            "inspectors": [town["inspectors"][0].pk, town["inspectors"][1].pk], **fields}


def test_a_department_files_its_head_approves_and_the_firm_checks_the_code(client, town):
    client.force_login(town["he"])
    response = client.post(reverse("inspections:filing-new"), form_for(town, planned_on="2026-12-03"))
    assert response.status_code == 200 and "计划检查日期" in response.content.decode() and "12月4日" in response.content.decode()
    assert not Filing.objects.exists()
    response = client.post(reverse("inspections:filing-new"), form_for(town))
    filing = Filing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspections:filing", args=[filing.pk])
    page = client.get(response["Location"]).content.decode()
    assert "批准并签发检查码" not in page  # not the handler's to approve

    client.force_login(town["head"])
    response = client.post(reverse("inspections:act", args=[filing.pk, "approve"]))
    filing.refresh_from_db()
    assert response.status_code == 302 and filing.state == FilingState.APPROVED
    page = client.get(reverse("inspections:filing", args=[filing.pk])).content.decode()
    assert "<svg" in page and filing.check_code in page

    client.logout()
    response = client.post(reverse("inspections:check"), {"number": filing.number, "code": filing.check_code.lower()})
    page = response.content.decode()
    assert response.status_code == 200 and "湖口县麦香园烘焙店" in page
    assert "王军" in page and "JX04290001" in page and "食品标签检查" in page and "经备案批准" in page
    scanned = client.get(reverse("inspections:check-direct", args=[filing.number, filing.check_code]))
    assert scanned.status_code == 200 and "赵静" in scanned.content.decode()


def test_a_wrong_code_and_a_number_that_does_not_exist_read_the_same(client, town):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    wrong = client.post(reverse("inspections:check"), {"number": filing.number, "code": "ZZZZZZZZ"}).content.decode()
    missing = client.post(reverse("inspections:check"), {"number": "JC2026999999", "code": "ZZZZZZZZ"}).content.decode()
    assert "没有找到该检查" in wrong and "没有找到该检查" in missing and "麦香园" not in wrong
    assert client.get(reverse("inspections:check-direct", args=[filing.number, "ZZZZZZZZ"])).status_code == 404
    for bad in ({"number": "JC\x00", "code": "x"}, {"number": "x" * 500, "code": "y" * 500}, {}):
        assert client.post(reverse("inspections:check"), bad).status_code in (200, 400)


def test_guessing_codes_is_stopped_after_twenty_tries(client, town):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    for n in range(20):
        client.post(reverse("inspections:check"), {"number": filing.number, "code": f"ABCD{n:04d}"})
    page = client.post(reverse("inspections:check"), {"number": filing.number, "code": filing.check_code}).content.decode()
    assert "次数过多" in page and "王军" not in page


def test_a_withdrawn_visit_tells_the_firm_not_to_let_them_in(client, town):
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    actions.do_withdraw_filing(filing, reason="企业已停业装修", actor=town["he"])
    page = client.get(reverse("inspections:check-direct", args=[filing.number, filing.check_code])).content.decode()
    assert "请勿接受检查" in page


def test_the_result_is_recorded_decided_published_and_rated_through_the_pages(client, town, _clock):
    labelling = actions.do_add_violation_type(town["regulator"], code="SP-125", name="预包装食品标签瑕疵", fine_min="5000",
                                              fine_max="50000", legal_basis="《食品安全法》第一百二十五条", actor=None)
    actions.do_add_exemption(labelling, kind="first", conditions="初次违法、危害后果轻微并及时改正", valid_from=date(2021, 7, 15),
                             actor=None)
    filing = actions.do_approve_filing(file(town), actor=town["head"])
    _clock.move_to(datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    client.force_login(town["he"])
    act = lambda action, data: client.post(reverse("inspections:act", args=[filing.pk, action]), data)  # noqa: E731
    response = act("result", {"result-inspected_on": "2026-12-04", "result-result": ResultCode.OTHER_VIOLATION,
                              "result-findings": ""})
    assert response.status_code == 400 and "请填写检查情况" in response.content.decode()
    assert act("result", {"result-inspected_on": "2026-12-04", "result-result": ResultCode.OTHER_VIOLATION,
                          "result-findings": "面包标签未标注生产日期"}).status_code == 302
    assert "请先作出处理决定" in client.post(reverse("inspections:act", args=[filing.pk, "publish"]), follow=True).content.decode()
    decision = {"decide-violation_type": labelling.pk, "decide-offence_on": "2026-12-04", "decide-harm_minor": "on",
                "decide-corrected": "on", "decide-outcome": Outcome.FINE, "decide-fine": "5000"}
    response = act("decide", decision)  # fining a first minor, corrected offence departs from the list
    assert response.status_code == 400 and "请书面写明理由" in response.content.decode(), re.findall(r"errorlist[^<]*<li>([^<]*)", response.content.decode())
    assert not Decision.objects.exists()
    response = act("decide", {**decision, "decide-outcome": Outcome.NO_PENALTY, "decide-fine": "",
                              "decide-correction_due": "2026-12-11"})
    assert response.status_code == 302 and Decision.objects.get().notice_number == "JYGZ202600001"
    assert act("publish", {}).status_code == 302

    client.logout()
    results = client.get(reverse("inspections:results")).content.decode()
    assert "湖口县麦香园烘焙店" in results and "发现其他违法违规行为" in results

    # The firm logs in on the enterprise side and rates the visit from its home page.
    client.post(reverse("enterprises:firm-login"), {"uscc": town["bakery"].uscc, "do": "send"})
    sms = Notification.objects.filter(recipient_address="13807920001", body__contains="验证码").latest("created_at")
    code = re.search(r"验证码为(\d{6})", sms.body).group(1)
    login = client.post(reverse("enterprises:firm-login"), {"uscc": town["bakery"].uscc, "code": code, "do": "login"})
    assert login.status_code == 302, login.content.decode()[-3000:]
    home = client.get(reverse("enterprises:firm-home")).content.decode()
    assert "入企检查" in home and "匿名评价这次检查" in home
    response = client.post(reverse("inspections:firm-rate", args=[filing.pk]), {"score": "9"})
    assert response.status_code == 200 and not FilingRating.objects.exists()
    response = client.post(reverse("inspections:firm-rate", args=[filing.pk]), {"score": "5", "comment": "半小时查完"})
    assert response.status_code == 302 and FilingRating.objects.get().score == 5
    assert "匿名评价这次检查" not in client.get(reverse("enterprises:firm-home")).content.decode()


def test_staff_of_other_departments_and_counties_do_not_see_a_filing(client, town, people):
    filing = file(town)
    for outsider in (town["su"], people.huang, people.xu):
        client.force_login(outsider)
        assert client.get(reverse("inspections:filing", args=[filing.pk])).status_code == 404
        assert client.post(reverse("inspections:act", args=[filing.pk, "approve"])).status_code == 404
    client.force_login(people.liu)  # 湖口县's supervisor oversees the county
    assert client.get(reverse("inspections:filing", args=[filing.pk])).status_code == 200
    for bad in ("99999999999999999999", "0"):
        assert client.get(f"/inspections/staff/{bad}/").status_code == 404


def test_the_firm_profile_and_the_figures_show_the_visits(client, town, people):
    filing = actions.do_approve_filing(file(town, kind=FilingKind.COMPLAINT, trigger="投诉", planned_on=date(2026, 12, 1)),
                                       actor=town["head"])
    client.force_login(people.liu)
    profile = client.get(reverse("enterprises:entity", args=[town["bakery"].pk])).content.decode()
    assert filing.number in profile
    figures = client.get(reverse("inspections:figures")).content.decode()
    assert "湖口县市场监督管理局" in figures
    client.force_login(town["he"])
    assert "湖口县市场监督管理局" in client.get(reverse("inspections:figures") + "?year=abc").content.decode()


def test_anyone_re_runs_a_draw_from_the_public_page(client, town, people):
    for grade, firm in zip("AB", (town["bakery"], town["plastics"])):
        actions.do_rate_credit(firm, grade=grade, rated_on=date(2026, 6, 30), actor=None)
    draw = actions.do_plan_draw(town["regulator"], title="2026年第四季度双随机抽查", region=people.hukou,
                                ratios={"A": "1", "B": "1", "C": "1", "D": "1"}, seed_source=SeedSource.PUBLIC,
                                seed_source_text="2026年12月8日福彩3D第2026330期", actor=town["head"])
    page = client.get(reverse("inspections:draw", args=[draw.number])).content.decode()
    assert "福彩3D第2026330期" in page and "按记录重新抽取" not in page
    draw = actions.do_run_draw(actions.do_freeze_draw(draw, actor=town["head"]), seed="4 0 7", witnesses="县司法局 黄律师",
                               actor=town["head"])
    page = client.get(reverse("inspections:draw", args=[draw.number])).content.decode()
    assert draw.pool_hash in page and draw.result_hash in page and "湖口县麦香园烘焙店" in page
    response = client.post(reverse("inspections:draw-verify", args=[draw.number]), follow=True)
    assert "核验一致" in response.content.decode()
    pool = client.get(reverse("inspections:draw-file", args=[draw.number, "pool"]))
    import hashlib
    assert hashlib.sha256(pool.content).hexdigest() == draw.pool_hash
    assert client.get(reverse("inspections:draw-file", args=[draw.number, "secret"])).status_code == 404
    assert client.get("/inspections/draws/SJ%00/").status_code == 400  # the input guard: a NUL is refused at the door
    assert client.get("/inspections/draws/SJ99999999/").status_code == 404
    assert client.get(reverse("inspections:draws")).status_code == 200
    assert client.get(reverse("inspections:index")).status_code == 200


@pytest.mark.parametrize("uscc, message", [
    ("not a code", "统一社会信用代码应为18位"),
    ("91360429000000001X", "校验位不正确"),
    ("\uff19" * 18, "统一社会信用代码"),
])
def test_a_firm_code_that_is_wrong_is_explained_on_its_field(client, town, uscc, message):
    client.force_login(town["he"])
    response = client.post(reverse("inspections:filing-new"), form_for(town, uscc=uscc))
    assert response.status_code == 200 and message in response.content.decode() and not Filing.objects.exists()


def test_the_head_plans_freezes_and_runs_a_draw_and_files_the_firms_drawn(client, town, people, _clock):
    from minsheng.inspections.models import Draw, DrawState

    for grade, firm in zip("AB", (town["bakery"], town["plastics"])):
        actions.do_rate_credit(firm, grade=grade, rated_on=date(2026, 6, 30), actor=None)
    client.force_login(town["he"])  # a handler does not organise draws
    assert client.get(reverse("inspections:draw-plan")).status_code == 404
    client.force_login(town["head"])
    form = {"title": "2026年12月食品经营者双随机抽查", "region": people.hukou.pk, "ratio_a": "1", "ratio_b": "1",
            "ratio_c": "1", "ratio_d": "1.5", "inspectors_per_target": "2", "items": [town["food"].pk],
            "seed_source": SeedSource.PUBLIC, "seed_source_text": "2026年12月3日福彩3D开奖号码"}
    response = client.post(reverse("inspections:draw-plan"), form)
    assert response.status_code == 200 and "抽查比例" in response.content.decode() and not Draw.objects.exists()
    response = client.post(reverse("inspections:draw-plan"), {**form, "ratio_d": "0.3"})
    draw = Draw.objects.get()
    assert response.status_code == 302 and draw.state == DrawState.PLANNED
    # Frozen on the 4th: 孙将满's certificate ran out on the 3rd, so he is not in the pool.
    _clock.move_to(datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI))
    act = lambda action, data=None: client.post(reverse("inspections:draw-act", args=[draw.number, action]), data or {})  # noqa: E731
    assert act("freeze").status_code == 302
    assert act("run", {"seed": "", "witnesses": ""}).status_code == 400
    assert act("run", {"seed": "3 1 4", "witnesses": "县司法局 黄律师"}).status_code == 302
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWN and draw.drawn_count == 2 and "JX04290008" not in actions.stored_pool(draw).inspectors
    page = client.get(reverse("inspections:staff-draw", args=[draw.number])).content.decode()
    assert "2户待备案" in page
    # The 规上 firm's quiet day refuses the 4th; the bakery is filed.
    response = client.post(reverse("inspections:draw-act", args=[draw.number, "file"]), {"file-planned_on": "2026-12-04"},
                           follow=True)
    text = response.content.decode()
    assert "已为1户抽中企业备案" in text and "江西宏丰塑胶有限公司：" in text and "宁静生产日" in text
    client.post(reverse("inspections:draw-act", args=[draw.number, "file"]), {"file-planned_on": "2026-12-28"})
    assert set(draw.filings.values_list("entity__name", flat=True)) == {"湖口县麦香园烘焙店", "江西宏丰塑胶有限公司"}
    assert all(f.kind == "random" and f.inspectors.count() == 2 for f in draw.filings.all())
    assert act("cancel", {"cancel-reason": "重复"}).status_code == 302 and Draw.objects.get().state == DrawState.DRAWN


def test_the_staff_home_page_shows_the_visits_to_approve_and_to_publish(client, town, _clock):
    file(town)
    client.force_login(town["head"])
    home = client.get(reverse("staff-home")).content.decode()
    assert "待我审批1件" in home and "待公示结果0件" in home
    client.force_login(town["he"])  # the filer: nothing of hers to approve
    home = client.get(reverse("staff-home")).content.decode()
    assert "入企检查" in home and "待我审批" not in home
    client.force_login(town["su"])  # a department that has filed nothing
    assert "已批准待检查" not in client.get(reverse("staff-home")).content.decode()


def test_the_target_library_counts_firms_by_credit_class_within_the_jurisdiction(client, town, people):
    actions.do_rate_credit(town["plastics"], grade="C", rated_on=date(2026, 6, 30), actor=None)
    client.force_login(town["he"])
    page = client.get(reverse("inspections:targets")).content.decode()
    assert "C类（信用风险较高）：1户" in page and "未分类（按B类抽取）：1户" in page
    page = client.get(reverse("inspections:targets"), {"grade": "C", "above_scale": "on"}).content.decode()
    assert "江西宏丰塑胶有限公司" in page and "麦香园" not in page
    assert client.get(reverse("inspections:targets"), {"grade": "Z", "industry": "\u00e9\u00e9"}).status_code == 200
    client.force_login(people.chen)  # a window clerk keeps no inspection lists
    assert client.get(reverse("inspections:targets")).status_code == 404


def test_the_item_list_and_the_exemption_list_are_public(client, town):
    labelling = actions.do_add_violation_type(town["regulator"], code="SP-125", name="经营标签不符合规定的预包装食品",
                                              fine_min="5000", fine_max="50000", legal_basis="《食品安全法》第一百二十五条",
                                              actor=None)
    actions.do_add_exemption(labelling, kind="first", conditions="初次违法、危害后果轻微并及时改正", valid_from=date(2021, 7, 15),
                             actor=None)
    page = client.get(reverse("inspections:lists")).content.decode()
    assert "食品标签检查" in page and "《食品安全法》第六十七条" in page
    assert "经营标签不符合规定的预包装食品" in page and "首违不罚" in page and "5000元至50000元" in page
