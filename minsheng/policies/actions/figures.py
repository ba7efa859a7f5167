"""The firms' yearly figures by data source: one recorded, or a workbook imported with every row
checked first; the firms whose figures changed are re-matched."""

from decimal import Decimal

from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import parse_amount
from minsheng.policies import rules
from minsheng.policies.models import Delivery, EventKind
from minsheng.policies.actions._base import write_event
from minsheng.policies.actions.delivery import _list_for_review, do_rematch_firm


# --- the figures ------------------------------------------------------------------------------------

@transaction.atomic
def do_record_figure(entity, *, year: int, field: str, value, source: str, actor):
    """One firm's figure of a year from a data source; the firm alone is then re-matched."""
    from minsheng.policies.models import DataSource, FigureField, FirmFigure

    if field not in FigureField.values:
        raise ActionError("没有这项年度数据。", field="field")
    if source not in DataSource.values:
        raise ActionError("请选择数据来源。", field="source")
    # The same rules as a workbook's cells (one rule for a figure, however it comes).
    try:
        year = _figure_year(year, clock.today().year)
    except ValueError as problem:
        raise ActionError(f"年度{problem}", field="year") from None
    try:
        number = _figure_value(value, field)
    except ValueError as problem:
        raise ActionError(f"数值{problem}", field="value") from None
    now = clock.now()
    figure, created = FirmFigure.objects.update_or_create(entity=entity, year=year, field=field,
                                                          defaults={"value": number, "source": source, "updated_at": now})
    write_event(EventKind.FIGURES_IMPORTED, actor=actor, entity=entity,
                note=f"{year}年{figure.get_field_display()}：{number}（{figure.get_source_display()}）",
                data={"year": year, "field": field, "value": str(number), "source": source, "created": created})
    do_rematch_firm(entity, actor=actor)
    return figure


# --- importing yearly figures by data source (a workbook: xlsx.read_figures) -----------------------------

FIGURES_MAX_ROWS = 200_000  # rows an import may carry (xlsx.read_figures refuses more before reading them all)
FIGURES_PROBLEMS_KEPT = 1000  # problems FiguresRefused carries; its message names the first few
FIGURES_PROBLEMS_NAMED = 5
FIGURES_CHUNK = 1000  # codes or firms looked up, figures written, in one query
FIGURE_COLUMNS = {"uscc": "统一社会信用代码", "year": "年度", "field": "指标", "value": "数值"}
FIGURES_EARLIEST_YEAR = 2000  # as do_record_figure
WHOLE_FIGURES = ("employees", "patents")  # people and patents are counted, not measured
PERCENT_FIGURES = ("rd_share",)


class FiguresRefused(ActionError):
    """An import refused because of its rows: nothing was saved. `problems` lists the first
    FIGURES_PROBLEMS_KEPT as {"row", "column", "message"} (row as Excel numbers it), `bad_rows`
    counts the rows with one; the message names the first few, on the field "file"."""

    def __init__(self, message: str, *, problems: list[dict], bad_rows: int):
        super().__init__(message, field="file")
        self.problems = problems
        self.bad_rows = bad_rows


def figure_problem_text(problem: dict) -> str:
    """第5行「指标」：… as the refusal and the upload page write a problem."""
    where = f"第{problem['row']}行" if problem.get("row") else "文件"
    return f"{where}「{problem['column']}」：{problem['message']}" if problem.get("column") else f"{where}：{problem['message']}"


