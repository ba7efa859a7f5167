"""Who may see and do what with a case. Actions enforce these; pages use them to show only
what the user may do."""

from django.db.models import Q

from minsheng.cases.models import Case
from minsheng.org.access import in_jurisdiction, in_jurisdiction_q, is_staff_member, oversees
from minsheng.org.models import Region, Role, User

HANDLING_ROLES = (Role.HANDLER, Role.DEPARTMENT_HEAD)


def can_register(user: User, region: Region) -> bool:
    """Window clerks and supervisors (12345 operators among them) register cases in their area."""
    return (
        is_staff_member(user)
        and user.has_role(Role.WINDOW_CLERK, Role.SUPERVISOR)
        and in_jurisdiction(user, region)
    )


def can_supervise(user: User, case: Case) -> bool:
    """Accept, dispatch, rule on returns and extensions, call back, issue 督办单."""
    return is_staff_member(user) and user.has_role(Role.SUPERVISOR) and in_jurisdiction(user, case.region)


def can_handle(user: User, case: Case) -> bool:
    """Sign, return, note, ask for time, close: the lead department's handlers and head."""
    return (
        is_staff_member(user)
        and case.lead_department_id is not None
        and user.department_id == case.lead_department_id
        and user.has_role(*HANDLING_ROLES)
    )


def is_co_department(user: User, case: Case) -> bool:
    return is_staff_member(user) and case.co_departments.filter(pk=user.department_id).exists()


def can_view(user: User, case: Case) -> bool:
    if not is_staff_member(user):
        return False
    if oversees(user) and in_jurisdiction(user, case.region):
        return True
    if user.department_id in (case.lead_department_id, case.registered_at_department_id):
        return True
    return is_co_department(user, case)


def can_see_personal_data(user: User, case: Case) -> bool:
    """The staff handling the person's matter: the lead department, the supervisors who
    dispatch and call back, and the window that registered it."""
    if can_handle(user, case) or can_supervise(user, case):
        return True
    return (
        is_staff_member(user)
        and user.has_role(Role.WINDOW_CLERK)
        and user.department_id == case.registered_at_department_id
    )


def personal_data_q(user: User) -> Q:
    """can_see_personal_data as a filter: the cases whose requester this user may see in full.
    Search by phone and free-text search over what would be masked are confined to these."""
    if not is_staff_member(user):
        return Q(pk__in=[])
    allowed = Q(pk__in=[])
    if user.has_role(*HANDLING_ROLES):
        allowed |= Q(lead_department_id=user.department_id)
    if user.has_role(Role.SUPERVISOR):
        allowed |= in_jurisdiction_q(user)
    if user.has_role(Role.WINDOW_CLERK):
        allowed |= Q(registered_at_department_id=user.department_id)
    return allowed


def available_actions(user: User, case: Case, now) -> list[str]:
    """Exactly the transitions this user may take on this case now, in the table's order."""
    from minsheng.cases.models import State
    from minsheng.cases.workflow import STATE_TRANSITIONS, TRANSITIONS

    supervise, handle = can_supervise(user, case), can_handle(user, case)
    allowed = []
    for name in STATE_TRANSITIONS[case.state]:
        who = TRANSITIONS[name].who
        if who == "supervisor" and not supervise:
            continue
        if who == "handler" and not handle:
            continue
        if who == "system":
            continue
        if who == "requester" and not (supervise or can_register(user, case.region)):
            continue
        if name == "request_extension" and (case.extension_requested_days or case.due_at is None or now > case.due_at):
            continue
        if name == "decide_extension" and not case.extension_requested_days:
            continue
        if name == "supervise" and case.lead_department_id is None:
            continue
        allowed.append(name)
    if case.state == State.HANDLING and not handle and is_co_department(user, case):
        allowed.append("co_note")
    return allowed
