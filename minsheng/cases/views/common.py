from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Q, Value, When
from django.urls import reverse

from minsheng.cases import forms as case_forms, rules
from minsheng.cases.actions import Intake
from minsheng.cases.models import Case as CaseModel, CategoryDepartment
from minsheng.cases.workflow import working_time_left
from minsheng.org.access import jurisdiction
from minsheng.org.models import Department, Region, User


def departments_near(region: Region):
    """Departments that can take a case of `region`: the region's own (its county's) and the city's."""
    county = region.county or region
    city_prefix = county.code[:4]
    # The county's own departments first: they are the usual answer at a county window.
    return (
        Department.objects.filter(Q(region__code__startswith=county.code_prefix) | Q(region__code=f"{city_prefix}00"))
        .select_related("region")
        .annotate(is_city=Case(When(region__code=f"{city_prefix}00", then=Value(1)), default=Value(0)))
        .order_by("is_city", "region__code", "name")
    )


def dispatch_departments(user: User, case: CaseModel):
    area = jurisdiction(user)
    departments = departments_near(case.region)
    if area is not None:
        departments = departments.filter(region__code__startswith=area.code_prefix)
    return departments


def suggested_routes(region: Region) -> dict[int, int]:
    """category id → the department the catalogue suggests for this region."""
    county = region.county or region
    return dict(CategoryDepartment.objects.filter(region=county).values_list("category_id", "department_id"))


def intake_from_form(form: case_forms.IntakeFields, *, region: Region, channel: str) -> Intake:
    data = form.cleaned_data
    return Intake(
        region=region,
        kind=data["kind"],
        category=data["category"],
        channel=channel,
        requester_name=data["requester_name"],
        requester_phone=data["requester_phone"],
        requester_id_number=data.get("requester_id_number", ""),
        requester_email="",
        enterprise_name=data.get("enterprise_name", ""),
        enterprise_uscc=data.get("enterprise_uscc", ""),
        title=data.get("title", ""),
        description=data["description"],
        wants=data.get("wants", ""),
        request_type=data.get("request_type", ""),
        address=data.get("address", ""),
        applied_for=data.get("applied_for", ""),
        applied_on=data.get("applied_on"),
        applied_where=data.get("applied_where", ""),
        stuck_departments=list(data.get("stuck_departments") or []),
        visits=data.get("visits"),
        linked_case_number=data.get("linked_case_number", ""),
        outside_reference=data.get("outside_reference", ""),
        proposed_department=data.get("proposed_department"),
        answers=_answers(form.data),
        files=data.get("files") or [],
    )


def _answers(data) -> dict:
    """answer_<code> fields; a multiple choice arrives as several values under one name."""
    answers = {}
    for key in data:
        if key.startswith("answer_"):
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            answers[key[len("answer_"):]] = values if len(values) > 1 else (values[0] if values else "")
    return answers


def list_rows(user: User, cases, now):
    """(case, colour, time left) for the case tables, each case marked with whether this user
    may see its requester's data (the `private` filter masks free text otherwise)."""
    rows = []
    for case in cases:
        case.personal_data_visible = rules.can_see_personal_data(user, case)
        rows.append((case, case.deadline_colour(now), working_time_left(case, now)))
    return rows



def track_link(request, number: str = "") -> str:
    """The public tracking page's address, with the case number filled in: never the query
    code, so a photographed slip or a forwarded link opens nothing by itself. The public site's
    address comes from MINSHENG_PUBLIC_URL when the staff site runs under another host."""
    path = reverse("cases:track") + (f"?{urlencode({'number': number})}" if number else "")
    base = settings.MINSHENG_PUBLIC_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str, title: str) -> str:
    """A QR code as an inline <svg> element (segno): no image request, nothing the
    Content-Security-Policy refuses."""
    import segno
    from django.utils.safestring import mark_safe

    # segno's own markup, the title escaped by segno: safe to place in the page as it is.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, title=title))


def summary_of(case) -> str:
    """The matter in brief for the resident (personal data masked), unless the title already says it all."""
    from minsheng.cases.publication import public_description, public_title

    summary = public_description(case)
    return "" if summary.strip().rstrip("。.！!") == public_title(case).strip() else summary


def title_of(case) -> str:
    from minsheng.cases.publication import public_title

    return public_title(case)
