"""Elevator pages. Public: the city's funnel, a building's application found by estate and
building, its public page (stage, timeline, 公示). Staff: the list, one application's page with
what may be done in its stage, the agreement sheet. Each view parses input, calls one action."""

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.forms import apply_action_error
from minsheng.core.spreadsheets import download
from minsheng.core.text import check_date, date_words, parse_id
from minsheng.elevators import actions, forms, queries, register_xlsx, rules, xlsx
from minsheng.elevators.models import Application, Choice, Objection, ObjectionState, Stage
from minsheng.elevators.stages import GOVERNMENT_STAGES, OPEN_STAGES, ORDER, PIPELINE, RULES
from minsheng.org.models import Region, RegionLevel

def _as_of(request) -> tuple[date, str]:
    """The day the figures are for: today unless a valid earlier day is asked for."""
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return today, ""
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
        if day is None:
            raise ValueError(raw)
        check_date(day, field="as_of", label="统计日期")
    except (ValueError, ActionError):
        return today, "统计日期格式不正确，请写成2021-10-30；已显示截至今天的数据。"
    if day > today or day < queries.EARLIEST_FIGURES:
        return today, f"统计日期应在{date_words(queries.EARLIEST_FIGURES)}至今天之间；已显示截至今天的数据。"
    return day, ""


def funnel_page(request):
    as_of, problem = _as_of(request)
    region = None
    code = request.GET.get("region", "").strip()
    if code:
        region = Region.objects.filter(code=code[:12], level=RegionLevel.COUNTY).first()
    funnel = queries.funnel(as_of, region)
    chart = {
        "steps": ["已受理", "已批复", "已开工", "已完工"],
        "values": [funnel.figures["accepted"], funnel.figures["approved"],
                   funnel.figures["under_construction"] + funnel.figures["completed"], funnel.figures["completed"]],
    }
    # The counties shaded by applications accepted: the city's rows are by county already.
    by_county = queries.accepted_by_county(funnel.rows) if region is None else {}
    return render(request, "elevators/funnel.html", {
        "funnel": funnel, "as_of": as_of, "problem": problem, "region": region, "by_county": by_county,
        "counties": Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"),
        "stage_days": queries.stage_days(region), "chart": json.dumps(chart, ensure_ascii=False),
        "lookup": forms.LookupForm(), "is_today": as_of == timezone.localdate(),
    })


def lookup(request):
    form = forms.LookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = queries.public_lookup(form.cleaned_data["region"], form.cleaned_data["estate"], form.cleaned_data["building"])
    return render(request, "elevators/lookup.html", {"form": form, "found": found})


def public_application(request, number: str):
    application = (
        Application.objects.select_related("entrance__building__estate", "region", "street", "rule_set")
        .filter(number=number[:30]).first()
    )
    if application is None:
        raise Http404("没有找到该申请。")
    return render(request, "elevators/public_application.html", {
        "application": application, "steps": _steps(application), "timeline": queries.public_timeline(application),
        "tally": application.tally if ORDER.get(application.stage, 99) > ORDER[Stage.CONSULTATION] else None,
        "summary": actions.stage_summary(application),
        "show_notice": application.public_notice and ORDER.get(application.stage, 0) >= ORDER[Stage.PUBLICITY],
    })


