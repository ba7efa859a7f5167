"""Residents and enterprises without an account: submit, receive a number and query code,
track the public timeline, rate the result, withdraw. A wrong number or code reveals nothing."""

import json

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from minsheng.cases import actions, forms as case_forms, queries
from minsheng.cases.actions import query_code_matches
from minsheng.cases.models import Case, Channel, State
from minsheng.cases.views.common import departments_near
from minsheng.core.net import address_group, client_ip
from minsheng.cases.views.common import intake_from_form, qr_svg, summary_of, title_of, track_link
from minsheng.cases.views.window import _questions_json, answer_problems
from minsheng.cases.workflow import working_time_left
from minsheng.core import clock, ratelimit
from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error
from minsheng.org.models import Region, RegionLevel

SUBMITTED_KEY = "submitted_case"
NOT_FOUND = "编号或查询码不正确，请核对后重新输入。"
AMBIGUOUS = "有多个地区的办件使用这个编号，请连同地区名称一起输入，如“{example}”。"
TOO_MANY_FROM_HERE = "查询失败次数过多，请一小时后再试；忘记查询码的，请携带身份证件到受理窗口查询。"
TOO_MANY_ON_NUMBER = "该编号近一小时查询失败次数过多，请一小时后再试；忘记查询码的，请携带身份证件到受理窗口查询。"
# Failed lookups allowed per hour: from one address; on one case number (from all addresses).
TRACK_FAILURES = {
    "track-address": {"limit": 20, "period": 3600},
    "track-number": {"limit": 10, "period": 3600},
    "track-pair": {"limit": 10, "period": 3600},
}


def _public_region(request) -> Region | None:
    code = request.POST.get("region") or request.GET.get("region")
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
    return regions.filter(code=code).first() if code else None


@require_http_methods(["GET", "POST"])
def submit(request):
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("code")
    region = _public_region(request)
    departments = departments_near(region) if region else departments_near(regions.first()) if regions.exists() else None
    form = case_forms.PublicIntakeForm(request.POST or None, request.FILES or None, departments=departments)
    region_error = ""
    if form.is_bound:
        valid = form.is_valid()
        if region is None:
            region_error = "请选择所在地区。"
        elif valid and not form.cleaned_data.get("website"):
            try:
                case, code = actions.do_register_case(
                    intake_from_form(form, region=region, channel=Channel.ONLINE),
                    actor=None,
                    submission_token=form.cleaned_data["submission_token"] or None,
                )
            except ActionError as error:
                apply_action_error(form, error)
            else:
                if code is not None:
                    request.session[SUBMITTED_KEY] = {"number": case.number, "code": code}
                    if not request.user.is_authenticated:
                        # The code waits here only for the next page; the session ends soon after.
                        request.session.set_expiry(600)
                return redirect("cases:submitted")
        elif valid:  # the hidden field was filled in: a bot; answer as if all went well
            return redirect("cases:submitted")
    return render(
        request,
        "cases/public_submit.html",
        {"form": form, "regions": regions, "region": region, "region_error": region_error, "questions": _questions_json(),
         "kind_codes": json.dumps(form.kind_codes), "answers": json.dumps({key: request.POST.getlist(key) for key in request.POST if key.startswith("answer_")}, ensure_ascii=False),
         "answer_errors": json.dumps(form.answer_errors, ensure_ascii=False),
         "region_errors": [("id_region", f"所在地区：{region_error}")] if region_error else [], **answer_problems(form)},
    )


@never_cache
def submitted(request):
    slip = request.session.pop(SUBMITTED_KEY, None)
    return render(request, "cases/public_submitted.html", {"slip": slip})


def _counters(request, key: str) -> list[tuple[str, str]]:
    address = address_group(client_ip(request))
    return [("track-address", address), ("track-number", key), ("track-pair", f"{address}|{key}")]


