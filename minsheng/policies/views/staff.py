"""The departments' side (送): their policies, entering one with its conditions, the page of one
policy (its eligible firms at once, the payouts step by step, the applications), reviewing an
application, importing figures. Each POST calls one action; the forms only parse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed, NotFound
from minsheng.core.forms import apply_action_error
from minsheng.core.text import parse_id
from minsheng.org.access import is_staff_member
from minsheng.policies import actions, forms, queries, rules
from minsheng.policies.models import Delivery, Payout, PayoutState, PolicyApplication, PolicyState

PAGE_SIZE = 30
ELIGIBLE_SHOWN = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_only(user) -> None:
    if not is_staff_member(user):
        raise Http404("没有找到该页面。")


def _may_keep(user) -> bool:
    return user.department is not None and rules.may_keep_policies(user, user.department)


@login_required
def home(request):
    user = request.user
    _staff_only(user)
    today = clock.today()
    policies = (queries.visible_policies(user).select_related("issuer", "region")
                .annotate(firms_paid=Count("payouts", filter=Q(payouts__state=PayoutState.PAID)),
                          paid=Sum("payouts__amount", filter=Q(payouts__state=PayoutState.PAID)),
                          late=Count("payouts", filter=Q(payouts__due_on__lt=today)),
                          to_review=Count("payouts", filter=Q(payouts__state=PayoutState.LISTED)))
                .order_by("state", "-issued_on", "-pk"))
    state = request.GET.get("state") if request.GET.get("state") in PolicyState.values else ""
    if state:
        policies = policies.filter(state=state)
    page = Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting_review = (PolicyApplication.objects.filter(policy__in=queries.visible_policies(user), payout__isnull=True,
                                                       case__state__in=["dispatched", "handling"]).count())
    return render(request, "policies/staff_home.html", {
        "page": page, "today": today, "state": state, "states": PolicyState.choices, "may_keep": _may_keep(user),
        "may_import": rules.may_import_figures(user),
        "waiting_review": waiting_review, "query_string": f"state={state}" if state else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def new_policy(request):
    user = request.user
    _staff_only(user)
    if not _may_keep(user):
        raise Http404("您无权录入政策。")
    form = forms.PolicyForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            policy = actions.do_create_policy(user.department, **form.action_values(),
                                              document=form.cleaned_data.get("document"), actor=user)
        except ActionError as error:
            field = error.field if error.field in form.fields else None
            if error.field == "conditions":
                field = None
            form.add_error(field, error.message)
        else:
            messages.success(request, f"已录入政策{policy.number}，核对后请发布。")
            return redirect("policies:staff-policy", policy.number)
    return render(request, "policies/policy_new.html", {"form": form, "department": user.department,
                                                        "fields": forms.conditions.fields().values()})


def _policy_or_404(request, number):
    try:
        return queries.access_policy(request.user, number)
    except NotFound:
        raise Http404("没有找到该政策。") from None


@login_required
def policy_page(request, number):
    user = request.user
    _staff_only(user)
    policy = _policy_or_404(request, number)
    today = clock.today()
    keeper = rules.may_keep_policies(user, policy.issuer)
    eligible = queries.eligible(policy, today)
    eligible_count = eligible.count()
    eligible_rows = list(eligible.select_related("region", "industry").order_by("name", "pk")[:ELIGIBLE_SHOWN])
    tab = request.GET.get("tab") if request.GET.get("tab") in PayoutState.values else ""
    payouts = policy.payouts.select_related("entity", "application__case").order_by("listed_at", "pk")
    counts = dict(policy.payouts.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    shown = payouts.filter(state=tab) if tab else payouts
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    committed = policy.payouts.filter(state__in=["confirmed", "publicized", "ordered", "paid"]).aggregate(
        total=Sum("amount"))["total"] or 0
    applications = (policy.applications.select_related("entity", "case", "payout").order_by("-created_at", "-pk")[:50])
    return render(request, "policies/staff_policy.html", {
        "policy": policy, "conditions": list(policy.conditions.all()), "keeper": keeper, "today": today,
        "eligible_count": eligible_count, "eligible_rows": eligible_rows, "page": page, "tab": tab,
        "tabs": [(value, label, counts.get(value, 0)) for value, label in PayoutState.choices],
        "committed": committed, "left": policy.budget - committed, "confirmed_count": counts.get(PayoutState.CONFIRMED, 0), "applications": applications,
        "automatic": policy.delivery == Delivery.AUTOMATIC, "reason_form": forms.ReasonForm(),
        "paid_form": forms.PaidForm(initial={"paid_on": today}), "query_string": f"tab={tab}" if tab else "",
        "events": policy.events.select_related("actor").order_by("-created_at", "-pk")[:30],
    })


POLICY_ACTIONS = {
    "publish": lambda policy, user, post: actions.do_publish_policy(policy, actor=user) and "已发布。",
    "match": lambda policy, user, post: f"已匹配，新列入{actions.do_match_policy(policy, actor=user)}户待审核。",
    "publicize": lambda policy, user, post: f"已公示{actions.do_publicize_payouts(policy, actor=user)}户。",
    "notify": lambda policy, user, post: "已提醒{firms}户企业、{helpers}名帮扶干部。".format(
        **actions.do_notify_candidates(policy, actor=user)),
}


@login_required
@require_POST
def policy_act(request, number, action):
    _staff_only(request.user)
    policy = _policy_or_404(request, number)
    if action not in POLICY_ACTIONS:
        raise Http404("没有这项操作。")
    try:
        messages.success(request, POLICY_ACTIONS[action](policy, request.user, request.POST))
    except (ActionError, NotAllowed) as error:
        messages.error(request, error.message)
    return redirect("policies:staff-policy", policy.number)


def _payout_or_404(request, pk) -> Payout:
    try:
        return queries.access_payout(request.user, parse_id(str(pk)))
    except NotFound:
        raise Http404("没有找到该兑现记录。") from None


@login_required
@require_POST
def payout_act(request, pk, action):
    user = request.user
    _staff_only(user)
    payout = _payout_or_404(request, pk)
    back = reverse("policies:staff-policy", args=[payout.policy.number]) + (
        f"?tab={request.POST.get('tab')}" if request.POST.get("tab") in PayoutState.values else "")
    try:
        if action == "confirm":
            payout = actions.do_confirm_payout(payout, actor=user)
            messages.success(request, f"{payout.entity.name}：{payout.get_state_display()}。")
        elif action in ("reject", "object"):
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, "请写明理由。")
                return redirect(back)
            if action == "reject":
                actions.do_reject_payout(payout, reason=form.cleaned_data["reason"], actor=user)
                messages.success(request, "已不予兑现。")
            else:
                actions.do_object_payout(payout, objection=form.cleaned_data["reason"], actor=user)
                messages.success(request, "已登记异议，退回重新审核。")
        elif action == "order":
            actions.do_order_payout(payout, actor=user)
            messages.success(request, "已下达拨付。")
        elif action == "paid":
            form = forms.PaidForm(request.POST)
            if not form.is_valid():
                messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
                return redirect(back)
            actions.do_confirm_paid(payout, paid_on=form.cleaned_data["paid_on"], actor=user)
            messages.success(request, "已确认拨付。")
        else:
            raise Http404("没有这项操作。")
    except (ActionError, NotAllowed) as error:
        messages.error(request, error.message)
    return redirect(back)


def _application_or_404(request, pk) -> PolicyApplication:
    try:
        return queries.access_application(request.user, parse_id(str(pk)))
    except NotFound:
        raise Http404("没有找到该申报。") from None


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request, pk):
    user = request.user
    _staff_only(user)
    application = _application_or_404(request, pk)
    keeper = rules.may_keep_policies(user, application.policy.issuer)
    reviewable = keeper and application.payout_id is None and application.case.state in ("dispatched", "handling")
    form = forms.ReviewForm(request.POST or None)
    if form.is_bound:
        if not reviewable:
            messages.error(request, "该申报已审核或您无权审核。")
            return redirect("policies:staff-application", application.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_review_application(application, approve=data["decision"] == "approve",
                                              amount=data["amount"] or None, note=data["note"], actor=user)
            except (ActionError, NotAllowed) as error:
                apply_action_error(form, error)
            else:
                messages.success(request, "审核结果已记录，并在办件时间线上告知企业。")
                return redirect("policies:staff-application", application.pk)
    return render(request, "policies/staff_application.html", {
        "application": application, "policy": application.policy, "case": application.case, "form": form,
        "reviewable": reviewable, "attachments": application.case.attachments.all(),
        "events": application.events.select_related("actor").order_by("created_at", "pk"),
    })


@login_required
def eligible_export(request, number):
    _staff_only(request.user)
    policy = _policy_or_404(request, number)
    from minsheng.policies import xlsx

    response = HttpResponse(xlsx.eligible_workbook(policy, clock.today()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="eligible-{policy.number}.xlsx"'
    return response


@login_required
def payouts_export(request, number):
    _staff_only(request.user)
    policy = _policy_or_404(request, number)
    from minsheng.policies import xlsx

    state = request.GET.get("state") if request.GET.get("state") in PayoutState.values else None
    response = HttpResponse(xlsx.payouts_workbook(policy, state=state), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="payouts-{policy.number}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def figures_import(request):
    """A data source's yearly figures of the firms, from a workbook: every row checked before any
    is saved; each firm whose figures changed is re-matched."""
    user = request.user
    _staff_only(user)
    if not rules.may_import_figures(user):
        raise Http404("您无权导入企业年度数据。")
    from minsheng.policies import xlsx

    form = forms.FiguresImportForm(request.POST or None, request.FILES or None)
    result, problems = None, []
    if form.is_bound and form.is_valid():
        try:
            rows = xlsx.read_figures(form.cleaned_data["file"])
            result = actions.do_import_figures(rows, source=form.cleaned_data["source"], actor=user)
        except actions.FiguresRefused as refused:
            form.add_error("file", refused.message)
            problems = [actions.figure_problem_text(problem) for problem in refused.problems[:100]]
        except (ActionError, NotAllowed) as error:
            form.add_error(error.field if error.field in form.fields else "file", error.message)
    return render(request, "policies/figures_import.html", {"form": form, "result": result, "problems": problems})


@login_required
def figures_template(request):
    _staff_only(request.user)
    from minsheng.policies import xlsx

    response = HttpResponse(xlsx.figures_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="figures-template.xlsx"'
    return response
