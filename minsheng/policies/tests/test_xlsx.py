"""The policies app's spreadsheets: the eligible firms of a policy and its payouts as workbooks
(read back with openpyxl), and the import of yearly figures by data source: checked row by row,
all or nothing, the firms whose figures changed re-matched once."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.policies import actions, xlsx
from minsheng.policies.models import EventKind, FirmFigure, Payout, PayoutState, PolicyEvent
from minsheng.policies.tests.conftest import create
from minsheng.policies.tests.test_policies import SHANGHAI
from minsheng.testing import make_category, make_entity

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "年度", "指标", "数值"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def published(county, **fields):
    return actions.do_publish_policy(create(county, **fields), actor=county["officer"])


def sheet_rows(content: bytes, title: str | None = None) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    sheet = book[title] if title else book.worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def book(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def upload(content: bytes, name: str = "2025年税务数据.xlsx"):
    return SimpleUploadedFile(name, content)


def figure(firm, year, field):
    return FirmFigure.objects.filter(entity=firm, year=year, field=field).values_list("value", flat=True).first()


# --- exports --------------------------------------------------------------------------------------------

def test_the_eligible_firms_come_with_their_place_industry_size_and_amount(county):
    policy = published(county)
    content = xlsx.eligible_workbook(policy, date(2026, 12, 1))
    firm = county["firms"]["湖口县精工阀门有限公司"]
    rows = sheet_rows(content)
    assert rows[0] == ("名称", "统一社会信用代码", "所在县（市、区）", "所在乡镇（街道）", "行业", "企业规模", "规上", "测算金额（元）")
    assert rows[1:] == [(firm.name, firm.uscc, "湖口县", None, str(firm.industry), firm.get_size_class_display() or None,
                         "否", 50000)]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "符合条件的企业" and sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_a_policy_computed_from_a_figure_shows_the_base_and_the_amount_each_would_get(county):
    # 1 % of last year's revenue, at most 80,000 yuan; 3 % growth suffices, so two firms meet it.
    rules = [{"field": "revenue_growth", "operator": "gte", "value": "5", "period": "last_year"}]
    policy = published(county, conditions_rows=rules, benefit_kind="rate", rate="0.05", base_field="revenue",
                       cap="80000", amount=None)
    rows = sheet_rows(xlsx.eligible_workbook(policy, date(2026, 12, 1)))
    assert rows[0][-2:] == ("2025年营业收入（万元）", "测算金额（元）")
    by_name = {row[0]: row[-2:] for row in rows[1:]}
    # 9,400 万元 × 0.05 % = 47,000 yuan; 5,500 万元 → 27,500; 3,600 万元 → 18,000.
    assert by_name == {"湖口县精工阀门有限公司": (9400, 47000), "湖口县恒达机械有限公司": (5500, 27500),
                       "湖口县金砂湾新材料有限公司": (3600, 18000)}


def test_a_firm_named_like_a_formula_stays_text(county, people):
    firm = make_entity(people.hukou, name="=HYPERLINK(\"http://x\")有限公司", actor=None)
    policy = published(county, conditions_rows=[{"field": "kind", "operator": "in", "value": ["enterprise"]}])
    rows = sheet_rows(xlsx.eligible_workbook(policy, date(2026, 12, 1)))
    assert (firm.name, firm.uscc) in [row[:2] for row in rows]


def test_the_payouts_list_the_steps_and_whether_they_came_from_an_application(county):
    officer = county["officer"]
    make_category("policy-benefit", "惠企政策兑现", parent_code="enterprise-service")
    automatic = published(county)
    actions.do_match_policy(automatic, actor=officer)
    payout = actions.do_confirm_payout(Payout.objects.get(policy=automatic), actor=officer)
    firm = payout.entity
    rows = sheet_rows(xlsx.payouts_workbook(automatic))
    assert rows[0] == ("企业", "统一社会信用代码", "年度", "金额（元）", "状态", "本环节期限", "公示截止", "拨付日期", "说明",
                       "兑现方式", "申报办件编号")
    assert rows[1:] == [(firm.name, firm.uscc, 2026, 50000, "审核确认", None, None, None, None, "免申即享", None)]
    assert sheet_rows(xlsx.payouts_workbook(automatic, state=PayoutState.PAID)) == rows[:1]
    with pytest.raises(ActionError) as refused:
        xlsx.payouts_workbook(automatic, state="<script>")
    assert refused.value.field == "state"

    applied = published(county, title="湖口县企业稳岗奖补", delivery="application", amount="20000",
                        conditions_rows=[{"field": "employees", "operator": "gte", "value": "50", "period": "last_year"}])
    application, _code = actions.do_apply_for_policy(applied, firm, applicant_name="周敏", applicant_phone="13907920001",
                                                     actor=None)
    actions.do_review_application(application, approve=True, actor=officer)
    application.refresh_from_db()
    rows = sheet_rows(xlsx.payouts_workbook(applied))
    assert rows[1][:5] == (firm.name, firm.uscc, 2026, 20000, "审核确认")
    assert rows[1][-2:] == ("依申请", application.case.number)


# --- the import of yearly figures -----------------------------------------------------------------------

def test_imported_figures_are_stored_and_a_firm_that_now_qualifies_is_listed(county, people):
    firms = county["firms"]
    policy = published(county)  # 免申即享: certified and revenue +15 % last year
    actions.do_match_policy(policy, actor=county["officer"])
    assert set(Payout.objects.values_list("entity__name", flat=True)) == {"湖口县精工阀门有限公司"}
    hengda, jingong = firms["湖口县恒达机械有限公司"], firms["湖口县精工阀门有限公司"]
    rows = xlsx.read_figures(upload(book([
        [hengda.uscc, 2025, "营业收入（万元）", 6000],          # +20 %: now qualifies
        [hengda.uscc.lower(), "2025年", "纳税额", "312.5"],      # the code as typed, the label without its unit
        [jingong.uscc, 2025.0, "employees", 121],
        [jingong.uscc, 2024, "rd_share", 3.456],                 # rounded to two places, as stored
        [],                                                      # an empty row is left out
        [jingong.uscc, 2025, "营业收入(万元)", 9400],            # unchanged
    ])))
    assert [row["row"] for row in rows] == [2, 3, 4, 5, 7]

    result = actions.do_import_figures(rows, source="tax", actor=people.liu)

    assert result == {"rows": 5, "created": 2, "updated": 2, "unchanged": 1, "firms": 2, "rematched": 2, "listed": 1,
                      "years": [2024, 2025], "source": "tax"}
    assert figure(hengda, 2025, "revenue") == Decimal("6000.00")
    assert figure(hengda, 2025, "tax_paid") == Decimal("312.50")
    assert figure(jingong, 2025, "employees") == Decimal("121.00")
    assert figure(jingong, 2024, "rd_share") == Decimal("3.46")
    assert FirmFigure.objects.get(entity=hengda, year=2025, field="revenue").source == "tax"
    event = PolicyEvent.objects.get(kind=EventKind.FIGURES_IMPORTED)
    assert event.actor == people.liu and event.entity is None
    assert event.data == {"source": "tax", "rows": 5, "created": 2, "updated": 2, "unchanged": 1, "firms": 2,
                          "years": [2024, 2025], "fields": ["employees", "rd_share", "revenue", "tax_paid"]}
    assert "税务部门" in event.note
    listed = Payout.objects.get(policy=policy, entity=hengda)
    assert listed.state == PayoutState.LISTED and listed.amount == Decimal("50000.00")
    # One event per policy that listed firms after the import.
    [matched] = PolicyEvent.objects.filter(kind=EventKind.MATCHED, policy=policy, data__import=True)
    assert matched.data["listed"] == 1 and "税务部门" in matched.note

    # The same file again changes nothing and lists nobody twice.
    again = actions.do_import_figures(rows, source="tax", actor=None)
    assert (again["unchanged"], again["rematched"], again["listed"]) == (5, 0, 0)
    assert Payout.objects.filter(policy=policy).count() == 2
    # A listed firm's figures change again: re-matched, not listed twice.
    changed = [{"row": 2, "uscc": jingong.uscc, "year": 2025, "field": "revenue", "value": "9500"}]
    again = actions.do_import_figures(changed, source="statistics", actor=people.liu)
    assert (again["updated"], again["rematched"], again["listed"]) == (1, 1, 0)
    assert Payout.objects.filter(policy=policy).count() == 2


def test_a_workbook_with_one_bad_row_saves_nothing_and_names_the_row_and_column(county, people):
    firms = county["firms"]
    hengda = firms["湖口县恒达机械有限公司"]
    published(county)
    before = list(FirmFigure.objects.order_by("pk").values_list("pk", "value"))
    rows = xlsx.read_figures(upload(book([
        [hengda.uscc, 2025, "营业收入", 6000],
        [hengda.uscc, 2025, "营业利润", 100],  # no such indicator
        [hengda.uscc, 2025, "从业人员", 85],
    ])))
    with pytest.raises(actions.FiguresRefused) as refused:
        actions.do_import_figures(rows, source="tax", actor=people.liu)
    error = refused.value
    assert error.field == "file" and error.bad_rows == 1
    assert "第3行「指标」" in error.message and "营业利润" in error.message and "未导入任何数据" in error.message
    assert error.problems == [{"row": 3, "column": "指标", "message": error.problems[0]["message"]}]
    assert list(FirmFigure.objects.order_by("pk").values_list("pk", "value")) == before
    assert not PolicyEvent.objects.filter(kind=EventKind.FIGURES_IMPORTED).exists()
    assert not Payout.objects.exists()


def test_each_kind_of_bad_row_is_named(county, people):
    firm = county["firms"]["湖口县恒达机械有限公司"]
    from minsheng.core.identity import uscc_check_char
    from minsheng.enterprises.models import Entity

    unknown = firm.uscc[:8] + "999999999"  # a valid code of no firm (the fixtures' serials are small)
    unknown = unknown + uscc_check_char(unknown)
    assert not Entity.objects.filter(uscc=unknown).exists()
    rows = [
        "not a row",  # from the API, say: named by its position
        {"row": 2, "uscc": firm.uscc, "year": 2025, "field": "revenue", "value": float("nan")},
        {"row": 3, "uscc": firm.uscc, "year": 2025, "field": "tax_paid", "value": "NaN"},
        {"row": 4, "uscc": firm.uscc, "year": 2025, "field": "patents", "value": "Infinity"},
        {"row": 5, "uscc": firm.uscc, "year": 2024, "field": "revenue", "value": 1e300},
        {"row": 6, "uscc": firm.uscc, "year": 2024, "field": "tax_paid", "value": "99999999999999999999"},
        {"row": 7, "uscc": firm.uscc, "year": 2024, "field": "employees", "value": -3},
        {"row": 8, "uscc": firm.uscc, "year": 2024, "field": "patents", "value": 2.5},
        {"row": 9, "uscc": firm.uscc, "year": 2024, "field": "rd_share", "value": 130},
        {"row": 10, "uscc": "91360429\x00MA35F2K3X", "year": 2025, "field": "revenue", "value": 1},
        {"row": 11, "uscc": firm.uscc, "year": 2025, "field": "营业\x00收入", "value": 1},
        {"row": 12, "uscc": firm.uscc, "year": 2027, "field": "employees", "value": 10},
        {"row": 13, "uscc": firm.uscc, "year": "去年", "field": "employees", "value": 10},
        {"row": 14, "uscc": unknown, "year": 2025, "field": "employees", "value": 10},
        {"row": 15, "uscc": "12345", "year": 2025, "field": "employees", "value": 10},
        {"row": 16, "uscc": firm.uscc, "year": 2023, "field": "revenue", "value": 10},
        {"row": 17, "uscc": firm.uscc, "year": 2023, "field": "营业收入（万元）", "value": 11},
        {"row": 18, "uscc": county["elsewhere"].uscc, "year": 2025, "field": "employees", "value": 10},
        {"row": 19, "uscc": firm.uscc, "year": 2023, "field": "employees", "value": date(2025, 1, 1)},
        {"row": 20, "uscc": firm.uscc, "year": 2023, "field": "tax_paid", "value": ""},
    ]
    count = FirmFigure.objects.count()
    with pytest.raises(actions.FiguresRefused) as refused:
        actions.do_import_figures(rows, source="market", actor=people.liu)
    problems = {problem["row"]: (problem["column"], problem["message"]) for problem in refused.value.problems}
    assert problems[2][0] == problems[3][0] == problems[4][0] == "数值"
    assert "有限" in problems[2][1] and "有限" in problems[3][1] and "有限" in problems[4][1]
    assert problems[5] == problems[6] == ("数值", "数字过大，应小于1万亿。")
    assert "负数" in problems[7][1]
    assert problems[8] == ("数值", "应为整数。")
    assert "100" in problems[9][1]
    assert problems[10][0] == "统一社会信用代码"
    assert problems[11] == ("指标", "含有不可见的控制字符。")
    assert problems[12] == ("年度", "应为2000年至2026年之间的年份。")
    assert problems[13][0] == "年度"
    assert problems[14] == ("统一社会信用代码", "企业库中没有该统一社会信用代码的市场主体，请核对。")
    assert problems[15][0] == "统一社会信用代码"
    assert 16 not in problems and problems[17] == ("指标", "与第16行重复（同一企业、年度、指标只能有一行）。")
    assert problems[18] == ("统一社会信用代码", "该企业不在您管理的辖区内，不能导入其数据。")
    assert problems[19] == ("数值", "应为数字。") and problems[20] == ("数值", "必填，不能为空。")
    assert problems[1] == ("", "应为一行数据（统一社会信用代码、年度、指标、数值）。")
    assert refused.value.bad_rows == 19
    assert FirmFigure.objects.count() == count
    # The command line (no actor) may import any county's figures.
    assert actions.do_import_figures([rows[15], rows[17]], source="market", actor=None)["created"] == 2


def test_only_the_registrys_keepers_import_figures(county, people):
    firm = county["firms"]["湖口县恒达机械有限公司"]
    rows = [{"row": 2, "uscc": firm.uscc, "year": 2025, "field": "revenue", "value": 1}]
    for outsider in (county["officer"], people.huang, people.nobody):
        with pytest.raises(NotAllowed):
            actions.do_import_figures(rows, source="tax", actor=outsider)
    with pytest.raises(ActionError) as refused:
        actions.do_import_figures(rows, source="bank", actor=people.sun)
    assert refused.value.field == "source"
    assert actions.do_import_figures(rows, source="tax", actor=people.sun)["updated"] == 1  # the city's supervisor


def with_nul(content: bytes) -> bytes:
    """The workbook with its text MARKER turned into "12<NUL>3" (openpyxl will not write a NUL)."""
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item.filename).replace(b"MARKER", b"12\x003"))
    return target.getvalue()


def test_a_nul_byte_in_the_workbook_saves_nothing(county, people):
    firm = county["firms"]["湖口县恒达机械有限公司"]
    count = FirmFigure.objects.count()
    content = with_nul(book([[firm.uscc, 2025, "营业收入", 7000], [firm.uscc, 2025, "纳税额", "MARKER"]]))
    assert b"12\x003" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    with pytest.raises(ActionError) as refused:  # refused as a file, or as its row 3
        actions.do_import_figures(xlsx.read_figures(upload(content)), source="tax", actor=people.liu)
    assert refused.value.field == "file"
    assert "第3行「数值」" in refused.value.message or "无法作为Excel" in refused.value.message
    assert FirmFigure.objects.count() == count and figure(firm, 2025, "revenue") == Decimal("5500.00")


def test_a_huge_number_in_the_workbook_saves_nothing(county, people):
    firm = county["firms"]["湖口县恒达机械有限公司"]
    content = book([[firm.uscc, 2025, "营业收入", 7000], [firm.uscc, 2024, "营业收入", 1e308],
                    [firm.uscc, 2024, "纳税额", 10 ** 15], [firm.uscc, 2023, "纳税额", "1e999999"]])
    with pytest.raises(actions.FiguresRefused) as refused:
        actions.do_import_figures(xlsx.read_figures(upload(content)), source="tax", actor=people.liu)
    assert [problem["row"] for problem in refused.value.problems] == [3, 4, 5]
    assert refused.value.message.startswith("文件中有3行有误，未导入任何数据：第3行「数值」：数字过大")
    assert figure(firm, 2025, "revenue") == Decimal("5500.00")


@pytest.mark.parametrize(("name", "content", "words"), [
    ("数据.xlsx", b"", "空文件"),
    ("数据.csv", "统一社会信用代码,年度,指标,数值\n".encode(), "类型不受支持"),
    ("数据.xlsx", b"\x00\x01 not a workbook at all", "类型不受支持"),
    ("数据.xlsx", None, "无法作为Excel"),  # a zip, but not a workbook
    ("数据.xlsx", book([["x", 2025, "营业收入", 1]], header=["统一社会信用代码", "年度", "数值"]), "缺少必填列：指标"),
    ("数据.xlsx", book([]), "没有数据行"),
    ("数据.xlsx", book([], header=None), "缺少必填列"),
])
def test_a_file_that_is_not_a_figures_workbook_is_refused_by_name(name, content, words):
    if content is None:
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w") as archive:
            archive.writestr("readme.txt", "hello")
        content = zipped.getvalue()
    with pytest.raises(ActionError, match=words) as refused:
        xlsx.read_figures(upload(content, name))
    assert refused.value.field == "file"


def test_a_workbook_over_the_row_limit_is_refused(county, monkeypatch):
    monkeypatch.setattr(xlsx, "FIGURES_MAX_ROWS", 3)
    firm = county["firms"]["湖口县恒达机械有限公司"]
    content = book([[firm.uscc, year, "营业收入", 1] for year in (2020, 2021, 2022, 2023)])
    with pytest.raises(ActionError, match="超过3行") as refused:
        xlsx.read_figures(content)
    assert refused.value.field == "file"
    assert len(xlsx.read_figures(book([[firm.uscc, 2020, "营业收入", 1]] * 3))) == 3
    with pytest.raises(ActionError, match="请选择"):
        xlsx.read_figures(None)


def test_the_template_reads_back_with_its_example_row():
    content = xlsx.figures_template()
    rows = sheet_rows(content)
    assert rows[0] == ("统一社会信用代码（必填）", "年度（必填）", "指标（必填）", "数值（必填）")
    assert [row["field"] for row in xlsx.read_figures(content)] == ["营业收入（万元）"]
    indicators = sheet_rows(content, "指标")
    assert ("营业收入（万元）", "revenue") in indicators and ("有效发明专利（件）", "patents") in indicators
