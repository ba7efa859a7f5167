"""办件地图: where the cases the user may see lie, coloured by state or counted in a grid, with
the same cases counted by county and state below (the map is never the only way to them)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from minsheng.cases import queries
from minsheng.cases.forms import CaseMapForm
from minsheng.core import clock
from minsheng.core.identity import mask_personal_text

GROUP_WORDS = {"late": "逾期", "open": "在办", "closed": "已办结", "other": "不予受理或撤回"}


def _feature(case, now) -> dict:
    """A case as the map shows it: its number and title (personal data masked, whoever looks:
    a map is seen over a shoulder), its state, and a link to the case page, which checks access
    again. Never the requester's name, phone or address."""
    group = queries.map_group(case, now)
    state = case.get_state_display() + ("（已逾期）" if group == "late" else "")
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(case.longitude), float(case.latitude)]},
        "properties": {
            "title": f"{case.number} {mask_personal_text(case.title, names=(case.requester_name,))}",
            "url": reverse("cases:case", args=[case.pk]),
            "tone": queries.GROUP_TONES[group],
            "lines": [state, f"{case.region.name} · {case.category.name}",
                      f"登记于{timezone.localtime(case.created_at):%Y-%m-%d}"],
        },
    }


@login_required
def case_map(request):
    form = CaseMapForm(request.GET or None)
    chosen = form.choices()
    now = clock.now()
    found = queries.case_map(request.user, now, group=chosen["group"], days=chosen["days"])
    features = {"type": "FeatureCollection", "features": [_feature(case, now) for case in found.points]}
    keep = {"group": chosen["group"], "days": chosen["days"]}
    return render(request, "cases/map.html", {
        "form": form,
        "chosen": chosen,
        "found": found,
        "features": features,
        "limit": queries.MAP_POINTS,
        "group_label": queries.MAP_GROUPS.get(chosen["group"], "全部"),
        "days_label": dict(form.fields["days"].choices).get(str(chosen["days"]), f"近{chosen['days']}天"),
        "modes": [(mode, label, f"?{urlencode(keep | {'mode': mode})}") for mode, label in
                  (("points", "按状态标点"), ("grid", "聚集网格"))],
    })
