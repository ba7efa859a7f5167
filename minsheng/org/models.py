from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from minsheng.core.identity import validate_mobile
from minsheng.core.models import BaseEvent


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇街道"


# How every page names the city's own level (its departments, its cases, its items): one name.
CITY_LEVEL_NAME = "市本级"


class Region(models.Model):
    """An administrative division with its GB/T 2260 code (乡镇街道: the 9-digit GB/T 10114 code).

    Codes nest: a county's code starts with its city's first four digits, a township's with
    its county's six, so `code_prefix` selects a whole subtree with one indexed LIKE.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=40)
    short_name = models.CharField("简称", max_length=10, help_text="用于编号，如“湖口”。")
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def code_prefix(self) -> str:
        if self.level == RegionLevel.CITY:
            return self.code[:4]
        if self.level == RegionLevel.COUNTY:
            return self.code[:6]
        return self.code

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.code_prefix)

    @property
    def county(self) -> "Region | None":
        """The county-level division this region lies in (itself for a county); None for the city."""
        if self.level == RegionLevel.COUNTY:
            return self
        if self.level == RegionLevel.TOWNSHIP:
            return self.parent
        return None

    @property
    def display_name(self) -> str:
        """The region as pages name it: the city's own level is 市本级, the others by name."""
        return CITY_LEVEL_NAME if self.level == RegionLevel.CITY else self.name


class Department(models.Model):
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=20, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    is_supervision_office = models.BooleanField(
        "督办机构", default=False, help_text="营商办、督查室、12345热线中心等负责督办的机构。"
    )

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口受理员"
    HANDLER = "handler", "办理员"
    DEPARTMENT_HEAD = "department_head", "部门负责人"
    SUPERVISOR = "supervisor", "督办员"
    LEADER = "leader", "领导"
    ADMINISTRATOR = "administrator", "管理员"


class User(AbstractUser):
    """A staff member. Residents do not have accounts: they track their matters by number and code."""

    full_name = models.CharField("姓名", max_length=30, blank=True)
    title = models.CharField("职务", max_length=30, blank=True)
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[validate_mobile])
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_names(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.roles]


class StaffRole(models.Model):
    user = models.ForeignKey(User, verbose_name="工作人员", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staff_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days the `CalendarDay` table states in full.

    For such a year the table is the whole truth; for other years the table's rows override
    chinese_calendar, and a year neither knows is an error.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日", help_text="勾选：调休上班；不勾选：放假。")
    name = models.CharField("名称", max_length=30, blank=True, help_text="如：春节、国庆节调休上班")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '放假'} {self.name}".strip()


class OrgEvent(BaseEvent):
    """Changes to the organisation's registers: calendar, staff roles."""

    subject = models.CharField("对象", max_length=100)

    class Meta(BaseEvent.Meta):
        verbose_name = "组织变更记录"
        verbose_name_plural = "组织变更记录"


class ApiClient(models.Model):
    """Another system (a 12345 hotline, a city app) that files requests through Open311.

    The key is shown once when created; only its SHA-256 is kept (keys are 32 random bytes,
    so a plain digest is enough). Requests it files land on its channel, in its region."""

    CHANNELS = [("api", "接口"), ("hotline", "热线"), ("online", "网上")]

    name = models.CharField("系统名称", max_length=60)
    key_prefix = models.CharField("密钥前缀", max_length=8, db_index=True, editable=False)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True, editable=False)
    channel = models.CharField("渠道", max_length=10, choices=CHANNELS, default="api")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    requests_per_minute = models.PositiveIntegerField("每分钟请求上限", default=600)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"


class AccessToken(models.Model):
    """A staff member's token for the JSON API (scripts, the hotline's agent desktop)."""

    user = models.ForeignKey(User, verbose_name="工作人员", on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField("用途", max_length=60)
    key_prefix = models.CharField("前缀", max_length=8, db_index=True, editable=False)
    key_hash = models.CharField("摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "访问令牌"
        verbose_name_plural = "访问令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
