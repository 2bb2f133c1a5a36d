"""Audit event types of the treatment plan."""

from audit.event_types import register
from audit.models import Action

register("plan.drafted", Action.CREATE, "drafted a treatment plan", "draft a treatment plan")
register("plan.changed", Action.CHANGE, "changed a draft treatment plan", "change a treatment plan")
register("plan.signed", Action.CHANGE, "signed the treatment plan", "sign a treatment plan")
register(
    "plan.revision_started",
    Action.CREATE,
    "started a revision of the treatment plan",
    "revise a treatment plan",
)
register(
    "plan.acknowledged",
    Action.CREATE,
    "recorded the participant's acknowledgement of the treatment plan",
    "record an acknowledgement of a treatment plan",
)
register("plan.cosigned", Action.CHANGE, "co-signed the treatment plan", "co-sign a treatment plan")
register("plan.reviewed", Action.CREATE, "reviewed the treatment plan", "review a treatment plan")
register(
    "plan.entered_in_error",
    Action.CHANGE,
    "marked a treatment plan entered in error",
    "mark a treatment plan entered in error",
)
register(
    "plan.review_entered_in_error",
    Action.CHANGE,
    "marked a treatment-plan review entered in error",
    "mark a treatment-plan review entered in error",
)
register(
    "plan.settings_changed",
    Action.CHANGE,
    "changed the program's treatment-plan settings",
    "change the program's treatment-plan settings",
)
register(
    "plan.modalities_changed",
    Action.CHANGE,
    "changed the program's list of modalities",
    "change the program's list of modalities",
)
register(
    "plan.reviews_due_viewed",
    Action.VIEW,
    "viewed the treatment-plan reviews due",
    "view the treatment-plan reviews due",
)
