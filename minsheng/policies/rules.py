"""Who may keep the policy library: the issuing department's handlers and heads (a city bureau
for city policies, a county's for its county's: 市县一体, one library)."""

from minsheng.org.access import is_staff_member
from minsheng.org.models import RegionLevel, Role, User


def may_keep_policies(user: User | None, department) -> bool:
    return (user is not None and is_staff_member(user) and user.department_id == department.pk
            and department.region.level in (RegionLevel.CITY, RegionLevel.COUNTY)
            and user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD))


def may_import_figures(user: User | None, region=None) -> bool:
    """The firms' yearly figures are facts of the registry: imported by those who keep it
    (enterprises' rule: 营商办 supervisors and administrators), for the firms of their
    jurisdiction; `region` None: whether they keep any (who may open the upload page)."""
    from minsheng.enterprises.rules import may_keep_registry
    from minsheng.org.access import jurisdiction

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return may_keep_registry(user, region if region is not None else jurisdiction(user))
