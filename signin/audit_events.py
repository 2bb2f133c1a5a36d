"""Audit event types of sign-in and account security."""

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
