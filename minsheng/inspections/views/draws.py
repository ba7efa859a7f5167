"""A department's draws, run in the open: planned with the seed's source announced (or its hash
committed), the pool frozen and its hash published, drawn with the seed and witnesses, and the
firms drawn filed for their visits in one go. The record itself is public (views/public.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error
from minsheng.enterprises.models import Entity
from minsheng.inspections import actions, forms, rules
from minsheng.inspections.models import Draw, DrawState, FilingKind, Inspector
from minsheng.org.access import is_staff_member


def _organiser(user):
    if not is_staff_member(user) or not rules.may_organise_draw(user, user.department):
        raise Http404("您无权组织双随机抽查。")
    return user.department


@login_required
def draw_list(request):
    if not is_staff_member(request.user):
        raise Http404("没有找到该页面。")
    department = request.user.department
    draws = (Draw.objects.filter(Q(department=department) | Q(inspector_departments=department)).distinct()
             .select_related("department", "region").order_by("-created_at")[:100])
    return render(request, "inspections/staff_draws.html", {
        "draws": draws, "may_organise": rules.may_organise_draw(request.user, department)})


@login_required
@require_http_methods(["GET", "POST"])
def plan(request):
    department = _organiser(request.user)
    form = forms.PlanDrawForm(request.POST or None, department=department)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            draw = actions.do_plan_draw(
                department, title=data["title"], region=data["region"], ratios=form.ratios(),
                seed_source=data["seed_source"], seed_source_text=data["seed_source_text"],
                seed_commitment=data["seed_commitment"], items=data["items"], above_scale_only=data["above_scale_only"],
                industry_prefix=data["industry_prefix"], inspectors_per_target=data["inspectors_per_target"],
                actor=request.user)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"已拟定抽查{draw.number}，随机种子来源已公开。")
            return redirect("inspections:staff-draw", draw.number)
    return render(request, "inspections/draw_plan.html", {"form": form, "department": department})


def _own_draw(request, number: str) -> Draw:
    draw = Draw.objects.select_related("department", "region").filter(number=number[:20]).first()
    if draw is None or not is_staff_member(request.user) or not (
            draw.department_id == request.user.department_id or rules.may_organise_draw(request.user, draw.department)):
        raise Http404("没有找到该抽查。")
    return draw


def _page(request, draw: Draw, run_form=None, cancel_form=None, file_form=None, status=200):
    may = rules.may_organise_draw(request.user, draw.department)
    filed = set(draw.filings.values_list("entity__uscc", flat=True))
    picks = actions.recorded_picks(draw) if draw.state == DrawState.DRAWN else []
    return render(request, "inspections/staff_draw.html", {
        "draw": draw, "may_organise": may,
        "run_form": run_form or forms.RunDrawForm(), "cancel_form": cancel_form or forms.ReasonForm(prefix="cancel"),
        "file_form": file_form or forms.FilePicksForm(prefix="file"),
        "picks": len(picks), "filed": len(filed), "unfiled": len([p for p in picks if p.uscc not in filed]),
        "may_file": rules.may_file(request.user, draw.department),
    }, status=status)


@login_required
def draw_page(request, number: str):
    return _page(request, _own_draw(request, number))


@login_required
@require_POST
def draw_act(request, number: str, action: str):
    draw = _own_draw(request, number)
    user = request.user
    try:
        if action == "freeze":
            actions.do_freeze_draw(draw, actor=user)
            messages.success(request, "抽查库已封存，哈希已公布。")
        elif action == "run":
            form = forms.RunDrawForm(request.POST)
            if not form.is_valid():
                return _page(request, draw, run_form=form, status=400)
            try:
                actions.do_run_draw(draw, seed=form.cleaned_data["seed"], witnesses=form.cleaned_data["witnesses"], actor=user)
            except ActionError as error:
                apply_action_error(form, error)
                return _page(request, draw, run_form=form, status=400)
            messages.success(request, "已随机抽取，结果和结果哈希已公布。")
        elif action == "cancel":
            form = forms.ReasonForm(request.POST, prefix="cancel")
            if not form.is_valid():
                return _page(request, draw, cancel_form=form, status=400)
            actions.do_cancel_draw(draw, reason=form.cleaned_data["reason"], actor=user)
            messages.success(request, "已取消抽查。")
        elif action == "file":
            form = forms.FilePicksForm(request.POST, prefix="file")
            if not form.is_valid():
                return _page(request, draw, file_form=form, status=400)
            return _file_picks(request, draw, form.cleaned_data["planned_on"])
        else:
            raise Http404("没有这项操作。")
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(reverse("inspections:staff-draw", args=[draw.number]))


def _file_picks(request, draw: Draw, planned_on):
    """Each firm drawn and not yet filed, filed for its visit by the drawn inspectors, each in
    its own transaction: one refused (a quiet day, a closed firm) leaves the others filed."""
    if draw.state != DrawState.DRAWN or not rules.may_file(request.user, draw.department):
        raise Http404("没有这项操作。")
    filed = set(draw.filings.values_list("entity__uscc", flat=True))
    picks = [pick for pick in actions.recorded_picks(draw) if pick.uscc not in filed]
    firms = {firm.uscc: firm for firm in Entity.objects.filter(uscc__in=[p.uscc for p in picks]).select_related("region")}
    certificates = {c for pick in picks for c in pick.inspectors}
    inspectors = {i.certificate_number: i for i in Inspector.objects.filter(certificate_number__in=certificates)}
    items = list(draw.items.all())
    done, refused = 0, []
    for pick in picks:
        firm = firms.get(pick.uscc)
        try:
            if firm is None:
                raise ActionError("已不在企业库中")
            actions.do_file_inspection(draw.department, firm, kind=FilingKind.RANDOM, items=items,
                                       inspectors=[inspectors[c] for c in pick.inspectors if c in inspectors],
                                       planned_on=planned_on, trigger=f"{draw.number} {draw.title}", draw=draw,
                                       actor=request.user)
            done += 1
        except ActionError as error:
            refused.append(f"{firm.name if firm else pick.uscc}：{error.message}")
    if done:
        messages.success(request, f"已为{done}户抽中企业备案，待部门负责人审批。")
    if refused:
        messages.warning(request, f"{len(refused)}户未备案（可改日期再试）：" + "；".join(refused[:10])
                         + ("……" if len(refused) > 10 else ""))
    return redirect(reverse("inspections:staff-draw", args=[draw.number]))
