import uuid
from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from minsheng.core.models import BaseEvent
from minsheng.org.models import Department, Region


class FocusArea(models.Model):
    """A configurable grouping of items, such as the city's 六个聚焦."""

    name = models.CharField("名称", max_length=30, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "聚焦领域"
        verbose_name_plural = "聚焦领域"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ListKind(models.TextChoices):
    """What a list's items are promises of: the same engine (owners, deadlines, progress, derived
    status, xlsx, timeline) runs the practical matters, the business-environment reform tasks and
    the rectifications of problems found (evaluation, issue 14). The public board counts the
    practical matters only."""

    PRACTICAL = "practical", "实事清单"
    REFORM = "reform", "改革任务清单"
    RECTIFICATION = "rectification", "整改任务清单"


class PledgeList(models.Model):
    kind = models.CharField("清单类型", max_length=14, choices=ListKind.choices, default=ListKind.PRACTICAL)
    title = models.CharField("清单名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, verbose_name="制定地区", on_delete=models.PROTECT, related_name="pledge_lists")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "实事清单"
        verbose_name_plural = "实事清单"
        ordering = ["-year", "region__code"]

    def __str__(self) -> str:
        return self.title


class Level(models.TextChoices):
    CITY = "city", "市本级"
    COUNTY = "county", "县级"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    LATE = "late", "滞后"


def derive_status(percent: int, deadline: date, today: date) -> str:
    """The one rule for an item's status; `PledgeItemQuerySet.with_status` is its SQL twin."""
    if percent >= 100:
        return Status.DONE
    if deadline < today:
        return Status.LATE
    if percent <= 0:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


class PledgeItemQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def with_status(self, today: date):
        return self.annotate(
            status=Case(
                When(percent__gte=100, then=Value(Status.DONE)),
                When(deadline__lt=today, then=Value(Status.LATE)),
                When(percent__lte=0, then=Value(Status.NOT_STARTED)),
                default=Value(Status.IN_PROGRESS),
                output_field=models.CharField(),
            )
        )

    def with_status_in(self, status: str, today: date):
        conditions = {
            Status.DONE: Q(percent__gte=100),
            Status.LATE: Q(percent__lt=100, deadline__lt=today),
            Status.NOT_STARTED: Q(percent__lte=0, deadline__gte=today),
            Status.IN_PROGRESS: Q(percent__gt=0, percent__lt=100, deadline__gte=today),
        }
        return self.filter(conditions[status])


class PledgeItem(models.Model):
    pledge_list = models.ForeignKey(PledgeList, verbose_name="所属清单", on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", verbose_name="上级事项", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField("序号", max_length=20)
    title = models.CharField("事项名称", max_length=200)
    description = models.TextField("具体内容", blank=True)
    focus_area = models.ForeignKey(FocusArea, verbose_name="聚焦领域", on_delete=models.PROTECT, related_name="items")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="pledge_items")
    # Where the work is done, when that is not the owner's whole area: a city-level item built in
    # one district is found under that district too (the board still counts it by its owner).
    location = models.ForeignKey(
        Region,
        verbose_name="实施地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="located_pledge_items",
        help_text="事项落在某个县（市、区）或乡镇时填写，按地区查询时在该地也能查到；不填即与所属地区相同。",
    )
    # Where on the map, when the item is built in one place (a station, a road, a school): the
    # public pages draw it as a point. WGS-84, both or neither (pledges.actions.read_point).
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6, null=True, blank=True)
    lead_leader = models.CharField("牵头领导", max_length=60, blank=True)
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_pledge_items"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合单位", blank=True, related_name="co_pledge_items"
    )
    target = models.TextField("目标任务", blank=True)
    start_date = models.DateField("开始日期")
    deadline = models.DateField("完成时限")
    weight = models.DecimalField(
        "权重",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="子项汇总进度时的权重；不填则按平均。",
    )
    # Kept by the actions from the progress events (or, for an item with sub-items, from them),
    # so the board can count by status in one aggregate query.
    percent = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=[MaxValueValidator(100)], editable=False
    )
    completed_on = models.DateField("完成日期", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PledgeItemQuerySet.as_manager()

    class Meta:
        verbose_name = "实事项目"
        verbose_name_plural = "实事项目"
        ordering = ["pledge_list", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pledge_list", "number"], name="pledge_item_unique_number"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="pledge_item_percent_at_most_100"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("start_date")), name="pledge_item_deadline_after_start"),
        ]
        indexes = [
            # The board: top-level items of one year's lists, counted by region and by status.
            models.Index(fields=["region", "percent"], name="pledge_item_region_percent", condition=Q(parent__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, today: date) -> str:
        return derive_status(self.percent, self.deadline, today)


class Milestone(models.Model):
    item = models.ForeignKey(PledgeItem, verbose_name="实事项目", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=100)
    due_date = models.DateField("计划日期")
    completed_on = models.DateField("完成日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    CREATED = "created", "创建事项"
    IMPORTED = "imported", "导入清单"
    EDITED = "edited", "修改事项"
    PROGRESS = "progress", "报送进度"
    MILESTONE_DONE = "milestone_done", "完成节点"


class PledgeEvent(BaseEvent):
    """The item's timeline. A progress update is an event of kind `progress` carrying its
    date, percent, text and evidence; the public sees the events marked public."""

    item = models.ForeignKey(PledgeItem, verbose_name="实事项目", on_delete=models.CASCADE, related_name="events")
    happened_on = models.DateField("日期", null=True, blank=True)
    percent = models.PositiveSmallIntegerField("进度（%）", null=True, blank=True)

    class Meta(BaseEvent.Meta):
        verbose_name = "实事项目记录"
        verbose_name_plural = "实事项目记录"
        indexes = [
            # The item page's timeline: one item's events (sorted by the date shown, in queries).
            models.Index(fields=["item", "created_at"], name="pledge_event_item_time"),
        ]

    @property
    def shown_on(self) -> date:
        """The date the timeline shows: the day the progress happened, else the day it was recorded."""
        return self.happened_on or timezone.localdate(self.created_at)

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label if self.kind in EventKind.values else self.kind


def evidence_path(instance: "Evidence", filename: str) -> str:
    """A random name; files are served only by the evidence view, which checks the update is public."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pledges/evidence/{uuid.uuid4().hex}.{extension[:8]}"


class Evidence(models.Model):
    event = models.ForeignKey(PledgeEvent, verbose_name="进度记录", on_delete=models.CASCADE, related_name="evidence")
    key = models.UUIDField("链接标识", default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
