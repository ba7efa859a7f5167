"""Every change to the stations: one function a verb, atomic, one event; refusals name the field
and save nothing. Feedback is a case of the catalogue's stations category, registered through the
case engine and sent straight to the station's operator unit."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.identity import normalize_mobile
from minsheng.core.text import check_date, clean_text
from minsheng.core.uploads import EVIDENCE_KINDS, check_upload
from minsheng.org import workdays
from minsheng.org.models import Department, Region, RegionLevel
from minsheng.core.geo import read_point
from minsheng.stations import hours, rules, timetable
from minsheng.stations.models import (
    Amenity,
    EventKind,
    HolidayPlan,
    Inspection,
    OpeningHours,
    Place,
    Problem,
    Standard,
    StandardItem,
    Station,
    StationAmenity,
    StationCase,
    StationEvent,
    StationPhoto,
    StationStatus,
    Volunteer,
)

PHOTO_KINDS = EVIDENCE_KINDS[:2]  # JPEG and PNG
MAX_PHOTOS = 12
SERVICE_PHONE = re.compile(r"^(\d{3,4}-?)?\d{7,8}(-\d{1,5})?$|^1[3-9]\d{9}$|^(400|800)-?\d{3}-?\d{4}$|^\d{5,6}$")
FEEDBACK_CATEGORY = "station-facility"
FEEDBACK_KIND = "general"
FEEDBACK_NOT_OPEN = "驿站反映暂未开通，请拨打12345。"


def write_event(kind: str, *, actor, station=None, note: str = "", data: dict | None = None,
                is_public: bool = False) -> StationEvent:
    return StationEvent.objects.create(kind=kind, actor=actor, station=station, note=note, data=data or {},
                                       is_public=is_public, created_at=clock.now())


def _text(value, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    return clean_text(value, field=field, label=label, max_length=max_length, required=required)


def read_amenities(codes) -> list[str]:
    if isinstance(codes, str):
        codes = [code for code in re.split(r"[,，、\s]+", codes) if code]
    known = set(Amenity.values)
    labels = {label: code for code, label in Amenity.choices}
    cleaned = []
    for code in codes or []:
        code = labels.get(str(code).strip(), str(code).strip())
        if code not in known:
            raise ActionError(f"未知的设施“{str(code)[:20]}”。可选：{'、'.join(Amenity.labels)}。", field="amenities")
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _phone(value, field: str, label: str, *, required: bool = False) -> str:
    text = _text(value, field, label, 20, required=required).replace(" ", "")
    if text and not SERVICE_PHONE.match(text):
        raise ActionError(f"{label}格式不正确，应为固定电话（如0792-8221234）或手机号码。", field=field)
    return text


def _region(region) -> Region:
    if not isinstance(region, Region) or region.level == RegionLevel.CITY:
        raise ActionError("请选择驿站所在的区县。", field="region")
    if region.level == RegionLevel.TOWNSHIP:
        return region.parent
    return region


def _check_keeper(station: Station, actor) -> None:
    if actor is not None and not rules.may_keep(actor, station):
        raise NotAllowed("只有驿站的运营单位或本地区的督办员、管理员可以维护这个驿站。")


def _locked(station: Station) -> Station:
    try:
        return Station.objects.select_for_update().get(pk=station.pk)
    except Station.DoesNotExist:
        raise NotFound("没有找到该驿站。") from None


STATION_FIELDS = {"name": "驿站名称", "address": "地址", "phone": "服务电话", "description": "简介",
                  "area_m2": "面积", "opened_on": "启用日期", "latitude": "纬度", "longitude": "经度"}


def _station_values(*, name, address, latitude, longitude, datum, phone, description, area_m2, opened_on) -> dict:
    values = {
        "name": _text(name, "name", "驿站名称", 60),
        "address": _text(address, "address", "地址", 200),
        "phone": _phone(phone, "phone", "服务电话"),
        "description": _text(description, "description", "简介", 2000, required=False),
    }
    values["latitude"], values["longitude"] = read_point(latitude, longitude, datum=datum)
    if area_m2 in (None, ""):
        values["area_m2"] = None
    else:
        try:
            area = int(str(area_m2).strip())
        except ValueError:
            raise ActionError("面积应为整数（平方米）。", field="area_m2") from None
        if not 1 <= area <= 100000:
            raise ActionError("面积应在1到100000平方米之间。", field="area_m2")
        values["area_m2"] = area
    values["opened_on"] = check_date(opened_on, field="opened_on", label="启用日期")
    return values


@transaction.atomic
def do_register_station(*, name: str, region: Region, address: str, latitude, longitude, operator: Department,
                        amenities=(), datum: str = "wgs84", phone: str = "", description: str = "", area_m2=None,
                        opened_on: date | None = None, actor) -> Station:
    region = _region(region)
    if not isinstance(operator, Department):
        raise ActionError("请选择运营单位。", field="operator")
    if actor is not None and not rules.may_register(actor, operator, region):
        raise NotAllowed("只有运营单位的负责人或本地区的督办员、管理员可以登记驿站。")
    if not (region.contains(operator.region) or operator.region.level == RegionLevel.CITY):
        raise ActionError(f"运营单位{operator.name}不在{region.name}。", field="operator")
    values = _station_values(name=name, address=address, latitude=latitude, longitude=longitude, datum=datum,
                             phone=phone, description=description, area_m2=area_m2, opened_on=opened_on)
    codes = read_amenities(amenities)
    if Station.objects.filter(name=values["name"]).exists():
        raise ActionError(f"已有名为“{values['name']}”的驿站。", field="name")
    now = clock.now()
    station = Station.objects.create(region=region, operator=operator, created_at=now, updated_at=now, **values)
    StationAmenity.objects.bulk_create(StationAmenity(station=station, code=code) for code in codes)
    timetable.changed()
    write_event(EventKind.REGISTERED, actor=actor, station=station, is_public=True,
                note=f"登记驿站{station.name}，运营单位{operator.name}。",
                data={"amenities": codes, "latitude": str(values["latitude"]), "longitude": str(values["longitude"]),
                      "datum": datum})
    return station


@transaction.atomic
def do_update_station(station: Station, *, name: str, address: str, latitude, longitude, amenities=(),
                      datum: str = "wgs84", phone: str = "", description: str = "", area_m2=None,
                      opened_on: date | None = None, actor) -> Station:
    """Change what the register says; the event keeps each changed field's before and after."""
    station = _locked(station)
    _check_keeper(station, actor)
    values = _station_values(name=name, address=address, latitude=latitude, longitude=longitude, datum=datum,
                             phone=phone, description=description, area_m2=area_m2, opened_on=opened_on)
    codes = read_amenities(amenities)
    if Station.objects.filter(name=values["name"]).exclude(pk=station.pk).exists():
        raise ActionError(f"已有名为“{values['name']}”的驿站。", field="name")
    changes = {field: [str(getattr(station, field) if getattr(station, field) is not None else ""),
                       str(value if value is not None else "")]
               for field, value in values.items() if getattr(station, field) != value}
    old_codes = sorted(station.amenity_rows.values_list("code", flat=True))
    if sorted(codes) != old_codes:
        changes["amenities"] = [old_codes, sorted(codes)]
    if not changes:
        return station
    for field, value in values.items():
        setattr(station, field, value)
    station.updated_at = clock.now()
    station.save()
    if "amenities" in changes:
        station.amenity_rows.all().delete()
        StationAmenity.objects.bulk_create(StationAmenity(station=station, code=code) for code in codes)
        timetable.changed()
    labels = {**STATION_FIELDS, "amenities": "设施"}
    write_event(EventKind.UPDATED, actor=actor, station=station, is_public=True,
                note="修改了" + "、".join(labels[field] for field in changes) + "。", data={"changes": changes})
    return station


