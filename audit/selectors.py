"""The auditor's queries over the trail."""

import csv
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import (
    DateField,
    DateTimeField,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from audit import event_types
from audit.models import Action, AuditEvent, ListedParticipant, Outcome
from tandem.templatetags.clock import day

TRAIL_PAGE_SIZE = 100


def staff_name(user: Any) -> str:
    """A staff member as the pages name them: their full name, else their login."""
    return user.get_full_name() or user.get_username()


def actor_name(event: AuditEvent) -> str:
    """Who did it, by name: the staff member, the account, or Tandem itself."""
    actor = event.actor
    if actor is not None:
        return staff_name(actor)
    if event.actor_label and event.actor_label != "anonymous":
        return event.actor_label
    return "Tandem"  # the system itself, e.g. an alert raised by a scoring rule


@dataclass(frozen=True)
class Change:
    """One field an event changed, in words: "status: Appointment set → Attended"."""

    field: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"


PARTICIPANT_MODEL = "participants.Participant"
# How far along a record's links to look for the participant it belongs to (a goal's is
# its problem's plan's participant).
_OWNER_DEPTH = 3

Names = dict[type[Model], dict[Any, str]]


def changes_words(events: Sequence[AuditEvent], participant_id: int) -> list[list[Change]]:
    """Each event's changes, in the history of participant `participant_id`, named as the
    record's model declares its fields and their choices (a status "Appointment set", a date
    "Fri 20 Nov 2026", a flag "yes"), not as they are stored ("appointment_set",
    "2026-11-20", True). A change that points at another record names it (a primary
    clinician "Dana Reyes", not 42), with one query per kind of record for all the events,
    so a page costs the same few queries at 5 events or 50; a record no longer there says
    so, and another participant, or a record of theirs, is never named."""
    recorded = [(_fields_of(event.record_type), _changes_of(event)) for event in events]
    wanted: dict[type[Model], set[Any]] = defaultdict(set)
    for fields, changes in recorded:
        for name, change in changes.items():
            model = _points_at(fields.get(name))
            if model is not None:
                for value in (change.get("before"), change.get("after")):
                    wanted[model].update(_keys(model, value))
    names: Names = {model: _names(model, keys, participant_id) for model, keys in wanted.items()}
    return [
        [
            Change(
                str(fields[name].verbose_name) if name in fields else name.replace("_", " "),
                _value_words(fields.get(name), change.get("before"), names),
                _value_words(fields.get(name), change.get("after"), names),
            )
            for name, change in changes.items()
        ]
        for fields, changes in recorded
    ]


def _changes_of(event: AuditEvent) -> dict[str, dict]:
    changes = event.details.get("changes") if isinstance(event.details, dict) else None
    if not isinstance(changes, dict):
        return {}
    return {name: change for name, change in changes.items() if isinstance(change, dict)}


def _fields_of(record_type: str) -> dict[str, Any]:
    """The record's fields by name, a link also by its column ("owner_id" as "owner")."""
    try:
        model = apps.get_model(record_type) if record_type else None
    except (LookupError, ValueError):
        model = None
    if model is None:
        return {}
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return {**{f.attname: f for f in fields}, **{f.name: f for f in fields}}


def _points_at(field: Any) -> type[Model] | None:
    """The kind of record a field links to, if it is a link."""
    if field is None or not field.is_relation or field.related_model is None:
        return None
    return field.related_model


def _keys(model: type[Model], value: Any) -> list[Any]:
    """The record ids a stored value holds (one, or a list of them for a many-to-many),
    as the model's primary key reads them; what cannot be an id is left out."""
    values = value if isinstance(value, list) else [value]
    keys = []
    for one in values:
        if one is None or one == "" or isinstance(one, (bool, dict, list)):
            continue
        try:
            keys.append(model._meta.pk.to_python(one))
        except ValidationError:
            continue
    return keys


def _names(model: type[Model], keys: set[Any], participant_id: int) -> dict[Any, str]:
    """The words for each of the records `keys` of `model`, in one query: a staff member by
    name, this participant by theirs, a record of nobody's or of this participant's by its
    own name, and another participant or a record of theirs without one."""
    rows: QuerySet[Any] = model._base_manager.filter(pk__in=keys).order_by()
    if issubclass(model, User):
        return {user.pk: staff_name(user) for user in rows}
    rows = rows.select_related()  # what the record's name reads (a room's site)
    owner = _owner_of(model)
    if owner is not None:
        rows = rows.annotate(history_owner_id=F(owner))
    names = {}
    for row in rows:
        if owner is None or row.history_owner_id in (None, participant_id):
            names[row.pk] = row.display_name if owner == "pk" else str(row)
        elif owner == "pk":
            names[row.pk] = gettext("another participant")
        else:
            names[row.pk] = gettext("another participant's record")
    return names


@cache
def _owner_of(model: type[Model]) -> str | None:
    """The lookup from a record to the participant it belongs to ("pk" for a participant,
    "participant", "episode__participant"), or None for one of nobody's (a program, a
    room): the shortest way along the record's links."""
    if model._meta.label == PARTICIPANT_MODEL:
        return "pk"
    reached: list[tuple[type[Model], str]] = [(model, "")]
    for _ in range(_OWNER_DEPTH):
        further: list[tuple[type[Model], str]] = []
        for at, path in reached:
            for field in at._meta.concrete_fields:
                target = field.related_model if field.many_to_one or field.one_to_one else None
                if not isinstance(target, type) or issubclass(target, User):
                    continue
                if target._meta.label == PARTICIPANT_MODEL:
                    return f"{path}{field.name}"
                further.append((target, f"{path}{field.name}__"))
        reached = further
    return None


def _value_words(field: Any, value: Any, names: Names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    model = _points_at(field)
    if model is not None:
        known = names.get(model, {})
        return ", ".join(
            known.get(key, gettext("a record no longer present")) for key in _keys(model, value)
        ) or str(value)
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
