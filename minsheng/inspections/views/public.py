"""The public side (一公开): check an inspection code at the door, see the quiet days, the draws
with their hashes (and re-run one), and the published results. Nothing here needs a login;
nothing personal is shown (inspectors are shown as at the door: name and certificate number)."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.cases.views.common import qr_svg as case_qr_svg
from minsheng.core import clock, ratelimit
from minsheng.core.net import address_group, client_ip
from minsheng.enterprises.models import Entity
from minsheng.inspections import actions, queries
from minsheng.inspections.forms import CheckForm
from minsheng.inspections.models import Draw, DrawState, Filing, FilingState, InspectionItem, Inspector, QuietDayRule
from minsheng.org.models import Region, RegionLevel

CHECK_FAILURES = {"limit": 20, "period": 3600}  # wrong codes an address may try an hour
PAGE_SIZE = 30


def index(request):
    today = clock.today()
    rules = (QuietDayRule.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today)
             .select_related("region").order_by("region__code"))
    draws = Draw.objects.exclude(state=DrawState.CANCELLED).select_related("department", "region")[:5]
    return render(request, "inspections/public_index.html", {"form": CheckForm(), "quiet_rules": rules, "draws": draws})


def _inspection_page(request, filing: Filing):
    filing_items = InspectionItem.objects.filter(filings=filing).select_related("department")
    inspectors = Inspector.objects.filter(filings=filing).select_related("department").order_by("department__name", "name")
    return render(request, "inspections/check_result.html", {
        "filing": filing, "items": filing_items, "inspectors": inspectors, "departments": filing.departments.all(),
        "on_duty_day": filing.planned_on, "withdrawn": filing.state in (FilingState.WITHDRAWN, FilingState.REJECTED),
    })


def _lookup(request, number: str, code: str):
    address = address_group(client_ip(request))
    if ratelimit.peek("inspection-check", address, **CHECK_FAILURES).exhausted:
        return None, "查询错误次数过多，请一小时后再试，或致电检查部门核实。"
    filing = queries.filing_by_code(number, code)
    if filing is None:
        ratelimit.hit("inspection-check", address, **CHECK_FAILURES)
        return None, "没有找到该检查，请核对检查编号和核验码。未经备案的检查，企业有权拒绝。"
    return filing, ""


@require_http_methods(["GET", "POST"])
def check(request):
    form = CheckForm(request.POST or None)
    if form.is_bound and form.is_valid():
        filing, problem = _lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
        if filing is not None:
            return _inspection_page(request, filing)
        form.add_error(None, problem)
    return render(request, "inspections/check.html", {"form": form})


@require_GET
def check_direct(request, number: str, code: str):
    """Where the QR code the inspectors show leads."""
    filing, problem = _lookup(request, number, code)
    if filing is None:
        form = CheckForm(initial={"number": number[:20]})
        return render(request, "inspections/check.html", {"form": form, "problem": problem}, status=404)
    return _inspection_page(request, filing)


def check_url(filing: Filing) -> str:
    return reverse("inspections:check-direct", args=[filing.number, filing.check_code])


def qr_svg(request, filing: Filing) -> str:
    """The inspection code the inspectors show and the firm scans: a link to its check page."""
    return case_qr_svg(request.build_absolute_uri(check_url(filing)), f"检查码 {filing.number}")


# --- draws --------------------------------------------------------------------------------------

def draws(request):
    page = Paginator(Draw.objects.select_related("department", "region"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/draws.html", {"page": page})


def _public_draw(number: str) -> Draw:
    draw = Draw.objects.select_related("department", "region", "operator").filter(number=number[:20]).first()
    if draw is None:
        raise Http404("没有找到该抽查。")
    return draw


def draw_page(request, number: str):
    draw = _public_draw(number)
    picks = actions.recorded_picks(draw) if draw.state == DrawState.DRAWN else []
    names = dict(Entity.objects.filter(uscc__in=[pick.uscc for pick in picks[:500]]).values_list("uscc", "name"))
    inspectors = dict(Inspector.objects.filter(certificate_number__in={c for pick in picks[:500] for c in pick.inspectors})
                      .values_list("certificate_number", "name"))
    rows = [{"pick": pick, "name": names.get(pick.uscc, ""),
             "inspectors": [f"{inspectors.get(c, '')}（{c}）" for c in pick.inspectors]} for pick in picks[:500]]
    verification = queries.cached_verification(draw) if draw.state == DrawState.DRAWN else None
    return render(request, "inspections/draw.html", {
        "draw": draw, "rows": rows, "more": max(0, len(picks) - 500), "verification": verification,
        "events": draw.events.filter(is_public=True).order_by("created_at", "id"),
        "items": draw.items.select_related("department"), "inspector_departments": draw.inspector_departments.all(),
    })


@require_http_methods(["POST"])
def draw_verify(request, number: str):
    """Re-run the draw from its record (once a record: queries.verification)."""
    draw = _public_draw(number)
    queries.verification(draw)
    return redirect(reverse("inspections:draw", args=[draw.number]) + "#verify")


def draw_file(request, number: str, what: str):
    """The frozen pool and the result as text, for anyone's own re-run (draw_algorithm.py)."""
    draw = _public_draw(number)
    if what == "pool" and draw.pool is not None:
        body, name = queries.pool_bytes(draw), f"{draw.number}-pool.txt"
    elif what == "result" and draw.state == DrawState.DRAWN:
        body, name = queries.result_bytes(draw), f"{draw.number}-result.txt"
    else:
        raise Http404("没有该文件。")
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- results (一公开) ---------------------------------------------------------------------------

def results(request):
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    chosen = next((region for region in counties if str(region.pk) == request.GET.get("region")), None)
    published = (Filing.objects.filter(state=FilingState.PUBLISHED)
                 .select_related("entity", "department").prefetch_related(
                     Prefetch("departments"), Prefetch("items", queryset=InspectionItem.objects.only("name")))
                 .order_by("-published_on", "-pk"))
    if chosen is not None:
        published = published.filter(entity__region__code__startswith=chosen.code_prefix)
    page = Paginator(published, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/results.html", {"page": page, "counties": counties, "chosen": chosen,
                                                        "query_string": f"region={chosen.pk}" if chosen else ""})


# --- the lists (一单、一细则, the exemption list) --------------------------------------------------

def lists(request):
    """The published lists: what each department may inspect, on what basis and how (一单、一细则),
    and the offences the city does not fine the first time (首违不罚、轻微免罚清单)."""
    from minsheng.inspections.models import Exemption

    today = clock.today()
    items = InspectionItem.objects.filter(is_active=True).select_related("department__region").order_by(
        "department__region__code", "department__name", "code")
    exemptions = (Exemption.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today)
                  .select_related("violation_type__department").order_by("violation_type__code"))
    return render(request, "inspections/lists.html", {"items": items, "exemptions": exemptions})
