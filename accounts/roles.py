"""Role primitives: which roles a person holds in which organization.

These are facts, not decisions. What a role may do is decided in one place, the access
policy (`participants.access`): read it there, never compare role names elsewhere.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Field, QuerySet

from accounts.models import Membership
from tandem.statements import Read, read_together

# What `keep_roles` keeps of each active membership, first program first.
_KEPT = ("organization_id", "role", "organization__programs__time_zone")


def _active_memberships(**where: Any) -> QuerySet:
    return Membership.objects.filter(is_active=True, **where).order_by("organization__programs__pk")


def _roles_and_zones(user_id: Any) -> QuerySet:
    return _active_memberships(user_id=user_id).values_list(*_KEPT)


def roles_read(user_id: Any) -> Read:
    """The statement that reads a user's active roles and their programs' time zones, for
    a caller that reads it together with others (the signed-in user, `keep_roles`)."""
    return Read("roles_and_zones", _roles_and_zones, Membership._meta.get_field("user"), user_id)


def roles_read_by(name: str, user_id: Callable[[Any], Any], field: Field, value: Any) -> Read:
    """`roles_read` for the user whose id `user_id(value)` gives (an expression, such as the
    user a session row names), so the roles come in the round trip that finds the user."""
    return Read(name, lambda found: _roles_and_zones(user_id(found)), field, value)


def keep_roles(user, rows: list[tuple]) -> None:
    """Keep the roles and time zones `roles_read` found on the user object, which lives as
    long as the request (`request.user`), so nothing is reused across requests or people."""
    cache: dict[int, set[str]] = {}
    zones: list[str] = []
    for org_id, role, zone in rows:
        cache.setdefault(org_id, set()).add(role)
        if zone is not None and zone not in zones:
            zones.append(zone)
    user._tandem_roles = cache
    user._tandem_zones = zones


def _load(user) -> dict[int, set[str]]:
    """A user's active roles, and the time zones of their organizations' programs (first
    program first), read in one query (compiled once per process) unless already kept."""
    if getattr(user, "_tandem_roles", None) is None:
        [rows] = read_together(roles_read(user.pk))
        keep_roles(user, rows)
    return user._tandem_roles


def keep_roles_of(users: Iterable[Any]) -> None:
    """Read the roles and time zones of several people in one query (a list of whom to hand
    something to) and keep them on each user object, as `_load` does for one."""
    missing = {user.pk: user for user in users if getattr(user, "_tandem_roles", None) is None}
    if not missing:
        return
    rows: dict[Any, list[tuple]] = {pk: [] for pk in missing}
    for user_id, *row in _active_memberships(user_id__in=list(missing)).values_list(
        "user_id", *_KEPT
    ):
        rows[user_id].append(tuple(row))
    for pk, user in missing.items():
        keep_roles(user, rows[pk])


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
