"""Permission rules for practical-matter items, shared by actions, queries and templates."""

from minsheng.org.access import in_jurisdiction, is_staff_member
from minsheng.org.models import Role, User
from minsheng.pledges.models import PledgeItem, PledgeList


def can_post_progress(user: User, item: PledgeItem) -> bool:
    """A department posts progress only on the items it leads."""
    return is_staff_member(user) and user.department_id == item.lead_department_id


def can_manage_list(user: User, pledge_list: PledgeList) -> bool:
    """Administrators and supervisors compile and correct the lists of their jurisdiction."""
    return (
        is_staff_member(user)
        and user.has_role(Role.ADMINISTRATOR, Role.SUPERVISOR)
        and in_jurisdiction(user, pledge_list.region)
    )


def can_edit_item(user: User, item: PledgeItem) -> bool:
    return can_manage_list(user, item.pledge_list)
