"""Who may do what with the enterprise registry (the org's access rules, applied to firms).

- The registry, grids and assignments are kept by the county's supervisors (营商办 leads the
  enterprise help) and administrators, within their jurisdiction; the city's see every county.
- A helper sees the firms they help today (one-to-one, or through a grid they cover), records
  visits to them and raises their demands; supervisors, leaders and administrators see every
  firm in their jurisdiction.
- A firm's contact phone is shown whole only to its helpers and the registry's keepers."""

from datetime import date

from minsheng.org.access import in_jurisdiction, is_staff_member, oversees
from minsheng.org.models import Role, User


def may_keep_registry(user: User | None, region) -> bool:
    return (user is not None and region is not None and is_staff_member(user)
            and user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR) and in_jurisdiction(user, region))


def helps(user: User, entity, day: date | None = None) -> bool:
    """Whether `user` is a helper of `entity` on `day` (one-to-one, or the helper of its grid)."""
    from minsheng.core import clock
    from minsheng.enterprises.queries import helpers_of

    if not is_staff_member(user):
        return False
    # A page asks several times (may it open the firm, act for it, see its contact): the helpers
    # are read once per firm object and day. Actions read their firm afresh (locked).
    day = day or clock.today()
    known = entity.__dict__.setdefault("_helper_ids_on", {})
    if day not in known:
        known[day] = {helper.pk for helper, _mode in helpers_of(entity, day)}
    return user.pk in known[day]


def may_view(user: User, entity) -> bool:
    if not is_staff_member(user):
        return False
    if oversees(user) and in_jurisdiction(user, entity.region):
        return True
    return helps(user, entity)


def may_act_for(user: User | None, entity) -> bool:
    """Record a visit, raise a demand: the firm's helper, or the registry's keepers."""
    return user is not None and (may_keep_registry(user, entity.region) or helps(user, entity))


def may_see_contact(user: User, entity) -> bool:
    return may_act_for(user, entity)
