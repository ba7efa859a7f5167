"""Registering a case, from every channel: the window, the public site, the hotline, the API."""

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from minsheng.cases import rules
from minsheng.cases.actions._base import new_event, now as clock_now, open_stage, require_text, requester_sms
from minsheng.cases.models import (
    Case,
    CaseAttachment,
    CaseKind,
    CaseNumberSequence,
    Category,
    Channel,
    EventKind,
    QuestionType,
    RequestType,
    State,
)
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.identity import normalize_mobile, normalize_resident_id, normalize_uscc
from minsheng.core.text import check_date, check_text
from minsheng.core.uploads import check_upload
from minsheng.org.models import ApiClient, Department, Region, RegionLevel, User

MAX_DESCRIPTION = 4000
MAX_ATTACHMENTS = 6
QUERY_CODE_DIGITS = 8


@dataclass
class Intake:
    """What a resident or enterprise brings, as typed at any channel."""

    region: Region
    kind: CaseKind
    category: Category
    channel: str
    requester_name: str
    requester_phone: str
    description: str
    title: str = ""
    request_type: str = ""
    wants: str = ""
    requester_id_number: str = ""
    requester_email: str = ""
    enterprise_name: str = ""
    enterprise_uscc: str = ""
    address: str = ""
    latitude: Decimal | float | str | None = None
    longitude: Decimal | float | str | None = None
    answers: dict = field(default_factory=dict)
    applied_for: str = ""
    applied_on: date | None = None
    applied_where: str = ""
    stuck_departments: list[Department] = field(default_factory=list)
    visits: int | None = None
    linked_case_number: str = ""
    outside_reference: str = ""
    proposed_department: Department | None = None
    files: list[UploadedFile] = field(default_factory=list)
    address_id: str = ""
    account_id: str = ""
    device_id: str = ""
    media_url: str = ""
    api_client: object | None = None
    # A programme's handling limit in working days, when the category's does not fit (policies).
    handle_days: int | None = None


def hash_query_code(number: str, code: str) -> str:
    return salted_hmac("minsheng.cases.query-code", f"{number}:{code}", algorithm="sha256").hexdigest()


def query_code_matches(case: Case, code: str) -> bool:
    return constant_time_compare(case.query_code_hash, hash_query_code(case.number, (code or "").strip()))


def new_query_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(QUERY_CODE_DIGITS))


