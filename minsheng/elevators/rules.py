"""Who may do what with elevator applications (org's access rules, applied to this programme).

- The street (乡镇街道) and its communities run the owners' side: they register the households,
  file for the owners' representatives, enter votes from the paper forms, run mediation and move
  the owners' and the implementing body's stages along; the street reviews its stage.
- A bureau acts on its own stages only: 住建局 the joint review, permit and subsidy; 市场监管局
  the use registration; each in the application's county (or the city's bureau for the city).
- Supervisors, leaders and administrators see everything in their jurisdiction and may act
  for anyone there (they correct and unblock).
"""

from minsheng.elevators.stages import RULES, Authority
from minsheng.org.access import in_jurisdiction, is_staff_member, oversees
from minsheng.org.models import RegionLevel, Role, User


def is_bureau(department, short_name: str) -> bool:
    """A county's or the city's bureau of that kind (住建局 is 湖口县住建局's short name)."""
    return bool(short_name) and (department.short_name == short_name or department.name.endswith(short_name))


def works_for_street(user: User, application) -> bool:
    """Staff of a department of the application's street; the county's 住建局 stands in for a
    street that has no office of its own on the platform yet."""
    if not is_staff_member(user):
        return False
    region = user.department.region
    if region.level == RegionLevel.TOWNSHIP:
        return application.street_id == region.pk
    if region.pk != application.region_id or not is_bureau(user.department, "住建局"):
        return False
    from minsheng.org.models import Department

    return application.street_id is None or not Department.objects.filter(region_id=application.street_id).exists()


def may_view(user: User, application) -> bool:
    return is_staff_member(user) and in_jurisdiction(user, application.region)


def may_act_on_stage(user: User, application, stage: str) -> bool:
    """Whether `user` may complete `stage` of `application` (move it to the next one)."""
    if not is_staff_member(user) or not in_jurisdiction(user, application.region):
        return False
    if oversees(user) and user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR):
        return True
    rule = RULES[stage]
    if rule.authority in (Authority.OWNERS, Authority.COMMUNITY, Authority.BODY, Authority.STREET):
        return works_for_street(user, application)
    department = user.department
    return is_bureau(department, rule.department_short_name) and department.region_id in (
        application.region_id, application.region.parent_id)


def may_run_consultation(user: User, application) -> bool:
    """Enter votes, mark the dwellings the shaft occupies, record objections and mediation."""
    if not is_staff_member(user) or not in_jurisdiction(user, application.region):
        return False
    return works_for_street(user, application) or (oversees(user) and user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR))


def may_see_personal_data(user: User, application) -> bool:
    """Names, phones and individual votes: those who run the consultation, and oversight."""
    return may_run_consultation(user, application)
