"""Elevator retrofits of existing residential buildings (既有住宅加装电梯): the register of
estates, buildings, entrances (单元) and dwellings with their owners; the city's dated rule
sets; applications with their votes, objections and mediation; the stages on the clock."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from minsheng.core.identity import mask_phone, mask_resident_id
from minsheng.core.models import BaseEvent
from minsheng.elevators import consent
from minsheng.elevators.stages import FINAL_STAGES, OPEN_STAGES, Stage
from minsheng.org.models import Department, Region

AREA = {"max_digits": 9, "decimal_places": 2}
MONEY = {"max_digits": 12, "decimal_places": 2}


# --- the register -------------------------------------------------------------------------

class Estate(models.Model):
    """小区."""

    region = models.ForeignKey(Region, verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="estates")
    street = models.ForeignKey(Region, verbose_name="街道（乡镇）", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="street_estates")
    community = models.CharField("社区", max_length=40, blank=True)
    name = models.CharField("小区名称", max_length=60)
    address = models.CharField("地址", max_length=120, blank=True)
    year_built = models.PositiveSmallIntegerField("建成年份", null=True, blank=True)
    renovation_batch = models.CharField("老旧小区改造批次", max_length=40, blank=True,
                                        help_text="列入老旧小区改造的，填批次，如“2021年第一批”。")

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="estate_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """楼栋."""

    estate = models.ForeignKey(Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField("楼栋", max_length=20)
    floors = models.PositiveSmallIntegerField("地上层数")

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"
        ordering = ["estate", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="building_unique_name_in_estate")]

    def __str__(self) -> str:
        return f"{self.estate.name}{self.name}"


class Entrance(models.Model):
    """单元: the usual scope of one lift."""

    building = models.ForeignKey(Building, verbose_name="楼栋", on_delete=models.PROTECT, related_name="entrances")
    name = models.CharField("单元", max_length=20)

    class Meta:
        verbose_name = "单元"
        verbose_name_plural = "单元"
        ordering = ["building", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="entrance_unique_name_in_building")]

    def __str__(self) -> str:
        return f"{self.building}{self.name}"


class Owner(models.Model):
    """A person on the property register. One person owning several dwellings is one row, and so
    one head in a vote (Civil Code art. 278 as the SPC reads it)."""

    name = models.CharField("姓名", max_length=30)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("手机号码", max_length=11, blank=True)

    class Meta:
        verbose_name = "业主"
        verbose_name_plural = "业主"
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""), name="owner_unique_id_number"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number) if self.id_number else ""


class Dwelling(models.Model):
    """户: one dwelling with its exclusive area from the property register. Co-owners vote once,
    through `voter`; the others are listed as owners."""

    entrance = models.ForeignKey(Entrance, verbose_name="单元", on_delete=models.PROTECT, related_name="dwellings")
    number = models.CharField("房号", max_length=10)
    floor = models.SmallIntegerField("楼层")
    area = models.DecimalField("专有部分面积（㎡）", **AREA)
    voter = models.ForeignKey(Owner, verbose_name="表决业主", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="voting_dwellings")
    owners = models.ManyToManyField(Owner, verbose_name="产权人", blank=True, related_name="dwellings")
    residents_over_60 = models.PositiveSmallIntegerField("60岁以上住户人数", default=0)

    class Meta:
        verbose_name = "户"
        verbose_name_plural = "户"
        ordering = ["entrance", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entrance", "number"], name="dwelling_unique_number_in_entrance"),
            models.CheckConstraint(condition=Q(area__gt=0), name="dwelling_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.entrance}{self.number}室"


# --- the city's rules, dated ----------------------------------------------------------------

class CostMethod(models.TextChoices):
    AREA = "area", "按专有部分面积"
    COEFFICIENT = "coefficient", "按楼层系数"
    PERCENT = "percent", "按楼层比例"


class RuleSet(models.Model):
    """The rules a city (or a county) applies from a date. An application uses the rule set in
    force on its filing date, for good: a later change does not move its goalposts."""

    region = models.ForeignKey(Region, verbose_name="适用地区", on_delete=models.PROTECT, related_name="elevator_rules")
    effective_from = models.DateField("施行日期")
    name = models.CharField("名称", max_length=100)
    document_number = models.CharField("文号", max_length=60, blank=True)
    # Thresholds as fractions written "2/3": Civil Code art. 278 by default.
    participation_area = models.CharField("参与表决专有面积比例", max_length=9, default="2/3")
    participation_heads = models.CharField("参与表决人数比例", max_length=9, default="2/3")
    agreement_area = models.CharField("同意专有面积比例（占参与表决）", max_length=9, default="3/4")
    agreement_heads = models.CharField("同意人数比例（占参与表决）", max_length=9, default="3/4")
    publicity_days = models.PositiveSmallIntegerField("公示期（日）", default=10)
    publicity_in_working_days = models.BooleanField("公示期按工作日计", default=False)
    subsidy_fixed = models.DecimalField("每台补贴（元）", default=Decimal("0"), **MONEY)
    subsidy_share = models.DecimalField("补贴占造价比例（%）", max_digits=5, decimal_places=2, default=Decimal("0"))
    subsidy_cap = models.DecimalField("补贴上限（元）", null=True, blank=True, **MONEY)
    cost_method = models.CharField("默认分摊方式", max_length=12, choices=CostMethod.choices, default=CostMethod.COEFFICIENT)
    cost_table = models.JSONField("分摊系数或比例表", default=dict, blank=True, encoder=DjangoJSONEncoder,
                                  help_text="楼层→系数（或每户比例%），如 {\"1\": 0, \"2\": 0.5}；空则用默认系数。")
    permit_threshold = models.DecimalField("需办理施工许可的造价（元）", default=Decimal("1000000"), **MONEY)
    stage_days = models.JSONField("各审批环节时限（工作日）", default=dict, blank=True,
                                  help_text="如 {\"street_review\": 10, \"joint_review\": 15}；空则用默认时限。")
    registration_within_days = models.PositiveSmallIntegerField("投入使用后办理使用登记期限（日）", default=30)
    maintenance_interval_days = models.PositiveSmallIntegerField("维护保养间隔（日）", default=15)
    inspection_notice_days = models.PositiveSmallIntegerField("定期检验提前申请（日）", default=30)

    class Meta:
        verbose_name = "加装电梯政策规则"
        verbose_name_plural = "加装电梯政策规则"
        ordering = ["region__code", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["region", "effective_from"], name="ruleset_unique_start")]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y年%-m月%-d日}起）"

    @property
    def consent_rules(self) -> consent.ConsentRules:
        return consent.ConsentRules(
            participation_area=Fraction(self.participation_area),
            participation_heads=Fraction(self.participation_heads),
            agreement_area=Fraction(self.agreement_area),
            agreement_heads=Fraction(self.agreement_heads),
        )

    def days_for(self, stage: str) -> int | None:
        from minsheng.elevators.stages import RULES

        if stage in (self.stage_days or {}):
            return int(self.stage_days[stage])
        rule = RULES.get(stage)
        return rule.default_days if rule else None


# --- applications ---------------------------------------------------------------------------

class Application(models.Model):
    """One entrance's application for a lift, from feasibility to service."""

    number = models.CharField("编号", max_length=30, unique=True)
    entrance = models.ForeignKey(Entrance, verbose_name="单元", on_delete=models.PROTECT, related_name="applications")
    # Copied from the entrance's estate: the funnel counts by them without joining the register.
    region = models.ForeignKey(Region, verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="elevator_applications")
    street = models.ForeignKey(Region, verbose_name="街道（乡镇）", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="street_elevator_applications")
    rule_set = models.ForeignKey(RuleSet, verbose_name="适用规则", on_delete=models.PROTECT, related_name="applications")
    filed_on = models.DateField("申请日期")
    representatives = models.ManyToManyField(Owner, verbose_name="业主代表", related_name="represented_applications")
    implementing_body = models.CharField("实施主体", max_length=100, blank=True)
    with_renovation = models.BooleanField("结合老旧小区改造", default=False)
    households = models.PositiveSmallIntegerField("受益户数", default=0)
    residents_over_60 = models.PositiveSmallIntegerField("60岁以上受益人数", default=0)

    stage = models.CharField("当前环节", max_length=20, choices=Stage.choices, default=Stage.FEASIBILITY)
    stage_started_at = models.DateTimeField("本环节开始")
    due_at = models.DateTimeField("本环节期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限暂定", default=False)
    rung = models.PositiveSmallIntegerField("催办层级", default=0)
    next_check_at = models.DateTimeField("下次检查", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    public_notice = models.TextField("公示内容", blank=True)

    estimated_cost = models.DecimalField("工程总造价（元）", null=True, blank=True, **MONEY)
    subsidy = models.DecimalField("政府补贴（元）", null=True, blank=True, **MONEY)
    cost_method = models.CharField("分摊方式", max_length=12, choices=CostMethod.choices, blank=True)
    cost_table = models.JSONField("分摊系数或比例表", default=dict, blank=True, encoder=DjangoJSONEncoder)

    # The vote's running sums (consent.Sums): one vote updates them, nobody recounts.
    total_area = models.DecimalField("范围内专有面积", default=Decimal("0"), **AREA)
    total_heads = models.PositiveIntegerField("范围内业主人数", default=0)
    participating_area = models.DecimalField("参与表决面积", default=Decimal("0"), **AREA)
    participating_heads = models.PositiveIntegerField("参与表决人数", default=0)
    agreeing_area = models.DecimalField("同意面积", default=Decimal("0"), **AREA)
    agreeing_heads = models.PositiveIntegerField("同意人数", default=0)
    # Owners whose exclusive part the shaft would occupy and who have not agreed: each can block.
    blocking_owners = models.PositiveSmallIntegerField("占用专有部分未同意户数", default=0)

    # Milestones the funnel counts by (set by the stage actions when the stage is entered; a test
    # checks them against the stage records): reached means reached, whatever came after.
    approved_at = models.DateTimeField("批复时间（通过联合审查）", null=True, blank=True)
    construction_started_at = models.DateTimeField("开工时间", null=True, blank=True)
    completed_at = models.DateTimeField("竣工时间", null=True, blank=True)
    in_service_at = models.DateTimeField("投入使用时间", null=True, blank=True)
    closed_at = models.DateTimeField("撤回或未通过时间", null=True, blank=True)

    maintenance_contractor = models.CharField("维保单位", max_length=100, blank=True)
    # The contractor's mobile: the worker texts the servicing and inspection reminders to it.
    maintenance_phone = models.CharField("维保单位联系电话", max_length=11, blank=True)
    entered_service_on = models.DateField("投入使用日期", null=True, blank=True)
    last_serviced_on = models.DateField("最近维保日期", null=True, blank=True)
    inspection_expires_on = models.DateField("定期检验有效期至", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "加装电梯申请"
        verbose_name_plural = "加装电梯申请"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entrance"], condition=~Q(stage__in=FINAL_STAGES[1:]),
                                    name="application_one_live_per_entrance"),
        ]
        indexes = [
            # The worker: applications whose clock needs a look (warning, rung, reminder).
            models.Index(fields=["next_check_at"], name="application_due_work", condition=Q(next_check_at__isnull=False)),
            # The funnel and the county table: counts by region and stage.
            models.Index(fields=["region", "stage"], name="application_region_stage"),
            # The supervision list: open government stages by due time.
            models.Index(fields=["due_at", "id"], name="application_open_due", condition=Q(stage__in=OPEN_STAGES)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES

    @property
    def sums(self) -> consent.Sums:
        return consent.Sums(
            total_area=self.total_area, total_heads=self.total_heads,
            participating_area=self.participating_area, participating_heads=self.participating_heads,
            agreeing_area=self.agreeing_area, agreeing_heads=self.agreeing_heads,
        )

    @property
    def tally(self) -> consent.Tally:
        return consent.tally_from_sums(self.sums, self.rule_set.consent_rules)

    @property
    def consent_passes(self) -> bool:
        return self.tally.passes and self.blocking_owners == 0

    @property
    def needs_permit(self) -> bool:
        return self.estimated_cost is not None and self.estimated_cost >= self.rule_set.permit_threshold


class Target(models.Model):
    """The number of lifts a region promised to complete in a year (the report's 305)."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="elevator_targets")
    year = models.PositiveSmallIntegerField("年度")
    completed = models.PositiveIntegerField("完工目标（台）")

    class Meta:
        verbose_name = "加装电梯年度目标"
        verbose_name_plural = "加装电梯年度目标"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="elevator_target_unique")]


class ApplicationCounter(models.Model):
    """The last number given in a county and year (locked while a number is taken)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="application_counter_unique")]


