"""Request-scoped state for the audit writer: the client address, and who counts events.

A page that must leave exactly one event per response opens `counting_events()` around its
view; `record_event` calls `note_event()` for every event it appends, so the page knows
whether the view (or a service it called) already audited the access.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


@dataclass
class EventCount:
    written: int = 0
    participant_ids: set[int] = field(default_factory=set)


_counters: ContextVar[tuple[EventCount, ...]] = ContextVar("audit_event_counters", default=())


@contextmanager
def counting_events() -> Iterator[EventCount]:
    """Count the audit events appended inside the block (nested counters all count)."""
    count = EventCount()
    token = _counters.set((*_counters.get(), count))
    try:
        yield count
    finally:
        _counters.reset(token)


def note_event(participant_id: int | None = None, listed: Iterable[int] = ()) -> None:
    """Called by the audit writer once for every event it appends, with its participant and
    those it lists: each of them was shown."""
    for count in _counters.get():
        count.written += 1
        if participant_id is not None:
            count.participant_ids.add(participant_id)
        count.participant_ids.update(listed)
