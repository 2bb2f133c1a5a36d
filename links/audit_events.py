"""Audit event types of single-use links (reminder links that open one questionnaire or check-in)."""

from audit.event_types import register
from audit.models import Action

register("link.issued", Action.CREATE, "issued a single-use link", "issue a single-use link")
register("link.opened", Action.VIEW, "opened a single-use link", "open a single-use link")
register("link.used", Action.CREATE, "answered through a single-use link", "use a single-use link")
register("link.revoked", Action.CHANGE, "revoked a single-use link", "revoke a single-use link")