@transaction.atomic
def do_set_station_status(station: Station, *, status: str, note: str = "", actor) -> Station:
    station = _locked(station)
    _check_keeper(station, actor)
    if status not in StationStatus.values:
        raise ActionError("状态应为运营中、暂停开放或已撤销。", field="status")
    note = _text(note, "note", "状态说明", 200, required=status != StationStatus.OPEN)
    if status == station.status and note == station.status_note:
        return station
    old = station.status
    station.status, station.status_note, station.updated_at = status, note, clock.now()
    station.save(update_fields=["status", "status_note", "updated_at"])
    write_event(EventKind.STATUS, actor=actor, station=station, is_public=True,
                note=f"{StationStatus(status).label}" + (f"：{note}" if note else ""),
                data={"old": old, "new": status})
    return station


@transaction.atomic
def do_set_hours(station: Station, *, weekly: dict, actor) -> Station:
    """The week's hours, each weekday's spans typed ("07:00-12:00，14:00-20:00", "全天", "休息")
    or given as pairs of minutes. Every day is checked before any is saved."""
    station = _locked(station)
    _check_keeper(station, actor)
    parsed = {}
    for weekday in range(7):
        value = weekly.get(weekday, weekly.get(str(weekday), ""))
        field, label = f"hours_{weekday}", f"{hours.WEEKDAYS[weekday]}开放时间"
        if isinstance(value, str):
            parsed[weekday] = hours.parse_spans(value, field=field, label=label)
        else:
            parsed[weekday] = hours.check_spans(value or [], field=field, label=label)
    old = {str(day): list(map(list, spans)) for day, spans in hours.weekly_of(station).items()}
    new = {str(day): list(map(list, spans)) for day, spans in parsed.items() if spans}
    if old == new:
        return station
    station.hours.all().delete()
    OpeningHours.objects.bulk_create(OpeningHours(station=station, weekday=day, opens=opens, closes=closes)
                                     for day, spans in parsed.items() for opens, closes in spans)
    timetable.changed()
    station.updated_at = clock.now()
    station.save(update_fields=["updated_at"])
    write_event(EventKind.HOURS, actor=actor, station=station, is_public=True,
                note="开放时间：" + "；".join(f"{hours.WEEKDAYS[day]}{hours.spans_text(spans)}"
                                          for day, spans in parsed.items()),
                data={"old": old, "new": new})
    return station


