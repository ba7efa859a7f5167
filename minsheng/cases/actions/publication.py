"""What of a case the public sees: the public summary and result staff write, and which
attachments the handling department publishes. Each change is staff-only on the timeline."""

from django.db import transaction

from minsheng.cases import rules
from minsheng.cases.actions._base import lock_case, now as clock_now, optional_text, write_event
from minsheng.cases.models import Case, CaseAttachment, EventKind
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.org.models import User

MAX_PUBLIC_TEXT = 2000


def _check_editor(actor: User | None, case: Case) -> None:
    if actor is not None and not (rules.can_handle(actor, case) or rules.can_supervise(actor, case)):
        raise NotAllowed("只有承办部门或本地区督办员可以修改对外公开的内容。")


@transaction.atomic
def do_edit_public_text(case: Case, *, summary: str, result: str, actor: User | None):
    """The summary and result the public reads instead of the text as typed (masked either way).
    Empty means: publish the text as typed, masked."""
    case = lock_case(case)
    _check_editor(actor, case)
    summary = optional_text(summary, "public_summary", "公开摘要", max_length=MAX_PUBLIC_TEXT)
    result = optional_text(result, "public_result", "公开办理结果", max_length=MAX_PUBLIC_TEXT)
    if result and not case.result:
        raise ActionError("本件尚未办结，还没有可公开的办理结果。", field="public_result")
    old = {"summary": case.public_summary, "result": case.public_result}
    if old == {"summary": summary, "result": result}:
        return None
    moment = clock_now()
    case.public_summary, case.public_result, case.updated_at = summary, result, moment
    case.save(update_fields=["public_summary", "public_result", "updated_at"])
    return write_event(
        case, EventKind.PUBLIC_TEXT_EDITED, actor=actor, old_state=case.state, now=moment,
        department=actor.department if actor else case.lead_department,
        data={"old": old, "new": {"summary": summary, "result": result}},
    )


@transaction.atomic
def do_set_attachment_public(attachment: CaseAttachment, *, is_public: bool, actor: User | None):
    """Publish an attachment (anyone with its link may open it) or take it back."""
    case = lock_case(attachment.case_id)
    _check_editor(actor, case)
    attachment = CaseAttachment.objects.select_for_update().get(pk=attachment.pk, case=case)
    if attachment.is_public == is_public:
        return None
    attachment.is_public = is_public
    attachment.save(update_fields=["is_public"])
    moment = clock_now()
    case.updated_at = moment
    case.save(update_fields=["updated_at"])
    return write_event(
        case, EventKind.ATTACHMENT_PUBLISHED, actor=actor, old_state=case.state, now=moment,
        department=actor.department if actor else case.lead_department,
        note=f"{'公开' if is_public else '取消公开'}附件“{attachment.original_name}”。",
        data={"attachment": str(attachment.key), "is_public": is_public},
    )
