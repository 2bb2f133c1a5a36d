"""Writing and verifying the audit trail.

Every event is linked to the previous event of its organization's chain by a keyed MAC
(audit/chain.py), so an edited, inserted or removed row breaks the chain where it
happened and nobody without the key can recompute it; signed checkpoints
(audit/checkpoints.py) pin each chain's head so dropping the newest events shows too.
"""

import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, ParamSpec, cast

from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import Membership, Organization
from audit import event_types
from audit.chain import GENESIS, chain_key, link
from audit.context import client_address, note_event
from audit.models import Action, AuditEvent, ChainHead, ListedParticipant, Outcome


def _organization_of(actor: Any, participant: Any, record: Any, organization: Any) -> int | None:
    """The chain an event joins: the participant's organization, else the record's, else the
    actor's only organization; anything else is the installation's chain."""
    if organization is not None:
        return organization.pk if isinstance(organization, Organization) else organization
    if participant is not None:
        return participant.organization_id
    if record is not None:
        if isinstance(record, Organization):
            return record.pk
        if getattr(record, "organization_id", None) is not None:
            return record.organization_id
        if getattr(record, "program_id", None) is not None:
            return record.program.organization_id
    if actor is not None and getattr(actor, "is_authenticated", False):
        orgs = list(
            Membership.objects.filter(user=actor, is_active=True)
            .values_list("organization_id", flat=True)
            .distinct()[:2]
        )
        if len(orgs) == 1:
            return orgs[0]
    return None


def _head(organization_id: int | None) -> ChainHead:
    """Lock the head row of one chain; other chains stay free."""
    heads = ChainHead.objects.select_for_update()
    if organization_id is None:
        head = heads.filter(organization__isnull=True).first()
        return head or ChainHead.objects.create(organization=None)
    head, _ = heads.get_or_create(organization_id=organization_id)
    return head


# The columns an append writes, in the model's order (the id comes from the database). The
# SQL below is made from the model's own column names only; values are always parameters.
_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_ATTNAMES = [f.attname for f in _FIELDS]
_COLUMNS = ", ".join(f.column for f in _FIELDS)
_CASTS = {"occurred_at": "::timestamptz", "client_address": "::inet", "details": "::jsonb"}
_VALUES = ", ".join(f"%s{_CASTS.get(f.column, '')}" for f in _FIELDS)
# PostgreSQL: move the head only if it is still where it was read and insert the event, in
# one statement that also gives back the head as the statement found it, so an append whose
# head had moved (no event id comes back) can link after that head at once.
_MOVE_HEAD_IF_AT = (
    "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = %s AND seq = %s AND hash = %s"
)
_HEAD_AND_EVENT = (
    f"WITH head AS ({_MOVE_HEAD_IF_AT} RETURNING id), "  # noqa: S608
    f"event AS (INSERT INTO audit_auditevent ({_COLUMNS}) SELECT {_VALUES} FROM head RETURNING id)"
)
_GIVE_BACK_HEAD = "SELECT (SELECT id FROM event), seq, hash FROM audit_chainhead WHERE id = %s"
_APPEND_IF_HEAD_IS = f"{_HEAD_AND_EVENT} {_GIVE_BACK_HEAD}"
# An event that lists participants writes their rows in the same statement, from the event it
# inserted: an append whose head had moved inserts no event, so it lists no one either.
_LIST_WITH_EVENT = (
    "listed AS (INSERT INTO audit_listedparticipant (event_id, participant_id) "
    "SELECT event.id, unnest(%s::bigint[]) FROM event)"
)
_APPEND_LISTED_IF_HEAD_IS = f"{_HEAD_AND_EVENT}, {_LIST_WITH_EVENT} {_GIVE_BACK_HEAD}"
_MARKS = ", ".join(["%s"] * len(_FIELDS))
_INSERT = f"INSERT INTO audit_auditevent ({_COLUMNS}) VALUES ({_MARKS})"  # noqa: S608
_MOVE_HEAD = "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = %s"
_LIST = (
    "INSERT INTO audit_listedparticipant (event_id, participant_id) "
    "SELECT %s, value FROM json_each(%s)"
)
# Appends on a moved head before locking it: appends racing on one chain in one process or
# several make each other's view of the head old, and locking then ends the race.
_GUESSES = 3

