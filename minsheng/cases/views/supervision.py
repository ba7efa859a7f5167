from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minsheng.cases import forms as case_forms, queries
from minsheng.cases.actions import do_answer_supervision_notice
from minsheng.cases.models import SupervisionNotice
from minsheng.cases.views.common import list_rows
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.text import parse_id
from minsheng.org.access import jurisdiction, oversees
from minsheng.org.models import Department, Region, RegionLevel


@login_required
def board(request):
    """督办台: overdue and at-risk cases by department and region, worst first."""
    if not oversees(request.user):
        messages.error(request, "督办台供督办员、领导和管理员使用。")
        return redirect("staff-home")
    area = jurisdiction(request.user)
    region_code = request.GET.get("region", "")
    department = request.GET.get("department", "")
    department_id = parse_id(department)
    now = clock.now()
    rows, cases = queries.supervision_board(request.user, now, region_code=region_code[:6], department=department_id)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=area.code_prefix) if area else []
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "cases/supervision.html",
        {
            "rows": rows,
            "page": page,
            "case_rows": list_rows(request.user, page.object_list, now),
            "counties": counties,
            "departments": Department.objects.filter(region__code__startswith=area.code_prefix) if area else [],
            "region": region_code,
            "department": department_id,
            "notices": queries.open_notices(request.user)[:50],
            "now": now,
            "query_string": query_string.urlencode(),
        },
    )


@login_required
@require_POST
def answer_notice(request, pk: int):
    notice = SupervisionNotice.objects.select_related("case").filter(pk=pk, department_id=request.user.department_id).first()
    if notice is None:
        raise Http404("没有找到这个督办单。")
    form = case_forms.AnswerNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "回复内容：请填写回复内容。")
    else:
        try:
            do_answer_supervision_notice(notice, response=form.cleaned_data["response"], actor=request.user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已回复督办单{notice.number}。")
    return redirect("cases:case", pk=notice.case_id)
