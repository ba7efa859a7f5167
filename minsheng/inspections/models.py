"""Fair inspections of firms (一单两库一细则, 双随机、一公开): the list of inspection items, the target
library (the enterprise registry with each firm's credit risk class), the inspector library, and
the random draws that anyone can verify (draw_algorithm.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from minsheng.core import clock
from minsheng.core.models import BaseEvent
from minsheng.enterprises.models import Entity
from minsheng.inspections.draw_algorithm import MIN_INSPECTORS, VERSION
from minsheng.org.models import Department, Region


class CreditGrade(models.TextChoices):
    """企业信用风险分类 (market regulation's four classes); the draw's strata."""

    A = "A", "A类（信用风险低）"
    B = "B", "B类（信用风险一般）"
    C = "C", "C类（信用风险较高）"
    D = "D", "D类（信用风险高）"


# A firm market regulation has not classed yet is drawn with the general-risk class.
UNRATED_GRADE = CreditGrade.B


class CreditRating(models.Model):
    """A firm's current credit risk class; its history is in the events."""

    entity = models.OneToOneField(Entity, verbose_name="市场主体", on_delete=models.CASCADE, related_name="credit_rating")
    grade = models.CharField("信用风险分类", max_length=1, choices=CreditGrade.choices)
    rated_on = models.DateField("分类日期")
    source = models.CharField("分类来源", max_length=60, blank=True, default="市场监管部门企业信用风险分类")

    class Meta:
        verbose_name = "企业信用风险分类"
        verbose_name_plural = "企业信用风险分类"

    def __str__(self) -> str:
        return self.get_grade_display()


class InspectionItem(models.Model):
    """One line of the inspection list (一单): what a department may check, on what legal basis,
    and how (一细则: its working rules)."""

    department = models.ForeignKey(Department, verbose_name="实施部门", on_delete=models.PROTECT,
                                   related_name="inspection_items")
    code = models.CharField("事项编码", max_length=30)
    name = models.CharField("检查事项", max_length=120)
    legal_basis = models.TextField("检查依据")
    scope = models.CharField("检查对象范围", max_length=200)
    method = models.CharField("检查方式", max_length=100, help_text="如：现场检查、书面检查、网络监测。")
    rules = models.TextField("工作细则", blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "抽查事项"
        verbose_name_plural = "随机抽查事项清单"
        ordering = ["department__name", "code"]
        constraints = [models.UniqueConstraint(fields=["department", "code"], name="inspection_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Inspector(models.Model):
    """An officer of the inspector library (执法检查人员名录库), known by the number of their
    law-enforcement certificate, which they show at the door and the draw's record names."""

    department = models.ForeignKey(Department, verbose_name="所属部门", on_delete=models.PROTECT, related_name="inspectors")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="平台账号", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="inspector")
    name = models.CharField("姓名", max_length=30)
    certificate_number = models.CharField("执法证号", max_length=30, unique=True)
    field = models.CharField("执法领域", max_length=60)
    valid_from = models.DateField("证件有效期起")
    valid_to = models.DateField("证件有效期至")

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员名录库"
        ordering = ["department__name", "certificate_number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="inspector_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"

    def valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_to


class Conflict(models.Model):
    """A declared conflict of interest (回避): the inspector is never drawn for this firm."""

    inspector = models.ForeignKey(Inspector, verbose_name="执法检查人员", on_delete=models.CASCADE, related_name="conflicts")
    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.CASCADE, related_name="inspector_conflicts")
    reason = models.CharField("回避事由", max_length=200)
    declared_on = models.DateField("申报日期")

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["inspector", "entity"], name="conflict_unique")]


class DrawState(models.TextChoices):
    PLANNED = "planned", "拟定"
    FROZEN = "frozen", "抽查库已封存"
    DRAWN = "drawn", "已抽取"
    CANCELLED = "cancelled", "已取消"


class SeedSource(models.TextChoices):
    PUBLIC = "public", "事先公布的公开来源"
    COMMITTED = "committed", "事先公布哈希承诺的种子"


class Draw(models.Model):
    """One double-random draw and its append-only record: once frozen, the pool and its hash
    are never changed; once drawn, nothing is. The events tell who did each step and when."""

    number = models.CharField("抽查编号", max_length=20, unique=True)
    title = models.CharField("抽查任务", max_length=120)
    department = models.ForeignKey(Department, verbose_name="组织部门", on_delete=models.PROTECT, related_name="draws")
    region = models.ForeignKey(Region, verbose_name="抽查范围", on_delete=models.PROTECT, related_name="inspection_draws")
    items = models.ManyToManyField(InspectionItem, verbose_name="抽查事项", related_name="draws", blank=True)
    above_scale_only = models.BooleanField("只抽规上企业", default=False)
    industry_prefix = models.CharField("行业（门类字母或代码前缀）", max_length=4, blank=True)
    ratios = models.JSONField("各类抽查比例", help_text='如 {"A": "0.01", "B": "0.02", "C": "0.1", "D": "0.3"}。')
    inspectors_per_target = models.PositiveSmallIntegerField("每户执法人员数", default=MIN_INSPECTORS)
    inspector_departments = models.ManyToManyField(Department, verbose_name="执法人员所属部门", related_name="+")
    algorithm = models.CharField("抽取算法版本", max_length=10, default=VERSION)
    state = models.CharField("状态", max_length=10, choices=DrawState.choices, default=DrawState.PLANNED)

    seed_source = models.CharField("随机种子来源", max_length=10, choices=SeedSource.choices)
    seed_source_text = models.CharField("种子来源说明", max_length=200,
                                        help_text="公开来源写明哪一期、哪个数字；承诺种子写明何时公布。")
    seed_commitment = models.CharField("种子哈希承诺（SHA-256）", max_length=64, blank=True)
    seed = models.CharField("随机种子", max_length=200, blank=True)

    pool = models.BinaryField("封存的抽查库（压缩）", null=True, blank=True, editable=False)
    pool_hash = models.CharField("抽查库哈希（SHA-256）", max_length=64, blank=True)
    pool_targets = models.PositiveIntegerField("对象库户数", default=0)
    pool_inspectors = models.PositiveIntegerField("人员库人数", default=0)
    frozen_on = models.DateField("封存日期", null=True, blank=True)
    frozen_at = models.DateTimeField("封存时间", null=True, blank=True)

    result = models.BinaryField("抽取结果（压缩）", null=True, blank=True, editable=False)
    result_hash = models.CharField("结果哈希（SHA-256）", max_length=64, blank=True)
    drawn_count = models.PositiveIntegerField("抽中户数", default=0)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    witnesses = models.CharField("见证人", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(inspectors_per_target__gte=MIN_INSPECTORS), name="draw_two_inspectors"),
            models.CheckConstraint(condition=~Q(seed_source="committed") | ~Q(seed_commitment=""),
                                   name="draw_committed_seed_has_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


# --- filing and carrying out a visit (入企检查备案) ---------------------------------------------

class InspectionRules(models.Model):
    """A region's configurable rules for visits; a county without its own row follows the city's,
    and a city without one the defaults below (rules_for in queries.py)."""

    region = models.OneToOneField(Region, verbose_name="适用区划", on_delete=models.CASCADE, related_name="inspection_rules")
    routine_notice_days = models.PositiveSmallIntegerField(
        "日常检查提前备案（工作日）", default=3, help_text="日常检查的计划日期至少在备案之日起若干个工作日之后。")
    routine_yearly_cap = models.PositiveSmallIntegerField(
        "同一部门每年对同一企业日常检查上限（次）", default=2)
    first_offence_window_years = models.PositiveSmallIntegerField(
        "首次违法认定期限（年）", default=2, help_text="此期限内没有同类违法行为的，视为首次。")
    publish_within_days = models.PositiveSmallIntegerField(
        "检查结果公示时限（工作日）", default=20)

    class Meta:
        verbose_name = "入企检查规则"
        verbose_name_plural = "入企检查规则"

    def __str__(self) -> str:
        return f"{self.region.name}入企检查规则"


class FirmGroup(models.TextChoices):
    ABOVE_SCALE = "above_scale", "规上（限上）企业"
    KEY = "key", "重点企业（含规上）"
    ALL = "all", "全部市场主体"


class QuietDayRule(models.Model):
    """宁静生产日: days of each month on which the firms of a group in a region are not
    inspected, save for a statutory exception (QuietException)."""

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="quiet_day_rules")
    firm_group = models.CharField("适用企业", max_length=12, choices=FirmGroup.choices)
    first_day = models.PositiveSmallIntegerField("每月自（日）")
    last_day = models.PositiveSmallIntegerField("每月至（日）")
    valid_from = models.DateField("施行日期")
    valid_to = models.DateField("废止日期", null=True, blank=True)
    basis = models.CharField("依据文件", max_length=200)

    class Meta:
        verbose_name = "宁静生产日"
        verbose_name_plural = "宁静生产日"
        ordering = ["region__code", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(first_day__gte=1, last_day__lte=31, last_day__gte=models.F("first_day")),
                                   name="quiet_days_in_month"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.get_firm_group_display()}每月{self.first_day}日至{self.last_day}日"

    def covers(self, entity: Entity, day) -> bool:
        if not (self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)):
            return False
        if not self.first_day <= day.day <= self.last_day or not self.region.contains(entity.region):
            return False
        if self.firm_group == FirmGroup.ABOVE_SCALE:
            return entity.above_scale
        if self.firm_group == FirmGroup.KEY:
            return entity.above_scale or entity.is_key
        return True


