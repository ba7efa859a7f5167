"""Who may see and change what, by region and role. The one place these rules live.

- Staff of a county-level department work within that county (its townships included).
- Staff of a city department work within the whole city.
- Supervisors, leaders and administrators see every record within their jurisdiction;
  other staff see what their own department leads or co-operates on (each app says which).
- A department changes only the records it leads.
"""

from django.db.models import Q

from minsheng.org.models import Region, RegionLevel, Role, User

OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMINISTRATOR)


def jurisdiction(user: User) -> Region | None:
    """The region whose records the user works on; None for an account without a department."""
    if not user.is_authenticated or user.department_id is None:
        return None
    region = user.department.region
    if region.level == RegionLevel.TOWNSHIP:
        return region.parent
    return region


def is_staff_member(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.department_id is not None


def oversees(user: User) -> bool:
    """Supervisors, leaders and administrators see every record within their jurisdiction."""
    return is_staff_member(user) and user.has_role(*OVERSIGHT_ROLES)


def needs_two_factor(user: User) -> bool:
    """Administrators, and anyone who can open the admin site, sign in with a second factor."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or user.has_role(Role.ADMINISTRATOR))


def in_jurisdiction(user: User, region: Region) -> bool:
    area = jurisdiction(user)
    return area is not None and area.contains(region)


def in_jurisdiction_q(user: User, field: str = "region") -> Q:
    """A filter for records whose `field` (a Region foreign key) lies in the user's jurisdiction.

    The region ids are listed (a few hundred at most) rather than joined with a LIKE, so the
    planner can use the record table's own (region, ...) indexes."""
    area = jurisdiction(user)
    if area is None:
        return Q(pk__in=[])
    region_ids = list(Region.objects.filter(code__startswith=area.code_prefix).values_list("pk", flat=True))
    return Q(**{f"{field}_id__in": region_ids})


def digest(secret: str) -> str:
    import hashlib

    return hashlib.sha256((secret or "").encode()).hexdigest()


# Each process remembers the clients whose keys it has seen (a row never changes but for its
# revocation; made-up keys are not remembered, so they cannot fill the memory). A revocation
# needs no message to the processes: the intake action files nothing for a revoked client
# (cases/actions/intake.py), so it holds from the next request everywhere.
API_CLIENT_SECONDS = 60
API_CLIENT_GROUP = "api-client"
_known_clients: dict[str, tuple[float, object]] = {}


def api_client_for(key: str):
    """The client system a key belongs to, as last read (active then), or None."""
    import time

    from minsheng.org.models import ApiClient

    if not key:
        return None
    key_hash = digest(key)
    entry = _known_clients.get(key_hash)
    if entry is not None and time.monotonic() - entry[0] <= API_CLIENT_SECONDS:
        return entry[1]
    client = ApiClient.objects.select_related("region").filter(key_hash=key_hash, is_active=True).first()
    if client is None:
        _known_clients.pop(key_hash, None)
    else:
        _known_clients[key_hash] = (time.monotonic(), client)
    return client


def user_for_token(secret: str):
    from minsheng.org.models import AccessToken

    if not secret:
        return None
    token = (
        AccessToken.objects.select_related("user__department__region")
        .filter(key_hash=digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None
