"""The staff workbench: inbox by role, search, the case page with exactly the actions the
user may take now, and the logged reveal of personal data."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minsheng.cases import actions, forms as case_forms, links, publication, queries, rules
from minsheng.cases.actions.privacy import do_log_personal_data_view
from minsheng.cases.models import Case, EventKind
from minsheng.cases.views.common import dispatch_departments, list_rows
from minsheng.core.net import client_ip
from minsheng.cases.workflow import TRANSITIONS, working_time_left
from minsheng.core import clock
from minsheng.core.errors import ActionError, NotFound
from minsheng.core.forms import apply_action_error
from minsheng.org.access import jurisdiction


@login_required
def inbox(request):
    now = clock.now()
    tabs = queries.inbox_tabs(request.user, now)
    counts = queries.tab_counts(tabs)
    selected = request.GET.get("tab") or next((tab.key for tab in counts if tab.count), counts[0].key if counts else "")
    cases = tabs.get(selected)
    page = Paginator(cases, 30).get_page(request.GET.get("page")) if cases is not None else None
    return render(
        request,
        "cases/inbox.html",
        {"tabs": counts, "selected": selected, "page": page, "now": now,
         "rows": list_rows(request.user, page.object_list if page else [], now)},
    )


@login_required
def search(request):
    area = jurisdiction(request.user)
    from minsheng.org.models import Department

    departments = Department.objects.filter(region__code__startswith=area.code_prefix) if area else Department.objects.none()
    form = case_forms.SearchForm(request.GET or None, departments=departments)
    page = None
    now = clock.now()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            results = queries.search_cases(
                request.user,
                text=data["text"],
                number=data["number"],
                phone=data["phone"],
                category=data["category"].pk if data["category"] else None,
                department=data["department"].pk if data["department"] else None,
                state=data["state"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            if data["phone"]:
                actions.do_log_phone_search(
                    results.values_list("pk", flat=True), actor=request.user, ip_address=client_ip(request)
                )
            page = Paginator(results, 30).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "cases/search.html",
        {"form": form, "page": page, "rows": list_rows(request.user, page.object_list if page else [], now),
         "query_string": query_string.urlencode()},
    )


ACTION_FORMS = {
    "accept": case_forms.AcceptForm,
    "reject": case_forms.ReasonForm,
    "dispatch": case_forms.DispatchForm,
    "uphold_dispatch": case_forms.ReasonForm,
    "return": case_forms.ReturnForm,
    "sign": None,
    "note": case_forms.NoteForm,
    "co_note": case_forms.NoteForm,
    "contact": case_forms.ContactForm,
    "request_extension": case_forms.ExtensionRequestForm,
    "decide_extension": case_forms.ExtensionDecisionForm,
    "close": case_forms.CloseForm,
    "rate": case_forms.RateForm,
    "withdraw": case_forms.OptionalReasonForm,
    "supervise": case_forms.SuperviseForm,
}
ACTION_LABELS = {name: transition.label for name, transition in TRANSITIONS.items()} | {"co_note": "协办意见", "rate": "回访评价"}
# What the page says once an action is done, in plain words.
DONE_MESSAGES = {
    "accept": "已受理。",
    "reject": "已决定不予受理，并短信告知诉求人。",
    "dispatch": "已派单。",
    "uphold_dispatch": "已驳回退单，本件仍由原承办部门办理。",
    "return": "已退单，等待督办员处理。",
    "sign": "已签收，请在期限内办结。",
    "note": "已记录办理进展。",
    "co_note": "已记录协办意见。",
    "contact": "已记录与诉求人的联系。",
    "request_extension": "已提交延期申请，等待督办员审批。",
    "decide_extension": "已审批延期申请。",
    "close": "已办结，系统将邀请诉求人评价。",
    "rate": "已记录回访评价。",
    "withdraw": "已撤回。",
    "supervise": "已下发督办单。",
}


def _make_form(name, request, case, data=None):
    form_class = ACTION_FORMS[name]
    if form_class is None:
        return None
    kwargs = {"prefix": name}
    if form_class is case_forms.DispatchForm:
        kwargs["departments"] = dispatch_departments(request.user, case)
        if data is None and case.proposed_department_id:
            kwargs["initial"] = {"department": case.proposed_department_id}
    return form_class(data, **kwargs)


def _perform(name, case, data, user):
    """Call the one action behind a button."""
    if name == "accept":
        return actions.do_accept_case(case, note=data["note"], actor=user)
    if name == "reject":
        return actions.do_reject_case(case, reason=data["reason"], actor=user)
    if name == "dispatch":
        return actions.do_dispatch_case(
            case, department=data["department"], co_departments=list(data["co_departments"]), note=data["note"], actor=user
        )
    if name == "uphold_dispatch":
        return actions.do_uphold_dispatch(case, reason=data["reason"], actor=user)
    if name == "return":
        return actions.do_return_case(case, reason=data["reason"], legal_basis=data["legal_basis"], actor=user)
    if name == "sign":
        return actions.do_sign_case(case, actor=user)
    if name in ("note", "co_note"):
        return actions.do_add_note(
            case, text=data["text"], public_text=data["public_text"], actor=user, co_department=name == "co_note"
        )
    if name == "contact":
        return actions.do_record_contact(case, method=data["method"], summary=data["summary"], actor=user)
    if name == "request_extension":
        return actions.do_request_extension(case, days=data["days"], reason=data["reason"], actor=user)
    if name == "decide_extension":
        return actions.do_decide_extension(
            case, approve=data["decision"] == "approve", new_due_date=data["new_due_date"], note=data["note"], actor=user
        )
    if name == "close":
        return actions.do_close_case(case, result=data["result"], text=data["text"], basis=data["basis"], actor=user)
    if name == "rate":
        return actions.do_rate_case(case, rating=data["rating"], comment=data["comment"], actor=user)
    if name == "withdraw":
        return actions.do_withdraw_case(case, reason=data["reason"], actor=user)
    if name == "supervise":
        return actions.do_issue_supervision_notice(
            case, requirement=data["requirement"], response_days=data["response_days"], actor=user
        )
    raise Http404


def _case_or_404(request, pk):
    try:
        return queries.access_case(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from None


@login_required
def case_page(request, pk: int):
    case = _case_or_404(request, pk)
    return _render_case(request, case, revealed=_revealed(request, case))


def _render_case(
    request, case: Case, *, bound: dict | None = None, revealed: dict | None = None, public_form=None, status: int = 200
):
    now = clock.now()
    available = rules.available_actions(request.user, case, now)
    case.personal_data_visible = rules.can_see_personal_data(request.user, case)
    may_publish = rules.can_handle(request.user, case) or rules.can_supervise(request.user, case)
    panels = []
    for name in available:
        form = (bound or {}).get(name) or _make_form(name, request, case)
        panels.append({"name": name, "label": ACTION_LABELS[name], "form": form, "open": name in (bound or {})})
    notices = case.supervision_notices.select_related("department", "issued_by").order_by("issued_at")
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "now": now,
            "colour": case.deadline_colour(now),
            "time_left": working_time_left(case, now),
            "timeline": queries.staff_timeline(case),
            "panels": panels,
            "may_reveal": rules.can_see_personal_data(request.user, case),
            "revealed": revealed or {},
            "under_supervision": queries.is_under_supervision(case),
            "notices": notices,
            "answer_form": case_forms.AnswerNoticeForm(),
            "stuck_departments": case.stuck_departments.all(),
            # What the case is about in the programmes (an elevator application...): cases.links.
            "links": links.links_for(case, request.user),
            "co_departments": case.co_departments.all(),
            "answers": _answers(case),
            "attachments": case.attachments.all(),
            "public_attachments": case.attachments.filter(is_public=True).exists(),
            "may_publish": may_publish,
            "published": case.kind.is_published and case.category.is_published,
            "public_description": publication.public_description(case),
            "public_result": publication.public_note(EventKind.CLOSED, case.result_text, case) if case.result else "",
            "public_form": public_form or case_forms.PublicTextForm(
                initial={"public_summary": case.public_summary, "public_result": case.public_result}
            ),
        },
        status=status,
    )


def _answers(case: Case):
    labels = {q.code: q for q in case.category.questions.all()}
    shown = []
    for code, value in case.answers.items():
        question = labels.get(code)
        if question is None:
            continue
        names = {str(option.get("key")): option.get("name") for option in question.values}
        if isinstance(value, list):
            value = "、".join(names.get(v, v) for v in value)
        else:
            value = names.get(value, value)
        shown.append((question.label, value))
    return shown


@login_required
@require_POST
def act(request, pk: int, action: str):
    case = _case_or_404(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    if action not in rules.available_actions(request.user, case, clock.now()):
        messages.error(request, f"您现在不能对该件执行“{ACTION_LABELS[action]}”，可能已有其他人处理，请查看最新状态。")
        return redirect("cases:case", pk=case.pk)
    form = _make_form(action, request, case, request.POST)
    if form is not None and not form.is_valid():
        return _render_case(request, case, bound={action: form})
    try:
        _perform(action, case, form.cleaned_data if form is not None else {}, request.user)
    except ActionError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("cases:case", pk=case.pk)
        apply_action_error(form, error)
        return _render_case(request, Case.objects.get(pk=case.pk), bound={action: form})
    messages.success(request, DONE_MESSAGES[action])
    return redirect("cases:case", pk=case.pk)


REVEALABLE = {"phone": "requester_phone", "id_number": "requester_id_number"}
REVEALED_KEY = "revealed_personal_data"
REVEAL_SECONDS = 300


@login_required
@require_POST
def reveal(request, pk: int, field: str):
    """Show a requester's full phone or ID number to the staff handling the case, and log it."""
    case = _case_or_404(request, pk)
    if field not in REVEALABLE:
        raise Http404
    try:
        do_log_personal_data_view(case, REVEALABLE[field], actor=request.user, ip_address=client_ip(request))
    except ActionError:
        raise Http404 from None
    # POST, then redirect: a refresh shows the page again instead of posting (and logging) again.
    # The session remembers which field was revealed, for a few minutes; never its value.
    revealed = {key: at for key, at in request.session.get(REVEALED_KEY, {}).items() if time.time() - at < REVEAL_SECONDS}
    revealed[f"{case.pk}:{field}"] = time.time()
    request.session[REVEALED_KEY] = revealed
    return redirect("cases:case", pk=case.pk)


