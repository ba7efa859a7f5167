"""What the stations tell other pages: the staff case page of a resident's feedback names the
station, its operator and the problems open there (cases.links)."""

from django.urls import reverse


def case_links(case, user) -> list[dict]:
    from minsheng.stations import rules
    from minsheng.stations.models import Amenity, StationCase

    link = StationCase.objects.filter(case=case).select_related("station__operator").first()
    if link is None:
        return []
    station = link.station
    open_problems = station.problems.filter(fixed_on__isnull=True).count()
    lines = [f"{station.address} · 运营单位：{station.operator.name}"]
    if link.amenity:
        lines.append(f"涉及设施：{Amenity(link.amenity).label}")
    lines.append(f"该驿站待整改问题{open_problems}个" if open_problems else "该驿站没有待整改的巡查问题")
    may_open = user is not None and rules.may_keep(user, station)
    return [{"title": f"城市驿站 · {station.name}",
             "url": reverse("stations:staff-station", args=[station.pk]) if may_open else "", "lines": lines}]
