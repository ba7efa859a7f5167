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


def may_keep_services(user, department) -> bool:
    """A department's head keeps its own services; the business-environment office (supervisors)
    and administrators those of their jurisdiction."""
    if user is None or not is_staff_member(user):
        return False
    if user.department_id == department.pk and user.has_role(Role.DEPARTMENT_HEAD):
        return True
    return user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR) and in_jurisdiction(user, department.region)


def may_walk(user, service) -> bool:
    """局长走流程: the head of the service's department (or a leader of the region) walks it."""
    return (user is not None and is_staff_member(user)
            and ((user.department_id == service.department_id and user.has_role(Role.DEPARTMENT_HEAD))
                 or (user.has_role(Role.LEADER) and in_jurisdiction(user, service.department.region))))