Head = tuple[int, int, str]  # the head row's id, seq and hash

# Where this process last left each chain's head, by database and chain. Only a guess to try
# first: an append on a head that has moved since (another process, a rolled-back
# transaction) writes nothing, so a stale guess costs a statement and never a wrong link.
_last_heads: dict[tuple[str, int | None], Head] = {}


@dataclass
class Reading:
    """A read sent after an append in the same round trip on PostgreSQL
    (`record_event_reading`): `statement`, one SELECT of one row with every value written
    in, and the `row` it read (None until it is read, and on other databases)."""

    statement: str
    row: tuple | None = None
    sent: bool = False

    def along(self, db: Any) -> str:
        """The statement to send after the append's, once, on PostgreSQL ('' otherwise)."""
        if self.sent or not self.statement or db.vendor != "postgresql":
            return ""
        self.sent = True
        return self.statement


def _write_after(
    head: Head, event: AuditEvent, listed: list[int], key: bytes, db: Any, reading: Reading
) -> tuple[Head | None, Head | None]:
    """Link the event after `head` and write it, with the head's move and a row for each
    participant it lists (`listed`, their pks): (the new head, None). On PostgreSQL, where
    the head is not necessarily locked, nothing is written if the head has moved: (None, the
    head as the statement found it, if there is one). A `reading` not yet read is sent after
    the append in the same round trip (PostgreSQL), whether or not the head had moved."""
    head_id, seq, prev_hash = head
    event.seq, event.prev_hash = seq + 1, prev_hash
    event.hash = link(event, prev_hash, key)
    values = {name: getattr(event, name) for name in _ATTNAMES}
    values["details"] = json.dumps(event.details)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            moved = [event.seq, event.hash, head_id, seq, prev_hash, *values.values()]
            if listed:
                append, params = _APPEND_LISTED_IF_HEAD_IS, [*moved, listed, head_id]
            else:
                append, params = _APPEND_IF_HEAD_IS, [*moved, head_id]
            along = reading.along(db)
            if along:
                # The append's values written in by the driver, as it binds them, and the
                # read after it as it is: psycopg would parse the whole list anew on every
                # run to bind values into it (it caches only statements shorter than 4 kB).
                cursor.execute(f"{cursor.mogrify(append, params)}; {along}")
            else:
                cursor.execute(append, params)
            row = cursor.fetchone()
            if along:
                cursor.nextset()
                reading.row = cursor.fetchone()
            if row is None:
                return None, None
            if row[0] is None:
                return None, (head_id, row[1], row[2])
            event.pk = row[0]
        else:
            values["occurred_at"] = db.ops.adapt_datetimefield_value(event.occurred_at)
            cursor.execute(_INSERT, list(values.values()))
            event.pk = cursor.lastrowid
            cursor.execute(_MOVE_HEAD, [event.seq, event.hash, head_id])
            if listed:
                cursor.execute(_LIST, [event.pk, json.dumps(listed)])
    event._state.adding, event._state.db = False, db.alias
    return (head_id, event.seq, event.hash), None


def _append(
    organization_id: int | None,
    event: AuditEvent,
    listed: list[int],
    key: bytes,
    db: Any,
    reading: Reading,
) -> Head:
    """Write the event (and the participants it lists) at the end of its chain and keep the
    chain's new head as this process's next guess."""
    known = (db.alias, organization_id)
    if db.vendor == "postgresql":
        with _one_at_a_time(db, known):
            guess = _last_heads.get(known)
            for _ in range(_GUESSES):
                if guess is None:
                    break
                written, guess = _write_after(guess, event, listed, key, db, reading)
                if written is not None:
                    _last_heads[known] = written
                    return written
    with transaction.atomic(savepoint=False):
        locked = _head(organization_id)
        written, _ = _write_after(
            (locked.pk, locked.seq, locked.hash), event, listed, key, db, reading
        )
    if written is None:
        raise DatabaseError("the locked audit chain head moved")
    _last_heads[known] = written
    return written