class QuietException(models.TextChoices):
    """The statutory reasons to enter a firm on a quiet day; each use is recorded and reported."""

    FIRM_REQUEST = "firm_request", "企业主动申请"
    INCIDENT = "incident", "安全生产、卫生健康、生态环境、食品药品等突发事件"
    COMPLAINT = "complaint", "投诉举报、转办交办线索核查"
    HIGHER_ORDER = "higher_order", "上级机关部署的检查"
    RECHECK = "recheck", "法定复查"


class FilingKind(models.TextChoices):
    ROUTINE = "routine", "日常检查"
    RANDOM = "random", "双随机抽查"
    COMPLAINT = "complaint", "投诉举报核查"
    REFERRAL = "referral", "转办交办"
    SPECIAL = "special", "专项检查"


class FilingState(models.TextChoices):
    FILED = "filed", "已备案待审批"
    APPROVED = "approved", "已批准（检查码已签发）"
    REJECTED = "rejected", "未批准"
    WITHDRAWN = "withdrawn", "已撤销"
    INSPECTED = "inspected", "已检查待公示"
    PUBLISHED = "published", "结果已公示"


class ResultCode(models.TextChoices):
    """The result codes of a random inspection (the national 双随机 result list)."""

    NO_PROBLEM = "no_problem", "未发现问题"
    CORRECTED = "corrected", "发现问题已责令改正"
    INFO_NOT_PUBLISHED = "info_not_published", "未按规定公示应当公示的信息"
    FALSE_INFO = "false_info", "公示信息隐瞒真实情况、弄虚作假"
    OTHER_VIOLATION = "other_violation", "发现其他违法违规行为"
    NOT_FOUND = "not_found", "通过登记的住所（经营场所）无法联系"
    CLOSED = "closed", "已注销或被吊销营业执照"
    REFUSED = "refused", "不配合检查情节严重"