def _revealed(request, case: Case) -> dict:
    """The requester's data this user revealed (and had logged) on this case minutes ago."""
    if not rules.can_see_personal_data(request.user, case):
        return {}
    remembered = request.session.get(REVEALED_KEY, {})
    return {
        field: getattr(case, column)
        for field, column in REVEALABLE.items()
        if time.time() - remembered.get(f"{case.pk}:{field}", 0) < REVEAL_SECONDS
    }



@login_required
@require_POST
def edit_public_text(request, pk: int):
    case = _case_or_404(request, pk)
    form = case_forms.PublicTextForm(request.POST)
    if form.is_valid():
        try:
            actions.do_edit_public_text(
                case, summary=form.cleaned_data["public_summary"], result=form.cleaned_data["public_result"],
                actor=request.user,
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "已保存对外公开的内容。")
            return redirect("cases:case", pk=case.pk)
    return _render_case(request, case, public_form=form, status=400)


@login_required
@require_POST
def set_attachment_public(request, pk: int, key):
    case = _case_or_404(request, pk)
    attachment = case.attachments.filter(key=key).first()
    if attachment is None:
        raise Http404("没有找到这个附件。")
    try:
        actions.do_set_attachment_public(attachment, is_public=request.POST.get("is_public") == "1", actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已更新附件的公开设置。")
    return redirect("cases:case", pk=case.pk)
