"""The notes section of the exported and printed record: each note as its chart shows it."""

from notes.models import ProgressNote
from notes.selectors import _note_rows
from participants.models import Participant


def note_text(note: ProgressNote) -> str:
    """The note's own words: a group note's shared narrative, then the member's own section
    (never another member's); an individual note's sections under their headings."""
    parts = []
    group = note.group_note
    if group is not None:
        if group.module_id:
            parts.append(f"Module: {group.module}")
        if group.topic:
            parts.append(f"Topic: {group.topic}")
        parts.append(f"Group: {group.narrative}")
    for heading, text in (note.sections or {}).items():
        parts.append(f"{heading}: {text}")
    if note.addendum:
        parts.append(f"Late entry: {note.addendum}")
    return "\n".join(parts)


def notes_section(participant: Participant) -> list[dict]:
    """Every note in force, oldest first."""
    return [
        {
            "id": str(n.public_id),
            "kind": n.get_kind_display(),
            "date": n.service_date,
            "minutes": n.minutes,
            "mode": n.get_mode_display(),
            "format": n.format.name if n.format is not None else "",
            "text": note_text(n),
            "author": str(n.recorded_by or ""),
            "signed_at": n.signed_at or "",
            "late_entry_written_at": n.recorded_at if n.supersedes_id else "",
            "event_at": n.event_at or "",
        }
        for n in _note_rows(
            ProgressNote.objects.current().filter(participant=participant)
        ).order_by("service_date", "pk")
    ]
