"""The worker's due work on applications, and the lift in service.

- A government stage (street review, joint review, permit, use registration, subsidy) climbs the
  cases' ladder: the stage's department is warned when less than 30 % of its working time is
  left, at the due time the application is marked late (one LATE event, staff only) and the
  department's head is told, one working day after the stage's last day the region's
  supervision office. Each rung once; the ladder starts again in the next stage.
- A lift in service is serviced at least every 15 days (the rule set's interval, never longer):
  when a servicing falls due the contractor gets an SMS and the street's staff a message, once a
  period; its annual inspection is reminded the rule set's days before the certificate expires,
  once a certificate.

The sweep claims due rows by the partial index `application_due_work` with SKIP LOCKED, so two
workers never do one thing twice, and plans each row's next look (None: nothing left to do).
Notifications go to the cases' outbox in the same transaction as the event."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minsheng.cases.actions._base import department_staff, notify_users, sms_text, staff_with_role, supervisors_for
from minsheng.cases.models import Notification
from minsheng.cases.workflow import due_words, last_day, warn_time
from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.identity import normalize_mobile
from minsheng.core.text import check_date, check_text, date_words
from minsheng.elevators import rules
from minsheng.elevators.actions._base import locked, write_event
from minsheng.elevators.models import Application, ApplicationEvent, EventKind, StageRecord
from minsheng.elevators.stages import GOVERNMENT_STAGES, Stage
from minsheng.org import workdays
from minsheng.org.models import Role, User

# Yellow once less than this share of a stage's working time is left (the case kinds' default).
WARN_SHARE = Decimal("0.3")
# TSG T5002 (电梯维护保养规则): a lift is serviced at least every 15 days.
MAX_SERVICE_INTERVAL_DAYS = 15
# Reminders go out at 09:00: contractors are not texted at night.
REMIND_AT = time(9, 0)
INSPECTION_HORIZON_DAYS = 2 * 366

WARNED, LATE, SUPERVISION = 1, 2, 3  # Application.rung: the ladder's rungs reached in this stage

RUNG_TEXT = {
    WARNED: (EventKind.WARNED, "临期预警", "剩余时间不足，请抓紧办理。"),
    LATE: (EventKind.LATE, "已超期", "已超过办理期限，请部门负责人督促办理。"),
    SUPERVISION: (EventKind.ESCALATED, "逾期督办", "逾期一个工作日仍未办结，请督办机构督办。"),
}


# --- the ladder on the government's stages ---------------------------------------------------

def is_timed(application: Application) -> bool:
    return application.stage in GOVERNMENT_STAGES and application.due_at is not None


def rung_time(application: Application, rung: int) -> datetime | None:
    """When rung `rung` is reached in the current stage (cases.workflow.rung_time's timings): the
    warning, the due time, the end of the working day after the stage's last day."""
    if not is_timed(application):
        return None
    due = application.due_at
    if rung == WARNED:
        start = timezone.localtime(application.stage_started_at).date()
        days = max(1, workdays.working_days_between(start, last_day(due)))
        return min(due, warn_time(application.stage_started_at, days, WARN_SHARE))
    if rung == LATE:
        return due
    if rung == SUPERVISION:
        return workdays.end_of_working_day(workdays.add_working_days(last_day(due), 1))
    return None


def _stage_department(application: Application):
    record = (StageRecord.objects.filter(application=application, stage=application.stage, ended_at__isnull=True)
              .select_related("department").order_by("-started_at").first())
    return record.department if record else None


def _rung_recipients(application: Application, department, rung: int):
    """The department's handlers and head for the warning, its head once late (its staff when it
    has none on the platform), the supervision office a working day later; a stage without a
    department on the platform goes to the supervision office at once."""
    if rung == SUPERVISION or department is None:
        return supervisors_for(application.region)
    if rung == WARNED:
        return department_staff(department)
    heads = staff_with_role(Role.DEPARTMENT_HEAD, department=department)
    return heads if heads.exists() else department_staff(department)


def _climb(application: Application, now: datetime) -> list[str]:
    done = []
    department = None
    while application.rung < SUPERVISION:
        rung = application.rung + 1
        at = rung_time(application, rung)
        if at is None or at > now:
            break
        if department is None:
            department = _stage_department(application)
        application.rung = rung
        kind, title, text = RUNG_TEXT[rung]
        stage = application.get_stage_display()
        where = f"（{department.name}）" if department else ""
        write_event(application, kind, actor=None, note=f"“{stage}”环节{where}期限{due_words(application.due_at)}，{text}",
                    data={"rung": rung, "due_at": application.due_at.isoformat(),
                          "department": department.pk if department else None})
        notify_users(_rung_recipients(application, department, rung), case=None, event=None,
                     subject=f"{title}：加装电梯申请{application.number}",
                     body=f"{application.entrance}加装电梯申请{application.number}在“{stage}”环节{where}，"
                          f"期限{due_words(application.due_at)}。{text}",
                     now=now)
        done.append(kind)
    return done


# --- the lift in service ---------------------------------------------------------------------

def service_interval(rule_set) -> int:
    """Days between servicings: the rule set's, never longer than 15."""
    return min(rule_set.maintenance_interval_days or MAX_SERVICE_INTERVAL_DAYS, MAX_SERVICE_INTERVAL_DAYS)


def _at_nine(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, REMIND_AT))


