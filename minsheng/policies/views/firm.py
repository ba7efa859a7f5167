"""The firm's side (办), logged in on the enterprise side: apply for a policy from its page, with
what the government already knows filled in and only the missing materials asked for; follow
each application on the case's public timeline. Another firm's application reads as not found."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from minsheng.cases import queries as case_queries
from minsheng.core import clock
from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error
from minsheng.core.text import parse_id
from minsheng.enterprises.firm_session import firm_required
from minsheng.policies import actions, conditions, forms, queries
from minsheng.policies.models import Delivery, PolicyApplication

SLIP_KEY = "policy_application_slip"  # the new application's case number and query code, shown once


@never_cache
@firm_required
@require_http_methods(["GET", "POST"])
def apply(request, number):
    firm, today = request.firm, clock.today()
    policy = queries.published(number)
    if policy is None or policy.delivery != Delivery.APPLICATION:
        raise Http404("没有找到可申报的政策。")
    applied = policy.applications.filter(entity=firm, year=today.year).first()
    if applied is not None:
        messages.info(request, "本企业今年已申报过该政策。")
        return redirect("policies:firm-application", applied.pk)
    facts = queries.facts_of(firm)
    checked = queries.conditions_of(policy)
    missing = conditions.evaluate(checked, facts, today)
    materials = [c.value for c in checked if c.spec.kind == "material"]
    known = [(c.describe(), actions.fact_words(c, facts, today)) for c in checked
             if c.spec.verifiable and c not in missing]
    initial = {"applicant_name": firm.contact_name, "applicant_phone": firm.contact_phone}
    form = forms.ApplyForm(request.POST or None, request.FILES or None, materials=materials, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            application, code = actions.do_apply_for_policy(
                policy, firm, applicant_name=data["applicant_name"], applicant_phone=data["applicant_phone"],
                statement=data["statement"], explanation=data["explanation"], materials=form.uploaded_materials(),
                submission_token=data["submission_token"] or None, actor=None)
        except ActionError as error:
            if error.field == "policy":
                messages.error(request, error.message)
                return redirect("policies:policy", policy.number)
            apply_action_error(form, error)
        else:
            if code is not None:
                request.session[SLIP_KEY] = {"application": application.pk, "number": application.case.number,
                                             "code": code}
            return redirect("policies:firm-application", application.pk)
    return render(request, "policies/apply.html", {
        "policy": policy, "firm": firm, "form": form, "known": known, "missing": missing,
        "expected": queries.amount_for(policy, facts, today),
    })


def _own_application(firm, pk) -> PolicyApplication:
    number = parse_id(str(pk))
    application = (PolicyApplication.objects.select_related("policy__issuer", "case", "payout")
                   .filter(pk=number, entity=firm).first() if number is not None else None)
    if application is None:
        raise Http404("没有找到该申报。")
    return application


@never_cache
@firm_required
def application_page(request, pk):
    application = _own_application(request.firm, pk)
    slip = request.session.get(SLIP_KEY)
    if isinstance(slip, dict) and slip.get("application") == application.pk:
        request.session.pop(SLIP_KEY)
    else:
        slip = None
    case = application.case
    return render(request, "policies/firm_application.html", {
        "firm": request.firm, "application": application, "case": case, "slip": slip,
        "timeline": case_queries.public_timeline(case), "steps": _steps(application),
    })


STEPS = [("submitted", "申报"), ("reviewed", "审核"), ("publicized", "公示"), ("ordered", "下达拨付"), ("paid", "拨付")]
ORDER = {"submitted": 0, "waiting": 1, "reviewed": 1, "publicized": 2, "ordered": 3, "paid": 4}


def _steps(application) -> list[tuple[str, str]]:
    """Each step with done / current / to come, for the progress bar."""
    stage = application.stage
    if stage not in ORDER:
        return []
    reached = ORDER[stage]
    return [(label, "done" if n < reached or stage == "paid" else "current" if n == reached else "todo")
            for n, (_, label) in enumerate(STEPS)]


def firm_applications(entity, limit: int = 10):
    return list(PolicyApplication.objects.filter(entity=entity).select_related("policy", "case", "payout")
                .order_by("-created_at", "-pk")[:limit])