def _figure_key(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").lower()


def figure_field_names() -> dict[str, str]:
    """How an indicator may be written in a workbook: its code (revenue), its label as shown
    (营业收入（万元）, brackets full-width or not) or the label without its unit (营业收入)."""
    from minsheng.policies.models import FigureField

    names = {}
    for code, label in FigureField.choices:
        for name in (code, label, label.split("（")[0]):
            names[_figure_key(name)] = code
    return names


def _figure_cell_text(value) -> str:
    from minsheng.core.spreadsheets import cell_text

    return cell_text(value)


def _figure_year(value, this_year: int) -> int:
    """A year cell: 2025, 2025.0, "2025" or "2025年"; else ValueError with the message."""
    import math
    from datetime import date as _date

    if isinstance(value, bool) or isinstance(value, _date):
        raise ValueError("应为四位数的年份，如2025。")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError("应为四位数的年份，如2025。")
        year = int(value)
    elif isinstance(value, int):
        year = value
    else:
        text = _figure_key(str(value or "")).removesuffix("年")
        if not text:
            raise ValueError("必填，不能为空。")
        if len(text) != 4 or not text.isascii() or not text.isdigit():
            raise ValueError("应为四位数的年份，如2025。")
        year = int(text)
    if not FIGURES_EARLIEST_YEAR <= year <= this_year:
        raise ValueError(f"应为{FIGURES_EARLIEST_YEAR}年至{this_year}年之间的年份。")
    return year


def _figure_value(value, field: str) -> Decimal:
    """A value cell as stored (two decimals, rounded half up: a computed Excel cell carries
    float noise); else ValueError with the message. NaN, infinities, negatives and amounts
    beyond core.text's bound are refused by parse_amount, the one amount rule."""
    from datetime import date as _date
    from datetime import time as _time
    from datetime import timedelta as _timedelta
    from decimal import ROUND_HALF_UP, InvalidOperation

    from minsheng.core.text import LARGEST_AMOUNT

    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("必填，不能为空。")
    if isinstance(value, (bool, _date, _time, _timedelta)):
        raise ValueError("应为数字。")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "").replace("，", "")
    if len(text) > 60:
        raise ValueError("应为数字。")
    try:
        number = Decimal(_figure_key(text))
    except (InvalidOperation, ValueError):
        raise ValueError("应为数字。") from None
    if number.is_finite():
        if abs(number) >= LARGEST_AMOUNT:
            raise ValueError(f"数字过大，应小于{LARGEST_AMOUNT / 10 ** 12:g}万亿。")
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    try:
        number = parse_amount(number, field="value", label="数值")
    except ActionError as error:
        raise ValueError(error.message.removeprefix("数值")) from None
    if field in WHOLE_FIGURES and number != number.to_integral_value():
        raise ValueError("应为整数。")
    if field in PERCENT_FIGURES and number > 100:
        raise ValueError("比例不能超过100。")
    return number


