"""Cases and the catalogue as GeoReport v2 sees them. No personal data leaves through here:
no names, phones, emails or the filing system's account ids."""

from datetime import datetime

from django.utils import timezone

from minsheng.cases.models import Case, CaseEvent, Category, State

OPEN_STATES = {State.REGISTERED, State.ACCEPTED, State.DISPATCHED, State.RETURNED, State.HANDLING}


def iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


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


def request(case: Case, status_notes: str | None) -> dict:
    is_open = case.state in OPEN_STATES
    return {
        "service_request_id": case.number,
        "status": status_of(case.state),
        "status_notes": status_notes or None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.lead_department.name if case.lead_department_id else None,
        "service_notice": notice(case),
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.due_at) if is_open else None,
        "address": case.address or None,
        "address_id": case.address_id or None,
        "zipcode": None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": case.media_url or None,
    }


def notice(case: Case) -> str:
    from minsheng.cases.workflow import due_words

    if case.state in OPEN_STATES and case.due_at:
        return f"{State(case.state).label}，本阶段期限{due_words(case.due_at)}。"
    return State(case.state).label


def update(event: CaseEvent) -> dict:
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.number,
        "status": status_of(event.new_state),
        "external_status_code": event.new_state,
        "updated_datetime": iso(event.created_at),
        "description": event.public_note,
        "media_url": None,
    }
