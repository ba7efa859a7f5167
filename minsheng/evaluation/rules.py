"""Who keeps the evaluation: the city's business-environment office (营商办, its supervisors) and the
administrators keep the frameworks and the benchmarks; a county's office records its own
county's measurements, the city's office every region's."""

from minsheng.org.access import in_jurisdiction, is_staff_member
from minsheng.org.models import RegionLevel, Role


def may_keep_frameworks(user) -> bool:
    return (user is not None and is_staff_member(user) and user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR)
            and user.department.region.level == RegionLevel.CITY)


def may_measure(user, region) -> bool:
    return (user is not None and is_staff_member(user) and user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR)
            and in_jurisdiction(user, region))
