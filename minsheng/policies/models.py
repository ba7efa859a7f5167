"""Enterprise policies (惠企政策, issue 13): the yearly figures the government holds of each firm,
by data source; policies with their conditions as data (conditions.py)."""

from django.db import models
from django.db.models import Q

from minsheng.core.models import BaseEvent
from minsheng.enterprises.models import Entity


class FigureField(models.TextChoices):
    EMPLOYEES = "employees", "从业人员（人）"
    REVENUE = "revenue", "营业收入（万元）"
    TAX_PAID = "tax_paid", "纳税额（万元）"
    RD_SHARE = "rd_share", "研发投入占营业收入比例（%）"
    PATENTS = "patents", "有效发明专利（件）"


class DataSource(models.TextChoices):
    TAX = "tax", "税务部门"
    MARKET = "market", "市场监管部门"
    HUMAN_RESOURCES = "hr", "人力资源和社会保障部门"
    SCIENCE = "science", "科技部门"
    STATISTICS = "statistics", "统计部门"


class FirmFigure(models.Model):
    """One figure of one firm for one year, as its source reported it. A later import of the same
    year and field replaces it (the events keep what it was)."""

    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.CASCADE, related_name="figures",
                               db_index=False)  # the unique (entity, year, field) below serves it
    year = models.PositiveSmallIntegerField("年度")
    field = models.CharField("指标", max_length=12, choices=FigureField.choices)
    value = models.DecimalField("数值", max_digits=18, decimal_places=2)
    source = models.CharField("数据来源", max_length=12, choices=DataSource.choices)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "企业年度数据"
        verbose_name_plural = "企业年度数据"
        constraints = [
            models.UniqueConstraint(fields=["entity", "year", "field"], name="firm_figure_unique"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="firm_figure_year"),
        ]
        indexes = [
            # The matching engine: the firms whose figure of a field and year passes a bound
            # (the conditions' EXISTS probes come by entity through the unique index).
            models.Index(fields=["field", "year", "value"], name="firm_figure_by_value"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.year} {self.get_field_display()} {self.value}"


# --- the policy library (查) -------------------------------------------------------------------

class BenefitType(models.TextChoices):
    GRANT = "grant", "资金奖补"
    TAX = "tax", "税费减免"
    LOAN = "loan", "贷款贴息"
    EMPLOYMENT = "employment", "稳岗用工"
    TALENT = "talent", "人才支持"
    OTHER = "other", "其他"


class Delivery(models.TextChoices):
    AUTOMATIC = "automatic", "免申即享"
    APPLICATION = "application", "依申请"


class BenefitKind(models.TextChoices):
    FIXED = "fixed", "定额"
    RATE = "rate", "按比例"
    TIERS = "tiers", "分档"


class PolicyState(models.TextChoices):
    DRAFT = "draft", "草拟"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已停止执行"


class Policy(models.Model):
    """One policy, its plain-language guide, its conditions (PolicyCondition) and how much it
    gives (a fixed amount, a rate of one of the firm's figures, or tiers of one; a floor and a
    cap). All amounts in yuan."""

    number = models.CharField("政策编号", max_length=20, unique=True)
    title = models.CharField("政策名称", max_length=200)
    issuer = models.ForeignKey("org.Department", verbose_name="发布部门", on_delete=models.PROTECT, related_name="policies")
    region = models.ForeignKey("org.Region", verbose_name="适用区划", on_delete=models.PROTECT, related_name="policies",
                               help_text="市级政策适用全市，县级政策适用本县。")
    document_number = models.CharField("文号", max_length=60)
    issued_on = models.DateField("印发日期")
    valid_from = models.DateField("执行期起")
    valid_to = models.DateField("执行期至", null=True, blank=True)
    benefit_type = models.CharField("支持方式", max_length=12, choices=BenefitType.choices)
    delivery = models.CharField("兑现方式", max_length=12, choices=Delivery.choices, default=Delivery.APPLICATION)
    beneficiaries = models.TextField("支持对象")
    amount_text = models.TextField("支持标准")
    payment_days = models.PositiveSmallIntegerField("兑现时限（工作日）", default=20)
    where_to_apply = models.CharField("申报渠道", max_length=200, blank=True)
    contact = models.CharField("咨询电话", max_length=60, blank=True)
    exclusive_group = models.CharField("不可重复享受组", max_length=40, blank=True,
                                       help_text="同组政策同一企业同一年度只能享受一项。")
    benefit_kind = models.CharField("计算方式", max_length=8, choices=BenefitKind.choices, default=BenefitKind.FIXED)
    amount = models.DecimalField("定额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("比例（%）", max_digits=7, decimal_places=3, null=True, blank=True)
    base_field = models.CharField("计算基数", max_length=12, choices=FigureField.choices, blank=True)
    tiers = models.JSONField("分档", default=list, blank=True, help_text='[["下限", "金额"], ...]，下限按基数。')
    floor = models.DecimalField("最低（元）", max_digits=14, decimal_places=2, default=0)
    cap = models.DecimalField("最高（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    budget = models.DecimalField("预算（元）", max_digits=16, decimal_places=2)
    # The original document as issued (PDF or Word), served only through the policy's page.
    document = models.FileField("政策原文", upload_to="policies/%Y/", blank=True)
    document_name = models.CharField("原文文件名", max_length=200, blank=True)
    document_type = models.CharField("原文类型", max_length=100, blank=True)
    state = models.CharField("状态", max_length=10, choices=PolicyState.choices, default=PolicyState.DRAFT)
    publish_due = models.DateField("发布期限", help_text="印发之日起7个工作日内发布。")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "惠企政策"
        verbose_name_plural = "惠企政策"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="policy_dates_in_order"),
            models.CheckConstraint(condition=Q(floor__gte=0) & (Q(cap__isnull=True) | Q(cap__gte=models.F("floor"))),
                                   name="policy_floor_and_cap"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="policy_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PolicyCondition(models.Model):
    """One condition of a policy, as conditions.check() accepts it."""

    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveSmallIntegerField("序号")
    field = models.CharField("条件字段", max_length=20)
    operator = models.CharField("比较", max_length=8)
    value = models.JSONField("值")
    period = models.CharField("年度", max_length=16, blank=True)
    verifiable = models.BooleanField("政府数据可核验", default=True)
    text = models.CharField("说明", max_length=300)

    class Meta:
        verbose_name = "政策条件"
        verbose_name_plural = "政策条件"
        ordering = ["policy", "position"]
        constraints = [models.UniqueConstraint(fields=["policy", "position"], name="policy_condition_position")]

    def __str__(self) -> str:
        return self.text

    def as_condition(self):
        from minsheng.policies import conditions

        return conditions.check(self.field, self.operator, self.value, self.period)


# --- delivery without application (送, 免申即享) ---------------------------------------------------

class PayoutState(models.TextChoices):
    LISTED = "listed", "匹配待审核"
    WAITING = "waiting", "预算不足排队"
    CONFIRMED = "confirmed", "审核确认"
    PUBLICIZED = "publicized", "公示中"
    ORDERED = "ordered", "已下达拨付"
    PAID = "paid", "已拨付"
    REJECTED = "rejected", "不予兑现"


# The states whose amount counts against the budget (the waiting ones do not, yet).
COMMITTED_STATES = ("confirmed", "publicized", "ordered", "paid")


class Payout(models.Model):
    """One firm's benefit under one policy, from the match to the money: listed for review,
    confirmed against the budget and the exclusivity rule, publicly listed, ordered, paid. Each
    step is an action with its event; `due_on` is the current step's limit in working days."""

    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="payouts")
    entity = models.ForeignKey(Entity, verbose_name="企业", on_delete=models.PROTECT, related_name="payouts")
    year = models.PositiveSmallIntegerField("兑现年度")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    state = models.CharField("状态", max_length=10, choices=PayoutState.choices, default=PayoutState.LISTED)
    due_on = models.DateField("本环节期限", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    listed_at = models.DateTimeField("匹配时间")
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    queued_at = models.DateTimeField("排队时间", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    # The step whose limit the worker has already reported as passed (actions.sweep_late_payouts):
    # each late step is reported once.
    late_reported = models.CharField("已报逾期环节", max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = "政策兑现"
        verbose_name_plural = "政策兑现"
        ordering = ["policy", "listed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["policy", "entity", "year"], name="payout_once_a_year")]
        indexes = [
            # The budget: a policy's committed amounts; the queue: its waiting payouts in order.
            models.Index(fields=["policy", "state", "queued_at"], name="payout_policy_state"),
            # Exclusivity: a firm's payouts of a year.
            models.Index(fields=["entity", "year"], name="payout_entity_year"),
            # The worker's sweep of late steps: only the rows with a limit running.
            models.Index(fields=["due_on"], condition=Q(due_on__isnull=False), name="payout_due"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.entity.name} {self.amount}"


# --- applications (办) ---------------------------------------------------------------------------------

class ApplicationStage(models.TextChoices):
    SUBMITTED = "submitted", "已申报待审核"
    REVIEWED = "reviewed", "审核通过"
    WAITING = "waiting", "预算不足排队"
    PUBLICIZED = "publicized", "公示中"
    ORDERED = "ordered", "已下达拨付"
    PAID = "paid", "已拨付"
    REJECTED = "rejected", "不予兑现"
    WITHDRAWN = "withdrawn", "已撤回"


class PolicyApplication(models.Model):
    """A firm's application for a policy: a case of the kind 惠企政策申报 (its clock, the ladder,
    the scorecards and the firm's timeline are the case engine's), with what the application
    adds: the policy, what the government already knew, the conditions the firm did not meet and
    its explanation. Approved, it becomes a Payout and follows the same listing and payment steps
    as 免申即享; its stage is read from the case and the payout, never stored."""

    case = models.OneToOneField("cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="policy_application")
    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="applications")
    entity = models.ForeignKey(Entity, verbose_name="企业", on_delete=models.PROTECT, related_name="policy_applications")
    year = models.PositiveSmallIntegerField("申报年度")
    payout = models.OneToOneField(Payout, verbose_name="兑现", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="application")
    expected_amount = models.DecimalField("测算金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    known_facts = models.JSONField("政府已掌握的信息", default=list, blank=True,
                                   help_text="申报时已由政府数据核验的条件及其数据。")
    missing = models.JSONField("申报时不符合的条件", default=list, blank=True)
    explanation = models.TextField("情况说明", blank=True, help_text="不符合条件仍申报的，须说明情况，由部门决定。")
    created_at = models.DateTimeField("申报时间")

    class Meta:
        verbose_name = "政策申报"
        verbose_name_plural = "政策申报"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["policy", "entity", "year"], name="policy_application_once_a_year")]
        indexes = [
            # The firm's own list of its applications.
            models.Index(fields=["entity", "created_at"], name="policy_application_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.entity.name}"

    @property
    def stage(self) -> str:
        from minsheng.cases.models import State

        if self.payout_id is not None:
            return {"listed": ApplicationStage.SUBMITTED, "confirmed": ApplicationStage.REVIEWED}.get(
                self.payout.state, self.payout.state)
        if self.case.state == State.WITHDRAWN:
            return ApplicationStage.WITHDRAWN
        if self.case.state in (State.CLOSED, State.ARCHIVED, State.REJECTED):
            return ApplicationStage.REJECTED
        return ApplicationStage.SUBMITTED

    def get_stage_display(self) -> str:
        return ApplicationStage(self.stage).label


# --- the events ------------------------------------------------------------------------------------

class EventKind(models.TextChoices):
    FIGURES_IMPORTED = "figures_imported", "导入企业年度数据"
    POLICY_CREATED = "policy_created", "录入政策"
    POLICY_PUBLISHED = "policy_published", "发布政策"
    MATCHED = "matched", "匹配企业"
    CONFIRMED = "confirmed", "审核确认"
    QUEUED = "queued", "预算不足排队"
    REJECTED = "rejected", "不予兑现"
    PUBLICIZED = "publicized", "公示"
    OBJECTED = "objected", "公示异议"
    ORDERED = "ordered", "下达拨付"
    PAID = "paid", "确认拨付"
    LATE = "late", "兑现环节逾期"
    NOTIFIED = "notified", "提醒可能符合的企业"
    APPLIED = "applied", "企业申报"
    REVIEWED = "reviewed", "申报审核"


class PolicyEvent(BaseEvent):
    """What happened to the policies and the figures they read: one row an action."""

    policy = models.ForeignKey(Policy, verbose_name="政策", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="events")
    entity = models.ForeignKey(Entity, verbose_name="市场主体", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="policy_events")
    payout = models.ForeignKey(Payout, verbose_name="兑现", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="events")
    application = models.ForeignKey(PolicyApplication, verbose_name="申报", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="events")

    class Meta(BaseEvent.Meta):
        verbose_name = "政策事件"
        verbose_name_plural = "政策事件"
