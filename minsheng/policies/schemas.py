"""The shapes of the policies API (api.py): the library as the public reads it, the delivery
figures, and the staff's lists and inputs. Amounts are strings of yuan to the fen ("50000.00"),
never floats."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

# --- the library (查), public ------------------------------------------------------------------------

ConditionValue = bool | str | list[str]


class ConditionOut(Schema):
    position: int
    text: str = Field(description="条件说明，如“上一年度营业收入增长率不低于15%”")
    field: str = Field(description="条件字段，如 revenue_growth")
    field_label: str
    operator: str = Field(description="in / not_in / is / is_not / has / has_not / gte / gt / lte / lt / between")
    operator_label: str
    value: ConditionValue = Field(description="选项列表、是否、数值（字符串），或介于的[下限, 上限]")
    period: str = Field(description="年度：last_year 上一年度，last_two_years 近两个年度（每年）；不按年度的为空")
    period_label: str
    verifiable: bool = Field(description="政府数据可核验（全部可核验的政策可以免申即享）")


class PolicySummary(Schema):
    number: str = Field(description="政策编号，如 ZC202600001")
    title: str
    issuer: str = Field(description="发布部门")
    region: str = Field(description="适用区划")
    region_code: str
    level: str = Field(description="city 市级 / county 县级")
    level_label: str
    document_number: str = Field(description="文号")
    issued_on: date = Field(description="印发日期")
    valid_from: date
    valid_to: date | None
    benefit_type: str
    benefit_type_label: str
    delivery: str = Field(description="automatic 免申即享 / application 依申请")
    delivery_label: str
    amount_text: str = Field(description="支持标准")
    state: str = Field(description="draft 草拟 / published 已发布 / withdrawn 已停止执行")
    state_label: str


class PolicyDetail(PolicySummary):
    beneficiaries: str = Field(description="支持对象")
    payment_days: int = Field(description="兑现时限（工作日）")
    where_to_apply: str
    contact: str = Field(description="咨询电话（部门的）")
    exclusive_group: str = Field(description="不可重复享受组：同组政策同一企业同一年度只能享受一项")
    benefit_kind: str = Field(description="fixed 定额 / rate 按比例 / tiers 分档")
    benefit_kind_label: str
    amount: str | None = Field(description="定额（元）")
    rate: str | None = Field(description="比例（%）")
    base_field: str = Field(description="按比例或分档时的计算基数（企业上一年度的哪项数据）")
    tiers: list[list[str]] = Field(description="分档：[[基数下限, 金额（元）], ...]")
    floor: str
    cap: str | None
    budget: str = Field(description="预算（元）")
    publish_due: date = Field(description="发布期限：印发之日起7个工作日")
    published_at: datetime | None
    in_force: bool = Field(description="今天在执行期内且已发布")
    all_verifiable: bool = Field(description="条件都能由政府数据核验")
    conditions: list[ConditionOut]


class PolicyPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PolicySummary]


# --- the delivery figures (送, 市县一体), public ---------------------------------------------------------

class StateCount(Schema):
    state: str
    label: str
    count: int


class PolicyFiguresOut(Schema):
    number: str
    title: str
    region: str
    region_code: str
    delivery: str
    year: int = Field(description="兑现年度")
    payouts: list[StateCount] = Field(description="本年度各环节的兑现笔数")
    paid: int = Field(description="已拨付笔数")
    firms_paid: int = Field(description="已拨付企业数")
    amount_paid: str = Field(description="已拨付金额（元）")
    paid_on_time: int = Field(description="在兑现时限内拨付的笔数")
    on_time_share: float | None = Field(description="时限内拨付占比（%）")
    days_median: float | None = Field(description="从印发到拨付的工作日数，中位数")
    days_max: int | None = Field(description="从印发到拨付的工作日数，最长")
    applications: int = Field(description="本年度收到的申报")
    applications_approved: int
    applications_refused: int
    budget: str = Field(description="预算（元）")
    committed: str = Field(description="已占用预算（元）：审核确认、公示、下达拨付和已拨付的金额，各年度合计")
    budget_used_share: float | None = Field(description="预算使用比例（%）")


class RegionFiguresOut(Schema):
    code: str
    name: str
    level: str = Field(description="city 市本级政策 / county 县级政策 / total 全市合计")
    policies_published: int = Field(description="本年度发布的政策")
    automatic_published: int = Field(description="其中免申即享")
    published_on_time: int = Field(description="印发后7个工作日内发布的")
    published_on_time_share: float | None
    paid: int = Field(description="已拨付笔数")
    firms_paid: int
    amount_paid: str
    days_median: float | None = Field(description="从印发到拨付的工作日数，中位数")
    overdue_now: int = Field(description="当前超过环节时限的兑现（各年度）")
    applications: int = Field(description="本年度收到的申报")


class RegionBoardOut(Schema):
    year: int
    day: date
    rows: list[RegionFiguresOut] = Field(description="市本级政策在前，各县（市、区）按区划代码排列")
    total: RegionFiguresOut


# --- staff: lists -----------------------------------------------------------------------------------------

class EligibleFirm(Schema):
    id: int
    name: str
    uscc: str
    region: str


class EligiblePage(Schema):
    count: int
    page: int
    pages: int
    results: list[EligibleFirm]


class FirmMatch(Schema):
    number: str
    title: str
    region: str
    delivery: str
    delivery_label: str
    meets: bool = Field(description="符合全部条件")
    missing: list[str] = Field(description="不符合的条件")
    expected_amount: str | None = Field(description="按企业数据测算的金额（元）；缺少计算基数时为空")


class PayoutOut(Schema):
    id: int
    policy: str = Field(description="政策编号")
    entity_id: int
    entity: str
    uscc: str
    year: int
    amount: str
    state: str
    state_label: str
    due_on: date | None = Field(description="本环节期限")
    publicity_ends_on: date | None
    listed_at: datetime
    paid_on: date | None
    note: str
    application: int | None = Field(description="依申请兑现的申报编号（id）")


class PayoutPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PayoutOut]


class KnownFact(Schema):
    condition: str
    data: str


class ApplicationOut(Schema):
    id: int
    case: str = Field(description="办件编号")
    policy: str
    entity_id: int
    entity: str
    uscc: str
    year: int
    stage: str
    stage_label: str
    expected_amount: str | None
    known_facts: list[KnownFact] = Field(description="申报时已由政府数据核验的条件")
    missing: list[str] = Field(description="申报时不符合的条件")
    explanation: str = Field(description="情况说明；非本政策经办人员看到的是脱敏后的文本")
    created_at: datetime
    payout: int | None
    amount: str | None = Field(description="核定金额（元）")


class ApplicationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ApplicationOut]


class MatchOut(Schema):
    listed: int = Field(description="新列入待审核的企业数")


class CountOut(Schema):
    count: int


class NotifyOut(Schema):
    firms: int
    helpers: int


# --- staff: inputs ------------------------------------------------------------------------------------------

class ConditionIn(Schema):
    field: str
    operator: str
    value: Any = Field(None, description="选项或选项列表、是否（true/false）、数值，或介于的[下限, 上限]；由条件字段决定")
    period: str = ""


class PolicyIn(Schema):
    title: str
    document_number: str
    issued_on: date
    valid_from: date
    valid_to: date | None = None
    benefit_type: str
    delivery: str = "application"
    beneficiaries: str
    amount_text: str
    budget: str = Field(description="预算（元），如 \"1000000\"")
    conditions: list[ConditionIn] = []
    benefit_kind: str = "fixed"
    amount: str | None = None
    rate: str | None = None
    base_field: str = ""
    tiers: list[list[str]] = []
    floor: str = "0"
    cap: str | None = None
    payment_days: int = 20
    where_to_apply: str = ""
    contact: str = ""
    exclusive_group: str = ""


class ReasonIn(Schema):
    reason: str


class ObjectionIn(Schema):
    objection: str


class PaidIn(Schema):
    paid_on: date


class ReviewIn(Schema):
    approve: bool
    amount: str | None = Field(None, description="核定金额（元）；空：按政策测算的金额")
    note: str = Field("", description="审核意见；不予兑现时必填")
