"""Who may keep the inspection lists and organise draws (the org's access rules, applied here).

- The lists (items, inspectors, credit classes) of a department are kept by that department's
  heads and by supervisors and administrators whose jurisdiction holds it.
- A draw is organised by the heads of its department, or by supervisors and administrators whose
  jurisdiction holds the department (营商办 organises joint draws)."""

from minsheng.org.access import OVERSIGHT_ROLES, in_jurisdiction, is_staff_member
from minsheng.org.models import Role, User


def may_keep_lists(user: User | None, region) -> bool:
    return (user is not None and is_staff_member(user) and region is not None
            and user.has_role(Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.ADMINISTRATOR) and in_jurisdiction(user, region))


def may_organise_draw(user: User | None, department) -> bool:
    if user is None or not is_staff_member(user):
        return False
    if user.department_id == department.pk and user.has_role(Role.DEPARTMENT_HEAD):
        return True
    return user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR) and in_jurisdiction(user, department.region)


def may_file(user: User | None, department) -> bool:
    """A department's own handlers and heads file its visits."""
    return (user is not None and is_staff_member(user) and user.department_id == department.pk
            and user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD))


def may_approve(user: User | None, filing) -> bool:
    """The lead department's head approves, and never a filing of their own (two pairs of eyes)."""
    return (user is not None and is_staff_member(user) and user.department_id == filing.department_id
            and user.has_role(Role.DEPARTMENT_HEAD) and user.pk != filing.filed_by_id)


def takes_part(user: User | None, filing) -> bool:
    """Staff of a department taking part in the visit record what it found and publish it."""
    return (user is not None and is_staff_member(user) and user.has_role(Role.HANDLER, Role.DEPARTMENT_HEAD)
            and filing.departments.filter(pk=user.department_id).exists())


def may_see_filing(user: User | None, filing) -> bool:
    if user is None or not is_staff_member(user):
        return False
    if filing.departments.filter(pk=user.department_id).exists():
        return True
    return user.has_role(*OVERSIGHT_ROLES) and in_jurisdiction(user, filing.entity.region)