@require_http_methods(["GET", "POST"])
def report_fault(request, number: str):
    """A resident reports a fault of a lift in service: a case routed by the 电梯故障 category and
    linked to the application; the receipt is the case engine's (number and query code)."""
    from minsheng.cases.views.public import SUBMITTED_KEY

    application = (
        Application.objects.select_related("entrance__building__estate", "region")
        .filter(number=number[:30], stage=Stage.IN_SERVICE).first()
    )
    if application is None:
        raise Http404("没有找到这部投入使用的电梯。")
    category = actions.fault_category()
    form = forms.FaultForm(request.POST or None, choices=actions.fault_choices(category))
    if form.is_bound and form.is_valid():
        if form.cleaned_data["website"]:  # a bot: answer as if all went well
            return redirect("cases:submitted")
        try:
            case, code = actions.do_report_fault(
                application, fault=form.cleaned_data["fault"], description=form.cleaned_data["description"],
                floor=form.cleaned_data["floor"], requester_name=form.cleaned_data["requester_name"],
                requester_phone=form.cleaned_data["requester_phone"],
                submission_token=form.cleaned_data["submission_token"] or None,
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            if code is not None:
                request.session[SUBMITTED_KEY] = {"number": case.number, "code": code}
                if not request.user.is_authenticated:
                    request.session.set_expiry(600)
            return redirect("cases:submitted")
    return render(request, "elevators/fault.html", {"application": application, "form": form, "open": category is not None},
                  status=400 if form.errors else 200)


def _steps(application: Application) -> list[dict]:
    """The pipeline as a list of steps: done, current, to come (the permit only where needed)."""
    current = ORDER.get(application.stage)
    records = {r.stage: r for r in application.stage_records.all()}
    steps = []
    for rule in PIPELINE:
        if rule.stage == Stage.PERMIT and not application.needs_permit and rule.stage not in records:
            continue
        position = ORDER[rule.stage]
        state = "current" if rule.stage == application.stage else ("done" if rule.stage in records and (current is None or position < current) else "todo")
        steps.append({"stage": rule.stage, "label": rule.label, "state": state, "record": records.get(rule.stage),
                      "government": rule.is_government})
    return steps


# --- staff ------------------------------------------------------------------------------------

@login_required
def staff_list(request):
    applications = queries.applications_for(request.user)
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        applications = applications.filter(stage=stage)
    late = request.GET.get("late") == "1"
    if late:
        applications = applications.filter(stage__in=GOVERNMENT_STAGES, due_at__lt=clock.now())
    applications = applications.order_by("due_at", "-filed_on", "-id") if late else applications.order_by("-filed_on", "-id")
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "elevators/staff_list.html", {
        "page": page, "stages": [(s, Stage(s).label) for s in OPEN_STAGES] + [(Stage.IN_SERVICE, "投入使用")],
        "stage": stage, "late": late, "query_string": query_string.urlencode(), "now": clock.now(),
    })


def _panels(request, application, bound: dict) -> dict:
    """The forms for what may be done now, bound to the POST that failed if any."""
    def form(name, cls, **kwargs):
        # Each panel's fields carry its name (vote-dwelling, shaft-dwelling...): ids stay unique on the page.
        return bound.get(name) or cls(prefix=name, **kwargs)

    may_run = rules.may_run_consultation(request.user, application)
    stage = application.stage
    panels = {"may_run": may_run, "may_act": application.is_open and rules.may_act_on_stage(request.user, application, stage)}
    panels["advance"] = form("advance", forms.AdvanceForm, initial={"expected_stage": stage})
    if may_run and stage == Stage.CONSULTATION:
        panels["vote"] = form("vote", forms.VoteForm, application=application, initial={"cast_on": timezone.localdate()})
    if may_run and application.is_open and ORDER[stage] <= ORDER[Stage.DESIGN]:
        panels["shaft"] = form("shaft", forms.ShaftForm, application=application)
    if may_run and application.is_open and ORDER[stage] <= ORDER[Stage.PUBLICITY]:
        panels["costs"] = form("costs", forms.CostForm, initial={
            "estimated_cost": application.estimated_cost or "", "subsidy": "", "implementing_body": application.implementing_body,
            "method": application.cost_method or application.rule_set.cost_method})
    if may_run and stage == Stage.PUBLICITY:
        panels["notice"] = form("notice", forms.NoticeForm, initial={"days": application.rule_set.publicity_days,
                                                                     "text": application.public_notice})
    if may_run and application.is_open:
        panels["objection"] = form("objection", forms.ObjectionForm, application=application,
                                   initial={"filed_on": timezone.localdate()})
        panels["mediation"] = bound.get("mediation")
        panels["close_objection"] = bound.get("close_objection")
    if panels["may_act"] and RULES[stage].is_government and stage != Stage.PUBLICITY:
        panels["reject"] = form("reject", forms.ReasonForm)
    if may_run and application.is_open:
        panels["withdraw"] = form("withdraw", forms.ReasonForm)
    panels["link"] = form("link", forms.LinkCaseForm)
    if stage == Stage.IN_SERVICE and (may_run or rules.may_act_on_stage(request.user, application, Stage.REGISTRATION)):
        panels["maintenance"] = form("maintenance", forms.MaintenanceForm, initial={
            "contractor": application.maintenance_contractor, "phone": application.maintenance_phone,
            "inspection_expires_on": application.inspection_expires_on})
        panels["service"] = form("service", forms.ServiceForm, initial={"serviced_on": timezone.localdate()})
    return panels


