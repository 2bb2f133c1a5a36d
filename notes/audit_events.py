"""Audit event types of progress notes, group notes and the program's note settings."""

from audit.event_types import register
from audit.models import Action

register("note.drafted", Action.CREATE, "drafted a progress note", "draft a progress note")
register("note.changed", Action.CHANGE, "changed a draft progress note", "change a progress note")
register("note.signed", Action.CHANGE, "signed a progress note", "sign a progress note")
register("note.addendum", Action.CREATE, "added a late entry to a note", "add a late entry")
register("note.cosigned", Action.CHANGE, "co-signed a progress note", "co-sign a progress note")
register(
    "note.entered_in_error",
    Action.CHANGE,
    "marked a progress note entered in error",
    "mark a progress note entered in error",
)
register(
    "note.copy_forward_justified",
    Action.CHANGE,
    "signed a note flagged as copied forward, with a justification",
    "sign a note flagged as copied forward",
)
register("group_note.saved", Action.CHANGE, "saved a group note", "write a group note")
register("group_note.signed", Action.CHANGE, "signed a group note", "sign a group note")
register("group_note.viewed", Action.VIEW, "opened a group note", "open a group note")
register(
    "notes.due_viewed",
    Action.VIEW,
    "viewed the list of notes to write, sign or co-sign",
    "view the list of notes to write, sign or co-sign",
)
register(
    "notes.settings_changed",
    Action.CHANGE,
    "changed the program's note settings",
    "change the program's note settings",
)
register("notes.format_added", Action.CREATE, "added a note format", "add a note format")
register(
    "notes.group_curriculum_set",
    Action.CHANGE,
    "set which curriculum a group runs",
    "set a group's curriculum",
)