class ShaftDwelling(models.Model):
    """A dwelling whose exclusive part the planned shaft or landing occupies: its owner's
    disagreement blocks the lift whatever the ratios say."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="shaft_dwellings")
    dwelling = models.ForeignKey(Dwelling, verbose_name="户", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "dwelling"], name="shaft_dwelling_unique")]


class Choice(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"
    ABSTAIN = "abstain", "弃权"


class Vote(models.Model):
    """One dwelling's vote, entered from the paper form. Individual votes never leave the staff
    pages: the public sees the ratios only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="votes")
    dwelling = models.ForeignKey(Dwelling, verbose_name="户", on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(Owner, verbose_name="表决业主", on_delete=models.PROTECT, related_name="votes")
    area = models.DecimalField("专有部分面积（㎡）", **AREA)
    choice = models.CharField("意见", max_length=10, choices=Choice.choices)
    cast_on = models.DateField("表决日期")
    recorded_by = models.ForeignKey("org.User", verbose_name="录入人", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "表决意见"
        verbose_name_plural = "表决意见"
        constraints = [models.UniqueConstraint(fields=["application", "dwelling"], name="vote_one_per_dwelling")]
        indexes = [
            # A head's other dwellings in the same vote: how one vote moves the head counts.
            models.Index(fields=["application", "voter"], name="vote_application_voter"),
        ]


class StageRecord(models.Model):
    """One stage as it ran: who acted, its limit, how many working days it took. The public
    average per government stage and the 办不成事 window's "where is it stuck" read these."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_records")
    stage = models.CharField("环节", max_length=20, choices=Stage.choices)
    department = models.ForeignKey(Department, verbose_name="承办部门", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="elevator_stages")
    started_at = models.DateTimeField("开始")
    due_at = models.DateTimeField("期限", null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField("时限（工作日）", null=True, blank=True)
    ended_at = models.DateTimeField("结束", null=True, blank=True)
    working_days = models.PositiveSmallIntegerField("用时（工作日）", null=True, blank=True)
    was_late = models.BooleanField("超期", default=False)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["application", "started_at", "id"]
        indexes = [
            # The average working days per government stage, by county: finished stages only.
            models.Index(fields=["stage", "ended_at"], name="stage_record_finished", condition=Q(ended_at__isnull=False)),
        ]


class ObjectionState(models.TextChoices):
    OPEN = "open", "调解中"
    RESOLVED = "resolved", "已化解"
    UNRESOLVED = "unresolved", "未化解"
    WITHDRAWN = "withdrawn", "已撤回"


class Objection(models.Model):
    """An owner's objection (to the shaft's light, noise, the cost share...), mediated to an outcome."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    dwelling = models.ForeignKey(Dwelling, verbose_name="提出异议的户", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.TextField("异议内容")
    filed_on = models.DateField("提出日期")
    during_publicity = models.BooleanField("公示期内提出", default=False)
    state = models.CharField("状态", max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    outcome = models.TextField("处理结果", blank=True)
    compensation = models.DecimalField("补偿金额（元）", null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["application", "filed_on", "id"]


class MediationLevel(models.TextChoices):
    COMMUNITY = "community", "社区调解"
    STREET = "street", "街道调解"
    PEOPLE = "people", "人民调解委员会"


class Mediation(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField("调解日期")
    level = models.CharField("调解层级", max_length=12, choices=MediationLevel.choices)
    mediator = models.CharField("调解人", max_length=60)
    summary = models.TextField("调解情况")
    agreed = models.BooleanField("达成协议", default=False)

    class Meta:
        verbose_name = "调解记录"
        verbose_name_plural = "调解记录"
        ordering = ["objection", "held_on", "id"]


class ApplicationCase(models.Model):
    """A 办不成事 (or any) case about an application: each shows the other."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="elevator_links")
    stage = models.CharField("反映时所处环节", max_length=20, choices=Stage.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "case"], name="application_case_unique")]


class EventKind(models.TextChoices):
    FILED = "filed", "提出申请"
    VOTE = "vote", "录入表决意见"
    STAGE = "stage", "进入下一环节"
    COSTS = "costs", "确定造价和分摊"
    SHAFT = "shaft", "标记占用专有部分的户"
    NOTICE = "notice", "发布公示"
    OBJECTION = "objection", "登记异议"
    MEDIATION = "mediation", "调解"
    OBJECTION_CLOSED = "objection_closed", "异议处理完毕"
    REJECTED = "rejected", "审查不通过"
    WITHDRAWN = "withdrawn", "撤回申请"
    WARNED = "warned", "临期预警"
    LATE = "late", "环节超期"
    ESCALATED = "escalated", "逾期督办"
    MAINTENANCE = "maintenance", "登记维保单位和定期检验"
    SERVICED = "serviced", "维护保养"
    CASE_LINKED = "case_linked", "关联办不成事反映"
    FAULT = "fault", "故障报修"
    REMINDER = "reminder", "提醒"


class ApplicationEvent(BaseEvent):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    stage = models.CharField("环节", max_length=20, choices=Stage.choices, blank=True)
    old_stage = models.CharField("原环节", max_length=20, choices=Stage.choices, blank=True)

    class Meta(BaseEvent.Meta):
        verbose_name = "加装电梯事件"
        verbose_name_plural = "加装电梯事件"
        indexes = [
            models.Index(fields=["application", "created_at"], name="application_event_timeline"),
            # The funnel: which applications ever entered a stage (cumulative figures).
            models.Index(fields=["kind", "stage"], name="application_event_stage"),
        ]


def in_force(region: Region, on: date) -> RuleSet | None:
    """The rule set in force in `region` on `on`: the county's own if it has one, else the city's."""
    candidates = [region.pk] + ([region.parent_id] if region.parent_id else [])
    rules = RuleSet.objects.filter(region_id__in=candidates, effective_from__lte=on).order_by("-effective_from")
    county_rules = [r for r in rules if r.region_id == region.pk]
    return (county_rules or list(rules) or [None])[0]


class RegisterEvent(BaseEvent):
    """A change to the register of an estate (buildings, entrances, dwellings, owners, imports)."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="events")

    class Meta(BaseEvent.Meta):
        verbose_name = "小区登记事件"
        verbose_name_plural = "小区登记事件"
        indexes = [models.Index(fields=["estate", "created_at"], name="register_event_timeline")]
