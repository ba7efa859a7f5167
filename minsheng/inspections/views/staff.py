"""The departments' side: their visits by state, filing one, the page of one visit with what
can be done next, and the figures. Each POST calls one action; the forms only parse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.forms import apply_action_error
from minsheng.core.text import parse_id
from minsheng.inspections import actions, figures, forms, queries, rules
from minsheng.inspections.actions.penalties import DECIDABLE_RESULTS
from minsheng.enterprises.models import Entity
from minsheng.inspections.models import publication_overdue_q
from minsheng.inspections.models import CreditGrade, Draw, DrawState, Eligibility, Filing, FilingState
from minsheng.inspections.views.public import check_url, qr_svg
from minsheng.org.access import in_jurisdiction_q, is_staff_member, oversees

PAGE_SIZE = 30
TABS = [("open", "待检查"), ("filed", "待审批"), ("inspected", "待公示"), ("overdue", "逾期未公示"), ("done", "已公示"),
        ("closed", "已撤销或未批准"), ("all", "全部")]


def _staff_only(user) -> None:
    if not is_staff_member(user):
        raise Http404("没有找到该页面。")


@login_required
def home(request):
    _staff_only(request.user)
    today = clock.today()
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "open"
    filings = queries.visible_filings(request.user)
    selections = {
        "open": Q(state=FilingState.APPROVED), "filed": Q(state=FilingState.FILED),
        "inspected": Q(state=FilingState.INSPECTED), "overdue": publication_overdue_q(today),
        "done": Q(state=FilingState.PUBLISHED), "closed": Q(state__in=[FilingState.WITHDRAWN, FilingState.REJECTED]),
        "all": Q(),
    }
    counts = {key: filings.filter(selection).count() for key, selection in selections.items() if key != "all"}
    chosen = (filings.filter(selections[tab]).select_related("entity", "department")
              .order_by("planned_on" if tab in ("open", "filed") else "-filed_at", "-pk"))
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/staff_home.html", {
        "tabs": [(key, label, counts.get(key)) for key, label in TABS], "tab": tab, "page": page, "today": today,
        "query_string": f"tab={tab}",
        "may_file": request.user.department is not None and rules.may_file(request.user, request.user.department),
    })


def _draws_for(department):
    return list(Draw.objects.filter(state=DrawState.DRAWN).filter(Q(department=department) |
                                                                  Q(inspector_departments=department)).distinct()[:50])


@login_required
@require_http_methods(["GET", "POST"])
def new_filing(request):
    user = request.user
    _staff_only(user)
    department = user.department
    if not rules.may_file(user, department):
        raise Http404("您无权备案入企检查。")
    draws = _draws_for(department)
    initial = {"uscc": request.GET.get("uscc", "")[:40]}
    form = forms.FilingForm(request.POST or None, department=department, draws=draws, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        draw = next((d for d in draws if str(d.pk) == data["draw"]), None)
        try:
            entity = queries.firm_by_uscc(data["uscc"])
            filing = actions.do_file_inspection(
                department, entity, kind=data["kind"], items=data["items"], inspectors=data["inspectors"],
                planned_on=data["planned_on"], trigger=data["trigger"], quiet_exception=data["quiet_exception"],
                quiet_exception_note=data["quiet_exception_note"], draw=draw, actor=user)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"已备案，检查编号{filing.number}，待部门负责人审批后签发检查码。")
            return redirect("inspections:filing", filing.pk)
    return render(request, "inspections/filing_new.html", {"form": form, "department": department})


def _filing_or_404(request, pk) -> Filing:
    try:
        return queries.access_filing(request.user, parse_id(str(pk)))
    except (NotFound, NotAllowed):
        raise Http404("没有找到该检查备案。") from None


def _available(user, filing: Filing) -> set[str]:
    taking_part = rules.takes_part(user, filing)
    allowed = set()
    if filing.state == FilingState.FILED and rules.may_approve(user, filing):
        allowed |= {"approve", "reject"}
    if filing.state in queries.OPEN_STATES:
        if taking_part:
            allowed.add("withdraw")
        elif user.department is not None and rules.may_file(user, user.department):
            allowed.add("join")
    if filing.state == FilingState.APPROVED and taking_part:
        allowed.add("result")
    if filing.state == FilingState.INSPECTED and taking_part:
        allowed.add("publish")
        if filing.result in DECIDABLE_RESULTS:
            allowed.add("decide")
    return allowed


def _forms_for(user, filing: Filing, allowed: set[str], data=None, which: str = "") -> dict:
    def bound(name):
        return data if name == which else None
    made = {}
    if "reject" in allowed:
        made["reject"] = forms.ReasonForm(bound("reject"), prefix="reject")
    if "withdraw" in allowed:
        made["withdraw"] = forms.ReasonForm(bound("withdraw"), prefix="withdraw")
    if "join" in allowed:
        made["join"] = forms.JoinForm(bound("join"), prefix="join", department=user.department)
    if "result" in allowed:
        made["result"] = forms.ResultForm(bound("result"), prefix="result", initial={"inspected_on": clock.today()})
    if "decide" in allowed:
        made["decide"] = forms.DecisionForm(bound("decide"), prefix="decide", departments=filing.departments.all(),
                                            initial={"offence_on": filing.inspected_on})
    return made


def _page(request, filing: Filing, made: dict | None = None, status: int = 200):
    user = request.user
    allowed = _available(user, filing)
    made = made if made is not None else _forms_for(user, filing, allowed)
    decisions = list(filing.decisions.select_related("violation_type", "decided_by"))
    return render(request, "inspections/filing.html", {
        "filing": filing, "allowed": allowed, "forms": made,
        "filing_items": filing.items.select_related("department"),
        "inspectors": filing.inspectors.select_related("department").order_by("department__name", "name"),
        "departments": filing.departments.all(), "decisions": decisions,
        "events": filing.events.select_related("actor").order_by("created_at", "id"),
        "qr": qr_svg(request, filing) if filing.check_code else "",
        "check_link": request.build_absolute_uri(check_url(filing)) if filing.check_code else "",
        "eligibility_labels": dict(Eligibility.choices), "today": clock.today(),
    }, status=status)


@login_required
def filing_page(request, pk: int):
    return _page(request, _filing_or_404(request, pk))


MESSAGES = {"approve": "已批准，检查码已签发并短信告知企业。", "reject": "已不予批准。", "withdraw": "已撤销备案。",
            "join": "本部门已加入这次联合检查。", "result": "已登记检查结果，请在期限内公示。", "decide": "已作出处理决定。",
            "publish": "检查结果已公示。"}


@login_required
@require_POST
def act(request, pk: int, action: str):
    filing = _filing_or_404(request, pk)
    user = request.user
    allowed = _available(user, filing)
    if action not in allowed:
        raise Http404("没有这项操作。")
    made = _forms_for(user, filing, allowed, request.POST, action)
    form = made.get(action)
    try:
        if action == "approve":
            actions.do_approve_filing(filing, actor=user)
        elif action == "publish":
            actions.do_publish_result(filing, actor=user)
        elif not form.is_valid():
            return _page(request, filing, made, status=400)
        elif action in ("reject", "withdraw"):
            do = actions.do_reject_filing if action == "reject" else actions.do_withdraw_filing
            do(filing, reason=form.cleaned_data["reason"], actor=user)
        elif action == "join":
            actions.do_join_filing(filing, user.department, items=form.cleaned_data["items"],
                                   inspectors=form.cleaned_data["inspectors"], actor=user)
        elif action == "result":
            data = form.cleaned_data
            actions.do_record_inspection(filing, inspected_on=data["inspected_on"], result=data["result"],
                                         findings=data["findings"], actor=user)
        elif action == "decide":
            data = form.cleaned_data
            actions.do_decide_penalty(filing, violation_type=data["violation_type"], offence_on=data["offence_on"],
                                      harm_minor=data["harm_minor"], corrected=data["corrected"],
                                      aggravating=data["aggravating"], outcome=data["outcome"], fine=data["fine"],
                                      departure_reason=data["departure_reason"], correction_due=data["correction_due"],
                                      actor=user)
    except ActionError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("inspections:filing", filing.pk)
        apply_action_error(form, error)
        return _page(request, filing, made, status=400)
    messages.success(request, MESSAGES[action])
    return redirect(reverse("inspections:filing", args=[filing.pk]))


@login_required
def figures_page(request):
    _staff_only(request.user)
    year = parse_id(request.GET.get("year")) or clock.today().year
    if not 2000 <= year <= 2099:
        year = clock.today().year
    return render(request, "inspections/figures.html",
                  {"year": year, "figures": figures.for_user(request.user, year), "years": range(clock.today().year, 2019, -1)})


TARGET_PAGE_SIZE = 50


@login_required
def targets(request):
    """The target library (双随机 对象库): the registry's active firms in the viewer's jurisdiction
    with their credit class, filtered as a draw's scope would be, with the count per class."""
    from django.db.models import Count

    from minsheng.enterprises.models import EntityStatus
    from minsheng.org.access import jurisdiction
    from minsheng.org.models import Role

    user = request.user
    _staff_only(user)
    if not (oversees(user) or user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD)):
        raise Http404("没有找到该页面。")
    area = jurisdiction(user)
    form = forms.TargetFilter(request.GET or None, area=area)
    found = Entity.objects.filter(in_jurisdiction_q(user), status=EntityStatus.ACTIVE)
    if form.is_valid():
        data = form.cleaned_data
        if data["region"]:
            found = found.filter(region__code__startswith=data["region"].code_prefix)
        prefix = (data["industry"] or "").strip().upper()
        if prefix:
            found = found.filter(industry__section=prefix) if prefix.isalpha() else found.filter(industry__code__startswith=prefix)
        if data["size"]:
            found = found.filter(size_class=data["size"])
        if data["above_scale"]:
            found = found.filter(above_scale=True)
        if data["grade"] == "none":
            found = found.filter(credit_rating__isnull=True)
        elif data["grade"]:
            found = found.filter(credit_rating__grade=data["grade"])
    by_grade = dict(found.values_list("credit_rating__grade").annotate(n=Count("pk")).order_by())
    grades = [(grade, label, by_grade.get(grade, 0)) for grade, label in CreditGrade.choices]
    grades.append(("none", "未分类（按B类抽取）", by_grade.get(None, 0)))
    page = Paginator(found.select_related("region", "industry", "credit_rating").order_by("region__code", "uscc"),
                     TARGET_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inspections/targets.html", {"form": form, "page": page, "grades": grades,
                                                        "total": sum(count for *_, count in grades),
                                                        "query_string": query.urlencode()})