def servicing_periods(application: Application, now: datetime) -> tuple[date | None, date | None]:
    """(the due date of the servicing period whose reminder time has come, or None; the next
    period's due date). Periods run every interval from the last servicing (or the day the lift
    entered service): a lift not serviced is reminded again each period."""
    base = application.last_serviced_on or application.entered_service_on
    if base is None:
        return None, None
    interval = service_interval(application.rule_set)
    periods = max(0, (timezone.localtime(now).date() - base).days // interval)
    if periods and now < _at_nine(base + timedelta(days=periods * interval)):
        periods -= 1
    current = base + timedelta(days=periods * interval) if periods else None
    return current, base + timedelta(days=(periods + 1) * interval)


def inspection_notice_on(application: Application) -> date | None:
    if application.inspection_expires_on is None:
        return None
    return application.inspection_expires_on - timedelta(days=application.rule_set.inspection_notice_days)


def _reminded(application: Application, which: str, key: str, day: date) -> bool:
    return ApplicationEvent.objects.filter(application=application, kind=EventKind.REMINDER, data__reminder=which,
                                           **{f"data__{key}": day.isoformat()}).exists()


def _in_service_next_check(application: Application, now: datetime) -> datetime | None:
    moments = []
    current, following = servicing_periods(application, now)
    if following is not None:
        moments.append(now if current and not _reminded(application, "servicing", "due_on", current) else _at_nine(following))
    notice_on = inspection_notice_on(application)
    if notice_on is not None:
        at = _at_nine(notice_on)
        if at > now:
            moments.append(at)
        elif not _reminded(application, "inspection", "expires_on", application.inspection_expires_on):
            moments.append(now)
    return min(moments, default=None)


def street_staff(application: Application) -> list[User]:
    """The staff of the application's street (rules.works_for_street: the county's 住建局 when the
    street has no office on the platform)."""
    candidates = User.objects.filter(is_active=True, department__isnull=False).filter(
        Q(department__region_id=application.street_id)
        | Q(department__region_id=application.region_id, department__short_name="住建局")
        | Q(department__region_id=application.region_id, department__name__endswith="住建局")
    ).select_related("department__region").distinct()
    return [user for user in candidates if rules.works_for_street(user, application)]


def _remind(application: Application, which: str, *, key: str, day: date, subject: str, text: str, now: datetime) -> None:
    write_event(application, EventKind.REMINDER, actor=None, note=f"{subject}：{text}",
                data={"reminder": which, key: day.isoformat()})
    if application.maintenance_phone:
        Notification.objects.create(channel="sms", recipient_address=application.maintenance_phone, case=None,
                                    subject=subject[:100], body=sms_text(f"{application.maintenance_contractor}：{text}"),
                                    next_attempt_at=now, created_at=now)
    notify_users(street_staff(application), case=None, event=None, subject=f"{subject}：{application.number}", body=text,
                 now=now)


def _remind_in_service(application: Application, now: datetime) -> list[str]:
    done = []
    current, _following = servicing_periods(application, now)
    if current is not None and not _reminded(application, "servicing", "due_on", current):
        interval = service_interval(application.rule_set)
        _remind(application, "servicing", key="due_on", day=current, now=now, subject="电梯维护保养提醒",
                text=f"{application.entrance}加装的电梯应于{date_words(current)}前完成维护保养"
                     f"（至少每{interval}日一次），请及时安排并登记。")
        done.append("servicing")
    notice_on = inspection_notice_on(application)
    expires = application.inspection_expires_on
    if notice_on is not None and _at_nine(notice_on) <= now and not _reminded(application, "inspection", "expires_on", expires):
        _remind(application, "inspection", key="expires_on", day=expires, now=now, subject="电梯定期检验提醒",
                text=f"{application.entrance}加装的电梯定期检验有效期至{date_words(expires)}，"
                     "请在期满前向特种设备检验机构申请定期检验。")
        done.append("inspection")
    return done


# --- the sweep -------------------------------------------------------------------------------

def plan_next_check(application: Application, now: datetime) -> None:
    """When the worker must look at this application next: the next rung in a government stage,
    the next reminder for a lift in service, never otherwise."""
    if is_timed(application):
        application.next_check_at = rung_time(application, application.rung + 1)
    elif application.stage == Stage.IN_SERVICE:
        application.next_check_at = _in_service_next_check(application, now)
    else:
        application.next_check_at = None


def process_due_application(application: Application, now: datetime) -> list[str]:
    """Do what is due on a locked application and plan its next look. Safe to run twice: each
    step looks at the application as it is (its rung, its reminder events)."""
    if is_timed(application):
        done = _climb(application, now)
    elif application.stage == Stage.IN_SERVICE:
        done = _remind_in_service(application, now)
    else:
        done = []
    plan_next_check(application, now)
    application.save(update_fields=["rung", "next_check_at"])
    return done


def sweep_due_applications(limit: int = 200, *, now: datetime | None = None) -> int:
    """Claim up to `limit` applications whose next check is due and process them, in one
    transaction; rows another worker holds are skipped, not waited for."""
    now = now or clock.now()
    with transaction.atomic():
        due = list(
            Application.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("rule_set", "region", "entrance__building__estate")
            .filter(next_check_at__lte=now)
            .order_by("next_check_at", "pk")[:limit]
        )
        for application in due:
            process_due_application(application, now)
    return len(due)


# --- maintenance ----------------------------------------------------------------------------

def _may_look_after(actor: User | None, application: Application) -> None:
    """The street and its communities (who run the owners' side), 市场监管局 (special equipment),
    and oversight."""
    if actor is None:
        return
    if not (rules.may_run_consultation(actor, application) or rules.may_act_on_stage(actor, application, Stage.REGISTRATION)):
        raise NotAllowed("只有所在街道、社区或市场监管局的工作人员可以登记电梯的维保情况。")


def _require_in_service(application: Application) -> None:
    if application.stage != Stage.IN_SERVICE or application.entered_service_on is None:
        raise ActionError(f"该申请处于“{application.get_stage_display()}”，电梯投入使用后才能登记维保和定期检验。",
                          field="stage")


@transaction.atomic
def do_set_maintenance(application: Application, *, contractor: str, phone: str, inspection_expires_on: date,
                       actor: User | None) -> Application:
    """The lift's maintenance contractor, its mobile (for the reminders) and the date its
    periodic inspection certificate runs to."""
    application = locked(application)
    _require_in_service(application)
    _may_look_after(actor, application)
    contractor = check_text((contractor or "").strip(), field="contractor", label="维保单位")
    if not contractor:
        raise ActionError("请填写维保单位名称。", field="contractor")
    if len(contractor) > 100:
        raise ActionError("维保单位名称不能超过100字。", field="contractor")
    try:
        phone = normalize_mobile(phone or "")
    except ValidationError:
        raise ActionError("维保单位联系电话应为11位手机号码（以13至19开头），用于接收维保和检验提醒短信。",
                          field="phone") from None
    expires = check_date(inspection_expires_on, field="inspection_expires_on", label="定期检验有效期")
    if expires is None:
        raise ActionError("请填写定期检验有效期（检验合格证上的下次检验日期）。", field="inspection_expires_on")
    if expires < application.entered_service_on:
        raise ActionError(f"定期检验有效期不能早于投入使用日期（{date_words(application.entered_service_on)}）。",
                          field="inspection_expires_on")
    today = clock.today()
    if expires > today + timedelta(days=INSPECTION_HORIZON_DAYS):
        raise ActionError(f"定期检验每年一次，有效期不能晚于{date_words(today + timedelta(days=INSPECTION_HORIZON_DAYS))}。",
                          field="inspection_expires_on")
    old = {"contractor": application.maintenance_contractor, "phone": application.maintenance_phone,
           "inspection_expires_on": application.inspection_expires_on.isoformat() if application.inspection_expires_on else None}
    new = {"contractor": contractor, "phone": phone, "inspection_expires_on": expires.isoformat()}
    if old == new:
        return application
    application.maintenance_contractor, application.maintenance_phone = contractor, phone
    application.inspection_expires_on = expires
    now = clock.now()
    plan_next_check(application, now)
    application.save(update_fields=["maintenance_contractor", "maintenance_phone", "inspection_expires_on", "next_check_at"])
    write_event(application, EventKind.MAINTENANCE, actor=actor,
                note=f"维保单位：{contractor}；定期检验有效期至{date_words(expires)}。", data={"old": old, "new": new})
    return application


@transaction.atomic
def do_record_service(application: Application, *, serviced_on: date, note: str = "", actor: User | None) -> Application:
    """One servicing of the lift, as the contractor's record says: the next is due an interval later."""
    application = locked(application)
    _require_in_service(application)
    _may_look_after(actor, application)
    serviced_on = check_date(serviced_on, field="serviced_on", label="维保日期")
    if serviced_on is None:
        raise ActionError("请填写维保日期。", field="serviced_on")
    if serviced_on > clock.today():
        raise ActionError("维保日期不能晚于今天。", field="serviced_on")
    if serviced_on < application.entered_service_on:
        raise ActionError(f"维保日期不能早于电梯投入使用日期（{date_words(application.entered_service_on)}）。",
                          field="serviced_on")
    note = check_text((note or "").strip(), field="note", label="维保情况")
    if len(note) > 1000:
        raise ActionError("维保情况不能超过1000字。", field="note")
    if application.events.filter(kind=EventKind.SERVICED, data__serviced_on=serviced_on.isoformat()).exists():
        raise ActionError(f"{date_words(serviced_on)}的维护保养已经登记过。", field="serviced_on")
    if application.last_serviced_on is None or serviced_on > application.last_serviced_on:
        application.last_serviced_on = serviced_on
    now = clock.now()
    plan_next_check(application, now)
    application.save(update_fields=["last_serviced_on", "next_check_at"])
    by = f"（{application.maintenance_contractor}）" if application.maintenance_contractor else ""
    write_event(application, EventKind.SERVICED, actor=actor,
                note=f"{date_words(serviced_on)}完成维护保养{by}。" + (f"\n{note}" if note else ""),
                data={"serviced_on": serviced_on.isoformat()})
    return application