@transaction.atomic
def do_plan_holiday(station: Station, *, day: date, spans="", duty_staff: str = "", duty_phone: str = "",
                    services: str = "", actor) -> HolidayPlan:
    """The station's hours and duty on one holiday date (a second plan for the date replaces the
    first). Refused on a date the calendar does not make a holiday."""
    station = _locked(station)
    _check_keeper(station, actor)
    if not isinstance(day, date):
        raise ActionError("请填写节假日日期。", field="date")
    check_date(day, field="date", label="日期")
    holiday = workdays.holiday_name(day)
    if holiday is None:
        kind = "调休上班日" if workdays.is_make_up_working_day(day) else (
            "工作日" if workdays.is_working_day(day) else "普通周末")
        raise ActionError(f"{day:%Y年%m月%d日}是{kind}，不是节假日，不能安排节假日值守。", field="date")
    label = f"{holiday}开放时间"
    parsed = (hours.parse_spans(spans, field="spans", label=label) if isinstance(spans, str)
              else hours.check_spans(spans or [], field="spans", label=label))
    duty_staff = _text(duty_staff, "duty_staff", "值守人员", 200, required=bool(parsed))
    duty_phone = _phone(duty_phone, "duty_phone", "值守电话", required=bool(parsed))
    services = _text(services, "services", "值守服务", 300, required=False)
    values = {"holiday": holiday, "spans": [list(span) for span in parsed], "duty_staff": duty_staff,
              "duty_phone": duty_phone, "services": services}
    plan, created = HolidayPlan.objects.update_or_create(station=station, date=day, defaults=values)
    write_event(EventKind.HOLIDAY, actor=actor, station=station, is_public=True,
                note=f"{day:%m月%d日}（{holiday}）{hours.spans_text(parsed)}"
                     + (f"，值守：{duty_staff}" if duty_staff else ""),
                data={"date": day.isoformat(), "created": created, **values})
    return plan


