"""Staff pages: the registry, a firm's profile (everything the city knows of it in one place),
the coverage report and its export, a helper's own firms with the visits due."""

from calendar import monthrange
from datetime import date
from itertools import chain

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
from minsheng.core.text import date_words, parse_id
from minsheng.enterprises import panels
from minsheng.enterprises import actions, forms, queries, rules
from minsheng.enterprises.models import Assignment, AssignmentMode, Entity, EntityKind
from minsheng.org.access import in_jurisdiction_q, is_staff_member, jurisdiction, oversees

PAGE_SIZE = 50


def _visible(user):
    """The firms `user` may open: their jurisdiction's for oversight, else those they help today."""
    if oversees(user):
        return Entity.objects.filter(in_jurisdiction_q(user))
    # A helper's firms are a few hundred at most: their ids first, so the list is read by primary
    # key (an OR of the two ways to help, evaluated for every firm of the city, took 2.4 s).
    day = clock.today()
    helped = Assignment.objects.filter(queries.current(day), helper=user)
    ids = {*helped.filter(mode=AssignmentMode.ONE_TO_ONE).values_list("entity_id", flat=True),
           *queries.GridMember.objects.filter(queries.current(day), grid__in=helped.values("grid"))
           .values_list("entity_id", flat=True)}
    return Entity.objects.filter(pk__in=ids)


def _filtered(request):
    """The registry's filter form and the firms it selects among those `request.user` may see."""
    if not is_staff_member(request.user):
        raise Http404("没有找到该页面。")
    form = forms.RegistryFilter(request.GET or None)
    entities = _visible(request.user)
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
            today = clock.today()
            entities = queries.uncovered(entities.filter(queries.active_on(today)), today, data["region"])
    return form, entities.order_by("region__code", "name", "pk")


@login_required
def registry(request):
    form, entities = _filtered(request)
    page = Paginator(entities.select_related("region", "industry"), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "enterprises/registry.html", {
        "form": form, "page": page, "query_string": query_string.urlencode(),
        "import_url": _import_url(request.user),
    })


# A county's registry (武宁县 17,815, the largest county 150,000) in one workbook; the whole city
# is asked to choose a county or a kind first (a million rows is no spreadsheet).
MAX_EXPORT_ROWS = 200_000


@login_required
def registry_export(request):
    """The registry as filtered, in the import's columns (统一社会信用代码 first), so a keeper can
    correct it in Excel and import it back: known codes are updated. The contact's phone is in it
    only for those who may see every listed firm's contact (the registry's keepers; a helper's
    own firms), and each export is recorded with who took it and how many firms."""
    form, entities = _filtered(request)
    if form.errors:
        return redirect(f"{reverse('enterprises:registry')}?{request.GET.urlencode()}")
    count = entities.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, f"符合条件的市场主体共{count}户，超过{MAX_EXPORT_ROWS // 10000}万户，"
                                "请按县（市、区）或主体类型筛选后分批导出。")
        return redirect(f"{reverse('enterprises:registry')}?{request.GET.urlencode()}")
    user = request.user
    contacts = not oversees(user) or rules.may_keep_registry(user, jurisdiction(user))
    content, name = registry_workbook(entities, contacts=contacts, day=clock.today())
    actions.do_record_registry_export(count, filters=request.GET.dict(), contacts=contacts, actor=user)
    return download(content, name)


def registry_workbook(entities, *, contacts: bool, day: date) -> tuple[bytes, str]:
    from minsheng.enterprises.actions.imports import COLUMNS

    columns = [column for column in COLUMNS if contacts or column.field != "contact_phone"]
    yes_no = {True: "是", False: "否"}

    def cells(entity):
        values = {
            "uscc": entity.uscc, "name": entity.name, "industry": entity.industry.code, "kind": entity.get_kind_display(),
            "region": entity.region.name, "township": entity.township.name if entity.township else "",
            "address": entity.address, "established_on": entity.established_on,
            "legal_representative": entity.legal_representative, "status": entity.get_status_display(),
            "closed_on": entity.closed_on, "figures_year": entity.figures_year, "employees": entity.employees,
            "revenue": entity.revenue, "assets": entity.assets, "qualified": yes_no[entity.qualified],
            "is_key": yes_no[entity.is_key], "contact_name": entity.contact_name, "contact_phone": entity.contact_phone,
        }
        return [values[column.field] for column in columns]

    # Rows go to the workbook as they are read: a county of 150,000 is never a list in memory.
    rows = chain([[column.header for column in columns]],
                 (cells(entity) for entity in entities.select_related("region", "township", "industry").iterator(chunk_size=2000)))
    return workbook([("市场主体名录", rows)]), f"市场主体名录-{day:%Y%m%d}.xlsx"


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


# What can be done to a firm, each on a page of its own reached from the profile: the profile is
# read far more often than anything is entered, and its forms (a county's staff list for the
# helper, the demand categories) made every view of it slow and heavy.
ACTION_TITLES = {
    "visit": "登记走访", "demand": "代企业提出诉求", "assign": "确定一对一帮扶干部", "certify": "登记资质认定",
    "end": "结束帮扶关系",
}


def _allowed_actions(user, entity: Entity) -> set[str]:
    allowed = set()
    if rules.may_act_for(user, entity) and entity.is_active:
        allowed |= {"visit", "demand"}
    if rules.may_keep_registry(user, entity.region):
        allowed |= {"assign", "certify", "end"}
    return allowed


