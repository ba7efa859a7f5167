"""City stations (城市驿站): the register, hours, holiday duty, photos, volunteers, the city's
standard as a checklist, inspection visits and the problems they find. Whether a station is open
at a moment is derived (hours.py) from the hours, the working-day calendar and the holiday plans;
nothing stores an "open" flag."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from minsheng.core import clock
from minsheng.core.models import BaseEvent
from minsheng.org.models import Department, Region


class Amenity(models.TextChoices):
    """What a station offers, in the city's report's words. A code list in the code (not a table):
    the public filter, the API and the nearest search name amenities by these codes."""

    TOILET = "toilet", "厕所"
    ACCESSIBLE_TOILET = "accessible-toilet", "无障碍厕所"
    HOT_WATER = "hot-water", "热水"
    MICROWAVE = "microwave", "微波炉"
    TEA = "tea", "茶水"
    REST = "rest", "休息座椅"
    READING = "reading", "阅读"
    STORE = "store", "便民小超市"
    MEDICINE = "medicine", "医药箱"
    UMBRELLA = "umbrella", "爱心雨伞"
    CHARGING = "charging", "应急充电"
    WIFI = "wifi", "免费Wi-Fi"
    RED_READING = "red-reading", "红色阅读机"
    BABY_CARE = "baby-care", "母婴室"
    AIR_CONDITIONING = "air-conditioning", "空调"
    TOURIST_GUIDE = "tourist-guide", "旅游指南"


class StationStatus(models.TextChoices):
    OPEN = "open", "运营中"
    SUSPENDED = "suspended", "暂停开放"
    CLOSED = "closed", "已撤销"


class Station(models.Model):
    name = models.CharField("驿站名称", max_length=60, unique=True)
    region = models.ForeignKey(Region, verbose_name="所在区县", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200)
    # WGS-84 (CGCS2000 within centimetres), six decimals: about 0.1 m.
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6)
    operator = models.ForeignKey(Department, verbose_name="运营单位", on_delete=models.PROTECT,
                                 related_name="stations")
    phone = models.CharField("服务电话", max_length=20, blank=True)
    description = models.TextField("简介", blank=True)
    area_m2 = models.PositiveIntegerField("面积（平方米）", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=StationStatus.choices, default=StationStatus.OPEN)
    status_note = models.CharField("状态说明", max_length=200, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "城市驿站"
        verbose_name_plural = "城市驿站"
        ordering = ["region__code", "name"]
        indexes = [
            # queries.nearest: the bounding box around the asker, stations in service only.
            models.Index(fields=["latitude", "longitude"], name="station_open_position",
                         condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return self.name


class StationAmenity(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="amenity_rows")
    code = models.CharField("设施", max_length=24, choices=Amenity.choices)

    class Meta:
        verbose_name = "驿站设施"
        verbose_name_plural = "驿站设施"
        constraints = [models.UniqueConstraint(fields=["station", "code"], name="station_amenity_once")]
        # The amenity filter: stations with a given amenity (code first).
        indexes = [models.Index(fields=["code", "station"], name="station_amenity_code")]


class OpeningHours(models.Model):
    """One opening span on a weekday, in minutes from midnight (a close of 1440 is 24:00).
    A day may have several spans (a midday break); they never overlap."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField("星期")  # 0 = Monday, as date.weekday()
    opens = models.PositiveSmallIntegerField("开门")
    closes = models.PositiveSmallIntegerField("关门")

    class Meta:
        verbose_name = "开放时间"
        verbose_name_plural = "开放时间"
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")) & Q(closes__lte=1440),
                                   name="hours_span"),
        ]