@transaction.atomic
def do_add_photo(station: Station, *, upload, caption: str = "", actor) -> StationPhoto:
    station = _locked(station)
    _check_keeper(station, actor)
    if station.photos.count() >= MAX_PHOTOS:
        raise ActionError(f"每个驿站最多{MAX_PHOTOS}张照片，请先删除旧照片。", field="photo")
    if upload is None:
        raise ActionError("请选择照片。", field="photo")
    kind = check_upload(upload, field="photo", label="照片", kinds=PHOTO_KINDS)
    caption = _text(caption, "caption", "照片说明", 60, required=False)
    photo = StationPhoto.objects.create(station=station, file=upload, content_type=kind.content_type,
                                        caption=caption, uploaded_by=actor, uploaded_at=clock.now())
    write_event(EventKind.PHOTO, actor=actor, station=station, note=f"上传照片{caption}", data={"photo": photo.pk})
    return photo


@transaction.atomic
def do_remove_photo(photo: StationPhoto, *, actor) -> None:
    station = _locked(photo.station)
    _check_keeper(station, actor)
    write_event(EventKind.PHOTO_REMOVED, actor=actor, station=station, note=f"删除照片{photo.caption}",
                data={"photo": photo.pk, "caption": photo.caption})
    stored = photo.file
    photo.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def do_add_volunteer(station: Station, *, name: str, phone: str, organisation: str = "", duties: str = "",
                     joined_on: date | None = None, actor) -> Volunteer:
    station = _locked(station)
    _check_keeper(station, actor)
    name = _text(name, "name", "志愿者姓名", 30)
    try:
        phone = normalize_mobile(phone)
    except ValidationError as error:
        raise ActionError(error.messages[0], field="phone") from None
    organisation = _text(organisation, "organisation", "所在单位或组织", 60, required=False)
    duties = _text(duties, "duties", "服务内容", 100, required=False)
    joined_on = check_date(joined_on or clock.today(), field="joined_on", label="加入日期")
    if joined_on > clock.today():
        raise ActionError("加入日期不能晚于今天。", field="joined_on")
    if station.volunteers.filter(phone=phone, left_on__isnull=True).exists():
        raise ActionError("这位志愿者已在本驿站服务。", field="phone")
    volunteer = Volunteer.objects.create(station=station, name=name, phone=phone, organisation=organisation,
                                         duties=duties, joined_on=joined_on)
    write_event(EventKind.VOLUNTEER, actor=actor, station=station, note=f"志愿者{name}加入（{organisation or '个人'}）。",
                data={"volunteer": volunteer.pk})
    return volunteer


@transaction.atomic
def do_retire_volunteer(volunteer: Volunteer, *, left_on: date | None = None, actor) -> Volunteer:
    station = _locked(volunteer.station)
    _check_keeper(station, actor)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.left_on:
        return volunteer
    left_on = check_date(left_on or clock.today(), field="left_on", label="退出日期")
    if left_on < volunteer.joined_on:
        raise ActionError("退出日期不能早于加入日期。", field="left_on")
    volunteer.left_on = left_on
    volunteer.save(update_fields=["left_on"])
    write_event(EventKind.VOLUNTEER_LEFT, actor=actor, station=station, note=f"志愿者{volunteer.name}退出。",
                data={"volunteer": volunteer.pk})
    return volunteer


@transaction.atomic
def do_define_standard(*, name: str, items, issuer: str = "", actor) -> Standard:
    """A standard as a checklist; defining one of the same name again replaces its items only
    when no inspection has used it yet (past inspections keep what they were checked against)."""
    if actor is not None and not rules.may_keep_standards(actor):
        raise NotAllowed("只有市级督办员或管理员可以设定驿站标准。")
    name = _text(name, "name", "标准名称", 60)
    issuer = _text(issuer, "issuer", "发布单位", 60, required=False)
    texts = [_text(text, "items", f"第{position}项检查内容", 100) for position, text in enumerate(items or [], start=1)]
    if not texts:
        raise ActionError("请至少填写一项检查内容。", field="items")
    if len(set(texts)) != len(texts):
        raise ActionError("检查内容有重复。", field="items")
    standard = Standard.objects.select_for_update().filter(name=name).first()
    if standard is not None:
        if Inspection.objects.filter(standard=standard).exists():
            raise ActionError(f"“{name}”已用于巡查，不能修改其检查项；请以新名称另设标准。", field="name")
        standard.items.all().delete()
        standard.issuer = issuer
        standard.save(update_fields=["issuer"])
    else:
        standard = Standard.objects.create(name=name, issuer=issuer)
    StandardItem.objects.bulk_create(StandardItem(standard=standard, position=position, text=text)
                                     for position, text in enumerate(texts, start=1))
    write_event(EventKind.STANDARD, actor=actor, note=f"设定驿站标准{name}，{len(texts)}项。",
                data={"standard": standard.pk, "items": texts})
    return standard