def _lookup_refused(request, key: str) -> str:
    """Count this lookup as a failure before trying it, or say why it may not be tried.

    `key` is the number's year and serial in their written form (2026-000031, from
    TrackForm): 湖口－２０２６－０００３１, 2026000031 and 湖口-2026-000031 are one number to
    the counters, so typing it differently buys a guesser no extra tries. A place-less
    guess is tried against every region's case with that serial, so it counts against them all.

    An address (an IPv6 /64) is stopped by its own failures; a case number that many addresses
    failed on stops those addresses only, so a resident with the right code is never kept out
    by other people's guesses. Counting first, atomically in the shared cache, means parallel
    guesses cannot all slip past the check; a lookup that succeeds is refunded."""
    (_, address), (_, _), (_, pair) = counters = _counters(request, key)
    if ratelimit.peek("track-address", address, **TRACK_FAILURES["track-address"]).exhausted:
        return TOO_MANY_FROM_HERE
    if ratelimit.peek("track-number", key, **TRACK_FAILURES["track-number"]).exhausted:
        if ratelimit.peek("track-pair", pair, **TRACK_FAILURES["track-pair"]).count > 0:
            return TOO_MANY_ON_NUMBER
    usages = {group: ratelimit.hit(group, value, **TRACK_FAILURES[group]) for group, value in counters}
    if usages["track-address"].exceeded:
        return TOO_MANY_FROM_HERE
    return ""


def _refund(request, key: str) -> None:
    for group, value in _counters(request, key):
        ratelimit.refund(group, value, period=TRACK_FAILURES[group]["period"])


def _candidates(place: str, year_serial: str) -> list[Case]:
    """The cases the typed number may mean, found through the number's unique index only.

    Numbers are written "{region short name}-{year}-{serial}" (intake._next_number), so the
    cases a place-less 2026-000031 may mean are exactly 湖口-2026-000031, 浔阳-2026-000031, …
    for the regions' short names: one `number IN (…)` probe per region on the unique index,
    never a pattern scan (`number LIKE '%-2026-000031'` would read every case, on each
    guess), and 12026-000031 can never match. The cost: a case numbered under a short name
    that was changed later is found only with its old place name typed. A place typed as the
    region's full name (湖口县) is read as its short name."""
    if place:
        names = {place, *Region.objects.filter(name=place).values_list("short_name", flat=True)}
    else:
        names = set(Region.objects.exclude(short_name="").values_list("short_name", flat=True))
    numbers = sorted(f"{name}-{year_serial}" for name in names if name)
    return list(Case.objects.select_related("kind", "category", "lead_department").filter(number__in=numbers))


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    # A QR code or link brings the case number (never the code): the resident types the code.
    form = case_forms.TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")[:40]})
    case = None
    error = ""
    rate_form = case_forms.RateForm(prefix="rate")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        key = data["year_serial"]
        error = _lookup_refused(request, key)
        if not error:
            # The code decides among the candidates. Exactly one whose code matches: that case.
            # None: the same NOT_FOUND as an unknown number or a wrong code on a unique one, so a
            # wrong code never tells how many regions have a case with that number (each
            # candidate costs one HMAC, microseconds against a database round trip). Only a
            # code matching several, which proves the right to all of them, is asked for the place.
            matching = [found for found in _candidates(data["place"], key) if query_code_matches(found, data["code"])]
            if len(matching) == 1:
                case = matching[0]
                data["number"] = case.number  # the rate and withdraw forms carry the whole number
                _refund(request, key)
            elif matching:
                error = AMBIGUOUS.format(example=matching[0].number)
                _refund(request, key)
            else:
                error = NOT_FOUND
    if case is not None and "do" in request.POST:
        try:
            if request.POST["do"] == "rate":
                rate_form = case_forms.RateForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    actions.do_rate_case(
                        case, rating=rate_form.cleaned_data["rating"], comment=rate_form.cleaned_data["comment"],
                        actor=None, by_requester=True,
                    )
                    rate_form = case_forms.RateForm(prefix="rate")
            elif request.POST["do"] == "withdraw":
                actions.do_withdraw_case(case, reason=request.POST.get("reason", ""), actor=None, by_requester=True)
        except ActionError as problem:
            apply_action_error(rate_form, problem) if request.POST["do"] == "rate" else None
            error = problem.message if request.POST["do"] != "rate" else ""
        case = Case.objects.select_related("kind", "category", "lead_department").get(pk=case.pk)
    now = clock.now()
    return render(
        request,
        "cases/track.html",
        {
            "form": form,
            "case": case,
            "error": error,
            "timeline": queries.public_timeline(case) if case else [],
            "attachments": case.attachments.filter(is_public=True) if case else [],
            "rate_form": rate_form,
            "may_rate": case is not None and case.state == State.CLOSED,
            "may_withdraw": case is not None and case.is_open,
            "time_left": working_time_left(case, now) if case else None,
            "colour": case.deadline_colour(now) if case else "",
            "summary": summary_of(case) if case else "",
            "title": title_of(case) if case else "",
            "qr": qr_svg(track_link(request, case.number), "打开本件查询页的二维码") if case else "",
        },
        status=200,
    )
