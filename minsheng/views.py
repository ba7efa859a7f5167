from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from django.urls import reverse
from django.utils import timezone

from minsheng.cases import scorecards
from minsheng.cases.queries import inbox_tabs, recent_notifications, tab_counts
from minsheng.core import clock
from minsheng.core.context_processors import CARE_COOKIE
from minsheng.enterprises.queries import visits_due_by
from minsheng.inspections.queries import work_for as inspection_work_for
from minsheng.policies.queries import work_for as policy_work_for
from minsheng.stations.queries import work_for as station_work_for
from minsheng.org import workdays
from minsheng.org.models import Role
from minsheng.pledges.models import Status
from minsheng.pledges.queries import items_led_by

STATUS_ORDER = {Status.LATE: 0, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 2, Status.DONE: 3}


@login_required
def staff_home(request):
    """The workbench every staff member lands on after logging in."""
    today = timezone.localdate()
    user = request.user
    alerts = []
    if user.has_role(Role.ADMINISTRATOR) or user.has_role(Role.SUPERVISOR) or user.is_superuser:
        for year in workdays.years_without_schedule(today):
            alerts.append((
                f"{year}年的法定节假日和调休安排尚未导入：落在{year}年的期限按法定节假日暂定计算（显示“暂定”），"
                f"导入后系统自动按正式日历调整。请导入国务院办公厅公布的{year}年安排"
                "（管理后台“节假日安排年度”→“导入节假日安排”，或 python -m minsheng import_calendar 文件）。",
                reverse("admin:org_calendaryear_import") if user.is_staff else "",
            ))
    tabs = tab_counts(inbox_tabs(user, clock.now()))
    items = sorted(items_led_by(user, today), key=lambda item: (STATUS_ORDER[item.status], item.deadline))
    counts = {status: sum(1 for item in items if item.status == status) for status in Status.values}
    return render(
        request,
        "staff_home.html",
        {"alerts": alerts, "items": items, "counts": counts, "statuses": Status, "today": today, "tabs": tabs,
         "notifications": recent_notifications(user),
         # A helper of firms sees the visits due by the month's end (JOURNEYS.md 11).
         "visits_due": visits_due_by(user, today),
         # A department that inspects firms: visits to approve, to come, to publish (JOURNEYS.md 12).
         "inspection_work": inspection_work_for(user, today),
         "policy_work": policy_work_for(user, today),
         "station_work": station_work_for(user, today),
         # A leader's home page opens on the scorecards' monthly trends (None for others).
         **scorecards.trend_context(scorecards.home_trends(user))},
    )


CARE_COOKIE_AGE = 365 * 24 * 3600


@require_GET
def care_mode(request, switch: str):
    """Switch the care mode (关怀版) on or off and go back to the page the reader was on. Only a
    display preference: a link may set it (site.js does the same in place, without a reload)."""
    if switch not in ("on", "off"):
        raise Http404
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("board")
    response = redirect(back)
    if switch == "on":
        response.set_cookie(CARE_COOKIE, "1", max_age=CARE_COOKIE_AGE, samesite="Lax", secure=request.is_secure(), httponly=False)
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response