def _page(request, application, bound: dict | None = None, status: int = 200):
    personal = rules.may_see_personal_data(request.user, application)
    dwellings = list(application.entrance.dwellings.order_by("floor", "number").prefetch_related("owners"))
    votes = {vote.dwelling_id: vote for vote in application.votes.all()}
    shares = actions.shares(application)
    shaft = set(application.shaft_dwellings.values_list("dwelling_id", flat=True))
    rows = [{
        "dwelling": d, "owners": [o.name if personal else o.name[:1] + "*" for o in d.owners.all()],
        "vote": votes.get(d.pk), "share": shares.get(d.pk), "shaft": d.pk in shaft,
    } for d in dwellings]
    objections = list(application.objections.prefetch_related("mediations"))
    bound = bound or {}
    for objection in objections:
        if objection.state == ObjectionState.OPEN:
            objection.mediation_form = bound.get(f"mediation-{objection.pk}") or forms.MediationForm(
                initial={"objection": objection.pk, "held_on": timezone.localdate()}, prefix=f"m{objection.pk}")
            objection.close_form = bound.get(f"close-{objection.pk}") or forms.CloseObjectionForm(
                initial={"objection": objection.pk}, prefix=f"c{objection.pk}")
    return render(request, "elevators/staff_application.html", {
        "application": application, "tally": application.tally, "rows": rows, "personal": personal,
        "objections": objections, "steps": _steps(application), "summary": actions.stage_summary(application),
        "timeline": application.events.select_related("actor").order_by("created_at", "id"),
        "panels": _panels(request, application, bound), "cases": application.case_links.select_related("case__category"),
        "next_label": _next_label(application), "choices": Choice,
    }, status=status)


def _next_label(application) -> str:
    from minsheng.elevators.stages import next_stage

    target = next_stage(application.stage, needs_permit=application.needs_permit)
    return Stage(target).label if target else ""


@login_required
def staff_application(request, pk: int):
    application = _application_or_404(request, pk)
    return _page(request, application)


ACTIONS = ("advance", "vote", "shaft", "costs", "notice", "objection", "mediation", "close_objection", "reject", "withdraw", "link",
           "maintenance", "service")


