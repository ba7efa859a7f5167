"""Business-environment evaluation (营商环境评价, issue 14): indicator frameworks as dated, versioned
data (the national 18 first-level and 87 second-level indicators of 2020, a province's own), the
regions' measured values, the benchmark cities' practices. Scores are computed from the
measurements (scoring.py, queries.py), never stored or typed."""

from django.db import models
from django.db.models import Q

from minsheng.core.models import BaseEvent
from minsheng.org.models import Region


class Scope(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省级"


class Framework(models.Model):
    """One version of an indicator system, as imported from its workbook. A later version of the
    same system is a new row; measurements belong to the version they were taken under."""

    name = models.CharField("指标体系", max_length=100)
    year = models.PositiveSmallIntegerField("评价年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    scope = models.CharField("层级", max_length=12, choices=Scope.choices)
    issuer = models.CharField("发布单位", max_length=100)
    source = models.CharField("来源", max_length=300, blank=True)
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        verbose_name = "评价指标体系"
        verbose_name_plural = "评价指标体系"
        ordering = ["-year", "name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "year", "version"], name="framework_version_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年，第{self.version}版）"


class FirstIndicator(models.Model):
    framework = models.ForeignKey(Framework, verbose_name="指标体系", on_delete=models.CASCADE,
                                  related_name="first_indicators")
    code = models.CharField("编号", max_length=10)
    name = models.CharField("一级指标", max_length=60)
    weight = models.DecimalField("权重", max_digits=7, decimal_places=6)
    position = models.PositiveSmallIntegerField("序号")

    class Meta:
        verbose_name = "一级指标"
        verbose_name_plural = "一级指标"
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="first_indicator_code")]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    LOWER = "lower", "越低越好"
    HIGHER = "higher", "越高越好"


class SecondIndicator(models.Model):
    """A measured indicator: its unit, which way is better, how it is measured, its weight within
    its first-level indicator, the range a measured value can plausibly take, and optionally a
    stated worst (or best) instead of the observed one."""

    first = models.ForeignKey(FirstIndicator, verbose_name="一级指标", on_delete=models.CASCADE, related_name="seconds")
    code = models.CharField("编号", max_length=12)
    name = models.CharField("二级指标", max_length=100)
    unit = models.CharField("单位", max_length=20)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices)
    method = models.TextField("测量方法", blank=True)
    weight = models.DecimalField("权重", max_digits=7, decimal_places=6)
    plausible_min = models.DecimalField("合理下限", max_digits=16, decimal_places=4)
    plausible_max = models.DecimalField("合理上限", max_digits=16, decimal_places=4)
    stated_best = models.DecimalField("前沿值（规定）", max_digits=16, decimal_places=4, null=True, blank=True,
                                      help_text="不填则取各地实测最优值。")
    stated_worst = models.DecimalField("最差值（规定）", max_digits=16, decimal_places=4, null=True, blank=True,
                                       help_text="不填则取各地实测最差值。")
    position = models.PositiveSmallIntegerField("序号")

    class Meta:
        verbose_name = "二级指标"
        verbose_name_plural = "二级指标"
        ordering = ["first", "position"]
        constraints = [
            models.UniqueConstraint(fields=["first", "code"], name="second_indicator_code"),
            models.CheckConstraint(condition=Q(plausible_max__gt=models.F("plausible_min")), name="second_plausible_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER


class Measurement(models.Model):
    """One region's measured value of one indicator for one period (an evaluation year), with its
    source. Recorded again, it is replaced (the events keep what it was)."""

    indicator = models.ForeignKey(SecondIndicator, verbose_name="二级指标", on_delete=models.CASCADE,
                                  related_name="measurements")
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="measurements")
    period = models.PositiveSmallIntegerField("评价年度")
    value = models.DecimalField("测量值", max_digits=16, decimal_places=4)
    source = models.CharField("数据来源", max_length=200)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "指标测量值"
        verbose_name_plural = "指标测量值"
        constraints = [models.UniqueConstraint(fields=["indicator", "region", "period"], name="measurement_unique")]
        indexes = [
            # The scores of a period: every region's values of a framework's indicators.
            models.Index(fields=["period", "indicator"], name="measurement_period"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator} {self.value}"


class Benchmark(models.Model):
    """A benchmark city's value and practice for an indicator (标杆城市做法): shown beside ours, and
    the gap drafts the next reform list."""

    first = models.ForeignKey(FirstIndicator, verbose_name="一级指标", on_delete=models.CASCADE, related_name="benchmarks")
    second = models.ForeignKey(SecondIndicator, verbose_name="二级指标", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="benchmarks")
    city = models.CharField("标杆城市", max_length=30)
    value = models.DecimalField("标杆值", max_digits=16, decimal_places=4, null=True, blank=True)
    practice_name = models.CharField("做法名称", max_length=100)
    practice = models.TextField("做法")
    source = models.CharField("来源", max_length=300)

    class Meta:
        verbose_name = "标杆做法"
        verbose_name_plural = "标杆做法"
        ordering = ["first", "pk"]

    def __str__(self) -> str:
        return f"{self.city}：{self.practice_name}"


class ReformTask(models.Model):
    """A reform task of the pledge engine (an item of a list of kind 改革任务清单) tied to the
    indicator it improves: the public and the leaders see the progress per indicator."""

    item = models.OneToOneField("pledges.PledgeItem", verbose_name="改革任务", on_delete=models.CASCADE,
                                related_name="reform_task")
    first = models.ForeignKey(FirstIndicator, verbose_name="一级指标", on_delete=models.PROTECT, related_name="reform_tasks")
    seconds = models.ManyToManyField(SecondIndicator, verbose_name="二级指标", blank=True, related_name="reform_tasks")

    class Meta:
        verbose_name = "改革任务"
        verbose_name_plural = "改革任务"

    def __str__(self) -> str:
        return f"{self.first.name}：{self.item.title}"


# --- government services and the heads' walk-throughs (局长走流程) ---------------------------------------

class Measure(models.TextChoices):
    """Services the platform itself runs, whose real working days are measured from its events
    (measures.py) and shown beside the promised limit."""

    NONE = "", "不由本平台办理"
    POLICY_APPLICATION = "policy_application", "惠企政策申报兑现（申报至拨付）"
    POLICY_AUTOMATIC = "policy_automatic", "惠企政策免申即享（匹配至拨付）"
    ELEVATOR_JOINT_REVIEW = "elevator_joint_review", "加装电梯联合审查"
    ELEVATOR_PERMIT = "elevator_permit", "加装电梯施工许可"
    STUCK_MATTER = "stuck_matter", "办不成事反映办理"


class Service(models.Model):
    """A government service (政务服务事项) as its department offers it: the statutory and the
    promised limit in working days, the materials asked for, the steps, whether it can be done
    online. Changed only by do_update_service, whose events keep every before and after."""

    department = models.ForeignKey("org.Department", verbose_name="实施部门", on_delete=models.PROTECT,
                                   related_name="services")
    name = models.CharField("事项名称", max_length=100)
    statutory_days = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    materials = models.JSONField("申请材料", default=list)
    steps = models.JSONField("办理环节", default=list)
    online = models.BooleanField("可全程网办", default=False)
    measure = models.CharField("本平台实测", max_length=24, choices=Measure.choices, blank=True)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["department", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="service_unique_name")]

    def __str__(self) -> str:
        return f"{self.department.name}：{self.name}"

    def snapshot(self) -> dict:
        """What a walk-through compares before and after."""
        return {"steps": len(self.steps), "materials": len(self.materials), "promised_days": self.promised_days,
                "online": self.online}


class ApplicantKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    RESIDENT = "resident", "个人"


class WalkThrough(models.Model):
    """A head walking their own department's service as an applicant would (局长走流程): each
    step with the time it really took, what was asked for, and the problems found, each a
    rectification task on the pledge engine. The service as it stood is kept to compare with."""

    service = models.ForeignKey(Service, verbose_name="事项", on_delete=models.PROTECT, related_name="walkthroughs")
    walker = models.ForeignKey("org.User", verbose_name="体验人", on_delete=models.PROTECT, related_name="walkthroughs")
    walked_on = models.DateField("体验日期")
    applicant_kind = models.CharField("以何种身份办理", max_length=20, choices=ApplicantKind.choices)
    summary = models.TextField("体验情况", blank=True)
    service_before = models.JSONField("体验时的事项", default=dict)
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "局长走流程"
        verbose_name_plural = "局长走流程"
        ordering = ["-walked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.walker}体验{self.service.name}"


class WalkStep(models.Model):
    walk = models.ForeignKey(WalkThrough, verbose_name="走流程", on_delete=models.CASCADE, related_name="walk_steps")
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("环节", max_length=100)
    minutes = models.PositiveIntegerField("实际用时（分钟）")
    materials_asked = models.JSONField("索要的材料", default=list)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "走流程环节"
        verbose_name_plural = "走流程环节"
        ordering = ["walk", "position"]
        constraints = [models.UniqueConstraint(fields=["walk", "position"], name="walk_step_position")]


class ProblemKind(models.TextChoices):
    STEPS = "steps", "环节可以压减"
    MATERIALS = "materials", "材料可以精简"
    TIME = "time", "时限可以缩短"
    ONLINE = "online", "可以网上办"
    SERVICE = "service", "服务态度和指引"
    OTHER = "other", "其他"


class Problem(models.Model):
    """A problem a walk-through found, and the rectification task that fixes it (an item of the
    region's 整改任务清单, with its owner and deadline: the pledge engine's progress and status)."""

    walk = models.ForeignKey(WalkThrough, verbose_name="走流程", on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField("问题类型", max_length=12, choices=ProblemKind.choices)
    description = models.TextField("发现的问题")
    item = models.OneToOneField("pledges.PledgeItem", verbose_name="整改任务", on_delete=models.PROTECT,
                                related_name="walk_problem")

    class Meta:
        verbose_name = "走流程发现的问题"
        verbose_name_plural = "走流程发现的问题"
        ordering = ["walk", "pk"]


class EventKind(models.TextChoices):
    FRAMEWORK_IMPORTED = "framework_imported", "导入指标体系"
    MEASURED = "measured", "记录测量值"
    BENCHMARK_SET = "benchmark_set", "记录标杆做法"
    REFORM_LIST_IMPORTED = "reform_list_imported", "导入改革任务清单"
    SERVICE_REGISTERED = "service_registered", "登记政务服务事项"
    SERVICE_UPDATED = "service_updated", "调整政务服务事项"
    WALKED = "walked", "局长走流程"


class EvaluationEvent(BaseEvent):
    framework = models.ForeignKey(Framework, verbose_name="指标体系", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="events")
    region = models.ForeignKey(Region, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    service = models.ForeignKey(Service, verbose_name="事项", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="events")
    walk = models.ForeignKey(WalkThrough, verbose_name="走流程", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="events")

    class Meta(BaseEvent.Meta):
        verbose_name = "评价记录"
        verbose_name_plural = "评价记录"
