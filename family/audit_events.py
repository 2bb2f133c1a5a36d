"""Audit event types of the support people."""

from audit.event_types import register
from audit.models import Action

register("support_person.added", Action.CREATE, "added a support person", "add a support person")
register(
    "support_person.entered_in_error",
    Action.CHANGE,
    "marked a support person entered in error",
    "mark a support person entered in error",
)
register(
    "support_person.shared",
    Action.CREATE,
    "recorded what a Part 2 consent shares with a support person",
    "record what a consent shares with a support person",
)
register(
    "support_person.page_viewed",
    Action.VIEW,
    "viewed what participants share with them, as a support person",
    "view what participants share",
)
register(
    "support_person.login_linked",
    Action.CHANGE,
    "linked a support person to their sign-in",
    "link a support person to a sign-in",
)
register(
    "support_person.invited",
    Action.SECURITY,
    "issued a support person a sign-in link",
    "issue a support person a sign-in link",
)