def _check_figure_rows(rows, *, actor, today):
    """Every row checked, none written: (checked rows, problems, bad row count), each checked row
    (row number, entity id, year, field, value). One query per FIGURES_CHUNK codes."""
    from minsheng.core.text import forbidden_character
    from minsheng.enterprises.actions.firm_login import clean_uscc
    from minsheng.enterprises.models import Entity
    from minsheng.org.access import jurisdiction
    from minsheng.org.models import Region
    from minsheng.policies.models import FigureField

    names = figure_field_names()
    problems: list[dict] = []
    bad: set[int] = set()

    def fail(row_number: int, key: str, message: str) -> None:
        bad.add(row_number)
        if len(problems) < FIGURES_PROBLEMS_KEPT:
            problems.append({"row": row_number, "column": FIGURE_COLUMNS.get(key, ""), "message": message})

    parsed = []  # (row number, uscc, year, field, value)
    codes_seen: dict[str, object] = {}  # the code as typed -> the clean code, or why it is not one
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            fail(position, "", "应为一行数据（统一社会信用代码、年度、指标、数值）。")
            continue
        number = row.get("row")
        number = number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else position
        before = len(bad)
        for key in FIGURE_COLUMNS:
            cell = row.get(key)
            if isinstance(cell, str) and forbidden_character(cell) is not None:
                fail(number, key, "含有不可见的控制字符。")
        if len(bad) != before:
            continue
        text = _figure_cell_text(row.get("uscc"))
        if text not in codes_seen:  # a firm has a row a figure: its code is cleaned once
            try:
                codes_seen[text] = clean_uscc(text)
            except ActionError as error:
                codes_seen[text] = error
        uscc = codes_seen[text]
        if isinstance(uscc, ActionError):
            fail(number, "uscc", uscc.message)
            uscc = None
        try:
            year = _figure_year(row.get("year"), today.year)
        except ValueError as error:
            fail(number, "year", str(error))
            year = None
        text = _figure_cell_text(row.get("field"))
        field = names.get(_figure_key(text))
        if field is None:
            choices = "、".join(label.split("（")[0] for label in FigureField.labels)
            fail(number, "field", f"没有“{text[:30]}”这项指标，应为：{choices}（或其代码）。" if text else "必填，不能为空。")
        value = None
        if field is not None:
            try:
                value = _figure_value(row.get("value"), field)
            except ValueError as error:
                fail(number, "value", str(error))
        if None not in (uscc, year, field, value):
            parsed.append((number, uscc, year, field, value))

    # The firms, by code, a chunk at a time; within the uploader's jurisdiction (enterprises' rule:
    # the registry's keepers, for their own counties).
    firms: dict[str, tuple[int, int]] = {}
    codes = sorted({uscc for _, uscc, _, _, _ in parsed})
    for start in range(0, len(codes), FIGURES_CHUNK):
        for uscc, pk, region_id in Entity.objects.filter(uscc__in=codes[start:start + FIGURES_CHUNK]).values_list(
                "uscc", "pk", "region_id"):
            firms[uscc] = (pk, region_id)
    allowed = None
    if actor is not None:
        area = jurisdiction(actor)
        allowed = set(Region.objects.filter(code__startswith=area.code_prefix).values_list("pk", flat=True)) if area else set()
    checked = []
    seen: dict[tuple, int] = {}
    for number, uscc, year, field, value in parsed:
        found = firms.get(uscc)
        if found is None:
            fail(number, "uscc", "企业库中没有该统一社会信用代码的市场主体，请核对。")
            continue
        pk, region_id = found
        if allowed is not None and region_id not in allowed:
            fail(number, "uscc", "该企业不在您管理的辖区内，不能导入其数据。")
            continue
        key = (pk, year, field)
        if key in seen:
            fail(number, "field", f"与第{seen[key]}行重复（同一企业、年度、指标只能有一行）。")
            continue
        seen[key] = number
        checked.append((number, pk, year, field, value))
    problems.sort(key=lambda problem: problem["row"])
    return checked, problems, len(bad)


