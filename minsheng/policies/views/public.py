"""The public side (查), on a phone first: search the library of the city and its counties in
one place, read a policy's guide and conditions; a logged-in firm sees at once which policies
it meets and which conditions it misses. Anyone may read; no firm-level data is shown."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from minsheng.core import clock
from minsheng.core.words import search_words
from minsheng.enterprises.firm_session import current_firm
from minsheng.enterprises.models import SizeClass
from minsheng.policies import conditions, figures, forms, queries
from minsheng.policies.models import Delivery, Policy

PAGE_SIZE = 20


def _firm_view(firm, day):
    """The firm's facts, read once for every policy on the page."""
    return queries.facts_of(firm) if firm is not None else None


def index(request):
    today = clock.today()
    regions = list(queries.regions_for_firm_search())
    form = forms.SearchForm(request.GET or None, regions=regions, sizes=SizeClass.choices)
    firm = current_firm(request)
    found, words = [], ()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        words = search_words(data["q"]) if data["q"] else ()
        region = next((r for r in regions if str(r.pk) == data["region"]), None)
        found = queries.search(today, words=words, region=region, benefit_type=data["benefit_type"],
                               delivery=data["delivery"], industry=data["industry"], size_class=data["size_class"])
    elif not form.is_bound:
        region = firm.region if firm is not None else None
        found = queries.search(today, region=region)
    facts = _firm_view(firm, today)
    rows = []
    for policy in found:
        missing = conditions.evaluate(queries.conditions_of(policy), facts, today) if facts is not None else None
        applies_here = facts is None or any(code.startswith(policy.region.code_prefix) for code in facts.region_codes)
        rows.append({"policy": policy, "missing": missing, "applies_here": applies_here})
    met = sum(1 for row in rows if row["missing"] == [] and row["applies_here"])
    if facts is not None:  # what the firm meets first, then what it misses by the fewest conditions
        rows.sort(key=lambda row: (not row["applies_here"], len(row["missing"])))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "policies/index.html", {
        "form": form, "page": page, "rows": page.object_list, "firm": firm, "met": met, "total": len(found),
        "filtered": form.is_bound and any(request.GET.get(name) for name in ("region", "benefit_type", "delivery",
                                                                              "industry", "size_class")),
        "query_string": query.urlencode(), "words": words,
    })


def policy_page(request, number):
    policy = queries.published(number)
    if policy is None:
        raise Http404("没有找到该政策。")
    today = clock.today()
    firm = current_firm(request)
    rows = list(policy.conditions.all())
    checks = None
    applies_here = True
    if firm is not None:
        facts = queries.facts_of(firm)
        applies_here = any(code.startswith(policy.region.code_prefix) for code in facts.region_codes)
        missing = {c.describe() for c in conditions.evaluate(queries.conditions_of(policy), facts, today)}
        checks = [(row, "material" if row.field == "material" else "missing" if row.text in missing else "met")
                  for row in rows]
    in_force = queries.in_force(today).filter(pk=policy.pk).exists()
    applied = payout = None
    if firm is not None:
        applied = policy.applications.filter(entity=firm, year=today.year).first()
        payout = policy.payouts.filter(entity=firm, year=today.year).first()
    return render(request, "policies/policy.html", {
        "policy": policy, "rows": rows, "checks": checks, "firm": firm, "in_force": in_force,
        "applies_here": applies_here, "applied": applied, "payout": payout, "automatic": policy.delivery == Delivery.AUTOMATIC,
        "materials": [row.value for row in rows if row.field == "material"],
        "figures": figures.policy_figures(policy, today.year),
    })


def figures_page(request):
    """Delivery figures of the city and each county side by side (市县一体), and of each policy
    paying this year."""
    today = clock.today()
    year = today.year
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and len(chosen) == 4 and 2000 <= int(chosen) <= today.year:
        year = int(chosen)
    board = figures.region_board(year)
    policies = (queries.in_force(today) | Policy.objects.filter(payouts__year=year)).distinct().select_related(
        "region").order_by("region__code", "-issued_on", "pk")
    page = Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policies/figures.html", {
        "board": board, "year": year, "years": range(today.year, today.year - 3, -1), "page": page,
        "rows": [figures.policy_figures(policy, year) for policy in page.object_list], "query_string": f"year={year}",
    })


def document(request, number):
    """A published policy's original document; a draft's is nobody's business yet."""
    from minsheng.core.files import file_response

    policy = queries.published(number)
    if policy is None or not policy.document:
        raise Http404("没有找到该政策原文。")
    return file_response(policy.document, policy.document_name or f"{policy.number}", policy.document_type)
