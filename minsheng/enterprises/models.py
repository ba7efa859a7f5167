"""Market entities (一企一档): the registry of firms, 个体工商户 and farmers' cooperatives with their
industry (GB/T 4754-2017), derived size class and 规上 status, certifications and contact; the
helpers assigned to them one-to-one or by grid, their visits, and the demands that become
enterprise cases."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from minsheng.core.identity import mask_phone
from minsheng.core.models import BaseEvent
from minsheng.enterprises.sizes import SIZE_LABELS
from minsheng.org.models import Region

FIGURE = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


class IndustryLevel(models.TextChoices):
    SECTION = "section", "门类"
    DIVISION = "division", "大类"
    GROUP = "group", "中类"
    CLASS = "class", "小类"


class Industry(models.Model):
    """国民经济行业分类 (GB/T 4754-2017 with its 2019 amendment), loaded by the migrations from
    data/gbt4754_2017.csv. A firm is classed at the 小类 level."""

    code = models.CharField("代码", max_length=4, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=IndustryLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    section = models.CharField("门类", max_length=1)
    order = models.PositiveIntegerField("排序")

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业分类"
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.section}{self.code} {self.name}" if self.level == IndustryLevel.CLASS else f"{self.code} {self.name}"


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL = "individual", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"


class SizeClass(models.TextChoices):
    LARGE = "large", SIZE_LABELS["large"]
    MEDIUM = "medium", SIZE_LABELS["medium"]
    SMALL = "small", SIZE_LABELS["small"]
    MICRO = "micro", SIZE_LABELS["micro"]


class Entity(models.Model):
    """One market entity, known by its 统一社会信用代码. Size class and 规上 are derived from the
    figures by sizes.py and stored (the registry is filtered and counted by them); the actions
    that change the figures or the industry derive them again."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("主体类型", max_length=12, choices=EntityKind.choices, default=EntityKind.ENTERPRISE)
    region = models.ForeignKey(Region, verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="entities")
    township = models.ForeignKey(Region, verbose_name="所在乡镇（街道）", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="township_entities")
    address = models.CharField("住所（经营场所）", max_length=200, blank=True)
    industry = models.ForeignKey(Industry, verbose_name="行业", on_delete=models.PROTECT, related_name="entities",
                                 limit_choices_to={"level": IndustryLevel.CLASS})
    established_on = models.DateField("成立日期", null=True, blank=True)
    legal_representative = models.CharField("法定代表人（经营者）", max_length=50, blank=True)
    status = models.CharField("登记状态", max_length=10, choices=EntityStatus.choices, default=EntityStatus.ACTIVE)
    closed_on = models.DateField("注销（吊销）日期", null=True, blank=True)

    figures_year = models.PositiveSmallIntegerField("经营数据年度", null=True, blank=True)
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    revenue = models.DecimalField("营业收入（万元）", **FIGURE)
    assets = models.DecimalField("资产总额（万元）", **FIGURE)
    qualified = models.BooleanField("具有建筑业或房地产开发资质", default=False)
    size_class = models.CharField("企业规模", max_length=8, choices=SizeClass.choices, blank=True)
    above_scale = models.BooleanField("规模以上（限额以上）", default=False)
    is_key = models.BooleanField("重点企业", default=False, help_text="规上之外列入一对一帮扶的重点中小企业。")

    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系人手机", max_length=11, blank=True,
                                     help_text="企业登录时向这个号码发送验证码。")
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "市场主体"
        verbose_name_plural = "市场主体"
        ordering = ["region__code", "name"]
        indexes = [
            # The coverage report and the registry list: a county's active entities.
            models.Index(fields=["region", "status"], name="entity_region_status"),
            # 规上 and key firms of a county (the one-to-one list).
            models.Index(fields=["region", "above_scale", "is_key"], name="entity_region_scale"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="active", closed_on__isnull=True) | ~Q(status="active"),
                                   name="entity_active_not_closed"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""

    @property
    def is_active(self) -> bool:
        return self.status == EntityStatus.ACTIVE


class CertificationKind(models.TextChoices):
    HIGH_TECH = "high_tech", "高新技术企业"
    TECH_SME = "tech_sme", "科技型中小企业"
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    SPECIALISED_SME = "specialised_sme", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”企业"


class Certification(models.Model):
    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField("认定类别", max_length=20, choices=CertificationKind.choices)
    number = models.CharField("证书编号", max_length=60, blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "资质认定"
        verbose_name_plural = "资质认定"
        ordering = ["entity", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="certification_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def held_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# --- helpers ------------------------------------------------------------------------------------

class Grid(models.Model):
    """A grid of firms and 个体户 one helper covers (一对多), usually a village's or a street's."""

    region = models.ForeignKey(Region, verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="enterprise_grids")
    township = models.ForeignKey(Region, verbose_name="所在乡镇（街道）", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="township_enterprise_grids")
    name = models.CharField("网格名称", max_length=60)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶网格"
        verbose_name_plural = "帮扶网格"
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="grid_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class GridMember(models.Model):
    """An entity in a grid from a day to a day (open: still in it). One grid at a time."""

    # The two indexes below lead with these keys: no index of their own.
    grid = models.ForeignKey(Grid, verbose_name="网格", on_delete=models.PROTECT, related_name="members", db_index=False)
    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.PROTECT, related_name="grid_memberships",
                               db_index=False)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "网格成员"
        verbose_name_plural = "网格成员"
        indexes = [
            # A firm's profile and helpers_of: the entity's membership on a day.
            models.Index(fields=["entity", "starts_on"], name="grid_member_entity"),
            # Coverage (queries.uncovered): the members of a county's helped grids on a day, read
            # from the index alone on PostgreSQL (540 → 320 ms for a county of 150,000).
            models.Index(fields=["grid", "starts_on"], include=["ends_on", "entity"], name="grid_member_grid"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="grid_member_dates_in_order"),
        ]

    def covers(self, day) -> bool:
        """A member on `day` (queries.current is the same rule in SQL)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class AssignmentMode(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "一对一"
    GRID = "grid", "网格（一对多）"


class Assignment(models.Model):
    """A helper for one firm (一对一) or for a grid (一对多), from a day to a day (open: current).
    The visit plan: at least one visit every `visit_every_days` days."""

    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="帮扶干部", on_delete=models.PROTECT,
                               related_name="enterprise_assignments")
    mode = models.CharField("帮扶方式", max_length=12, choices=AssignmentMode.choices)
    entity = models.ForeignKey(Entity, verbose_name="市场主体", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="assignments")
    grid = models.ForeignKey(Grid, verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments")
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    visit_every_days = models.PositiveSmallIntegerField("走访周期（日）", default=30)
    # When the worker next looks for firms of this assignment past their visit plan (None: ended).
    next_visit_check = models.DateField("下次检查走访日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶关系"
        verbose_name_plural = "帮扶关系"
        indexes = [
            # A helper's portfolio (their home page, reassignment).
            models.Index(fields=["helper", "ends_on"], name="assignment_helper"),
            # Coverage on a day: a firm's one-to-one helper, a grid's helper.
            models.Index(fields=["entity", "starts_on"], name="assignment_entity"),
            models.Index(fields=["grid", "starts_on"], name="assignment_grid"),
            # The worker's sweep of visit plans: only the assignments due a look.
            models.Index(fields=["next_visit_check"], condition=Q(next_visit_check__isnull=False),
                         name="assignment_visit_check"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(mode="one_to_one", entity__isnull=False, grid__isnull=True)
                           | Q(mode="grid", grid__isnull=False, entity__isnull=True)),
                name="assignment_one_target",
            ),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="assignment_dates_in_order"),
            models.CheckConstraint(condition=Q(visit_every_days__gte=1), name="assignment_visits_planned"),
        ]

    def __str__(self) -> str:
        return f"{self.helper} · {self.entity or self.grid}"

    def covers(self, day) -> bool:
        """Current on `day` (queries.current is the same rule in SQL)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class VisitKind(models.TextChoices):
    ON_SITE = "on_site", "实地走访"
    PHONE = "phone", "电话走访"
    ONLINE = "online", "线上走访"


class Visit(models.Model):
    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.PROTECT, related_name="visits")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="帮扶干部", on_delete=models.PROTECT,
                               related_name="enterprise_visits")
    visited_on = models.DateField("走访日期")
    kind = models.CharField("方式", max_length=10, choices=VisitKind.choices)
    summary = models.TextField("走访情况")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = [
            # A firm's last visit (visits due) and its profile's visit list.
            models.Index(fields=["entity", "visited_on"], name="visit_entity_day"),
        ]


