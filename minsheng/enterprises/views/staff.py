"""Staff pages: the registry, a firm's profile (everything the city knows of it in one place),
the coverage report and its export, a helper's own firms with the visits due."""

from calendar import monthrange
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minsheng.cases.models import Case
from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.forms import apply_action_error
from minsheng.core.spreadsheets import download, workbook
from minsheng.enterprises import actions, forms, queries, rules
from minsheng.enterprises.models import Assignment, AssignmentMode, Entity, EntityKind
from minsheng.org.access import in_jurisdiction_q, is_staff_member, oversees

PAGE_SIZE = 50


def _visible(user):
    """The firms `user` may open: their jurisdiction's for oversight, else those they help today."""
    if oversees(user):
        return Entity.objects.filter(in_jurisdiction_q(user))
    day = clock.today()
    helped = Assignment.objects.filter(queries.current(day), helper=user)
    return Entity.objects.filter(
        Q(pk__in=helped.filter(mode=AssignmentMode.ONE_TO_ONE).values("entity"))
        | Q(grid_memberships__in=queries.GridMember.objects.filter(queries.current(day), grid__in=helped.values("grid")))
    ).distinct()


@login_required
def registry(request):
    if not is_staff_member(request.user):
        raise Http404("没有找到该页面。")
    form = forms.RegistryFilter(request.GET or None)
    entities = _visible(request.user).select_related("region", "industry")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        text = data["q"].strip()
        if text:
            # A code is matched from its start (the unique index), a name anywhere in it.
            entities = entities.filter(Q(uscc__startswith=text.upper()) | Q(name__contains=text))
        if data["region"]:
            entities = entities.filter(region=data["region"])
        if data["kind"]:
            entities = entities.filter(kind=data["kind"])
        if data["size"]:
            entities = entities.filter(size_class=data["size"])
        if data["scale"] == "above":
            entities = entities.filter(above_scale=True)
        elif data["scale"] == "key":
            entities = entities.filter(is_key=True, above_scale=False)
        if data["help"] == "uncovered":
            entities = entities.filter(queries.active_on(clock.today())).exclude(queries.covered_q(clock.today()))
    page = Paginator(entities.order_by("region__code", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "enterprises/registry.html", {
        "form": form, "page": page, "query_string": query_string.urlencode(),
        "import_url": _import_url(request.user),
    })


def _import_url(user) -> str:
    """The registry import's page, for those who keep a registry."""
    from django.urls import NoReverseMatch

    if not rules.may_keep_registry(user, user.department.region):
        return ""
    try:
        return reverse("enterprises:import")
    except NoReverseMatch:
        return ""


def _entity_or_404(request, pk) -> Entity:
    try:
        return queries.access_entity(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


def _panels(request, entity: Entity, bound: dict) -> dict:
    def form(name, cls, **kwargs):
        return bound.get(name) or cls(prefix=name, **kwargs)

    today = clock.today()
    panels = {}
    if rules.may_act_for(request.user, entity) and entity.is_active:
        panels["visit"] = form("visit", forms.VisitForm, initial={"visited_on": today})
        panels["demand"] = form("demand", forms.DemandForm, categories=actions.demand_categories())
    if rules.may_keep_registry(request.user, entity.region):
        panels["assign"] = form("assign", forms.AssignForm, region=entity.region, initial={"starts_on": today})
        panels["certify"] = form("certify", forms.CertificationForm)
        panels["end"] = bound.get("end")
    return panels


def _profile(request, entity: Entity, bound: dict | None = None, status: int = 200):
    today = clock.today()
    assignments = list(entity.assignments.select_related("helper__department").order_by("-starts_on"))
    grids = list(entity.grid_memberships.select_related("grid").order_by("-starts_on"))
    grid_assignments = {a.grid_id: a for a in Assignment.objects.filter(queries.current(today), grid__in=[g.grid_id for g in grids])
                        .select_related("helper__department")}
    demands = list(entity.demands.select_related("case__category", "case__lead_department").order_by("-created_at"))
    certifications = list(entity.certifications.all())
    for certification in certifications:
        certification.current = certification.held_on(today)
    return render(request, "enterprises/entity.html", {
        "entity": entity, "today": today,
        "contact": rules.may_see_contact(request.user, entity),
        "certifications": certifications,
        "helpers": queries.helpers_of(entity, today),
        "assignments": assignments, "grids": grids, "grid_assignments": grid_assignments,
        "visits": entity.visits.select_related("helper").prefetch_related("attachments")[:20],
        "demands": demands,
        "events": entity.events.select_related("actor").order_by("-created_at", "-id")[:30],
        "panels": _panels(request, entity, bound or {}),
        "industry_path": _industry_path(entity.industry),
    }, status=status)


def _industry_path(industry) -> list:
    path = []
    while industry is not None:
        path.append(industry)
        industry = industry.parent
    return list(reversed(path))


@login_required
def entity_page(request, pk: int):
    return _profile(request, _entity_or_404(request, pk))


ACTIONS = ("visit", "demand", "assign", "end", "certify")


@login_required
@require_POST
def act(request, pk: int, action: str):
    entity = _entity_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404("没有这项操作。")
    user = request.user
    form = None
    try:
        if action == "visit":
            form = forms.VisitForm(request.POST, request.FILES, prefix="visit")
            if form.is_valid():
                data = form.cleaned_data
                actions.do_record_visit(entity, visited_on=data["visited_on"], kind=data["kind"], summary=data["summary"],
                                        files=data["files"], actor=user)
                return _done(request, entity, "已登记走访。", "visits")
        elif action == "demand":
            form = forms.DemandForm(request.POST, prefix="demand", categories=actions.demand_categories())
            if form.is_valid():
                data = form.cleaned_data
                case, _code = actions.do_raise_demand(entity, category=data["category"], title=data["title"],
                                                      description=data["description"], wants=data["wants"],
                                                      submission_token=data["submission_token"] or None, actor=user)
                return _done(request, entity, f"已代企业提出诉求，编号{case.number}，将按时限办理。", "demands")
        elif action == "assign":
            form = forms.AssignForm(request.POST, prefix="assign", region=entity.region)
            if form.is_valid():
                data = form.cleaned_data
                actions.do_assign_one_to_one(entity, helper=data["helper"], starts_on=data["starts_on"],
                                             visit_every_days=data["visit_every_days"], actor=user)
                return _done(request, entity, "已确定一对一帮扶干部。", "helpers")
        elif action == "end":
            form = forms.EndAssignmentForm(request.POST, prefix="end")
            if form.is_valid():
                data = form.cleaned_data
                assignment = entity.assignments.filter(pk=data["assignment"]).first()
                if assignment is None:
                    raise Http404("没有找到该帮扶关系。")
                actions.do_end_assignment(assignment, ends_on=data["ends_on"], reason=data["reason"], actor=user)
                return _done(request, entity, "已结束该帮扶关系。", "helpers")
        elif action == "certify":
            form = forms.CertificationForm(request.POST, prefix="certify")
            if form.is_valid():
                data = form.cleaned_data
                actions.do_add_certification(entity, kind=data["kind"], number=data["number"], valid_from=data["valid_from"],
                                             valid_to=data["valid_to"], actor=user)
                return _done(request, entity, "已登记资质认定。", "certifications")
    except NotAllowed as error:
        messages.error(request, error.message)
        return redirect("enterprises:entity", pk=entity.pk)
    except ActionError as error:
        apply_action_error(form, error)
    return _profile(request, entity, {action: form}, status=400)


def _done(request, entity, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("enterprises:entity", args=[entity.pk]) + f"#{anchor}")


def _coverage_request(request):
    if not oversees(request.user):
        raise Http404("没有找到该页面。")
    form = forms.CoverageForm(request.GET or None)
    region, day = None, clock.today()
    if form.is_bound and form.is_valid():
        region = form.cleaned_data["region"]
        day = form.cleaned_data["day"] or day
    own = request.user.department.region
    if own.level != "city" and (region is None or not (region.pk == own.pk or region.parent_id == own.pk)):
        region = own if own.level == "county" else own.parent
    return form, region, day


@login_required
def coverage_page(request):
    form, region, day = _coverage_request(request)
    report = queries.coverage(region, day)
    return render(request, "enterprises/coverage.html", {"form": form, "report": report, "query_string": request.GET.urlencode()},
                  status=400 if form.errors else 200)


@login_required
def coverage_export(request):
    _form, region, day = _coverage_request(request)
    report = queries.coverage(region, day, gap_limit=None)
    summary = [["县（市、区）", "市场主体", "其中规上", "重点企业（规下）", "个体工商户", "一对一帮扶", "已覆盖", "未覆盖"]]
    keys = ("entities", "above_scale", "key", "individuals", "one_to_one", "covered", "uncovered")
    summary += [[row["region"], *(row[k] for k in keys)] for row in report.rows]
    summary.append(["合计", *(report.total.get(k, 0) for k in keys)])
    gaps = [["统一社会信用代码", "名称", "主体类型", "县（市、区）", "乡镇（街道）", "行业", "成立日期"]]
    gaps += [[e.uscc, e.name, e.get_kind_display(), e.region.name, e.township.name if e.township else "",
              f"{e.industry.code} {e.industry.name}", e.established_on] for e in report.gaps]
    name = f"帮扶覆盖情况-{region.name if region else '全市'}-{day:%Y%m%d}.xlsx"
    return download(workbook([(f"覆盖情况{day:%Y-%m-%d}", summary), ("未覆盖的市场主体", gaps)]), name)


@login_required
def my_firms(request):
    """A helper's day: the firms they cover, those due a visit this month first, and their firms'
    demands in progress."""
    if not is_staff_member(request.user):
        raise Http404("没有找到该页面。")
    today = clock.today()
    month_end = date(today.year, today.month, monthrange(today.year, today.month)[1])
    rows = queries.portfolio(request.user, today)
    due = [r for r in rows if r["due_on"] <= month_end]
    entity_ids = [r["entity"].pk for r in rows]
    open_demands = (Case.objects.filter(enterprise_demand__entity_id__in=entity_ids).exclude(state__in=["archived", "withdrawn"])
                    .select_related("category", "lead_department", "enterprise_demand__entity").order_by("due_at"))
    return render(request, "enterprises/mine.html", {
        "rows": rows, "due": due, "today": today, "month_end": month_end, "demands": open_demands[:50],
        "one_to_one": sum(r["mode"] == AssignmentMode.ONE_TO_ONE for r in rows),
        "individuals": sum(r["entity"].kind == EntityKind.INDIVIDUAL for r in rows),
    })
