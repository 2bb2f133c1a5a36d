"""Request-scoped state for the audit writer: the client address, and who counts events.

A page that must leave exactly one event per response opens `counting_events()` around its
view; `record_event` calls `note_event()` for every event it appends, so the page knows
whether the view (or a service it called) already audited the access.

Only events still in the database when the block ends count. A service that audits and then
fails rolls its event back with its change, and a page that shows the record again after
that (a form sent back with its message) must audit what it shows itself. An event is known by
its id and its chain hash together: SQLite gives a rolled-back row's id to the next row
(PostgreSQL never reuses a sequence value), but the next event's hash differs (it seals its own
moment and content), so an id alone could take a rolled-back event for a kept one.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

from audit.models import AuditEvent

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


@dataclass
class EventCount:
    written: int = 0
    # Every participant an event named or listed (each was shown), and those an event was
    # about: a list such as a referral's likely matches shows people it is not about.
    participant_ids: set[int] = field(default_factory=set)
    subject_ids: set[int] = field(default_factory=set)
    # How deep in transactions the block started; and the events appended deeper than that
    # ((pk, hash): the participants they name or list, and their subject), which the block's
    # own code may roll back.
    depth: int = 0
    undecided: dict[tuple[int, str], tuple[set[int], set[int]]] = field(default_factory=dict)

    def add(self, named: set[int], subjects: set[int]) -> None:
        self.written += 1
        self.participant_ids |= named
        self.subject_ids |= subjects

    def settle(self, enclosing: Iterable["EventCount"] = ()) -> None:
        """Count the undecided events that were kept (one query; none when there are none).

        What it finds decides the same events for the `enclosing` counters too: one rolled
        back is gone for them all, and one kept counts for each that started at the depth
        this block ends at, so nested blocks ask once rather than once each."""
        if not self.undecided:
            return
        kept = set(
            AuditEvent.objects.filter(pk__in=[pk for pk, _ in self.undecided]).values_list(
                "pk", "hash"
            )
        )
        depth = _depth()
        for event, shown in self.undecided.items():
            if event in kept:
                self.add(*shown)
            for outer in enclosing:
                if event not in outer.undecided:
                    continue
                if event not in kept:
                    del outer.undecided[event]
                elif outer.depth >= depth:
                    outer.add(*outer.undecided.pop(event))
        self.undecided = {}


_counters: ContextVar[tuple[EventCount, ...]] = ContextVar("audit_event_counters", default=())


def _depth() -> int:
    # Django's stack of open `atomic` blocks on this connection (what `TestCase` reads too).
    return len(transaction.get_connection().atomic_blocks)


@contextmanager
def counting_events() -> Iterator[EventCount]:
    """Count the audit events appended inside the block and kept (nested counters all count)."""
    count = EventCount(depth=_depth())
    token = _counters.set((*_counters.get(), count))
    try:
        yield count
    finally:
        _counters.reset(token)
    count.settle(_counters.get())


def note_event(
    event_id: int, event_hash: str, participant_id: int | None = None, listed: Iterable[int] = ()
) -> None:
    """Called by the audit writer once for every event it appends, with its chain hash, its
    participant and those it lists: each of them was shown. An event appended in a
    transaction opened inside a counting block is decided when the block ends, kept or
    rolled back."""
    subjects = {participant_id} if participant_id is not None else set()
    named = set(listed) | subjects
    depth = _depth()
    for count in _counters.get():
        if depth > count.depth:
            count.undecided[(event_id, event_hash)] = (named, subjects)
        else:
            count.add(named, subjects)
