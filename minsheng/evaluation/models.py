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


class EventKind(models.TextChoices):
    FRAMEWORK_IMPORTED = "framework_imported", "导入指标体系"
    MEASURED = "measured", "记录测量值"
    BENCHMARK_SET = "benchmark_set", "记录标杆做法"
    REFORM_LIST_IMPORTED = "reform_list_imported", "导入改革任务清单"


class EvaluationEvent(BaseEvent):
    framework = models.ForeignKey(Framework, verbose_name="指标体系", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="events")
    region = models.ForeignKey(Region, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Meta(BaseEvent.Meta):
        verbose_name = "评价记录"
        verbose_name_plural = "评价记录"
