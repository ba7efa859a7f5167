"""The window clerk's intake: one keyboard-only form, the department suggested from the
category, then a slip with the case number and query code."""

import json
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from minsheng.cases import forms as case_forms, rules
from minsheng.cases.actions import do_register_case
from minsheng.cases.catalogue import STUCK
from minsheng.cases.models import Case, CaseKind, Channel
from minsheng.cases.views.common import (
    departments_near, intake_from_form, qr_svg, suggested_routes, summary_of, title_of, track_link,
)
from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error
from minsheng.org.access import jurisdiction
from minsheng.org.models import Role

SLIP_SESSION_KEY = "case_slips"
# The query code waits in the session only for the slip to be printed, and no longer than this.
SLIP_SECONDS = 600


def _fresh(entry) -> bool:
    return isinstance(entry, list) and len(entry) == 2 and time.time() - entry[1] <= SLIP_SECONDS


@login_required
def register(request):
    region = jurisdiction(request.user)
    if region is None or not rules.can_register(request.user, region):
        messages.error(request, "只有窗口受理员或督办员可以登记诉求。")
        return redirect("staff-home")
    departments = departments_near(region)
    form = case_forms.WindowIntakeForm(request.POST or None, request.FILES or None, departments=departments)
    if not form.is_bound:
        stuck = CaseKind.objects.filter(code=STUCK).first()
        if stuck is not None and request.user.has_role(Role.WINDOW_CLERK):
            form.initial["kind"] = stuck.pk
    if form.is_bound and form.is_valid():
        channel = Channel.WINDOW if request.user.has_role(Role.WINDOW_CLERK) else Channel.HOTLINE
        try:
            case, code = do_register_case(
                intake_from_form(form, region=region, channel=channel),
                actor=request.user,
                submission_token=form.cleaned_data["submission_token"] or None,
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            if code is not None:
                slips = {pk: entry for pk, entry in request.session.get(SLIP_SESSION_KEY, {}).items() if _fresh(entry)}
                slips[str(case.pk)] = [code, time.time()]
                request.session[SLIP_SESSION_KEY] = slips
            return redirect("cases:slip", pk=case.pk)
    return render(
        request,
        "cases/register.html",
        {
            "form": form,
            "routes": json.dumps(suggested_routes(region)),
            "questions": _questions_json(),
            "kind_codes": json.dumps(form.kind_codes),
            "answers": json.dumps({key: request.POST.getlist(key) for key in request.POST if key.startswith("answer_")}, ensure_ascii=False),
            "answer_errors": json.dumps(form.answer_errors, ensure_ascii=False),
            **answer_problems(form),
        },
    )


def answer_problems(form) -> dict:
    """The category's unanswered questions for the error summary, one link each (the page's
    script draws them with the ids id_answer_<code>), instead of the one general message."""
    return {
        "answer_summary": [(f"id_answer_{code}", message) for code, message in form.answer_errors.items()],
        "answer_skip": [form.answers_message] if form.answers_message else [],
    }


def _questions_json() -> str:
    from minsheng.cases.models import CategoryQuestion

    questions: dict[int, list] = {}
    for q in CategoryQuestion.objects.order_by("order", "id"):
        questions.setdefault(q.category_id, []).append(
            {"code": q.code, "label": q.label, "datatype": q.datatype, "required": q.required, "values": q.values, "help": q.help_text}
        )
    return json.dumps(questions, ensure_ascii=False)


@login_required
def slip(request, pk: int):
    """The paper slip: number, query code (shown this once), where to track."""
    case = Case.objects.select_related("kind", "category", "region").filter(pk=pk, registered_by=request.user).first()
    if case is None:
        raise Http404("没有找到这个办件。")
    entry = request.session.get(SLIP_SESSION_KEY, {}).pop(str(case.pk), None)
    request.session.modified = True
    code = entry[0] if entry and _fresh(entry) else None
    link = track_link(request, case.number)
    return render(
        request,
        "cases/slip.html",
        {
            "case": case,
            "code": code,
            "track_url": track_link(request),
            "summary": summary_of(case),
            "title": title_of(case),
            "qr": qr_svg(link, "扫码查询办理进度"),
        },
    )