@login_required
@require_POST
def act(request, pk: int, action: str):
    application = _application_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404("没有这项操作。")
    user = request.user
    form = None
    name = action
    try:
        if action == "advance":
            form = forms.AdvanceForm(request.POST, prefix="advance")
            if form.is_valid():
                actions.do_advance_stage(application, actor=user, note=form.cleaned_data["note"],
                                         expected_stage=form.cleaned_data["expected_stage"])
                return _done(request, application, "已办结本环节。")
        elif action == "vote":
            form = forms.VoteForm(request.POST, application=application, prefix="vote")
            if form.is_valid():
                data = form.cleaned_data
                dwelling = data["dwelling"]
                actions.do_record_vote(application, dwelling=dwelling, voter=data["voter"] or dwelling.voter, area=data["area"],
                                       choice=data["choice"], cast_on=data["cast_on"], actor=user)
                return _done(request, application, f"已录入{dwelling.number}室的表决意见。", anchor="votes")
        elif action == "shaft":
            form = forms.ShaftForm(request.POST, application=application, prefix="shaft")
            if form.is_valid():
                actions.do_mark_shaft_dwelling(application, dwelling=form.cleaned_data["dwelling"], actor=user)
                return _done(request, application, "已标记。", anchor="votes")
        elif action == "costs":
            form = forms.CostForm(request.POST, prefix="costs")
            if form.is_valid():
                data = form.cleaned_data
                actions.do_set_costs(application, estimated_cost=data["estimated_cost"], subsidy=data["subsidy"] or None,
                                     method=data["method"], implementing_body=data["implementing_body"], actor=user)
                return _done(request, application, "已保存造价和分摊方案。", anchor="costs")
        elif action == "notice":
            form = forms.NoticeForm(request.POST, prefix="notice")
            if form.is_valid():
                actions.do_publish_notice(application, text=form.cleaned_data["text"], days=form.cleaned_data["days"], actor=user)
                return _done(request, application, "公示已发布。")
        elif action == "objection":
            form = forms.ObjectionForm(request.POST, application=application, prefix="objection")
            if form.is_valid():
                data = form.cleaned_data
                actions.do_file_objection(application, reason=data["reason"], filed_on=data["filed_on"], dwelling=data["dwelling"],
                                          actor=user)
                return _done(request, application, "异议已登记。", anchor="objections")
        elif action in ("mediation", "close_objection"):
            objection = _objection(application, request.POST)
            prefix = f"m{objection.pk}" if action == "mediation" else f"c{objection.pk}"
            name = f"{'mediation' if action == 'mediation' else 'close'}-{objection.pk}"
            if action == "mediation":
                form = forms.MediationForm(request.POST, prefix=prefix)
                if form.is_valid():
                    data = form.cleaned_data
                    actions.do_record_mediation(objection, held_on=data["held_on"], level=data["level"], mediator=data["mediator"],
                                                summary=data["summary"], agreed=data["agreed"],
                                                compensation=data["compensation"] or None, actor=user)
                    return _done(request, application, "调解记录已保存。", anchor="objections")
            else:
                form = forms.CloseObjectionForm(request.POST, prefix=prefix)
                if form.is_valid():
                    actions.do_close_objection(objection, state=form.cleaned_data["state"], outcome=form.cleaned_data["outcome"],
                                               actor=user)
                    return _done(request, application, "异议已办结。", anchor="objections")
        elif action == "reject":
            form = forms.ReasonForm(request.POST, prefix="reject")
            if form.is_valid():
                actions.do_reject_application(application, reason=form.cleaned_data["reason"], actor=user)
                return _done(request, application, "已作出不予通过的决定。")
        elif action == "withdraw":
            form = forms.ReasonForm(request.POST, prefix="withdraw")
            if form.is_valid():
                actions.do_withdraw_application(application, reason=form.cleaned_data["reason"], actor=user)
                return _done(request, application, "已撤回。")
        elif action == "link":
            form = forms.LinkCaseForm(request.POST, prefix="link")
            if form.is_valid():
                case = _case_by_number(user, form.cleaned_data["number"])
                actions.do_link_case(application, case, actor=user)
                return _done(request, application, f"已关联诉求件{case.number}。", anchor="cases")
        elif action == "maintenance":
            form = forms.MaintenanceForm(request.POST, prefix="maintenance")
            if form.is_valid():
                data = form.cleaned_data
                actions.do_set_maintenance(application, contractor=data["contractor"], phone=data["phone"],
                                           inspection_expires_on=data["inspection_expires_on"], actor=user)
                return _done(request, application, "已登记维保单位和定期检验。", anchor="service")
        elif action == "service":
            form = forms.ServiceForm(request.POST, prefix="service")
            if form.is_valid():
                actions.do_record_service(application, serviced_on=form.cleaned_data["serviced_on"],
                                          note=form.cleaned_data["note"], actor=user)
                return _done(request, application, "已记录本次维保。", anchor="service")
    except ActionError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("elevators:application", pk=application.pk)
        apply_action_error(form, error)
    application = Application.objects.get(pk=application.pk)
    return _page(request, application, {name: form}, status=400)