def _next_number(region: Region, year: int) -> str:
    """湖口-2026-000123: readable and unique per region and year.

    On PostgreSQL each region and year has its own SEQUENCE: nextval() takes no row lock, so
    concurrent intakes in one county never queue behind each other (a rolled-back intake
    leaves a gap, which is harmless). Elsewhere a counter row serves, its lock held until commit."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"{region.short_name}-{year}-{_sequence_value(region, year):06d}"
    updated = CaseNumberSequence.objects.filter(region=region, year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(region=region, year=year, last=1)
        except IntegrityError:  # another intake created the row first
            CaseNumberSequence.objects.filter(region=region, year=year).update(last=F("last") + 1)
    last = CaseNumberSequence.objects.filter(region=region, year=year).values_list("last", flat=True).get()
    return f"{region.short_name}-{year}-{last:06d}"


_known_sequences: set[str] = set()


def _sequence_value(region: Region, year: int) -> int:
    from django.db import DatabaseError, connection

    name = f"case_number_{re.sub(r'[^0-9A-Za-z]', '', region.code)}_{year}"
    if name in _known_sequences:
        # The common case: one round trip, no savepoint.
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [name])
            return cursor.fetchone()[0]
    for _attempt in range(3):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s)", [name])
                value = cursor.fetchone()[0]
            # Remembered only once its creation is committed, or a rollback could leave us
            # calling a sequence that no longer exists.
            transaction.on_commit(lambda: _known_sequences.add(name))
            return value
        except DatabaseError:
            pass  # no such sequence yet
        # First case of this region and year: start after any number already given.
        prefix = f"{region.short_name}-{year}-"
        last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
        counter = CaseNumberSequence.objects.filter(region=region, year=year).values_list("last", flat=True).first() or 0
        start = max(int(last.rsplit("-", 1)[1]) if last else 0, counter) + 1
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START {int(start)}')
        except DatabaseError:
            pass  # another intake created it at the same moment
    raise ActionError("暂时无法生成办件编号，请稍后重试。")


def _clean_answers(category: Category, answers: dict) -> dict:
    cleaned = {}
    for question in category.question_list:
        value = answers.get(question.code)
        empty = value in (None, "", [])
        if empty:
            if question.required:
                raise ActionError(f"请回答“{question.label}”。", field=f"answer_{question.code}")
            continue
        keys = {str(option.get("key")) for option in question.values}
        if question.datatype == QuestionType.MULTI:
            values = value if isinstance(value, list) else [value]
            bad = [str(v) for v in values if str(v) not in keys]
            if bad:
                raise ActionError(f"“{question.label}”没有“{bad[0]}”这个选项。", field=f"answer_{question.code}")
            cleaned[question.code] = [str(v) for v in values]
        elif question.datatype == QuestionType.SINGLE:
            if isinstance(value, list) or str(value) not in keys:
                raise ActionError(f"“{question.label}”没有“{value}”这个选项。", field=f"answer_{question.code}")
            cleaned[question.code] = str(value)
        elif question.datatype == QuestionType.NUMBER:
            try:
                cleaned[question.code] = str(Decimal(str(value)))
            except InvalidOperation:
                raise ActionError(f"“{question.label}”应为数字。", field=f"answer_{question.code}") from None
        elif question.datatype == QuestionType.DATETIME:
            try:
                cleaned[question.code] = datetime.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ActionError(
                    f"“{question.label}”应为日期时间，如2026-11-26T09:30。", field=f"answer_{question.code}"
                ) from None
        else:
            text = str(value).strip()
            if len(text) > 1000:
                raise ActionError(f"“{question.label}”不能超过1000字。", field=f"answer_{question.code}")
            cleaned[question.code] = text
    return cleaned


def _linked_case(intake: Intake) -> Case | None:
    """The case a 办不成事 complaint is about. Only a case of the intake's own jurisdiction can
    be linked: the link puts that case under supervision (督办中), which is for the
    supervisors who answer for it. A case elsewhere reads the same as no case at all."""
    number = intake.linked_case_number.strip()
    if not number:
        return None
    linked = Case.objects.select_related("region").filter(number=number[:30]).first()
    if linked is None or not intake.region.contains(linked.region):
        raise ActionError(
            f"{intake.region.name}没有编号为“{number[:30]}”的办件。其他地区的办件，请到其所在地区或市级窗口反映。",
            field="linked_case_number",
        )
    return linked


def _coordinate(value, field: str, label: str, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():  # NaN and Infinity parse, and compare with an error
            raise InvalidOperation
        number = number.quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ActionError(f"{label}应为数字。", field=field) from None
    if not low <= number <= high:
        raise ActionError(f"{label}应在{low}到{high}之间。", field=field)
    return number


# The intake's text fields and the names a form shows them under.
TEXT_LABELS = {
    "requester_name": "诉求人姓名",
    "requester_phone": "手机号码",
    "requester_id_number": "身份证号",
    "requester_email": "电子邮箱",
    "enterprise_name": "企业名称",
    "enterprise_uscc": "统一社会信用代码",
    "title": "标题",
    "description": "诉求内容",
    "wants": "希望如何解决",
    "address": "地点",
    "address_id": "地址编码",
    "applied_for": "原办理事项",
    "applied_where": "原办理地点",
    "linked_case_number": "关联原办件编号",
    "outside_reference": "外部办件编号",
    "account_id": "来源系统用户编号",
    "device_id": "设备编号",
    "media_url": "图片链接",
    "request_type": "诉求性质",
}


def _check_control_characters(intake: Intake) -> None:
    for name, label in TEXT_LABELS.items():
        check_text(str(getattr(intake, name) or ""), field=name, label=label)
    for code, answer in (intake.answers or {}).items():
        check_text(str(code), field="answers", label="补充问题")
        for value in answer if isinstance(answer, list) else [answer]:
            check_text(str(value if value is not None else ""), field=f"answer_{code}", label="补充问题的回答")
    for upload in intake.files:
        check_text(upload.name or "", field="files", label="附件文件名")


TITLE_LENGTH = 40
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
PAUSES = "，,、：:（(）) "


def auto_title(description: str, limit: int = TITLE_LENGTH) -> str:
    """A title from the text when none was given: its first sentence; if that is long, up to
    the last pause (，、：) that fits; failing that, whole words (jieba), never half a phrase."""
    text = description.strip().lstrip(PAUSES + "。！？!?；;\n\t")
    first = SENTENCE_END.split(text, maxsplit=1)[0].strip().rstrip(PAUSES)
    if not first:  # nothing but punctuation: the text as it is, never an empty title
        return description.strip()[:limit] or "（无标题）"
    if len(first) <= limit:
        return first
    cut = max(first.rfind(mark, 0, limit + 1) for mark in PAUSES)
    if cut >= limit // 4:
        return first[:cut].rstrip(PAUSES)
    from minsheng.core.words import segment

    title = ""
    for word in segment(first):
        if len(title) + len(word) > limit - 1:
            break
        title += word
    return (title or first[: limit - 1]) + "…"


def _validate(intake: Intake) -> dict:
    """Every field checked before anything is written; the first problem is raised, naming its field."""
    _check_control_characters(intake)
    values = {}
    kind, category = intake.kind, intake.category
    if not category.is_leaf:
        raise ActionError("请选择具体的事项分类。", field="category")
    if not category.is_active:
        raise ActionError(f"事项分类“{category.name}”已停用。", field="category")
    if intake.channel not in Channel.values:
        raise ActionError("未知的受理渠道。", field="channel")
    values["requester_name"] = require_text(intake.requester_name, "requester_name", "诉求人姓名", max_length=30)
    try:
        values["requester_phone"] = normalize_mobile(intake.requester_phone)
    except ValidationError as error:
        raise ActionError(error.messages[0], field="requester_phone") from None
    values["requester_id_number"] = ""
    if (intake.requester_id_number or "").strip():
        try:
            values["requester_id_number"] = normalize_resident_id(intake.requester_id_number)
        except ValidationError as error:
            raise ActionError(error.messages[0], field="requester_id_number") from None
    values["enterprise_uscc"] = ""
    if kind.requires_uscc or (intake.enterprise_uscc or "").strip():
        if not (intake.enterprise_uscc or "").strip():
            raise ActionError("企业诉求须填写统一社会信用代码。", field="enterprise_uscc")
        try:
            values["enterprise_uscc"] = normalize_uscc(intake.enterprise_uscc)
        except ValidationError as error:
            raise ActionError(error.messages[0], field="enterprise_uscc") from None
        values["enterprise_name"] = require_text(intake.enterprise_name, "enterprise_name", "企业名称", max_length=100)
    else:
        values["enterprise_name"] = (intake.enterprise_name or "").strip()[:100]
    description = require_text(intake.description, "description", "诉求内容", max_length=MAX_DESCRIPTION)
    values["description"] = description
    title = (intake.title or "").strip()
    if len(title) > 100:
        raise ActionError("标题不能超过100字。", field="title")
    values["title"] = title or auto_title(description)
    if intake.request_type and intake.request_type not in RequestType.values:
        raise ActionError("诉求性质应为投诉、求助、建议或咨询。", field="request_type")
    values["request_type"] = intake.request_type or ""
    values["wants"] = (intake.wants or "").strip()[:2000]
    email = (intake.requester_email or "").strip()
    if len(email) > 254:  # the column's length; the validator alone lets 320 through
        raise ActionError("电子邮箱不能超过254个字符。", field="requester_email")
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise ActionError("电子邮箱格式不正确。", field="requester_email") from None
    values["requester_email"] = email
    values["address"] = (intake.address or "").strip()[:200]
    values["address_id"] = (intake.address_id or "").strip()[:60]
    values["account_id"] = (intake.account_id or "").strip()[:60]
    values["device_id"] = (intake.device_id or "").strip()[:100]
    media_url = (intake.media_url or "").strip()
    if media_url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ActionError("图片链接应为http或https网址。", field="media_url") from None
        if len(media_url) > 500:
            raise ActionError("图片链接不能超过500个字符。", field="media_url")
    values["media_url"] = media_url
    values["latitude"] = _coordinate(intake.latitude, "latitude", "纬度", -90, 90)
    values["longitude"] = _coordinate(intake.longitude, "longitude", "经度", -180, 180)
    values["answers"] = _clean_answers(category, intake.answers or {})

    values["applied_for"] = (intake.applied_for or "").strip()[:200]
    values["applied_where"] = (intake.applied_where or "").strip()[:200]
    values["applied_on"] = intake.applied_on
    values["outside_reference"] = (intake.outside_reference or "").strip()[:60]
    values["visits"] = intake.visits
    if kind.is_stuck_matter:
        if not values["applied_for"]:
            raise ActionError("请填写原来申请办理的事项。", field="applied_for")
        if not intake.stuck_departments and not values["applied_where"]:
            raise ActionError("请选择卡在哪个部门，或填写原办理地点。", field="stuck_departments")
        if intake.visits is None:
            raise ActionError("请填写跑了几次。", field="visits")
    if intake.visits is not None and not 0 <= intake.visits <= 99:
        raise ActionError("跑了几次应为0到99之间的整数。", field="visits")
    check_date(intake.applied_on, field="applied_on", label="原申请日期")
    if intake.applied_on and intake.applied_on > clock_now().date():
        raise ActionError("原申请日期不能晚于今天。", field="applied_on")
    if intake.handle_days is not None and (not isinstance(intake.handle_days, int) or isinstance(intake.handle_days, bool)
                                           or not 1 <= intake.handle_days <= 365):
        raise ActionError("办理时限应为1到365个工作日。", field="handle_days")
    values["handle_days"] = intake.handle_days
    values["linked_case"] = _linked_case(intake)
    if intake.proposed_department and not intake.region.contains(intake.proposed_department.region) and not (
        intake.proposed_department.region.level == RegionLevel.CITY
    ):
        raise ActionError("建议承办部门不在受理地区范围内。", field="proposed_department")
    if len(intake.files) > MAX_ATTACHMENTS:
        raise ActionError(f"附件最多{MAX_ATTACHMENTS}个。", field="files")
    values["kinds"] = [check_upload(upload, field="files", label="附件") for upload in intake.files]
    return values


def do_register_case(
    intake: Intake, *, actor: User | None, submission_token: str | None = None
) -> tuple[Case, str | None]:
    """Register a case and start its clock. Returns the case and its query code (None when the
    same submission token already made this case: a form sent twice creates one case)."""
    if submission_token:
        existing = Case.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, None
    if actor is not None and not rules.can_register(actor, intake.region):
        raise NotAllowed("只有本地区的窗口受理员或督办员可以登记诉求。")
    values = _validate(intake)
    file_kinds = values.pop("kinds")
    try:
        with transaction.atomic():
            return _create(intake, values, file_kinds, actor=actor, submission_token=submission_token)
    except IntegrityError:
        if submission_token:
            existing = Case.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                return existing, None
        raise


def _create(intake: Intake, values: dict, file_kinds, *, actor: User | None, submission_token: str | None):
    moment = clock_now()
    number = _next_number(intake.region, timezone.localtime(moment).year)
    code = new_query_code()
    case = Case(
        number=number,
        region=intake.region,
        kind=intake.kind,
        category=intake.category,
        channel=intake.channel,
        query_code_hash=hash_query_code(number, code),
        submission_token=submission_token or None,
        registered_by=actor,
        registered_at_department=actor.department if actor is not None else None,
        proposed_department=intake.proposed_department,
        api_client=intake.api_client,
        created_at=moment,
        updated_at=moment,
        **values,
    )
    open_stage(case, State.REGISTERED, moment)
    channel = Channel(intake.channel).label
    event = new_event(
        case,
        EventKind.REGISTERED,
        actor=actor,
        old_state="",
        now=moment,
        note=f"{channel}登记。",
        public_note=f"您的诉求已通过{channel}登记，编号{number}。",
        is_public=True,
        data={"channel": intake.channel, "linked_case": values["linked_case"].number if values["linked_case"] else ""},
    )
    sms = requester_sms(
        case,
        event,
        subject="诉求已登记",
        body=f"您的诉求已登记，编号{number}，查询码{code}。请凭编号和查询码查询办理进度。",
        now=moment,
    )
    insert_together(case, event, sms)
    if intake.stuck_departments:
        case.stuck_departments.set(intake.stuck_departments)
    for upload, kind in zip(intake.files, file_kinds, strict=True):
        CaseAttachment.objects.create(
            case=case,
            event=event,
            file=upload,
            original_name=(upload.name or "")[:200],
            content_type=kind.content_type,
            size=upload.size,
            is_public=False,
        )
    return case, code


_INSERT_SQL: dict[str, str] = {}


def _insertable(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _row(obj, fields, skip=()) -> str:
    """The object's column values as one JSON document (PostgreSQL types them on the way in)."""
    row = {}
    for model_field in fields:
        if model_field.attname not in skip:
            row[model_field.column] = model_field.pre_save(obj, add=True)
    return json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)


