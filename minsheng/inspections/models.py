"""Fair inspections of firms (一单两库一细则, 双随机、一公开): the list of inspection items, the target
library (the enterprise registry with each firm's credit risk class), the inspector library, and
the random draws that anyone can verify (draw_algorithm.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

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


class EventKind(models.TextChoices):
    RATED = "rated", "信用风险分类"
    INSPECTOR_ADDED = "inspector_added", "入库执法检查人员"
    CONFLICT_DECLARED = "conflict_declared", "申报回避"
    ITEM_ADDED = "item_added", "新增抽查事项"
    DRAW_PLANNED = "draw_planned", "拟定双随机抽查"
    DRAW_FROZEN = "draw_frozen", "封存抽查库"
    DRAW_RUN = "draw_run", "随机抽取"
    DRAW_CANCELLED = "draw_cancelled", "取消抽查"


class InspectionEvent(BaseEvent):
    """What happened in the inspection lists and draws: one row an action."""

    draw = models.ForeignKey(Draw, verbose_name="双随机抽查", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="events")
    entity = models.ForeignKey(Entity, verbose_name="市场主体", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspection_events")

    class Meta(BaseEvent.Meta):
        verbose_name = "检查事件"
        verbose_name_plural = "检查事件"
        indexes = [models.Index(fields=["draw", "created_at"], name="inspection_event_draw")]
