"""Role primitives: which roles a person holds in which organization.

These are facts, not decisions. What a role may do is decided in one place, the access
policy (`participants.access`): read it there, never compare role names elsewhere.
"""

from accounts.models import Membership
from tandem.statements import value_rows


def _load(user) -> dict[int, set[str]]:
    """Read a user's active roles, and the time zones of their organizations' programs (first
    program first), in one query (compiled once per process), and keep both on the user
    object, which lives as long as the request (`request.user`), so nothing is reused across
    requests or people."""
    cache = getattr(user, "_tandem_roles", None)
    if cache is None:
        cache = {}
        zones: list[str] = []
        rows = value_rows(
            "roles_and_zones",
            lambda user_id: (
                Membership.objects.filter(user_id=user_id, is_active=True)
                .order_by("organization__programs__pk")
                .values_list("organization_id", "role", "organization__programs__time_zone")
            ),
            Membership._meta.get_field("user"),
            user.pk,
        )
        for org_id, role, zone in rows:
            cache.setdefault(org_id, set()).add(role)
            if zone is not None and zone not in zones:
                zones.append(zone)
        user._tandem_roles = cache
        user._tandem_zones = zones
    return cache


def roles_in(user, organization_id: int) -> set[str]:
    """The active roles a user holds in an organization (cached on the user object)."""
    return _load(user).get(organization_id, set())


def organizations_of(user) -> list[int]:
    """The organizations where a user holds at least one active role."""
    return sorted(_load(user))


def program_zones(user) -> list[str]:
    """The time zones of the programs in a staff member's organizations, first program first,
    read with their roles."""
    _load(user)
    return list(user._tandem_zones)


def staff_roles(user) -> set[str]:
    """Every active role a staff member holds, in any organization (none for participants)."""
    if user is None or not user.is_authenticated or user.kind != user.Kind.STAFF:
        return set()
    return {role for org in organizations_of(user) for role in roles_in(user, org)}
