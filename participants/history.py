"""A participant's history as sentences ("Dana Reyes viewed the intake"), paged, and as CSV.

The sentences are the audit trail's own (`audit.selectors.sentence`), built from the
registered event types' labels; an event that listed the participant among others (a roll
call, a caseload) says so.
"""

import csv
import io

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import actor_name, changes_words, history_line, naming, role_words
from participants.export import REDISCLOSURE_NOTICE
from participants.models import Participant

PAGE_SIZE = 50


def events_for(participant: Participant) -> QuerySet[AuditEvent]:
    """The events about the participant: those naming them, and those listing them among
    others (a roll call, a caseload)."""
    return (
        AuditEvent.objects.filter(naming(participant=participant))
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )


def history_page(participant: Participant, number: str | None) -> Page:
    page = Paginator(events_for(participant), PAGE_SIZE).get_page(number)
    for event in page.object_list:
        event.sentence = history_line(event, participant.pk)
        event.role_words = role_words(event.role)
        event.changes = changes_words(event)
    return page


def history_csv(participant: Participant) -> str:
    """Every event of the participant's history, newest first, times in the active zone,
    the role in the words the page gives ("case manager", not "case_manager"), and last the
    Part 2 notice every copy of the record carries."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["When", "Time zone", "Who", "Role", "What", "Outcome", "Reason"]
    writer.writerow(header)
    zone = timezone.get_current_timezone_name()
    for event in events_for(participant).iterator(chunk_size=500):
        writer.writerow(
            [
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
                zone,
                actor_name(event),
                role_words(event.role),
                history_line(event, participant.pk),
                event.get_outcome_display(),
                event.reason,
            ]
        )
    writer.writerow([REDISCLOSURE_NOTICE] + [""] * (len(header) - 1))
    return out.getvalue()