@transaction.atomic
def do_record_inspection(station: Station, *, standard: Standard, visited_on: date, results: dict, problems=(),
                         note: str = "", actor) -> Inspection:
    """An inspection visit: every item of the standard answered 合格 or not; each item failed needs
    its problem with a deadline (a problem may also stand outside the items). The problems are
    the operator's tasks; fixing them is `do_fix_problem`."""
    station = _locked(station)
    _check_keeper(station, actor)
    if actor is None:
        raise NotAllowed("巡查须由工作人员登记。")
    if not isinstance(standard, Standard) or not standard.is_active:
        raise ActionError("请选择在用的驿站标准。", field="standard")
    if not isinstance(visited_on, date):
        raise ActionError("请填写检查日期。", field="visited_on")
    check_date(visited_on, field="visited_on", label="检查日期")
    if visited_on > clock.today():
        raise ActionError("检查日期不能晚于今天。", field="visited_on")
    items = {item.position: item for item in standard.items.all()}
    answers = {}
    for position, item in items.items():
        value = (results or {}).get(position, (results or {}).get(str(position)))
        if not isinstance(value, bool):
            raise ActionError(f"请填写第{position}项“{item.text}”是否合格。", field=f"item_{position}")
        answers[str(position)] = value
    rows = []
    for index, problem in enumerate(problems or [], start=1):
        position = problem.get("item")
        position = int(position) if position not in (None, "") and str(position).isdigit() else None
        if position is not None and position not in items:
            raise ActionError(f"第{index}个问题：没有第{position}项检查内容。", field=f"problem_{index}")
        description = _text(problem.get("description"), f"problem_{index}", f"第{index}个问题", 300)
        deadline = problem.get("deadline")
        if not isinstance(deadline, date):
            raise ActionError(f"第{index}个问题：请填写整改期限。", field=f"deadline_{index}")
        check_date(deadline, field=f"deadline_{index}", label=f"第{index}个问题的整改期限")
        if deadline < visited_on:
            raise ActionError(f"第{index}个问题：整改期限不能早于检查日期。", field=f"deadline_{index}")
        rows.append((items.get(position) if position else None, description, deadline))
    failed = [position for position, value in answers.items() if not value]
    for position in failed:
        if not any(item is not None and str(item.position) == position for item, _, _ in rows):
            raise ActionError(f"第{position}项“{items[int(position)].text}”不合格，请写明问题和整改期限。",
                              field=f"item_{position}")
    note = _text(note, "note", "检查情况", 2000, required=False)
    inspection = Inspection.objects.create(station=station, standard=standard, inspector=actor,
                                           visited_on=visited_on, note=note, results=answers, created_at=clock.now())
    Problem.objects.bulk_create(Problem(station=station, inspection=inspection, item=item, description=description,
                                        deadline=deadline) for item, description, deadline in rows)
    write_event(EventKind.INSPECTED, actor=actor, station=station,
                note=f"按{standard.name}巡查，{len(answers) - len(failed)}/{len(answers)}项合格，发现问题{len(rows)}个。",
                data={"inspection": inspection.pk, "failed": failed, "problems": len(rows)})
    return inspection


