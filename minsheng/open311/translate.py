"""Cases and the catalogue as GeoReport v2 sees them: the public version of a case
(cases/publication.py). No personal data leaves through here: no names, phones, emails or the
filing system's account ids, and free text has them masked."""

from datetime import datetime

from zoneinfo import ZoneInfo

from minsheng.cases import publication
from minsheng.cases.models import CaseEvent, Category, State

OPEN_STATES = {State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING}


SHANGHAI = ZoneInfo("Asia/Shanghai")


def iso(moment: datetime | None) -> str | None:
    # astimezone with a ZoneInfo runs in C: this is called three times a row, 100 rows a page.
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def status_of(state: str) -> str:
    return "open" if state in OPEN_STATES else "closed"


def service(category: Category, has_questions: bool) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": has_questions,
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.parent.name if category.parent_id else None,
    }


def definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": question.code,
                "datatype": question.datatype,
                "required": question.required,
                "datatype_description": question.help_text or None,
                "order": index,
                "description": question.label,
                "values": [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in question.values],
            }
            for index, question in enumerate(category.questions.all(), start=1)
        ],
    }


# The columns a request needs, read with .values() (no model instances: a page has 100 rows).
REQUEST_FIELDS = (
    "number", "state", "created_at", "updated_at", "due_at", "due_provisional", "address_id", "latitude", "longitude", "media_url",
    "category_id", "region_id", "category__code", "category__name", "lead_department__name", "status_notes",
    *publication.PUBLIC_TEXT_FIELDS,
)


def _agencies() -> tuple[dict, dict, dict]:
    """Who answers for a case not yet dispatched, by name: (region → its county and city),
    ((category, county) → the department the catalogue routes it to), (county or city → its
    receiving centre: the supervision office that accepts and dispatches). Kept per process under
    the reference generation (names only: a stale copy can only show an old name for a second)."""
    from minsheng.cases.models import CategoryDepartment
    from minsheng.org.models import Department, Region, RegionLevel

    regions = {}
    rows = list(Region.objects.values_list("id", "level", "parent_id"))
    parents = {pk: parent for pk, _level, parent in rows}
    levels = {pk: level for pk, level, _parent in rows}
    for pk, level, parent in rows:
        county = pk if level == RegionLevel.COUNTY else parent if level == RegionLevel.TOWNSHIP else None
        city = pk if level == RegionLevel.CITY else parents.get(county) if county else None
        regions[pk] = (county if county is not None and levels.get(county) == RegionLevel.COUNTY else None, city)
    routes = {
        (category, region): name
        for category, region, name in CategoryDepartment.objects.values_list("category_id", "region_id", "department__name")
    }
    centres = {}
    for region, name in Department.objects.filter(is_supervision_office=True).order_by("id").values_list("region_id", "name"):
        centres.setdefault(region, name)
    return regions, routes, centres


def agency_responsible(row: dict) -> str | None:
    """The lead department once dispatched; before that, the department the category routes to
    in the case's county (or the city), else the receiving centre that will dispatch it."""
    if row["lead_department__name"]:
        return row["lead_department__name"]
    from minsheng.core import reference

    regions, routes, centres = reference.get("open311:agencies", _agencies)
    county, city = regions.get(row["region_id"], (None, None))
    for area in (county, city):
        if area is not None and (row["category_id"], area) in routes:
            return routes[(row["category_id"], area)]
    return centres.get(county) or centres.get(city)


def request(row: dict) -> dict:
    is_open = row["state"] in OPEN_STATES
    kind, _, note = (row["status_notes"] or "").partition("|")
    return {
        "service_request_id": row["number"],
        "status": "open" if is_open else "closed",
        "status_notes": publication.public_note(kind, note, row) or None,
        "service_name": row["category__name"],
        "service_code": row["category__code"],
        "description": publication.public_description(row),
        "agency_responsible": agency_responsible(row),
        "service_notice": notice(row["state"], row["due_at"], row["due_provisional"]),
        "requested_datetime": iso(row["created_at"]),
        "updated_datetime": iso(row["updated_at"]),
        "expected_datetime": iso(row["due_at"]) if is_open else None,
        "address": publication.public_address(row) or None,
        "address_id": row["address_id"] or None,
        "zipcode": None,
        "lat": float(row["latitude"]) if row["latitude"] is not None else None,
        "long": float(row["longitude"]) if row["longitude"] is not None else None,
        "media_url": row["media_url"] or None,
    }


def notice(state: str, due_at: datetime | None, provisional: bool = False) -> str:
    """Open311 has no field for a provisional deadline: the notice says it in words."""
    from minsheng.cases.workflow import due_words

    if state in OPEN_STATES and due_at:
        if provisional:
            return (
                f"{State(state).label}，本阶段期限{due_words(due_at)}（暂定：该年节假日安排尚未公布，"
                "公布后按正式日历调整，不会提前）。"
            )
        return f"{State(state).label}，本阶段期限{due_words(due_at)}。"
    return State(state).label


def update(event: CaseEvent) -> dict:
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.number,
        "status": status_of(event.new_state),
        "external_status_code": event.new_state,
        "updated_datetime": iso(event.created_at),
        "description": publication.public_note(event.kind, event.public_note, event.case),
        "media_url": None,
    }
