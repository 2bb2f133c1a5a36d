"""Audit event types of sign-in and account security."""

from typing import Any

from accounts.models import Role
from audit.event_types import register
from audit.models import Action

register("account.signed_in", Action.LOGIN, "signed in", "sign in")
register("account.sign_in_failed", Action.LOGIN_FAILED, "failed to sign in", "sign in")
register("account.signed_out", Action.LOGOUT, "signed out", "sign out")
register("account.unlocked", Action.SECURITY, "unlocked an account", "unlock an account")
register(
    "account.two_factor_enrolled",
    Action.SECURITY,
    "enrolled an authenticator app",
    "enrol an authenticator app",
)
register(
    "account.two_factor_reset",
    Action.SECURITY,
    "reset an account's two-factor sign-in",
    "reset two-factor sign-in",
)
register(
    "api.response_resent",
    Action.VIEW,
    "was sent again the answer to an API write (same Idempotency-Key)",
    "receive the answer to an API write again",
)
register(
    "account.invited",
    Action.SECURITY,
    "issued a sign-in link to choose a password",
    "issue a sign-in link",
)
register(
    "account.password_set",
    Action.SECURITY,
    "set their password through a sign-in link",
    "choose a password",
)
register("staff.added", Action.SECURITY, "added a member of staff", "add a member of staff")


def _rejoined(details: dict[str, Any]) -> str:
    """The roles a former member of staff came back in, and that what they signed in with
    before opens nothing: "as Therapist, Case manager; the password and authenticator they
    had no longer sign in"."""
    roles = details.get("roles")
    held = (
        [str(Role(r).label) for r in roles if r in Role.values] if isinstance(roles, list) else []
    )
    return (
        f"as {', '.join(held)}; " if held else ""
    ) + "the password and authenticator they had no longer sign in"


register(
    "staff.rejoined",
    Action.SECURITY,
    "re-added a former member of staff under their earlier account",
    "re-add a former member of staff",
    tells=_rejoined,
)
register(
    "staff.roles_changed",
    Action.SECURITY,
    "changed a member of staff's roles",
    "change a member of staff's roles",
)
register(
    "staff.membership_ended",
    Action.SECURITY,
    "ended a member of staff's membership",
    "end a member of staff's membership",
)
