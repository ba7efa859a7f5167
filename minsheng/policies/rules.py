"""Who may keep the policy library: the issuing department's handlers and heads (a city bureau
for city policies, a county's for its county's: 市县一体, one library)."""

from minsheng.org.access import is_staff_member
from minsheng.org.models import RegionLevel, Role, User


def may_keep_policies(user: User | None, department) -> bool:
    return (user is not None and is_staff_member(user) and user.department_id == department.pk
            and department.region.level in (RegionLevel.CITY, RegionLevel.COUNTY)
            and user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD))
