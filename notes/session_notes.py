"""Whether each session has its note, stored on the session (`Session.has_its_note`).

The author's notes due and the notes board count the recent sessions still owing their note
on every staff home; asking each session whether its note exists cost more than the rest of
the director's home. The fact is kept here, in the transaction of every write that changes
it: a note drafted, moved to another session or entered in error, a group note saved or
signed. A group session has its note once its group note in force is signed; an individual
(or any other) session once it holds a progress note in force of its own (a draft counts:
the draft is then the author's to finish). `rebuild` sets it for sessions written in bulk
(the demo, the synthetic installation, `manage.py session_notes`).
"""

from collections.abc import Iterable

from django.db.models import Case, Exists, OuterRef, QuerySet, When

from notes.models import GroupNote, ProgressNote
from scheduling.models import Session


def has_its_note() -> Case:
    """The live answer for each session, read from its notes (one subquery per session)."""
    signed_group_note = GroupNote.objects.filter(
        session=OuterRef("pk"), entered_in_error_at__isnull=True, signed_at__isnull=False
    )
    own_note = ProgressNote.objects.filter(
        session=OuterRef("pk"), entered_in_error_at__isnull=True, group_note__isnull=True
    )
    return Case(
        When(kind=Session.Kind.GROUP, then=Exists(signed_group_note)),
        default=Exists(own_note),
    )


def keep(session_ids: Iterable[int | None]) -> None:
    """Set the fact again for the sessions a write touched, inside its transaction (one
    statement; none when the write touched no session)."""
    ids = {pk for pk in session_ids if pk is not None}
    if ids:
        Session.objects.filter(pk__in=ids).update(has_its_note=has_its_note())


def rebuild(sessions: QuerySet[Session] | None = None) -> int:
    """Set the fact for `sessions` (every session when None) from their notes, in one
    statement; returns how many sessions were read."""
    rows = Session.objects.all() if sessions is None else sessions
    return rows.update(has_its_note=has_its_note())
