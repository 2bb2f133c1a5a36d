"""The auditor's queries over the trail."""

import csv
import io
from datetime import datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import event_types
from audit.models import AuditEvent, Outcome
from participants.models import BreakGlassGrant

TRAIL_PAGE_SIZE = 100


def sentence(event: AuditEvent) -> str:
    """The event as the auditor reads it: who did what (or was not allowed to), to whom."""
    who = f"{event.actor_label} ({event.role})" if event.role else event.actor_label
    try:
        kind = event_types.get(event.event_type)
        words = (
            kind.label if event.outcome != Outcome.REFUSED else f"was not allowed to {kind.attempt}"
        )
    except ValueError:
        words = event.event_type
    parts = [f"{who} {words}"]
    if event.participant_id is not None:
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
        event.sentence = sentence(event)
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
                sentence(event),
                event.get_outcome_display(),
                event.record_type,
                event.client_address or "",
                event.reason,
            ]
        )
    return out.getvalue()


def matching_events(organization_ids: list[int], data: dict) -> QuerySet[AuditEvent]:
    """The events of the auditor's organizations (and the installation's) the filters keep."""
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("participant", "break_glass")
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


def break_glass_to_review(organization_ids: list[int]) -> list[BreakGlassGrant]:
    return list(
        BreakGlassGrant.objects.filter(
            participant__organization_id__in=organization_ids, reviewed_at__isnull=True
        )
        .select_related("user", "participant")
        .order_by("-created_at")
    )