@transaction.atomic
def do_import_figures(rows, *, source: str, actor) -> dict:
    """Yearly figures of many firms from one data source (rows as xlsx.read_figures gives them:
    {"row", "uscc", "year", "field", "value"}). Every row is checked first; if any is wrong,
    nothing is saved and FiguresRefused (an ActionError on "file") names the first problems by row
    and column. Otherwise the figures are written in bulk (a figure of the same firm, year and
    indicator is replaced), one FIGURES_IMPORTED event sums the import up, and each firm whose
    figures changed is re-matched once (do_rematch_firm). Returns the counts: rows, created,
    updated, unchanged, firms, rematched, listed (payouts the re-match listed), years, source.
    Who: the command line (actor None) or a keeper of the registry (enterprises' rule), for the
    firms of their jurisdiction."""
    from minsheng.policies.models import DataSource, FirmFigure

    if actor is not None and not rules.may_import_figures(actor):
        raise NotAllowed("只有营商办的督办员或管理员可以导入企业年度数据。")
    if source not in DataSource.values:
        raise ActionError("请选择数据来源。", field="source")
    if not isinstance(rows, (list, tuple)):
        raise ActionError("请选择要导入的文件。", field="file")
    if not rows:
        raise ActionError("文件中没有数据行：第一行为列名，从第二行起一行一项数据。", field="file")
    if len(rows) > FIGURES_MAX_ROWS:
        raise ActionError(f"一次最多导入{FIGURES_MAX_ROWS:,}行，请分成几个文件导入。", field="file")
    today, now = clock.today(), clock.now()
    checked, problems, bad_rows = _check_figure_rows(rows, actor=actor, today=today)
    if problems:
        named = "；".join(figure_problem_text(problem).rstrip("。") for problem in problems[:FIGURES_PROBLEMS_NAMED])
        more = "等" if len(problems) > FIGURES_PROBLEMS_NAMED else ""
        raise FiguresRefused(f"文件中有{bad_rows}行有误，未导入任何数据：{named}{more}。请改正后重新导入。",
                             problems=problems, bad_rows=bad_rows)

    # What is there now, for the counts and the firms to re-match.
    firm_ids = sorted({pk for _, pk, _, _, _ in checked})
    years = sorted({year for _, _, year, _, _ in checked})
    fields = sorted({field for _, _, _, field, _ in checked})
    existing: dict[tuple, tuple] = {}
    for start in range(0, len(firm_ids), FIGURES_CHUNK):
        for pk, year, field, value, was in FirmFigure.objects.filter(
                entity_id__in=firm_ids[start:start + FIGURES_CHUNK], year__in=years, field__in=fields).values_list(
                "entity_id", "year", "field", "value", "source"):
            existing[(pk, year, field)] = (value, was)
    created = updated = unchanged = 0
    changed_firms: set[int] = set()
    writes = []
    for _, pk, year, field, value in checked:
        before = existing.get((pk, year, field))
        if before is None:
            created += 1
            changed_firms.add(pk)
        elif before[0] != value:
            updated += 1
            changed_firms.add(pk)
        elif before[1] != source:
            updated += 1  # the same value, now from this source: recorded, nothing to re-match
        else:
            unchanged += 1
            continue
        writes.append(FirmFigure(entity_id=pk, year=year, field=field, value=value, source=source, updated_at=now))
    FirmFigure.objects.bulk_create(writes, batch_size=FIGURES_CHUNK, update_conflicts=True,
                                   unique_fields=["entity", "year", "field"], update_fields=["value", "source", "updated_at"])
    label = DataSource(source).label
    year_words = "、".join(str(year) for year in years)
    write_event(EventKind.FIGURES_IMPORTED, actor=actor,
                note=f"导入{label}提供的{year_words}年度数据{len(checked)}条，涉及{len(firm_ids)}户企业"
                     f"（新增{created}条，更新{updated}条，未变{unchanged}条）",
                data={"source": source, "rows": len(checked), "created": created, "updated": updated,
                      "unchanged": unchanged, "firms": len(firm_ids), "years": years, "fields": fields})

    # Each firm whose figures changed is re-matched once, policy by policy: each 免申即享 policy in
    # force runs its one SQL query (queries.eligible) over the changed firms, a chunk at a time,
    # and lists those it finds not yet listed this year (as do_rematch_firm would for one firm,
    # in bulk: a yearly import may change every firm of a county).
    from minsheng.policies import queries
    from minsheng.policies.models import Payout

    listed = 0
    rematched = sorted(changed_firms)
    automatic = list(queries.in_force(today).filter(delivery=Delivery.AUTOMATIC).select_related("region")
                     .prefetch_related("conditions")) if rematched else []
    now = clock.now()
    for policy in automatic:
        already = Payout.objects.filter(policy=policy, year=today.year).values("entity_id")
        found: list[int] = []
        for start in range(0, len(rematched), FIGURES_CHUNK):
            found += (queries.eligible(policy, today).filter(pk__in=rematched[start:start + FIGURES_CHUNK])
                      .exclude(pk__in=already).values_list("pk", flat=True))
        rows = _list_for_review(policy, sorted(found), today, now) if found else []
        if rows:
            write_event(EventKind.MATCHED, actor=actor, policy=policy,
                        note=f"导入{label}数据后，{len(rows)}户企业符合条件，待审核", data={"listed": len(rows), "import": True})
        listed += len(rows)
    return {"rows": len(checked), "created": created, "updated": updated, "unchanged": unchanged,
            "firms": len(firm_ids), "rematched": len(rematched), "listed": listed, "years": years, "source": source}