def _application_or_404(request, pk) -> Application:
    try:
        return queries.access_application(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


def _case_by_number(user, number: str):
    from minsheng.cases.models import Case
    from minsheng.cases.queries import access_case

    case = Case.objects.filter(number=number.strip()).only("pk").first()
    if case is None:
        raise ActionError("没有找到这个诉求件，或您无权查看。", field="number")
    try:
        return access_case(user, case.pk)
    except NotFound:
        raise ActionError("没有找到这个诉求件，或您无权查看。", field="number") from None


def _objection(application, data) -> Objection:
    raw = next((value for key, value in data.items() if key.endswith("objection")), "")
    number = parse_id(str(raw))
    objection = application.objections.filter(pk=number).first() if number else None
    if objection is None:
        raise NotFound("没有找到该异议。")
    return objection


def _done(request, application, message: str, anchor: str = ""):
    messages.success(request, message)
    url = reverse("elevators:application", args=[application.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def agreement_sheet(request, pk: int):
    """The cost-share agreement as an xlsx sheet the owners sign (printed from Excel/WPS)."""
    application = _application_or_404(request, pk)
    if application.estimated_cost is None:
        messages.error(request, "尚未录入工程总造价和分摊方案。")
        return redirect("elevators:application", pk=application.pk)
    content = xlsx.agreement_sheet(application, personal=rules.may_see_personal_data(request.user, application))
    return download(content, f"{application.number}-费用分摊协议.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_register(request):
    """Estates, buildings and dwellings from the communities' spreadsheet, with a row report."""
    from minsheng.core.uploads import XLSX_KIND, check_upload
    from minsheng.org.access import is_staff_member

    if not is_staff_member(request.user):
        raise Http404
    form = forms.RegisterImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            check_upload(form.cleaned_data["file"], field="file", label="文件", kinds=(XLSX_KIND,))
            report = register_xlsx.read_register(form.cleaned_data["file"].read())
            if not report.errors:
                counts = actions.do_import_register(report.rows, actor=request.user)
                messages.success(request, f"已导入{counts['dwellings']}户（新登记小区{counts['estates']}个、楼栋{counts['buildings']}栋、单元{counts['entrances']}个）。")
                return redirect("elevators:list")
            form.add_error(None, f"文件有{len(report.errors)}处错误，未导入任何住户。请按下表修改后重新导入。")
        except ActionError as error:
            apply_action_error(form, error)
    return render(request, "elevators/import.html", {"form": form, "report": report}, status=400 if form.errors else 200)


@login_required
def import_template(request):
    return download(register_xlsx.template_workbook(), "加装电梯住户登记模板.xlsx")


@login_required
def new_application(request):
    """Find the entrance the owners apply for, by its estate's name."""
    from minsheng.elevators.models import Entrance
    from minsheng.org.access import in_jurisdiction_q, is_staff_member

    if not is_staff_member(request.user):
        raise Http404
    words = request.GET.get("q", "").strip()[:60]
    entrances = []
    if words:
        entrances = list(
            Entrance.objects.filter(in_jurisdiction_q(request.user, "building__estate__region"),
                                    building__estate__name__contains=words)
            .select_related("building__estate__region").order_by("building__estate__name", "building__name", "name")[:50]
        )
    return render(request, "elevators/new.html", {"words": words, "entrances": entrances})


@login_required
@require_http_methods(["GET", "POST"])
def file_application(request, entrance_pk: int):
    from minsheng.elevators.models import Entrance
    from minsheng.org.access import in_jurisdiction

    entrance = Entrance.objects.select_related("building__estate__region").filter(pk=entrance_pk).first()
    if entrance is None or not in_jurisdiction(request.user, entrance.building.estate.region):
        raise Http404
    form = forms.FileApplicationForm(request.POST or None, entrance=entrance, initial={"filed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.do_file_application(
                entrance, filed_on=form.cleaned_data["filed_on"], representatives=list(form.cleaned_data["representatives"]),
                implementing_body=form.cleaned_data["implementing_body"], actor=request.user)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"已登记申请{application.number}。")
            return redirect("elevators:application", pk=application.pk)
    personal = True  # the street and the bureau registering it handle these owners' matter
    return render(request, "elevators/file.html", {"entrance": entrance, "form": form, "personal": personal,
                                                   "dwellings": entrance.dwellings.order_by("floor", "number")},
                  status=400 if form.errors else 200)
