"""Who keeps the stations. The operator unit's staff keep their own stations (hours, holiday duty,
photos, volunteers, inspections, fixes); the head of a unit registers its new stations; the
supervisors and administrators of the region (and the city) keep every station in it. The public
sees stations in service; volunteers' phones only their keepers."""

from minsheng.org.access import in_jurisdiction, is_staff_member
from minsheng.org.models import Role

OVERSEERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)


def may_register(user, operator, region) -> bool:
    if user is None or not is_staff_member(user):
        return False
    if user.department_id == operator.pk and user.has_role(Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR):
        return region is None or in_jurisdiction(user, region)
    return user.has_role(*OVERSEERS) and (region is None or in_jurisdiction(user, region))


def may_keep(user, station) -> bool:
    if user is None or not is_staff_member(user):
        return False
    if user.department_id == station.operator_id:
        return True
    return user.has_role(*OVERSEERS) and in_jurisdiction(user, station.region)


def may_keep_standards(user) -> bool:
    from minsheng.org.models import RegionLevel

    return (user is not None and is_staff_member(user) and user.has_role(*OVERSEERS)
            and user.department.region.level == RegionLevel.CITY)


def may_keep_any(user) -> bool:
    """Whether the stations' staff pages are for this user at all."""
    if user is None or not is_staff_member(user):
        return False
    if user.has_role(*OVERSEERS):
        return True
    from minsheng.stations.models import Station

    return Station.objects.filter(operator=user.department_id).exists()