def _blank_form(action: str, entity: Entity, request):
    today = clock.today()
    if action == "visit":
        return forms.VisitForm(prefix="visit", initial={"visited_on": today})
    if action == "demand":
        return forms.DemandForm(prefix="demand", categories=actions.demand_categories())
    if action == "assign":
        return forms.AssignForm(prefix="assign", region=entity.region, initial={"starts_on": today})
    if action == "certify":
        return forms.CertificationForm(prefix="certify")
    assignment = request.GET.get("assignment", "")
    return forms.EndAssignmentForm(prefix="end", initial={"assignment": assignment, "ends_on": today})


@login_required
def action_page(request, pk: int, action: str):
    entity = _entity_or_404(request, pk)
    if action not in ACTION_TITLES or action not in _allowed_actions(request.user, entity):
        raise Http404("没有这项操作。")
    return _action_page(request, entity, action, _blank_form(action, entity, request))


def _action_page(request, entity: Entity, action: str, form, status: int = 200):
    context = {"entity": entity, "action": action, "title": ACTION_TITLES[action], "form": form}
    if action in ("assign", "end"):
        context["helpers"] = queries.helpers_of(entity, clock.today())
    if action == "end":
        number = form["assignment"].value()
        context["assignment"] = entity.assignments.select_related("helper").filter(pk=parse_id(str(number or ""))).first()
    return render(request, "enterprises/act.html", context, status=status)


def _profile(request, entity: Entity):
    today = clock.today()
    record = queries.help_record(entity, today)
    # Only the columns the page shows: a case and a user have dozens, and composing the
    # columns of every joined table was a good part of the page's time.
    demands = list(entity.demands.select_related("case__category", "case__lead_department")
                   .only("entity_id", "case__number", "case__title", "case__state", "case__category__name",
                         "case__lead_department__name").order_by("-created_at"))
    certifications = list(entity.certifications.all())
    for certification in certifications:
        certification.current = certification.held_on(today)
    return render(request, "enterprises/entity.html", {
        "entity": entity, "today": today,
        "contact": rules.may_see_contact(request.user, entity),
        "certifications": certifications,
        "helpers": record.helpers,
        "assignments": record.assignments, "grids": record.memberships,
        "visits": (entity.visits.select_related("helper").prefetch_related("attachments")
                   .only("entity_id", "visited_on", "kind", "summary", "helper__full_name", "helper__username")[:20]),
        "demands": demands,
        "events": (entity.events.select_related("actor").only("entity_id", "created_at", "note", "actor__full_name", "actor__username")
                   .order_by("-created_at", "-id")[:30]),
        "allowed": _allowed_actions(request.user, entity),
        "industry_path": _industry_path(entity.industry),
        "panels": panels.render_panels(panels.STAFF_PROFILE, request, entity),
    })


def _industry_path(industry) -> list:
    path = []
    while industry is not None:
        path.append(industry)
        industry = industry.parent
    return list(reversed(path))


@login_required
def entity_page(request, pk: int):
    return _profile(request, _entity_or_404(request, pk))


@login_required
@require_POST
def act(request, pk: int, action: str):
    entity = _entity_or_404(request, pk)
    if action not in ACTION_TITLES or action not in _allowed_actions(request.user, entity):
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
    return _action_page(request, entity, action, form, status=400)


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
    return render(request, "enterprises/coverage.html", {
        "form": form, "report": report, "query_string": request.GET.urlencode(),
        "may_hand_over": rules.may_keep_registry(request.user, jurisdiction(request.user)),
    }, status=400 if form.errors else 200)


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
def handover(request):
    """A helper leaves (调离): the registry's keeper hands their whole portfolio to a successor in
    one action. The leaving helper is chosen among those who help a firm of the keeper's
    jurisdiction today, the successor among its staff."""
    user = request.user
    area = jurisdiction(user)
    if area is None or not rules.may_keep_registry(user, area):
        raise Http404("没有找到该页面。")
    from minsheng.org.models import Region, User

    regions = Region.objects.filter(code__startswith=area.code_prefix)
    today = clock.today()
    helping = Assignment.objects.filter(queries.current(today)).filter(
        Q(entity__in=Entity.objects.filter(in_jurisdiction_q(user))) | Q(grid__region__in=regions))
    helpers = User.objects.filter(pk__in=helping.values("helper"))
    form = forms.HandoverForm(request.POST or None, regions=regions, helpers=helpers, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handed = actions.do_reassign_portfolio(data["helper"], to=data["to"], on=data["on"], reason=data["reason"], actor=user)
        except NotAllowed as error:
            form.add_error(None, error.message)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            names = [person.full_name or person.username for person in (data["helper"], data["to"])]
            messages.success(request, f"已将{names[0]}的{handed}项帮扶关系自{date_words(data['on'])}起交由{names[1]}。")
            return redirect("enterprises:coverage")
    return render(request, "enterprises/handover.html", {"form": form}, status=400 if form.errors else 200)


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


@login_required
def visit_file(request, pk: int):
    """A visit's photo or document, to those who may open the firm's profile; nothing else
    serves the upload folder."""
    from minsheng.core.files import file_response
    from minsheng.enterprises.models import VisitAttachment

    found = VisitAttachment.objects.select_related("visit").filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到这个文件，或您无权查看。")
    try:
        queries.access_entity(request.user, found.visit.entity_id)
    except NotFound:
        raise Http404("没有找到这个文件，或您无权查看。") from None
    response = file_response(found.file, found.name, found.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