# Appends of one process to one chain made outside a transaction (an audited read) take turns,
# each starting from the head the one before it left: racing, they moved the head under each
# other's guesses and each loser paid more statements, or the lock, to append. Such an
# append holds no row lock once its statement returns, and an append inside a transaction
# (which holds the head until it commits) never takes a turn, so a wait for a turn can
# never close a circle with a wait for the database's locks.
_chain_turns: dict[tuple[str, int | None], threading.Lock] = {}


@contextmanager
def _one_at_a_time(db: Any, known: tuple[str, int | None]) -> Iterator[None]:
    if db.in_atomic_block or not db.get_autocommit():
        yield
        return
    turn = _chain_turns.get(known) or _chain_turns.setdefault(known, threading.Lock())
    with turn:
        yield


def _unlinked(
    *,
    actor: Any,
    event_type: str = "",
    decision: Any = None,
    participant: Any = None,
    record: Any = None,
    record_type: str = "",
    record_id: str = "",
    organization: Any = None,
    outcome: str | None = None,
    role: str = "",
    break_glass: Any = None,
    reason: str = "",
    details: dict | None = None,
    action: str = "",
    listed: Iterable[Any] | None = None,
) -> tuple[int | None, AuditEvent, list[int]]:
    """One event with everything but its place in the chain (seq, prev_hash, hash), and the
    pks of the participants it lists, named by public id in its details."""
    kind = event_types.get(event_type or event_types.generic(action))
    if decision is not None:
        role = role or decision.role
        if break_glass is None:
            break_glass = decision.break_glass
        if outcome is None:
            outcome = Outcome.ALLOWED if decision.allowed else Outcome.REFUSED
        if details is None or "why" not in details:
            details = {**(details or {}), "why": decision.why}
    listed_pks: list[int] = []
    if listed is not None:
        people = {p.pk: p for p in listed}
        listed_pks = sorted(people)
        shown = sorted(str(p.public_id) for p in people.values())
        details = {**(details or {}), "participants": shown}
    if record is not None:
        record_type = record_type or record._meta.label
        record_id = record_id or str(getattr(record, "public_id", None) or record.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    organization_id = _organization_of(actor, participant, record, organization)
    columns: dict[str, Any] = {
        "organization_id": organization_id,
        "seq": None,
        "occurred_at": timezone.now(),
        "event_type": kind.name,
        "actor_id": actor.pk if authenticated else None,
        "actor_label": actor.get_username() if authenticated else "anonymous",
        "role": str(role),
        "action": kind.action,
        "outcome": str(outcome or Outcome.ALLOWED),
        "participant_id": participant.pk if participant is not None else None,
        "record_type": record_type,
        "record_id": record_id,
        "client_address": client_address.get(),
        "break_glass_id": break_glass.pk if break_glass is not None else None,
        "reason": reason or (break_glass.reason if break_glass is not None else ""),
        # What the database will give back, so the MAC is over what verification reads.
        "details": json.loads(json.dumps(details, default=str)) if details else {},
        "prev_hash": "",
        "hash": "",
    }
    # Positional arguments take the model's quick path (no keyword or relation handling).
    values: list[Any] = [columns[name] for name in _ATTNAMES]
    event = AuditEvent(None, *values)  # type: ignore[misc]  # stubs: no *args
    return organization_id, event, listed_pks


P = ParamSpec("P")


def _arguments_of(
    model: Callable[P, object],
) -> Callable[[Callable[..., AuditEvent]], Callable[P, AuditEvent]]:
    """Declare that the decorated function takes `model`'s arguments, so a call is checked
    against that one list of names, types and defaults."""

    def declared(function: Callable[..., AuditEvent]) -> Callable[P, AuditEvent]:
        return function

    return declared


@_arguments_of(_unlinked)
def record_event(**event: Any) -> AuditEvent:
    """Append one event in the caller's transaction, so it commits or rolls back with the change.

    `event_type` is a registered type (audit/event_types.py); `decision` is the access
    decision the event rests on, which gives the role, the break-the-glass grant, the
    outcome and the reason unless the caller names them. `role` serves decisions that are
    not about one participant (a program capability). `action` alone (no event type)
    records the action's generic type. `listed` are the participants a page or an answer
    shows together (a roll call, a caseload, likely matches): the event names them in
    `details["participants"]` and links each, so each one's history finds it.

    On PostgreSQL the usual append is one statement (see `_APPEND_IF_HEAD_IS`), atomic on
    its own outside a transaction, and two when another process moved the head since; it
    holds the head's row lock until the caller commits, as locking the head does.
    """
    return record_event_reading("", **event)[0]


def record_event_reading(statement: str, **event: Any) -> tuple[AuditEvent, tuple | None]:
    """`record_event`, with a read that follows the event (`statement`: a SELECT of one row
    with its values written in; '' for none, as `record_event` appends) sent in the
    append's round trip on PostgreSQL: the event and the row it read, or None where it was
    not sent (another database), for the caller to read it by itself. An audited page
    whose next read depends on the access the event records (the chart header's flags,
    read once the decision allows them) saves a round trip, each costing the worker more
    than its rows. The event is written before the read, in one statement list: a read
    that fails takes the event with it, as nothing of the page is then shown."""
    reading = Reading(statement)
    organization_id, row, listed_pks = _unlinked(**event)
    _append(organization_id, row, listed_pks, chain_key(), transaction.get_connection(), reading)
    note_event(row.pk, row.hash, row.participant_id, listed_pks)
    return row, reading.row


def record_events(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append many events (each a dict of `record_event`'s arguments) in a fixed number of
    queries: one lock of the chain heads, one insert, one head update.

    For background sweeps that write hundreds of events at once; the chain is the same as
    if each had been appended by `record_event`, in list order.
    """
    if not events:
        return []
    built = [_unlinked(**e) for e in events]
    key = chain_key()
    organization_ids = {org for org, _, _ in built}
    with transaction.atomic():
        heads = {
            h.organization_id: h
            for h in ChainHead.objects.select_for_update().filter(
                organization_id__in=[o for o in organization_ids if o is not None]
            )
        }
        for org in organization_ids:
            if org is None or org not in heads:
                heads[org] = _head(org)
        for org, event, _ in built:
            head = heads[org]
            event.seq, event.prev_hash = head.seq + 1, head.hash
            event.hash = link(event, head.hash, key)
            head.seq, head.hash = event.seq, event.hash
        saved = AuditEvent.objects.bulk_create([event for _, event, _ in built])
        ListedParticipant.objects.bulk_create(
            [
                ListedParticipant(event_id=event.pk, participant_id=pk)
                for _, event, listed_pks in built
                for pk in listed_pks
            ]
        )
        ChainHead.objects.bulk_update(list(heads.values()), ["seq", "hash"])
    # Where this process left each head, so its next `record_event` appends in one statement.
    alias = transaction.get_connection().alias
    for org, head in heads.items():
        _last_heads[(alias, org)] = (head.pk, head.seq, head.hash)
    for _, event, listed_pks in built:
        note_event(event.pk, event.hash, event.participant_id, listed_pks)
    return saved


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The before/after of each field that actually changed, for the change history."""
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None
    problem: str
    organization_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.problem


def chain_name(organization_id: int | None) -> str:
    return (
        "the installation chain" if organization_id is None else f"organization {organization_id}"
    )


def _verify_one(organization_id: int | None, key: bytes, batch: int) -> ChainReport:
    if organization_id is None:
        events = AuditEvent.objects.filter(organization__isnull=True).order_by("seq")
        heads = ChainHead.objects.filter(organization__isnull=True)
    else:
        events = AuditEvent.objects.filter(organization_id=organization_id).order_by("seq")
        heads = ChainHead.objects.filter(organization_id=organization_id)
    name = chain_name(organization_id)
    # The head first: an event and its head commit together, so every event up to the head
    # read here is there to be walked, and what live traffic appends meanwhile is left to
    # the next run instead of being reported as a head that lags its chain.
    head = heads.first()
    walked = events if head is None else events.filter(seq__lte=head.seq)

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(checked, seq, f"{name}: {problem}", organization_id)

    prev, expected_seq, checked = GENESIS, 1, 0
    walk = walked.iterator(chunk_size=batch)
    while chunk := list(islice(walk, batch)):
        relisted = _listing_differs(chunk)
        for event in chunk:
            if event.seq != expected_seq:
                return broken(
                    expected_seq, f"event #{expected_seq} is missing (next found #{event.seq})"
                )
            if event.prev_hash != prev:
                return broken(event.seq, f"event #{event.seq} does not link to its predecessor")
            if link(event, prev, key) != event.hash:
                return broken(event.seq, f"event #{event.seq} was altered after it was written")
            if event.pk in relisted:
                return broken(
                    event.seq,
                    f"event #{event.seq} has listed-participant rows that differ from the "
                    "participants it lists",
                )
            prev = event.hash
            expected_seq += 1
            checked += 1
    if head is None:
        return ChainReport(checked, None, "", organization_id)
    if (head.seq, head.hash) != (checked, prev):
        return broken(
            checked + 1, f"the chain head says #{head.seq} but the last event is #{checked}"
        )
    # A row past the head read above is a new append only if the head, read after it was
    # seen, has reached it (an event and its head commit together).
    stray = events.filter(seq__gt=head.seq).values_list("seq", flat=True).first()
    if stray is not None:
        now = heads.values_list("seq", flat=True).first() or 0
        if now < stray:
            return broken(stray, f"event #{stray} lies beyond the chain head #{now}")
    return ChainReport(checked, None, "", organization_id)


def _listing_differs(events: list[AuditEvent]) -> set[int]:
    """The events (by id) whose listed-participant rows are not the participants their
    MAC-covered `details["participants"]` name: a row deleted to hide that someone was shown,
    or one added. A listed id that names no participant needs no row (so the rows filled
    for older events, which skipped such ids, agree)."""
    rows: dict[int, set[str]] = {}
    for event_id, public_id in ListedParticipant.objects.filter(
        event_id__in=[e.pk for e in events]
    ).values_list("event_id", "participant__public_id"):
        rows.setdefault(event_id, set()).add(str(public_id))
    differ: set[int] = set()
    unlinked: dict[int, set[str]] = {}
    for event in events:
        named = event.details.get("participants") if isinstance(event.details, dict) else None
        listed = {str(pid).lower() for pid in named} if isinstance(named, list) else set()
        linked = rows.get(event.pk, set())
        if linked - listed:
            differ.add(event.pk)
        elif listed - linked:
            unlinked[event.pk] = listed - linked
    if unlinked:
        # The participants' table, as the listed rows' own foreign key names it.
        people = cast(type[Model], ListedParticipant._meta.get_field("participant").related_model)
        wanted = {pid for ids in unlinked.values() for pid in ids if _is_uuid(pid)}
        found = {
            str(pid)
            for pid in people._base_manager.filter(public_id__in=wanted).values_list(
                "public_id", flat=True
            )
        }
        differ |= {event_id for event_id, ids in unlinked.items() if ids & found}
    return differ


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def chains() -> list[int | None]:
    """Every chain that has a head or an event: organization ids, and None for the installation."""
    ids = set(ChainHead.objects.values_list("organization_id", flat=True))
    ids |= set(AuditEvent.objects.values_list("organization_id", flat=True).distinct())
    return sorted(ids, key=lambda i: -1 if i is None else i)


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk every chain in order and report the first event whose link or content is wrong."""
    key = chain_key()
    checked = 0
    for organization_id in chains():
        report = _verify_one(organization_id, key, batch)
        checked += report.checked
        if not report.ok:
            return ChainReport(checked, report.first_broken_seq, report.problem, organization_id)
    return ChainReport(checked, None, "")


__all__ = ["Action", "ChainReport", "Outcome", "field_changes", "record_event", "verify_chain"]
