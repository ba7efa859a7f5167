"""A helper's visit to a firm: the day, how (on site, phone, online), what was discussed, files."""

from datetime import date

from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_date, check_text
from minsheng.core.uploads import check_upload
from minsheng.enterprises import rules
from minsheng.enterprises.actions._base import locked, write_event
from minsheng.enterprises.models import Entity, EventKind, Visit, VisitAttachment, VisitKind
from minsheng.org.models import User

MAX_SUMMARY = 4000
MAX_FILES = 6


@transaction.atomic
def do_record_visit(entity: Entity, *, visited_on: date, kind: str, summary: str, files=(), helper: User | None = None,
                    actor: User | None) -> Visit:
    """The visit as the helper records it (a keeper may record it for a helper). Not in the
    future; not before the firm's file was opened."""
    entity = locked(entity)  # its status and closing day as they are now (a closure may be under way)
    helper = helper or actor
    if actor is not None and not rules.may_act_for(actor, entity):
        raise NotAllowed("只有该市场主体的帮扶干部或本地区营商办可以登记走访。")
    if helper is None:
        raise ActionError("请选择走访的帮扶干部。", field="helper")
    visited_on = check_date(visited_on, field="visited_on", label="走访日期")
    if visited_on is None:
        raise ActionError("请填写走访日期。", field="visited_on")
    if visited_on > clock.today():
        raise ActionError("走访日期不能晚于今天。", field="visited_on")
    if entity.established_on and visited_on < entity.established_on:
        raise ActionError("走访日期不能早于成立日期。", field="visited_on")
    if not entity.is_active and (entity.closed_on is None or visited_on > entity.closed_on):
        raise ActionError(f"该市场主体已{entity.get_status_display()}，走访日期不能晚于注销（吊销）日期。", field="visited_on")
    if kind not in VisitKind.values:
        raise ActionError("请选择走访方式。", field="kind")
    summary = check_text((summary or "").strip(), field="summary", label="走访情况")
    if not summary:
        raise ActionError("请填写走访情况：了解了什么、企业反映了什么。", field="summary")
    if len(summary) > MAX_SUMMARY:
        raise ActionError(f"走访情况不能超过{MAX_SUMMARY}字。", field="summary")
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ActionError(f"附件最多{MAX_FILES}个。", field="files")
    kinds = [check_upload(upload, field="files", label="附件") for upload in files]
    visit = Visit.objects.create(entity=entity, helper=helper, visited_on=visited_on, kind=kind, summary=summary)
    for upload, file_kind in zip(files, kinds, strict=True):
        VisitAttachment.objects.create(visit=visit, file=upload, name=upload.name[:200], content_type=file_kind.content_type,
                                       size=upload.size)
    write_event(EventKind.VISITED, actor=actor, entity=entity,
                note=f"{VisitKind(kind).label}（{helper.full_name or helper.username}）",
                data={"visit": visit.pk, "visited_on": visited_on, "kind": kind, "files": len(files)})
    return visit