@transaction.atomic
def do_fix_problem(problem: Problem, *, fixed_on: date | None = None, note: str, actor) -> Problem:
    station = _locked(problem.station)
    _check_keeper(station, actor)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.fixed_on:
        raise ActionError("这个问题已整改完成。", field="problem")
    fixed_on = check_date(fixed_on or clock.today(), field="fixed_on", label="整改完成日期")
    if fixed_on > clock.today():
        raise ActionError("整改完成日期不能晚于今天。", field="fixed_on")
    if fixed_on < problem.inspection.visited_on:
        raise ActionError("整改完成日期不能早于检查日期。", field="fixed_on")
    problem.fixed_on, problem.fixed_by = fixed_on, actor
    problem.fix_note = _text(note, "note", "整改情况", 300)
    problem.save(update_fields=["fixed_on", "fixed_by", "fix_note"])
    write_event(EventKind.FIXED, actor=actor, station=station,
                note=f"整改完成：{problem.description}（{problem.status(fixed_on)}）。",
                data={"problem": problem.pk, "deadline": problem.deadline.isoformat(), "fixed_on": fixed_on.isoformat()})
    return problem


def feedback_category():
    from minsheng.cases.models import Category

    return Category.objects.filter(code=FEEDBACK_CATEGORY, is_active=True).first()


def do_report_feedback(station: Station, *, description: str, requester_name: str, requester_phone: str,
                       amenity: str = "", channel: str = "", submission_token: str | None = None, actor=None):
    """A resident's word about a station ("热水器坏了") becomes a case of the stations category,
    registered through the case engine (its clock, query code, notices) and sent at once to the
    station's operator unit. Returns (case, query code); the same submission twice makes one case
    (code None)."""
    from minsheng.cases.actions import Intake, do_accept_case, do_dispatch_case, do_register_case
    from minsheng.cases.models import CaseKind, Channel

    category = feedback_category()
    kind = CaseKind.objects.filter(code=FEEDBACK_KIND).first()
    if category is None or kind is None:
        raise ActionError(FEEDBACK_NOT_OPEN, field="description")
    if amenity and amenity not in Amenity.values:
        raise ActionError(f"未知的设施“{str(amenity)[:20]}”。", field="amenity")
    what = Amenity(amenity).label if amenity else ""
    with transaction.atomic():
        station = _locked(station)  # closed a moment ago: no more feedback
        if station.status == StationStatus.CLOSED:
            raise ActionError("这个驿站已撤销。", field="station")
        case, code = do_register_case(Intake(
            region=station.region, kind=kind, category=category, channel=channel or Channel.ONLINE,
            requester_name=requester_name, requester_phone=requester_phone, description=description,
            title=f"{station.name}{what}问题" if what else "",
            address=f"{station.name}（{station.address}）"[:200], latitude=station.latitude,
            longitude=station.longitude, answers={"station": station.name[:100]},
            proposed_department=station.operator,
        ), actor=actor, submission_token=submission_token)
        if code is None:
            return case, None
        do_accept_case(case, actor=None, note="城市驿站反映，自动受理")
        do_dispatch_case(case, department=station.operator, note="按驿站运营单位派送", actor=None)
        StationCase.objects.create(station=station, case=case, amenity=amenity)
        write_event(EventKind.FEEDBACK, actor=actor, station=station,
                    note=f"群众反映{what or ''}问题，诉求件{case.number}，已派运营单位{station.operator.name}。",
                    data={"case": case.number, "amenity": amenity})
    case.refresh_from_db()
    return case, code


@transaction.atomic
def do_register_place(*, name: str, region: Region, latitude, longitude, datum: str = "wgs84", actor) -> Place:
    if actor is not None and not (rules.may_register(actor, actor.department, region)):
        raise NotAllowed("只有本地区的督办员或管理员可以登记地名。")
    name = _text(name, "name", "地名", 60)
    region = _region(region)
    lat, lng = read_point(latitude, longitude, datum=datum)
    place, created = Place.objects.update_or_create(name=name, defaults={"region": region, "latitude": lat,
                                                                         "longitude": lng})
    write_event(EventKind.PLACE, actor=actor, note=f"{'登记' if created else '更正'}地名{name}。",
                data={"place": place.pk, "latitude": str(lat), "longitude": str(lng)})
    return place
