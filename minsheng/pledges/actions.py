"""Every change to practical-matter lists and items. Each action is atomic, checks permission,
and writes its event; `actor=None` means the system (a command run by an operator)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from minsheng.core import clock, geo
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_date, check_text, control_character_message, date_words, forbidden_character
from minsheng.core.uploads import check_upload
from minsheng.org.models import Department, Region, User
from minsheng.pledges.models import (
    EventKind,
    Evidence,
    FocusArea,
    Level,
    ListKind,
    Milestone,
    PledgeEvent,
    PledgeItem,
    PledgeList,
)
from minsheng.pledges.rules import can_edit_item, can_manage_list, can_post_progress

MAX_EVIDENCE_FILES = 9


EDITABLE_FIELDS = (
    "title",
    "description",
    "focus_area",
    "level",
    "region",
    "location",
    "latitude",
    "longitude",
    "lead_leader",
    "lead_department",
    "target",
    "start_date",
    "deadline",
    "weight",
)


@dataclass
class ItemDraft:
    """An item as typed in a form or a spreadsheet row, before it exists."""

    number: str
    title: str
    focus_area: FocusArea
    level: str
    region: Region
    lead_department: Department
    start_date: date
    deadline: date
    description: str = ""
    lead_leader: str = ""
    target: str = ""
    weight: Decimal | None = None
    location: Region | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    parent_number: str = ""
    co_departments: list[Department] = field(default_factory=list)
    milestones: list[tuple[date, str]] = field(default_factory=list)


def read_point(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """An item's place as typed or read from a sheet: two numbers of WGS-84 degrees inside the
    city (core.geo, the rule every map of the platform uses), or neither."""
    given = [value is not None and not (isinstance(value, str) and not value.strip()) for value in (latitude, longitude)]
    if not any(given):
        return None, None
    if not given[0]:
        raise ActionError("填写了经度，也请填写纬度。", field="latitude")
    if not given[1]:
        raise ActionError("填写了纬度，也请填写经度。", field="longitude")
    return geo.read_point(latitude, longitude)


def check_draft(draft: ItemDraft, pledge_list: PledgeList) -> list[tuple[str, str]]:
    """The rules an item must meet, as (field, message) pairs; empty when it is valid."""
    problems = []
    texts = {"number": "序号", "title": "事项名称", "description": "具体内容", "lead_leader": "牵头领导", "target": "目标任务"}
    for name, label in texts.items():
        position = forbidden_character(getattr(draft, name) or "")
        if position is not None:
            problems.append((name, control_character_message(label, getattr(draft, name), position)))
    for _due, title in draft.milestones:
        position = forbidden_character(title or "")
        if position is not None:
            problems.append(("milestones", control_character_message("节点名称", title, position)))
    if not pledge_list.region.contains(draft.region):
        problems.append(("region", f"所属地区“{draft.region}”不在清单制定地区“{pledge_list.region}”范围内。"))
    try:
        read_point(draft.latitude, draft.longitude)
    except ActionError as error:
        problems.append((error.field, error.message))
    if draft.location is not None and not pledge_list.region.contains(draft.location):
        problems.append(("location", f"实施地区“{draft.location}”不在清单制定地区“{pledge_list.region}”范围内。"))
    if draft.level == Level.COUNTY and draft.region.county is None:
        problems.append(("level", "县级事项的所属地区应为县（市、区）或其下的乡镇街道。"))
    if not draft.region.contains(draft.lead_department.region) and not draft.lead_department.region.contains(
        draft.region
    ):
        problems.append(("lead_department", f"牵头单位“{draft.lead_department}”不属于所属地区“{draft.region}”。"))
    if draft.deadline < draft.start_date:
        problems.append(("deadline", "完成时限不能早于开始日期。"))
    if draft.lead_department in draft.co_departments:
        problems.append(("co_departments", "配合单位不能与牵头单位相同。"))
    for due, _title in draft.milestones:
        if not draft.start_date <= due <= draft.deadline:
            problems.append(("milestones", f"节点日期{date_words(due)}应在开始日期与完成时限之间。"))
    return problems


def _create_item(pledge_list: PledgeList, draft: ItemDraft, parent: PledgeItem | None) -> PledgeItem:
    item = PledgeItem.objects.create(
        pledge_list=pledge_list,
        parent=parent,
        number=draft.number,
        title=draft.title,
        description=draft.description,
        focus_area=draft.focus_area,
        level=draft.level,
        region=draft.region,
        location=draft.location,
        latitude=draft.latitude,
        longitude=draft.longitude,
        lead_leader=draft.lead_leader,
        lead_department=draft.lead_department,
        target=draft.target,
        start_date=draft.start_date,
        deadline=draft.deadline,
        weight=draft.weight,
    )
    item.co_departments.set(draft.co_departments)
    Milestone.objects.bulk_create(Milestone(item=item, title=title, due_date=due) for due, title in draft.milestones)
    return item


@transaction.atomic
def do_create_item(pledge_list: PledgeList, draft: ItemDraft, *, actor: User | None) -> PledgeItem:
    if actor is not None and not can_manage_list(actor, pledge_list):
        raise NotAllowed("只有本地区的管理员或督办员可以在清单中新增事项。")
    draft.latitude, draft.longitude = read_point(draft.latitude, draft.longitude)
    problems = check_draft(draft, pledge_list)
    if problems:
        raise ActionError(problems[0][1], field=problems[0][0])
    if pledge_list.items.filter(number=draft.number).exists():
        raise ActionError(f"序号“{draft.number}”在本清单中已存在。", field="number")
    parent = None
    if draft.parent_number:
        parent = pledge_list.items.filter(number=draft.parent_number).first()
        if parent is None:
            raise ActionError(f"上级序号“{draft.parent_number}”在本清单中不存在。", field="parent")
    item = _create_item(pledge_list, draft, parent)
    PledgeEvent.objects.create(item=item, kind=EventKind.CREATED, actor=actor, is_public=True, note="事项纳入清单。")
    if parent is not None:
        _roll_up(parent)
    return item


@transaction.atomic
def do_import_pledge_list(
    *, title: str, year: int, region: Region, drafts: list[ItemDraft], actor: User | None,
    kind: str = ListKind.PRACTICAL,
) -> PledgeList:
    """Create a list with all its items at once. The caller has checked each row (pledges.xlsx);
    this re-checks the rules that span rows and creates everything or nothing. A reform task list
    or a rectification list is the same engine (ListKind)."""
    if kind not in ListKind.values:
        raise ActionError("未知的清单类型。", field="kind")
    pledge_list = PledgeList(title=title, year=year, region=region, kind=kind)
    if actor is not None and not can_manage_list(actor, pledge_list):
        raise NotAllowed(f"只有本地区的管理员或督办员可以导入{ListKind(kind).label}。")
    if PledgeList.objects.filter(year=year, region=region, title=title).exists():
        raise ActionError(f"{region}{year}年已有名为“{title}”的清单，请换一个名称。", field="title")
    if not drafts:
        raise ActionError("文件中没有事项。", field="file")
    pledge_list.save()
    created: dict[str, PledgeItem] = {}
    # Parents first, whatever order the rows came in.
    for draft in sorted(drafts, key=lambda draft: bool(draft.parent_number)):
        item = _create_item(pledge_list, draft, created.get(draft.parent_number))
        created[draft.number] = item
    PledgeEvent.objects.bulk_create(
        PledgeEvent(
            item=item, kind=EventKind.IMPORTED, actor=actor, is_public=True, note=f"随《{title}》导入。"
        )
        for item in created.values()
    )
    return pledge_list


@transaction.atomic
def do_open_list(*, title: str, year: int, region: Region, kind: str, actor: User | None) -> PledgeList:
    """An empty list that items join one by one (a rectification list grows as walk-throughs find
    problems); the one of that title, year and region when it exists already."""
    if kind not in ListKind.values:
        raise ActionError("未知的清单类型。", field="kind")
    pledge_list = PledgeList(title=title, year=year, region=region, kind=kind)
    if actor is not None and not can_manage_list(actor, pledge_list):
        raise NotAllowed(f"只有本地区的管理员或督办员可以建立{ListKind(kind).label}。")
    existing = PledgeList.objects.select_for_update().filter(year=year, region=region, title=title).first()
    if existing is not None:
        if existing.kind != kind:
            raise ActionError(f"{region}{year}年已有名为“{title}”的{existing.get_kind_display()}。", field="title")
        return existing
    pledge_list.save()
    return pledge_list


@transaction.atomic
def do_edit_item(item: PledgeItem, changes: dict, *, actor: User | None, co_departments=None) -> PledgeItem:
    """Change an item's descriptive fields; progress is never edited here, only posted."""
    item = PledgeItem.objects.select_for_update().select_related("pledge_list__region").get(pk=item.pk)
    if actor is not None and not can_edit_item(actor, item):
        raise NotAllowed("只有本地区的管理员或督办员可以修改事项。")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(f"这些字段不能在此修改：{'、'.join(sorted(unknown))}。")
    if "latitude" in changes or "longitude" in changes:
        # A point is moved or cleared as a pair: the half not sent stays as it was.
        point = read_point(changes.get("latitude", item.latitude), changes.get("longitude", item.longitude))
        changes = {**changes, **{name: value for name, value in zip(("latitude", "longitude"), point) if name in changes}}
    before = {name: getattr(item, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    old_co = set(item.co_departments.all())
    co_changed = co_departments is not None and set(co_departments) != old_co
    if not changed and not co_changed:
        return item
    for name, value in changed.items():
        setattr(item, name, value)
    draft = ItemDraft(
        number=item.number,
        title=item.title,
        focus_area=item.focus_area,
        level=item.level,
        region=item.region,
        location=item.location,
        latitude=item.latitude,
        longitude=item.longitude,
        lead_department=item.lead_department,
        start_date=item.start_date,
        deadline=item.deadline,
        description=item.description,
        lead_leader=item.lead_leader,
        target=item.target,
        co_departments=list(co_departments if co_departments is not None else old_co),
        milestones=[(m.due_date, m.title) for m in item.milestones.all()],
    )
    problems = check_draft(draft, item.pledge_list)
    if problems:
        raise ActionError(problems[0][1], field=problems[0][0])
    item.save()
    data = {name: {"old": _as_text(before[name]), "new": _as_text(changed[name])} for name in changed}
    if co_changed:
        item.co_departments.set(co_departments)
        data["co_departments"] = {
            "old": sorted(d.name for d in old_co),
            "new": sorted(d.name for d in co_departments),
        }
    labels = "、".join(str(PledgeItem._meta.get_field(name).verbose_name) for name in data)
    PledgeEvent.objects.create(
        item=item, kind=EventKind.EDITED, actor=actor, is_public=True, note=f"修改了{labels}。", data=data
    )
    if "weight" in changed and item.parent_id:
        _roll_up(item.parent)
    return item


@transaction.atomic
def do_post_progress(
    item: PledgeItem,
    *,
    happened_on: date,
    text: str,
    percent: int | None,
    files: list[UploadedFile] = (),
    actor: User | None,
) -> PledgeEvent:
    """Record a progress update with its evidence. For an item with sub-items the percent is
    their roll-up, so only text is accepted there."""
    item = PledgeItem.objects.select_for_update().get(pk=item.pk)
    if actor is not None and not can_post_progress(actor, item):
        raise NotAllowed("只有牵头单位可以报送本事项的进度。")
    text = check_text((text or "").strip(), field="text", label="进展情况")
    if not text:
        raise ActionError("请填写进展情况。", field="text")
    if len(text) > 2000:
        raise ActionError("进展情况不能超过2000字。", field="text")
    check_date(happened_on, field="happened_on", label="进展日期")
    today = clock.today()
    if happened_on > today:
        raise ActionError("进展日期不能晚于今天。", field="happened_on")
    has_children = item.children.exists()
    if has_children and percent is not None:
        raise ActionError("本事项有子项，进度由子项汇总，只能报送文字进展。", field="percent")
    if percent is not None:
        if not 0 <= percent <= 100:
            raise ActionError("进度应为0到100之间的整数。", field="percent")
        if percent < item.percent:
            raise ActionError(f"进度不能低于当前的{item.percent}%。", field="percent")
    if len(files) > MAX_EVIDENCE_FILES:
        raise ActionError(f"佐证材料一次最多上传{MAX_EVIDENCE_FILES}个文件。", field="files")
    kinds = [check_upload(upload, field="files", label="佐证材料") for upload in files]

    old_percent = item.percent
    event = PledgeEvent.objects.create(
        item=item,
        kind=EventKind.PROGRESS,
        actor=actor,
        is_public=True,
        happened_on=happened_on,
        percent=percent,
        note=text,
        data={"old_percent": old_percent, "new_percent": percent if percent is not None else old_percent},
    )
    for upload, kind in zip(files, kinds, strict=True):
        Evidence.objects.create(
            event=event, file=upload, original_name=upload.name[:200], content_type=kind.content_type, size=upload.size
        )
    if percent is not None and percent != old_percent:
        item.percent = percent
        item.completed_on = happened_on if percent >= 100 else None
        item.save(update_fields=["percent", "completed_on", "updated_at"])
        if item.parent_id:
            _roll_up(item.parent)
    return event


@transaction.atomic
def do_complete_milestone(milestone: Milestone, *, completed_on: date, actor: User | None) -> PledgeEvent:
    """Tick a milestone off on the day it was really completed: today or earlier, not before
    the item began."""
    milestone = Milestone.objects.select_for_update().select_related("item").get(pk=milestone.pk)
    item = milestone.item
    if actor is not None and not can_post_progress(actor, item):
        raise NotAllowed("只有牵头单位可以确认本事项的节点。")
    if milestone.completed_on is not None:
        raise ActionError(f"节点“{milestone.title}”已于{date_words(milestone.completed_on)}完成。", field="milestone")
    if completed_on is None:
        raise ActionError("请填写完成日期。", field="completed_on")
    check_date(completed_on, field="completed_on", label="完成日期")
    if completed_on > clock.today():
        raise ActionError("完成日期不能晚于今天。", field="completed_on")
    if completed_on < item.start_date:
        raise ActionError(
            f"完成日期不能早于事项开始日期{date_words(item.start_date)}。", field="completed_on"
        )
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on"])
    return PledgeEvent.objects.create(
        item=item,
        kind=EventKind.MILESTONE_DONE,
        actor=actor,
        is_public=True,
        happened_on=completed_on,
        note=f"完成节点：{milestone.title}",
        data={"milestone_id": milestone.pk},
    )


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _roll_up(parent: PledgeItem) -> None:
    """A parent's percent is its children's average, weighted where weights are set; it is
    complete on the day its last child completed. Climbs to the top of the tree."""
    while parent is not None:
        parent = PledgeItem.objects.select_for_update().get(pk=parent.pk)
        children = list(parent.children.values_list("percent", "weight", "completed_on"))
        if not children:
            return
        if any(weight is not None for _p, weight, _c in children):
            weights = [weight if weight is not None else Decimal(1) for _p, weight, _c in children]
        else:
            weights = [Decimal(1)] * len(children)
        total = sum(Decimal(percent) * weight for (percent, _w, _c), weight in zip(children, weights, strict=True))
        percent = int((total / sum(weights)).to_integral_value(rounding="ROUND_FLOOR"))
        completed_on = max(c for _p, _w, c in children) if percent >= 100 else None
        if (percent, completed_on) != (parent.percent, parent.completed_on):
            parent.percent = percent
            parent.completed_on = completed_on
            parent.save(update_fields=["percent", "completed_on", "updated_at"])
        parent = parent.parent


@transaction.atomic
def do_plan_milestones(item: PledgeItem, planned: list[tuple[date, str]], *, actor: User | None) -> None:
    """Replace an item's open milestones with a new plan; completed ones stay as they are."""
    item = PledgeItem.objects.select_for_update().select_related("pledge_list__region").get(pk=item.pk)
    if actor is not None and not can_edit_item(actor, item):
        raise NotAllowed("只有本地区的管理员或督办员可以调整节点。")
    for due, _title in planned:
        if not item.start_date <= due <= item.deadline:
            raise ActionError(f"节点日期{date_words(due)}应在开始日期与完成时限之间。", field="milestones")
    open_milestones = item.milestones.filter(completed_on__isnull=True)
    before = [(m.due_date, m.title) for m in open_milestones.order_by("due_date", "id")]
    after = sorted((due, title.strip()[:100]) for due, title in planned if title.strip())
    if before == after:
        return
    open_milestones.delete()
    Milestone.objects.bulk_create(Milestone(item=item, title=title, due_date=due) for due, title in after)
    PledgeEvent.objects.create(
        item=item, kind=EventKind.EDITED, actor=actor, is_public=True, note="调整了节点计划。",
        data={"milestones": {"old": [f"{d:%Y-%m-%d} {t}" for d, t in before], "new": [f"{d:%Y-%m-%d} {t}" for d, t in after]}},
    )