class VisitAttachment(models.Model):
    """A photo or document of a visit; served only through a view that checks access."""

    visit = models.ForeignKey(Visit, verbose_name="走访记录", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="enterprise-visits/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "走访附件"
        verbose_name_plural = "走访附件"


class Demand(models.Model):
    """A firm's demand: an enterprise case (企业诉求) of the case engine, linked to the firm."""

    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.PROTECT, related_name="demands")
    case = models.OneToOneField("cases.Case", verbose_name="诉求件", on_delete=models.PROTECT, related_name="enterprise_demand")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代为提出的帮扶干部", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = "企业诉求"
        verbose_name_plural = "企业诉求"
        ordering = ["-created_at"]


class EnterpriseEvent(BaseEvent):
    """What happened to a firm, a grid or a helper's portfolio: one row an action."""

    entity = models.ForeignKey(Entity, verbose_name="市场主体", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="events")
    grid = models.ForeignKey(Grid, verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta(BaseEvent.Meta):
        verbose_name = "市场主体事件"
        verbose_name_plural = "市场主体事件"
        indexes = [models.Index(fields=["entity", "created_at"], name="enterprise_event_entity")]


class EventKind(models.TextChoices):
    REGISTERED = "registered", "建档"
    UPDATED = "updated", "更新档案"
    CLOSED = "closed", "注销或吊销"
    CERTIFIED = "certified", "登记资质认定"
    IMPORTED = "imported", "导入名录"
    EXPORTED = "exported", "导出名录"
    ASSIGNED = "assigned", "确定帮扶干部"
    GRID_JOINED = "grid_joined", "纳入网格"
    ASSIGNMENT_ENDED = "assignment_ended", "结束帮扶关系"
    REASSIGNED = "reassigned", "帮扶干部交接"
    VISITED = "visited", "走访"
    DEMAND = "demand", "提出诉求"
    VISIT_DUE = "visit_due", "走访到期提醒"
    LOGIN_CODE_SENT = "login_code_sent", "发送登录验证码"
    FIRM_LOGIN = "firm_login", "企业登录"


# --- the registry's import and the firms' login ------------------------------------------------

class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部无误才导入"
    VALID_ROWS = "valid_rows", "只导入无误的行"


class ImportState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    REFUSED = "refused", "未导入（有错误行）"
    FAILED = "failed", "失败"


class ImportJob(models.Model):
    """One uploaded registry workbook and its import, run by the worker (or the command line) while
    the page polls its progress. Rows are matched by 统一社会信用代码: new ones are filed,
    known ones updated."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to="enterprise-imports/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    mode = models.CharField("导入方式", max_length=16, choices=ImportMode.choices)
    state = models.CharField("状态", max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新建", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)
    refused_count = models.PositiveIntegerField("有误", default=0)
    # The refused rows: [{"row": 12, "uscc": "...", "field": "industry", "message": "..."}, ...]
    report = models.JSONField("逐行报告", default=list, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "名录导入"
        verbose_name_plural = "名录导入"
        ordering = ["-created_at"]
        indexes = [
            # The worker's sweep: the queued jobs, oldest first.
            models.Index(fields=["created_at"], condition=Q(state="queued"), name="import_job_queued"),
        ]


class LoginCode(models.Model):
    """A one-time code texted to a firm's registered contact phone: the firm's login (no password).
    Only its salted hash is kept; it expires, counts wrong tries, and is used once."""

    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.CASCADE, related_name="login_codes")
    phone = models.CharField("发送号码", max_length=11)
    code_hash = models.CharField("验证码摘要", max_length=128)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "企业登录验证码"
        verbose_name_plural = "企业登录验证码"
        indexes = [
            # The firm's latest code (verification, and the resend interval).
            models.Index(fields=["entity", "created_at"], name="login_code_entity"),
        ]