class HolidayPlan(models.Model):
    """A station's plan for one holiday date: its hours that day (none: closed), who is on duty
    and what the duty offers (water, medicine kit, umbrellas, charging, guides…)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="holiday_plans")
    date = models.DateField("日期")
    holiday = models.CharField("节日", max_length=20)
    # The spans as [[opens, closes], …] in minutes; empty: closed that day.
    spans = models.JSONField("开放时段", default=list, blank=True)
    duty_staff = models.CharField("值守人员", max_length=200, blank=True)
    duty_phone = models.CharField("值守电话", max_length=20, blank=True)
    services = models.CharField("值守服务", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["station", "date"], name="holiday_plan_once")]

    @property
    def words(self) -> str:
        from minsheng.stations.hours import spans_text

        return spans_text(self.spans)


def photo_path(photo, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"stations/{photo.station_id}/{clock.now():%Y%m%d%H%M%S%f}.{extension}"


class StationPhoto(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=photo_path)
    content_type = models.CharField(max_length=60)
    caption = models.CharField("说明", max_length=60, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "驿站照片"
        verbose_name_plural = "驿站照片"
        ordering = ["uploaded_at", "id"]


class Volunteer(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="volunteers")
    name = models.CharField("姓名", max_length=30)
    phone = models.CharField("手机号码", max_length=11)
    organisation = models.CharField("所在单位或组织", max_length=60, blank=True)
    duties = models.CharField("服务内容", max_length=100, blank=True)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["joined_on", "id"]


class Standard(models.Model):
    """A city's standard for its stations as a checklist (武汉's "七个一", this city's own)."""

    name = models.CharField("标准名称", max_length=60, unique=True)
    issuer = models.CharField("发布单位", max_length=60, blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "驿站标准"
        verbose_name_plural = "驿站标准"

    def __str__(self) -> str:
        return self.name


class StandardItem(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查内容", max_length=100)

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["standard", "position"], name="standard_item_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Inspection(models.Model):
    """A visit by the operator unit (or the city's 城管局) against a standard."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="inspections")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("检查日期")
    note = models.TextField("检查情况", blank=True)
    # {item position: true (合格) / false}, every item of the standard answered.
    results = models.JSONField("检查结果", default=dict)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "巡查"
        verbose_name_plural = "巡查"
        ordering = ["-visited_on", "-id"]

    @property
    def passed(self) -> int:
        return sum(1 for value in self.results.values() if value)


class Problem(models.Model):
    """Something an inspection found that must be fixed by a deadline."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="problems")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="problems")
    item = models.ForeignKey(StandardItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField("问题", max_length=300)
    deadline = models.DateField("整改期限")
    fixed_on = models.DateField("整改完成日期", null=True, blank=True)
    fix_note = models.CharField("整改情况", max_length=300, blank=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = "整改问题"
        verbose_name_plural = "整改问题"
        ordering = ["deadline", "id"]
        # The operator's page and the city's list: problems not yet fixed, soonest deadline first.
        indexes = [models.Index(fields=["deadline"], name="station_problem_open", condition=Q(fixed_on__isnull=True))]

    def status(self, today) -> str:
        if self.fixed_on:
            return "已整改" if self.fixed_on <= self.deadline else "逾期整改"
        return "逾期未整改" if today > self.deadline else "整改中"


class StationCase(models.Model):
    """A case a resident raised about a station (feedback), so each shows the other."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="case_links")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="station_link")
    amenity = models.CharField("涉及设施", max_length=24, blank=True, choices=Amenity.choices)

    class Meta:
        verbose_name = "驿站反映"
        verbose_name_plural = "驿站反映"


class Place(models.Model):
    """A place people type to find the stations near it (a road, a landmark, an estate), with its
    WGS-84 point: the offline gazetteer behind "a typed address"."""

    name = models.CharField("地名", max_length=60, unique=True)
    region = models.ForeignKey(Region, verbose_name="所在区县", on_delete=models.PROTECT, related_name="+")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6)

    class Meta:
        verbose_name = "地名"
        verbose_name_plural = "地名"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    REGISTERED = "registered", "登记驿站"
    UPDATED = "updated", "修改信息"
    STATUS = "status", "状态变更"
    HOURS = "hours", "设定开放时间"
    HOLIDAY = "holiday", "节假日安排"
    PHOTO = "photo", "上传照片"
    PHOTO_REMOVED = "photo-removed", "删除照片"
    VOLUNTEER = "volunteer", "志愿者加入"
    VOLUNTEER_LEFT = "volunteer-left", "志愿者退出"
    INSPECTED = "inspected", "巡查"
    FIXED = "fixed", "问题整改"
    FEEDBACK = "feedback", "群众反映"
    STANDARD = "standard", "设定标准"
    PLACE = "place", "登记地名"


class StationEvent(BaseEvent):
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta(BaseEvent.Meta):
        verbose_name = "驿站记录"
        verbose_name_plural = "驿站记录"
