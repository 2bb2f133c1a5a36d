"""The auditor's queries over the trail."""

import csv
import io
from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import event_types
from audit.models import Action, AuditEvent, Outcome

TRAIL_PAGE_SIZE = 100


def actor_name(event: AuditEvent) -> str:
    """Who did it, by name: the staff member, the account, or Tandem itself."""
    actor = event.actor
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    if event.actor_label and event.actor_label != "anonymous":
        return event.actor_label
    return "Tandem"  # the system itself, e.g. an alert raised by a scoring rule


def record_name(event: AuditEvent) -> str:
    """The kind of record an event touched, in words ("alert", "progress note")."""
    if not event.record_type:
        return ""
    try:
        return str(apps.get_model(event.record_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return event.record_type.rsplit(".", 1)[-1].lower()


def _what(event: AuditEvent) -> str | None:
    """What the event touched, when it says more than its type: the page it was written on,
    or the kind of record for a generic type."""
    page = event.details.get("page") if isinstance(event.details, dict) else None
    if page:
        return event_types.page_name(str(page))
    if event.record_type and event.record_type != "participants.Participant":
        name = record_name(event)
        if event.action == Action.CREATE:
            return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
        return f"the {name}"
    return None


def sentence(event: AuditEvent) -> str:
    """The event as a sentence from its registered type's label: "Dana Reyes viewed the
    intake", "Sam Lee was not allowed to view the chart". Used by the chart's history and
    the auditor's trail alike."""
    who = actor_name(event)
    kind = event_types.known(event.event_type)
    if kind is None:
        return f"{who}: {event.event_type}"
    refused = event.outcome == Outcome.REFUSED
    words = f"was not allowed to {kind.attempt}" if refused else kind.label
    what = _what(event) if kind.subject else None
    if what and kind.subject in words:
        head, _, tail = words.rpartition(kind.subject)
        words = f"{head}{what}{tail}"
    return f"{who} {words}"


def trail_line(event: AuditEvent) -> str:
    """The sentence as the auditor reads it, with the role, whose record, why a refusal and
    whether emergency access was in force."""
    parts = [f"{sentence(event)} ({event.role})" if event.role else sentence(event)]
    if event.participant is not None:
        parts.append(f"participant {event.participant.record_number}")
    why = event.details.get("why") if isinstance(event.details, dict) else None
    if event.outcome == Outcome.REFUSED and why:
        parts.append(str(why))
    if event.break_glass_id is not None:
        parts.append("emergency access")
    return " · ".join(parts)


def trail_page(organization_ids: list[int], data: dict, number) -> Page:
    """One page of the matching events, newest first, each with its sentence."""
    page = Paginator(matching_events(organization_ids, data), TRAIL_PAGE_SIZE).get_page(number)
    for event in page.object_list:
        event.sentence = trail_line(event)
        event.record_name = record_name(event)
    return page


def trail_csv(organization_ids: list[int], data: dict) -> str:
    """Every matching event as CSV rows, newest first, times in the active time zone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Sequence", "When", "Time zone", "What happened", "Outcome", "Record", "Address", "Reason"]
    )
    zone = timezone.get_current_timezone_name()
    for event in matching_events(organization_ids, data).iterator(chunk_size=500):
        writer.writerow(
            [
                event.seq,
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                zone,
                trail_line(event),
                event.get_outcome_display(),
                event.record_type,
                event.client_address or "",
                event.reason,
            ]
        )
    return out.getvalue()


def matching_events(organization_ids: list[int], data: dict) -> QuerySet[AuditEvent]:
    """The events of the auditor's organizations (and the installation's) the filters keep."""
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related(
        "participant", "break_glass", "actor"
    )
    qs = qs.filter(Q(organization_id__in=organization_ids) | Q(organization__isnull=True))
    if data.get("record_number"):
        qs = qs.filter(
            participant__record_number__iexact=data["record_number"].strip(),
            participant__organization_id__in=organization_ids,
        )
    if data.get("username"):
        qs = qs.filter(actor_label__iexact=data["username"].strip())
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("event_type"):
        qs = qs.filter(event_type=data["event_type"])
    if data.get("outcome"):
        qs = qs.filter(outcome=data["outcome"])
    if data.get("break_glass_only"):
        qs = qs.filter(break_glass__isnull=False)
    tz = timezone.get_current_timezone()
    if data.get("start"):
        qs = qs.filter(occurred_at__gte=datetime.combine(data["start"], time.min, tzinfo=tz))
    if data.get("end"):
        end = datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(occurred_at__lt=end)
    return qs.order_by("-id")