VIOLATION_RESULTS = {ResultCode.INFO_NOT_PUBLISHED, ResultCode.FALSE_INFO, ResultCode.OTHER_VIOLATION}


def publication_overdue_q(day) -> Q:
    """Inspected visits whose result is past its publication limit on `day` (the partial index
    filing_publish_due serves it)."""
    return Q(state=FilingState.INSPECTED, publish_due__lt=day)


class FilingQuerySet(models.QuerySet):
    def publication_overdue(self, day):
        return self.filter(publication_overdue_q(day))


class Filing(models.Model):
    """One visit to a firm, filed before anyone enters (入企检查备案). A joint visit is one
    filing with several departments, each bringing its items and inspectors (进一次门、查多项事).
    Approved, it carries the inspection code the firm checks at the door."""

    number = models.CharField("检查编号", max_length=20, unique=True)
    check_code = models.CharField("核验码", max_length=8, unique=True, null=True, blank=True, editable=False)
    entity = models.ForeignKey(Entity, verbose_name="检查对象", on_delete=models.PROTECT, related_name="inspection_filings")
    department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT, related_name="inspection_filings")
    departments = models.ManyToManyField(Department, verbose_name="参加部门", related_name="joint_inspection_filings")
    items = models.ManyToManyField(InspectionItem, verbose_name="检查事项", related_name="filings")
    inspectors = models.ManyToManyField(Inspector, verbose_name="执法检查人员", related_name="filings")
    kind = models.CharField("检查类型", max_length=10, choices=FilingKind.choices)
    trigger = models.CharField("检查事由", max_length=300, help_text="如：投诉举报编号、转办文号、抽查任务编号。")
    draw = models.ForeignKey(Draw, verbose_name="双随机抽查", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="filings")
    planned_on = models.DateField("计划检查日期")
    quiet_exception = models.CharField("宁静生产日例外情形", max_length=14, choices=QuietException.choices, blank=True)
    quiet_exception_note = models.CharField("例外情形说明", max_length=300, blank=True)
    state = models.CharField("状态", max_length=10, choices=FilingState.choices, default=FilingState.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="备案人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("备案时间")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    inspected_on = models.DateField("实际检查日期", null=True, blank=True)
    result = models.CharField("检查结果", max_length=20, choices=ResultCode.choices, blank=True)
    findings = models.TextField("检查情况", blank=True)
    publish_due = models.DateField("结果公示期限", null=True, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    # When the worker next looks at an unpublished result: a warning a few working days before
    # the limit, then once past it (actions/filings.sweep_publication).
    publication_check = models.DateField("下次公示提醒", null=True, blank=True, editable=False)

    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = "入企检查备案"
        verbose_name_plural = "入企检查备案"
        ordering = ["-filed_at"]
        indexes = [
            # The yearly cap: a firm's routine filings by department and date.
            models.Index(fields=["entity", "kind", "planned_on"], name="filing_entity_kind_day"),
            # The publication sweep and the overdue list: inspected, not yet published, by due date.
            models.Index(fields=["publish_due"], condition=Q(state="inspected"), name="filing_publish_due"),
            # The worker's publication sweep: only the rows with a check to make.
            models.Index(fields=["publication_check"], condition=Q(state="inspected", publication_check__isnull=False),
                         name="filing_publication_check"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.entity.name}"

    @property
    def publication_late(self) -> bool:
        if self.publish_due is None:
            return False
        return (self.published_on or clock.today()) > self.publish_due


class FilingRating(models.Model):
    """The firm's rating of a visit. Kept apart from who gave it: departments see only figures
    over several ratings (queries.rating_summary), never one firm's rating."""

    filing = models.OneToOneField(Filing, verbose_name="检查", on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField("评分（1-5）")
    disturbed = models.BooleanField("检查影响正常生产经营", default=False)
    comment = models.CharField("意见", max_length=300, blank=True)
    created_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = "企业评价"
        verbose_name_plural = "企业评价"
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="filing_rating_score")]


# --- penalties (首违不罚、首罚取下限) ----------------------------------------------------------

class ViolationType(models.Model):
    """A kind of offence with its legal basis and the fine the law allows (yuan)."""

    department = models.ForeignKey(Department, verbose_name="执法部门", on_delete=models.PROTECT, related_name="violation_types")
    code = models.CharField("编码", max_length=30)
    name = models.CharField("违法行为", max_length=200)
    legal_basis = models.TextField("处罚依据")
    fine_min = models.DecimalField("罚款下限（元）", max_digits=12, decimal_places=2)
    fine_max = models.DecimalField("罚款上限（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "违法行为类型"
        verbose_name_plural = "违法行为类型"
        ordering = ["department__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="violation_type_unique_code"),
            models.CheckConstraint(condition=Q(fine_min__gte=0, fine_max__gte=models.F("fine_min")),
                                   name="violation_fine_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExemptionKind(models.TextChoices):
    FIRST_OFFENCE = "first", "首违不罚"
    MINOR = "minor", "轻微免罚"


class Exemption(models.Model):
    """One line of the city's exemption list (首违不罚、轻微免罚清单)."""

    violation_type = models.ForeignKey(ViolationType, verbose_name="违法行为", on_delete=models.PROTECT,
                                       related_name="exemptions")
    kind = models.CharField("类别", max_length=6, choices=ExemptionKind.choices)
    conditions = models.TextField("适用条件", help_text="如：初次违法、危害后果轻微并及时改正。")
    exclusions = models.TextField("不适用情形", blank=True)
    valid_from = models.DateField("施行日期")
    valid_to = models.DateField("废止日期", null=True, blank=True)
    list_name = models.CharField("清单名称", max_length=120, default="九江市市场监管领域轻微违法行为免罚清单")

    class Meta:
        verbose_name = "免罚清单事项"
        verbose_name_plural = "首违不罚、轻微免罚清单"
        ordering = ["violation_type__code", "valid_from"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.violation_type.name}"

    def in_force(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Eligibility(models.TextChoices):
    EXEMPT = "exempt", "首违不罚（不予处罚，教育改正）"
    MINIMUM = "minimum", "首罚取下限"
    DISCRETION = "discretion", "依裁量基准处罚"


class Outcome(models.TextChoices):
    NO_PENALTY = "no_penalty", "不予处罚（教育改正）"
    FINE = "fine", "罚款"


class Decision(models.Model):
    """What was decided on one offence found in a visit: the eligibility the platform computed
    from the firm's history, the officer's choice, and the written reason when they depart."""

    filing = models.ForeignKey(Filing, verbose_name="检查", on_delete=models.PROTECT, related_name="decisions")
    entity = models.ForeignKey(Entity, verbose_name="当事人", on_delete=models.PROTECT, related_name="inspection_decisions")
    violation_type = models.ForeignKey(ViolationType, verbose_name="违法行为", on_delete=models.PROTECT, related_name="decisions")
    offence_on = models.DateField("违法行为发生日期")
    harm_minor = models.BooleanField("危害后果轻微", default=False)
    corrected = models.BooleanField("已及时改正", default=False)
    aggravating = models.CharField("从重情节", max_length=300, blank=True)
    eligibility = models.CharField("系统认定", max_length=10, choices=Eligibility.choices)
    prior_decisions = models.JSONField("期限内同类违法记录", default=list, blank=True)
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices)
    fine = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    departs = models.BooleanField("偏离系统认定", default=False)
    departure_reason = models.TextField("偏离理由", blank=True)
    notice_number = models.CharField("教育告知书（责令改正通知书）编号", max_length=30, blank=True)
    correction_due = models.DateField("改正期限", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "处理决定"
        verbose_name_plural = "处理决定"
        ordering = ["-decided_at"]
        indexes = [
            # "First" offence: the firm's same-type decisions within the window.
            models.Index(fields=["entity", "violation_type", "offence_on"], name="decision_history"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(outcome="no_penalty", fine__isnull=True) | Q(outcome="fine", fine__gt=0),
                                   name="decision_fine_matches_outcome"),
            models.CheckConstraint(condition=Q(departs=False) | ~Q(departure_reason=""), name="decision_departure_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.entity.name}：{self.violation_type.name}（{self.get_outcome_display()}）"


# --- the events --------------------------------------------------------------------------------

class EventKind(models.TextChoices):
    RATED = "rated", "信用风险分类"
    INSPECTOR_ADDED = "inspector_added", "入库执法检查人员"
    CONFLICT_DECLARED = "conflict_declared", "申报回避"
    ITEM_ADDED = "item_added", "新增抽查事项"
    DRAW_PLANNED = "draw_planned", "拟定双随机抽查"
    DRAW_FROZEN = "draw_frozen", "封存抽查库"
    DRAW_RUN = "draw_run", "随机抽取"
    DRAW_CANCELLED = "draw_cancelled", "取消抽查"
    FILED = "filed", "入企检查备案"
    JOINED = "joined", "联合检查加入"
    APPROVED = "approved", "批准并签发检查码"
    REJECTED = "rejected", "不予批准"
    WITHDRAWN = "withdrawn", "撤销备案"
    INSPECTED = "inspected", "登记检查结果"
    DECIDED = "decided", "作出处理决定"
    PUBLISHED = "published", "公示检查结果"
    RATED_BY_FIRM = "rated_by_firm", "企业评价"
    PUBLICATION_DUE = "publication_due", "公示期限提醒"
    PUBLICATION_OVERDUE = "publication_overdue", "逾期未公示"
    RULES_SET = "rules_set", "设置入企检查规则"
    QUIET_DAYS_SET = "quiet_days_set", "设置宁静生产日"
    VIOLATION_TYPE_ADDED = "violation_type_added", "新增违法行为类型"
    EXEMPTION_ADDED = "exemption_added", "新增免罚清单事项"


class InspectionEvent(BaseEvent):
    """What happened in the inspection lists and draws: one row an action."""

    draw = models.ForeignKey(Draw, verbose_name="双随机抽查", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="events")
    entity = models.ForeignKey(Entity, verbose_name="市场主体", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspection_events")
    filing = models.ForeignKey(Filing, verbose_name="入企检查", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="events")

    class Meta(BaseEvent.Meta):
        verbose_name = "检查事件"
        verbose_name_plural = "检查事件"
        indexes = [models.Index(fields=["draw", "created_at"], name="inspection_event_draw")]
        # A filing's timeline reads its events through the foreign key's own index.
