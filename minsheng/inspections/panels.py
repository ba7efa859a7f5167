"""The inspections' sections on a firm's pages (registered in apps.py): the staff profile lists
the visits the viewer may see; the firm's home lists its own, with the code and a rating link."""

from minsheng.inspections import queries
from minsheng.inspections.models import Filing, FilingRating, FilingState

SHOWN = 20


def staff_profile(request, entity):
    visible = (queries.visible_filings(request.user).filter(entity=entity).distinct().select_related("department")
               .prefetch_related("departments").order_by("-planned_on", "-pk")[:SHOWN])
    total = Filing.objects.filter(entity=entity).count()
    return {"template": "inspections/_profile_panel.html", "inspection_filings": visible, "inspection_total": total}


def firm_home(request, entity):
    filings = list(Filing.objects.filter(entity=entity, check_code__isnull=False)
                   .select_related("department").order_by("-planned_on", "-pk")[:SHOWN])
    rated = set(FilingRating.objects.filter(filing__in=filings).values_list("filing_id", flat=True))
    for filing in filings:
        filing.may_rate = filing.state in (FilingState.INSPECTED, FilingState.PUBLISHED) and filing.pk not in rated
    return {"template": "inspections/_firm_panel.html", "inspection_filings": filings}
