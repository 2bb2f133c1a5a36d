"""The auditor's queries over the trail."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import DateField, DateTimeField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role
from audit import event_types
from audit.models import Action, AuditEvent, ListedParticipant, Outcome
from tandem.templatetags.clock import day

TRAIL_PAGE_SIZE = 100


def actor_name(event: AuditEvent) -> str:
    """Who did it, by name: the staff member, the account, or Tandem itself."""
    actor = event.actor
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    if event.actor_label and event.actor_label != "anonymous":
        return event.actor_label
    return "Tandem"  # the system itself, e.g. an alert raised by a scoring rule


@dataclass(frozen=True)
class Change:
    """One field an event changed, in words: "status: Appointment set → Attended"."""

    field: str
    before: str
    after: str


def changes_words(event: AuditEvent) -> list[Change]:
    """The changes an event's details record, named as the record's model declares its
    fields and their choices (a status "Appointment set", a date "Fri 20 Nov 2026", a flag
    "yes"), not as they are stored ("appointment_set", "2026-11-20", True)."""
    changes = event.details.get("changes") if isinstance(event.details, dict) else None
    if not isinstance(changes, dict):
        return []
    fields = _fields_of(event.record_type)
    return [
        Change(
            str(fields[name].verbose_name) if name in fields else name.replace("_", " "),
            _value_words(fields.get(name), change.get("before")),
            _value_words(fields.get(name), change.get("after")),
        )
        for name, change in changes.items()
        if isinstance(change, dict)
    ]


def _fields_of(record_type: str) -> dict[str, Any]:
    try:
        model = apps.get_model(record_type) if record_type else None
    except (LookupError, ValueError):
        model = None
    return {} if model is None else {f.name: f for f in model._meta.concrete_fields}


def _value_words(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, DateField) and not isinstance(field, DateTimeField):
        try:
            return day(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def record_name(event: AuditEvent) -> str:
    """The kind of record an event touched, in words ("alert", "progress note"; "audit
    trail" for a type that names no model, such as "audit.AuditTrail")."""
    if not event.record_type:
        return ""
    try:
        return str(apps.get_model(event.record_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return _WORD_STARTS.sub(" ", event.record_type.rsplit(".", 1)[-1]).lower()


_WORD_STARTS = re.compile(r"(?<=[a-z])(?=[A-Z])")


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


def details_words(event: AuditEvent) -> str:
    """What the event's details say that its sentence cannot (who left the care team with a
    status change), as its registered type reads them; "" for a refusal, which changed nothing."""
    kind = event_types.known(event.event_type)
    if kind is None or kind.tells is None or event.outcome == Outcome.REFUSED:
        return ""
    return kind.tells(event.details) if isinstance(event.details, dict) else ""


def naming(**whose: object) -> Q:
    """The events that name the participants `whose` keeps (lookups on `participant`, e.g.
    `participant=p`), alone or among those they list: one set of event ids, from the
    events' participant index and the listed participants' index, so the planner reads
    both indexes instead of every event."""
    alone = AuditEvent.objects.filter(**whose).order_by().values("pk")
    among = ListedParticipant.objects.filter(**whose).order_by().values("event_id")
    return Q(pk__in=alone.union(among, all=True))


def listed_count(event: AuditEvent) -> int:
    """How many participants the event lists (a roll call, a caseload): 0 for most events."""
    listed = event.details.get("participants") if isinstance(event.details, dict) else None
    return len(listed) if isinstance(listed, list) else 0


def listed_among(count: int) -> str:
    """That one participant was listed with others: "listed with 11 others"."""
    others = count - 1
    if others <= 0:
        return "the only participant listed"
    return f"listed with {others} other{'' if others == 1 else 's'}"


def history_line(event: AuditEvent, participant_id: int) -> str:
    """The sentence as one participant's history tells it, with what its details say: an
    event that listed them among others says so ("… viewed the roll call · listed with 11
    others")."""
    parts = [sentence(event), details_words(event)]
    count = listed_count(event)
    if count and event.participant_id != participant_id:
        parts.append(listed_among(count))
    return " · ".join(part for part in parts if part)


def role_words(role: str) -> str:
    """The role an event was done in, as the program names it ("front desk", "program
    director, therapist"), not as it is stored ("front_desk", "director,therapist")."""
    return ", ".join(_ROLE_WORDS.get(code, code) for code in role.split(",") if code)


_ROLE_WORDS = {str(code): str(label).lower() for code, label in Role.choices}


def trail_line(event: AuditEvent) -> str:
    """The sentence as the auditor reads it, with the role, what its details say, whose
    record, who it listed, why a refusal and whether emergency access was in force."""
    told = sentence(event)
    parts = [f"{told} ({role_words(event.role)})" if event.role else told]
    if said := details_words(event):
        parts.append(said)
    if event.participant is not None:
        parts.append(f"participant {event.participant.record_number}")
    count = listed_count(event)
    listed_as = getattr(event, "listed_as", None)  # the record number filtered by, if listed
    if listed_as and (event.participant is None or event.participant.record_number != listed_as):
        parts.append(f"participant {listed_as} {listed_among(count)}")
    elif count:
        parts.append(f"{count} participant{'' if count == 1 else 's'} listed")
    why = event.details.get("why") if isinstance(event.details, dict) else None
    if event.outcome == Outcome.REFUSED and why:
        parts.append(str(why))
    if event.break_glass_id is not None:
        parts.append("emergency access")
    return " · ".join(parts)


def reasons(event: AuditEvent) -> tuple[str, str]:
    """Why emergency access was in force ("" without a break-the-glass grant) and the
    event's own reason when it says something else (why someone left the care team, why a
    record was entered in error): the trail's Reason column tells the two apart, since an
    event's reason is the grant's only when it had none of its own."""
    glass = event.break_glass.reason if event.break_glass is not None else ""
    return glass, "" if event.reason == glass else event.reason


def reason_line(event: AuditEvent) -> str:
    """The Reason column as text: "Break the glass: …" first when emergency access was in
    force, then the event's own reason."""
    glass, own = reasons(event)
    return " · ".join(part for part in (glass and f"Break the glass: {glass}", own) if part)


@dataclass
class TrailRow:
    """An event as the auditor's table shows it."""

    event: AuditEvent
    sentence: str
    record_name: str


@dataclass
class TrailPage:
    """One page of the trail and where its neighbours start. A position is an event's id,
    which says nothing about a participant, so it may travel in the pager's buttons."""

    rows: list[TrailRow]
    newer: int | None = None  # read the page before this one with after=newer
    older: int | None = None  # read the page after this one with before=older


def trail_page(
    organization_ids: list[int],
    data: dict,
    *,
    before: int | None = None,
    after: int | None = None,
) -> TrailPage:
    """One page of the matching events, newest first, each with its sentence.

    Paged by position (the events older than `before`, or newer than `after`) instead of by
    page number: nothing counts the trail or skips over its rows, so a page costs the same few
    queries at ten events or ten million. Each chain is read on its own and the reads merged
    by id. The newest page reads each chain by its sequence number, in id order within a
    chain, along the chain's (organization, seq) index: ordered by id, the planner walks the
    whole table's newest ids filtering out every other organization's events."""
    kept = _kept(organization_ids, data)
    chains = [kept.filter(organization_id=org) for org in organization_ids]
    chains.append(kept.filter(organization__isnull=True))

    def nearest(position: Q, order: str) -> list[AuditEvent]:
        """A page's worth of events of each chain on one side of a position, merged by id."""
        rows = [
            e
            for chain in chains
            for e in chain.filter(position).order_by(order)[: TRAIL_PAGE_SIZE + 1]
        ]
        newest_first = order.startswith("-")
        return sorted(rows, key=lambda e: e.pk, reverse=newest_first)[: TRAIL_PAGE_SIZE + 1]

    matching = matching_events(organization_ids, data)
    if after is not None:
        rows = nearest(Q(id__gt=after), "id")
        if len(rows) <= TRAIL_PAGE_SIZE:  # back at the newest: show the first page whole
            return trail_page(organization_ids, data)
        events = rows[:TRAIL_PAGE_SIZE][::-1]
        has_newer = True
        has_older = matching.filter(id__lte=after).exists()
    else:
        rows = nearest(Q(id__lt=before), "-id") if before is not None else nearest(Q(), "-seq")
        events = rows[:TRAIL_PAGE_SIZE]
        has_newer = before is not None and matching.filter(id__gte=before).exists()
        has_older = len(rows) > TRAIL_PAGE_SIZE
    return TrailPage(
        rows=[TrailRow(e, trail_line(e), record_name(e)) for e in events],
        newer=events[0].pk if events and has_newer else None,
        older=events[-1].pk if events and has_older else None,
    )


def participants_named(rows: list[TrailRow]) -> list[Any]:
    """The participants a page of the trail names by record number: each event's own."""
    return list(
        {r.event.participant_id: r.event.participant for r in rows if r.event.participant}.values()
    )


@dataclass
class TrailExport:
    """The trail as CSV, and whom it names: the export is audited as listing each of them."""

    body: str
    rows: int
    participants: list[Any]  # each row's own participant


def trail_csv(organization_ids: list[int], data: dict) -> TrailExport:
    """Every matching event as CSV rows, newest first, times in the active time zone, each
    cell in the words the trail page shows (the record as "progress note", not its model)."""
    named: dict[int, Any] = {}
    rows = 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Sequence", "When", "Time zone", "What happened", "Outcome", "Record", "Address", "Reason"]
    )
    zone = timezone.get_current_timezone_name()
    for event in matching_events(organization_ids, data).iterator(chunk_size=500):
        rows += 1
        if event.participant is not None:
            named[event.participant.pk] = event.participant
        writer.writerow(
            [
                event.seq,
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                zone,
                trail_line(event),
                event.get_outcome_display(),
                record_name(event),
                event.client_address or "",
                reason_line(event),
            ]
        )
    return TrailExport(out.getvalue(), rows, list(named.values()))


def matching_events(organization_ids: list[int], data: dict) -> QuerySet[AuditEvent]:
    """The events of the auditor's organizations (and the installation's) the filters keep."""
    return (
        _kept(organization_ids, data)
        .filter(Q(organization_id__in=organization_ids) | Q(organization__isnull=True))
        .order_by("-id")
    )


def _kept(organization_ids: list[int], data: dict) -> QuerySet[AuditEvent]:
    """The events the filters keep, of any chain: the callers choose the chains."""
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related(
        "participant", "break_glass", "actor"
    )
    if data.get("record_number"):
        whose = {
            "participant__record_number__iexact": data["record_number"].strip(),
            "participant__organization_id__in": organization_ids,
        }
        listed = ListedParticipant.objects.filter(event=OuterRef("pk"), **whose)
        qs = qs.filter(naming(**whose)).annotate(
            listed_as=Subquery(listed.values("participant__record_number")[:1])
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
    return qs
