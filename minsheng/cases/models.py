import re
import uuid
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from minsheng.core.identity import mask_name, mask_personal_text, mask_phone, mask_resident_id
from minsheng.core.models import BaseEvent
from minsheng.org.models import Department, Region


class CaseKind(models.Model):
    """办不成事反映, 一般诉求, 企业诉求, and later application kinds; each with its time limits."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30)
    description = models.CharField("说明", max_length=200, blank=True)
    accept_days = models.PositiveSmallIntegerField("受理时限（工作日）", default=1, validators=[MinValueValidator(1)])
    sign_days = models.PositiveSmallIntegerField("签收时限（工作日）", default=1, validators=[MinValueValidator(1)])
    handle_days = models.PositiveSmallIntegerField("办理时限（工作日）", default=10, validators=[MinValueValidator(1)])
    callback_days = models.PositiveSmallIntegerField("回访时限（工作日）", default=3, validators=[MinValueValidator(1)])
    warn_share = models.DecimalField(
        "预警比例",
        max_digits=3,
        decimal_places=2,
        default=0.3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="剩余时间少于本阶段时限的这一比例时黄色预警，如0.3。",
    )
    requires_uscc = models.BooleanField("须填统一社会信用代码", default=False)
    is_stuck_matter = models.BooleanField("办不成事反映", default=False, help_text="需登记原办理事项、卡在哪个部门、跑了几次。")
    is_published = models.BooleanField(
        "对外公开", default=True,
        help_text="是否通过Open311等公开接口发布（个人信息已脱敏）。办不成事反映、企业诉求默认不公开。",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "诉求类型"
        verbose_name_plural = "诉求类型"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """The service catalogue: a tree of matters, each with its default department per region,
    optional time limits overriding its kind's, and optional extra questions."""

    code = models.SlugField("服务代码", max_length=40, unique=True, help_text="对外接口（Open311 service_code）使用。")
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name="上级分类", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.CharField("说明", max_length=300, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="用逗号分隔。")
    sign_days = models.PositiveSmallIntegerField("签收时限（工作日）", null=True, blank=True)
    handle_days = models.PositiveSmallIntegerField("办理时限（工作日）", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    is_published = models.BooleanField(
        "对外公开", default=True, help_text="本分类的诉求是否通过Open311等公开接口发布；类型也须公开。"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name

    @cached_property
    def is_leaf(self) -> bool:
        return not self.children.exists()

    @cached_property
    def question_list(self) -> list["CategoryQuestion"]:
        """Read once per category object: the intake checks answers against it on every case."""
        return list(self.questions.all())


class QuestionType(models.TextChoices):
    STRING = "string", "单行文字"
    TEXT = "text", "多行文字"
    NUMBER = "number", "数字"
    DATETIME = "datetime", "日期时间"
    SINGLE = "singlevaluelist", "单选"
    MULTI = "multivaluelist", "多选"


class CategoryQuestion(models.Model):
    category = models.ForeignKey(Category, verbose_name="事项分类", on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField("代码", max_length=40)
    label = models.CharField("问题", max_length=100)
    datatype = models.CharField("类型", max_length=20, choices=QuestionType.choices, default=QuestionType.STRING)
    required = models.BooleanField("必填", default=False)
    help_text = models.CharField("说明", max_length=200, blank=True)
    values = models.JSONField(
        "选项", default=list, blank=True, help_text='单选、多选的选项：[{"key": "1", "name": "是"}, ...]'
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "补充问题"
        verbose_name_plural = "补充问题"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="category_question_unique_code")]

    def __str__(self) -> str:
        return self.label


class CategoryDepartment(models.Model):
    """Which department handles a category in a region, suggested at intake."""

    category = models.ForeignKey(Category, verbose_name="事项分类", on_delete=models.CASCADE, related_name="routes")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, verbose_name="默认责任部门", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "默认责任部门"
        verbose_name_plural = "默认责任部门"
        constraints = [models.UniqueConstraint(fields=["category", "region"], name="category_department_unique_region")]


class Channel(models.TextChoices):
    WINDOW = "window", "窗口"
    ONLINE = "online", "网上"
    HOTLINE = "hotline", "热线"
    API = "api", "接口"
    HELPER = "helper", "帮扶干部代为提出"


class RequestType(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    REQUEST = "request", "求助"
    SUGGESTION = "suggestion", "建议"
    CONSULTATION = "consultation", "咨询"


class State(models.TextChoices):
    REGISTERED = "registered", "待受理"
    ACCEPTED = "accepted", "待派单"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "待签收"
    RETURNED = "returned", "退单待处理"
    HANDLING = "handling", "办理中"
    CLOSED = "closed", "已办结待回访"
    ARCHIVED = "archived", "已归档"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATES = (State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING)
OPEN_STATE_VALUES = [str(state.value) for state in OPEN_STATES]
FINAL_STATES = (State.REJECTED, State.ARCHIVED, State.WITHDRAWN)


class Result(models.TextChoices):
    SOLVED = "solved", "已解决"
    EXPLAINED = "explained", "已解释说明"
    UNSOLVABLE = "unsolvable", "无法解决"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class SupervisionLevel(models.IntegerChoices):
    """The ladder lateness climbs; each rung is told in turn."""

    NONE = 0, "正常"
    HANDLER = 1, "预警：办理人"
    DEPARTMENT_HEAD = 2, "逾期：部门负责人"
    OFFICE = 3, "督办：督办机构"
    LEADER = 4, "督办：分管领导"


class Case(models.Model):
    number = models.CharField("编号", max_length=30, unique=True)
    region = models.ForeignKey(Region, verbose_name="受理地区", on_delete=models.PROTECT, related_name="cases")
    # Three kinds: an index on it would never be chosen, and each costs every insert.
    kind = models.ForeignKey(CaseKind, verbose_name="类型", on_delete=models.PROTECT, related_name="cases", db_index=False)
    category = models.ForeignKey(
        Category, verbose_name="事项分类", on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    request_type = models.CharField("诉求性质", max_length=20, choices=RequestType.choices, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.REGISTERED)

    title = models.CharField("标题", max_length=100)
    description = models.TextField("诉求内容")
    wants = models.TextField("诉求人期望", blank=True)
    answers = models.JSONField("补充问题回答", default=dict, blank=True)

    requester_name = models.CharField("诉求人", max_length=30)
    requester_phone = models.CharField("手机号码", max_length=11)
    requester_id_number = models.CharField("身份证号", max_length=18, blank=True)
    requester_email = models.EmailField("电子邮箱", blank=True)
    enterprise_name = models.CharField("企业名称", max_length=100, blank=True)
    enterprise_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)

    address = models.CharField("地点", max_length=200, blank=True)
    address_id = models.CharField("地址编码", max_length=60, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    # 办不成事反映: the matter that got stuck.
    applied_for = models.CharField("原办理事项", max_length=200, blank=True)
    applied_on = models.DateField("原申请日期", null=True, blank=True)
    applied_where = models.CharField("原办理地点", max_length=200, blank=True)
    stuck_departments = models.ManyToManyField(
        Department, verbose_name="卡在哪个部门", blank=True, related_name="stuck_cases"
    )
    visits = models.PositiveSmallIntegerField("跑了几次", null=True, blank=True)
    linked_case = models.ForeignKey(
        "self", verbose_name="关联原件", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints",
        db_index=False,
    )
    outside_reference = models.CharField("外部办件编号", max_length=60, blank=True)

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    registered_at_department = models.ForeignKey(
        Department, verbose_name="登记单位", null=True, blank=True, on_delete=models.PROTECT, related_name="registered_cases"
    )
    proposed_department = models.ForeignKey(
        Department, verbose_name="建议承办部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    lead_department = models.ForeignKey(
        Department, verbose_name="承办部门", null=True, blank=True, on_delete=models.PROTECT, related_name="led_cases"
    )
    assigned_at = models.DateTimeField("派至承办部门时间", null=True, blank=True)
    co_departments = models.ManyToManyField(Department, verbose_name="协办部门", blank=True, related_name="co_cases")

    created_at = models.DateTimeField("登记时间")
    updated_at = models.DateTimeField("更新时间")
    # The open stage: when it began, when it is due, when it turns yellow.
    stage_started_at = models.DateTimeField("本阶段开始", null=True, blank=True)
    due_at = models.DateTimeField("本阶段期限", null=True, blank=True)
    warn_at = models.DateTimeField("预警时间", null=True, blank=True)
    # The due time reaches a year whose official holiday schedule is not yet imported: it was
    # computed from the provisional calendar (org/workdays.py) and shows as 暂定 until the
    # worker corrects it against the official one.
    due_provisional = models.BooleanField("期限暂定", default=False)
    # The stage's limit in working days as last set (by its kind, or by an approved extension):
    # what a correction re-counts on the official calendar.
    due_days = models.PositiveSmallIntegerField("本阶段时限（工作日）", null=True, blank=True)
    # A programme's own limit for the handling stage (a policy application: the policy's review,
    # listing and payment days); otherwise the category's or the kind's.
    handle_days = models.PositiveSmallIntegerField("本件办理时限（工作日）", null=True, blank=True)
    supervision_level = models.PositiveSmallIntegerField(
        "督办等级", choices=SupervisionLevel.choices, default=SupervisionLevel.NONE
    )
    # When the worker must next look at this case (a warning, a rung of the ladder, a callback);
    # null when nothing is pending. Always written by the actions from the fields above.
    next_check_at = models.DateTimeField("下次检查", null=True, blank=True)
    extension_requested_days = models.PositiveSmallIntegerField("申请延期（工作日）", null=True, blank=True)

    result = models.CharField("办理结果", max_length=12, choices=Result.choices, blank=True)
    result_text = models.TextField("办理情况", blank=True)
    result_basis = models.TextField("依据", blank=True)
    # What the public reads instead of the text as typed, when staff wrote it (personal data is
    # masked either way: cases/publication.py).
    public_summary = models.TextField("公开摘要", blank=True)
    public_result = models.TextField("公开办理结果", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField("评价意见", blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)

    # Filed by another system (Open311): its own references, kept so it can find the case again.
    api_client = models.ForeignKey(
        "org.ApiClient", verbose_name="来源系统", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    account_id = models.CharField("来源系统用户编号", max_length=60, blank=True)
    device_id = models.CharField("设备编号", max_length=100, blank=True)
    media_url = models.URLField("图片链接", max_length=500, blank=True)

    query_code_hash = models.CharField("查询码摘要", max_length=64)
    submission_token = models.CharField("提交令牌", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "诉求件"
        verbose_name_plural = "诉求件"
        ordering = ["-created_at", "-id"]
        constraints = [
            # A form sent twice makes one case; cases filed without a token (most API ones) pay nothing.
            models.UniqueConstraint(
                fields=["submission_token"], condition=Q(submission_token__isnull=False), name="case_submission_token_unique"
            ),
        ]
        indexes = [
            # The department inbox: open cases of one lead department by state, soonest due first.
            models.Index(
                fields=["lead_department", "state", "due_at"],
                name="case_inbox",
                condition=Q(state__in=["registered", "accepted", "dispatched", "returned", "handling", "closed"]),
            ),
            # The worker: cases with something pending, earliest first. Only pending rows are indexed,
            # so a sweep costs what is due, not the table size.
            models.Index(fields=["next_check_at"], name="case_due_work", condition=Q(next_check_at__isnull=False)),
            # The supervision board and supervisors' queues: open cases of a region by due time.
            models.Index(
                fields=["region", "state", "due_at"],
                name="case_region_open",
                condition=Q(state__in=["registered", "accepted", "dispatched", "returned", "handling", "closed"]),
            ),
            # Overdue lists (督办台, 辖区逾期): open cases soonest due first, across a whole city...
            models.Index(fields=["due_at", "id"], name="case_open_due", condition=Q(state__in=OPEN_STATE_VALUES)),
            # ...or within one county.
            models.Index(
                fields=["region", "due_at", "id"], name="case_open_region_due", condition=Q(state__in=OPEN_STATE_VALUES)
            ),
            # Supervisors' extension requests to decide.
            models.Index(fields=["region"], name="case_extension_pending", condition=Q(extension_requested_days__isnull=False)),
            # The worker's calendar correction: provisional due times, once a year is official.
            models.Index(fields=["due_at"], name="case_due_provisional", condition=Q(due_provisional=True)),
            # Search by requester phone.
            models.Index(fields=["requester_phone"], name="case_phone"),
            # 督办中: the open complaints pointing at a case (few rows have a link).
            models.Index(fields=["linked_case"], name="case_linked", condition=Q(linked_case__isnull=False)),
            # Search by registration date and the default list order.
            models.Index(fields=["-created_at"], name="case_created"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.requester_phone)

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.requester_id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.requester_name)

    def deadline_colour(self, now: datetime) -> str:
        """'red' when overdue, 'yellow' when less than the warning share is left, else 'green'."""
        if self.due_at is None or not self.is_open:
            return ""
        if now > self.due_at:
            return "red"
        if self.warn_at is not None and now >= self.warn_at:
            return "yellow"
        return "green"


class CaseNumberSequence(models.Model):
    """The last number given out per region and year, for readable case numbers."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="case_number_sequence_unique")]


class EventKind(models.TextChoices):
    REGISTERED = "registered", "登记"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "派单"
    RETURNED = "returned", "退单"
    RETURN_UPHELD = "return_upheld", "退单不予认可"
    SIGNED = "signed", "签收"
    NOTE = "note", "办理进展"
    CONTACT = "contact", "联系诉求人"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "同意延期"
    EXTENSION_REFUSED = "extension_refused", "不同意延期"
    CLOSED = "closed", "办结"
    RATED = "rated", "回访评价"
    REOPENED = "reopened", "重办"
    ARCHIVED = "archived", "归档"
    WITHDRAWN = "withdrawn", "撤回"
    WARNED = "warned", "临期预警"
    ESCALATED = "escalated", "逾期督办"
    SUPERVISION_ISSUED = "supervision_issued", "督办单"
    SUPERVISION_ANSWERED = "supervision_answered", "督办单回复"
    CALLBACK_INVITED = "callback_invited", "邀请评价"
    PUBLIC_TEXT_EDITED = "public_text_edited", "修改公开文本"
    ATTACHMENT_PUBLISHED = "attachment_published", "附件公开设置"
    DUE_CORRECTED = "due_corrected", "期限按正式日历调整"


class CaseEvent(BaseEvent):
    """One step of a case. The resident's timeline is these, filtered by is_public; the
    scorecards count them, by the columns below rather than by parsing `data`."""

    # (case, created_at) below serves every lookup by case; a second index on case alone would
    # only slow each of the millions of inserts.
    case = models.ForeignKey(Case, verbose_name="诉求件", on_delete=models.PROTECT, related_name="events", db_index=False)
    old_state = models.CharField("原状态", max_length=12, blank=True)
    new_state = models.CharField("新状态", max_length=12, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="相关部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,  # scorecards reach it through (kind, created_at, department)
    )
    public_note = models.TextField("公开说明", blank=True)
    on_time = models.BooleanField("按时", null=True)
    working_days = models.PositiveIntegerField("用时（工作日）", null=True)
    outcome = models.CharField("结果", max_length=12, blank=True, help_text="办结：办理结果；回访：评价。")

    class Meta(BaseEvent.Meta):
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        indexes = [
            # The case page's timeline.
            models.Index(fields=["case", "created_at"], name="case_event_timeline"),
            # Scorecards: events of the counted kinds in a period, grouped by department.
            models.Index(fields=["kind", "created_at", "department"], name="case_event_scorecard"),
            # Open311 servicerequestupdates: public events since a time.
            models.Index(fields=["created_at"], name="case_event_public_since", condition=Q(is_public=True)),
        ]

    def __str__(self) -> str:
        """As a history row reads: 2026-11-30 09:12 签收 · 黄鑫."""
        from django.utils import timezone

        when = f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}" if self.created_at else ""
        return f"{when} {self.kind_label} · {self.actor if self.actor_id else '系统'}".strip()

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label if self.kind in EventKind.values else self.kind


def attachment_path(instance: "CaseAttachment", filename: str) -> str:
    """A random name: the stored path says nothing of the case or the file, and cannot be
    guessed. Files are served only by the view that checks access (cases/views/files.py)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{uuid.uuid4().hex}.{extension[:8]}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, verbose_name="诉求件", on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, verbose_name="办理记录", on_delete=models.CASCADE, related_name="attachments")
    # The attachment's address in links: a number in a URL could be walked.
    key = models.UUIDField("链接标识", default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    is_public = models.BooleanField("公开", default=False)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class SupervisionNotice(models.Model):
    """督办单: a formal notice from a supervision office, with its own response deadline."""

    case = models.ForeignKey(Case, verbose_name="诉求件", on_delete=models.PROTECT, related_name="supervision_notices")
    number = models.CharField("督办单号", max_length=40, unique=True)
    department = models.ForeignKey(Department, verbose_name="被督办部门", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("下发时间")
    requirement = models.TextField("督办要求")
    response_days = models.PositiveSmallIntegerField("回复时限（工作日）")
    response_due_at = models.DateTimeField("回复期限")
    response_due_provisional = models.BooleanField("回复期限暂定", default=False)
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField("回复内容", blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["department", "response_due_at"], name="supervision_open", condition=Q(responded_at__isnull=True)),
            # The worker's calendar correction of provisional response deadlines.
            models.Index(
                fields=["response_due_at"], name="supervision_due_provisional", condition=Q(response_due_provisional=True)
            ),
        ]

    def __str__(self) -> str:
        return self.number


# "查询码12345678" in an SMS body, and a firm's one-time login code ("验证码为123456"): the code
# exists on the slip and in the one SMS sent, nowhere else once it is sent.
QUERY_CODE_IN_TEXT = re.compile(r"((?:查询码|验证码为?)[：:]?\s*)([0-9]{4,})")


def mask_query_codes(text: str) -> str:
    return QUERY_CODE_IN_TEXT.sub(lambda match: match.group(1) + "*" * len(match.group(2)), text or "")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notification(models.Model):
    """The outbox: written in the same transaction as the event it announces, sent by the worker."""

    channel = models.CharField("渠道", max_length=10, choices=[("sms", "短信"), ("email", "邮件"), ("staff", "站内")])
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications", db_index=False,  # (recipient_user, created_at) below serves it
    )
    recipient_address = models.CharField("接收地址", max_length=200, blank=True)
    case = models.ForeignKey(Case, verbose_name="诉求件", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(
        CaseEvent, verbose_name="事件", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    status = models.CharField("状态", max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        indexes = [
            # The worker's outbox sweep: pending rows only, oldest attempt first.
            models.Index(fields=["next_attempt_at"], name="notification_pending", condition=Q(status="pending")),
            # A staff member's latest messages on the home page.
            models.Index(fields=["recipient_user", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def masked_body(self) -> str:
        """The body as anyone but the gateway may read it: codes and personal data masked."""
        return mask_personal_text(mask_query_codes(self.body))

    @property
    def masked_recipient(self) -> str:
        address = self.recipient_address or ""
        return mask_phone(address) if address.isdigit() else mask_personal_text(address)


class PersonalDataView(models.Model):
    """Each time a staff member unmasks a requester's phone or ID number."""

    case = models.ForeignKey(Case, verbose_name="诉求件", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT, related_name="+")
    field = models.CharField("字段", max_length=30)
    via = models.CharField("方式", max_length=10, choices=[("reveal", "显示完整信息"), ("search", "按手机号码查询")], default="reveal")
    viewed_at = models.DateTimeField("查看时间")
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-viewed_at"]
