"""A participant's history as sentences ("Dana Reyes viewed the intake"), paged, and as CSV.

The sentences are the audit trail's own (`audit.selectors.sentence`), built from the
registered event types' labels; an event that listed the participant among others (a roll
call, a caseload) says so.
"""

import csv
import io
from itertools import islice

from django.core.paginator import Page
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import actor_name, changes_words, history_line, naming, role_words
from participants.export import REDISCLOSURE_NOTICE
from participants.models import Participant
from tandem.paging import page_of

PAGE_SIZE = 50
CSV_CHUNK = 500  # events read, and their changes' records named, at a time


def events_for(participant: Participant) -> QuerySet[AuditEvent]:
    """The events about the participant: those naming them, and those listing them among
    others (a roll call, a caseload)."""
    return (
        AuditEvent.objects.filter(naming(participant=participant))
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )


def history_page(participant: Participant, number: str | None) -> Page:
    """One page of the history, each event with its sentence, role and changes in words
    (the records the page's changes point at named together, in a query per kind)."""
    page = page_of(events_for(participant), number, PAGE_SIZE)
    events = list(page.object_list)
    for event, changes in zip(events, changes_words(events, participant.pk), strict=True):
        event.sentence = history_line(event, participant.pk)
        event.role_words = role_words(event.role)
        event.changes = changes
    page.object_list = events
    return page


def history_csv(participant: Participant) -> str:
    """Every event of the participant's history, newest first, times in the active zone,
    the role and the changes in the words the page gives ("case manager", not
    "case_manager"; "primary clinician: Dana Reyes → Sam Ortiz", not 42 → 57), and last the
    Part 2 notice every copy of the record carries."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["When", "Time zone", "Who", "Role", "What", "Changes", "Outcome", "Reason"]
    writer.writerow(header)
    zone = timezone.get_current_timezone_name()
    events = events_for(participant).iterator(chunk_size=CSV_CHUNK)
    while chunk := list(islice(events, CSV_CHUNK)):
        for event, changes in zip(chunk, changes_words(chunk, participant.pk), strict=True):
            writer.writerow(
                [
                    timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
                    zone,
                    actor_name(event),
                    role_words(event.role),
                    history_line(event, participant.pk),
                    "; ".join(str(change) for change in changes),
                    event.get_outcome_display(),
                    event.reason,
                ]
            )
    writer.writerow([REDISCLOSURE_NOTICE] + [""] * (len(header) - 1))
    return out.getvalue()