REVOKED = "接入系统的密钥已被吊销，不能再提交诉求。"


def insert_together(case: Case, event, sms) -> None:
    """Insert a new case, its first event and the requester's SMS, unless the system filing it
    had its key revoked (checked in the same statement: revocation holds from the next request
    in every process, at no extra round trip).

    On PostgreSQL one statement does all three (data-modifying CTEs), each row passed as one
    JSON parameter expanded by jsonb_populate_record: one round trip instead of three, a
    statement text psycopg caches and PostgreSQL prepares once per connection, and none of the
    ORM's per-field preparation. Intake is the platform's hottest write, filed at a thousand a
    second by other systems (bench/results/open311.md). Elsewhere: the three plain saves."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if case.api_client_id is not None and not ApiClient.objects.filter(pk=case.api_client_id, is_active=True).exists():
            raise NotAllowed(REVOKED, field="api_client")
        case.save()
        event.case = case
        event.save()
        sms.case, sms.event = case, event
        sms.save()
        return
    from minsheng.cases.models import CaseEvent, Notification

    case_fields, event_fields, sms_fields = _insertable(Case), _insertable(CaseEvent), _insertable(Notification)
    if "intake" not in _INSERT_SQL:

        def columns(fields, skip=(), prefix=""):
            return ", ".join(prefix + f.column for f in fields if f.attname not in skip)

        case_table, event_table, sms_table = Case._meta.db_table, CaseEvent._meta.db_table, Notification._meta.db_table
        _INSERT_SQL["intake"] = (
            f"WITH c AS (INSERT INTO {case_table} ({columns(case_fields)}) "
            f"SELECT {columns(case_fields)} FROM jsonb_populate_record(NULL::{case_table}, %s::jsonb) "
            # A system's key revoked before this statement began files nothing.
            f"WHERE api_client_id IS NULL OR EXISTS (SELECT 1 FROM {ApiClient._meta.db_table} a "
            f"WHERE a.id = api_client_id AND a.is_active) RETURNING id), "
            f"e AS (INSERT INTO {event_table} (case_id, {columns(event_fields, ('case_id',))}) "
            f"SELECT c.id, {columns(event_fields, ('case_id',), 'r.')} "
            f"FROM c, jsonb_populate_record(NULL::{event_table}, %s::jsonb) r RETURNING id, case_id) "
            f"INSERT INTO {sms_table} (case_id, event_id, {columns(sms_fields, ('case_id', 'event_id'))}) "
            f"SELECT e.case_id, e.id, {columns(sms_fields, ('case_id', 'event_id'), 'r.')} "
            f"FROM e, jsonb_populate_record(NULL::{sms_table}, %s::jsonb) r RETURNING case_id, event_id, id"
        )
    params = [
        _row(case, case_fields),
        _row(event, event_fields, ("case_id",)),
        _row(sms, sms_fields, ("case_id", "event_id")),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL["intake"], params)
        inserted = cursor.fetchone()
    if inserted is None:
        raise NotAllowed(REVOKED, field="api_client")
    case.pk, event.pk, sms.pk = inserted
    for obj in (case, event, sms):
        obj._state.adding = False
        obj._state.db = connection.alias
    event.case, sms.case, sms.event = case, case, event
