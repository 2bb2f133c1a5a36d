"""Role primitives: which roles a person holds in which organization.

These are facts, not decisions. What a role may do is decided in one place, the access
policy (`participants.access`): read it there, never compare role names elsewhere.
"""

from accounts.models import Membership


def roles_in(user, organization_id: int) -> set[str]:
    """The active roles a user holds in an organization (cached on the user object)."""
    cache = getattr(user, "_tandem_roles", None)
    if cache is None:
        cache = {}
        for org_id, role in Membership.objects.filter(user=user, is_active=True).values_list(
            "organization_id", "role"
        ):
            cache.setdefault(org_id, set()).add(role)
        user._tandem_roles = cache
    return cache.get(organization_id, set())


def organizations_of(user) -> list[int]:
    """The organizations where a user holds at least one active role."""
    roles_in(user, 0)
    return sorted(user._tandem_roles)


def staff_roles(user) -> set[str]:
    """Every active role a staff member holds, in any organization (none for participants)."""
    if user is None or not user.is_authenticated or user.kind != user.Kind.STAFF:
        return set()
    return {role for org in organizations_of(user) for role in roles_in(user, org)}
