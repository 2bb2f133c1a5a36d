"""Extension points: the one way a module lets other modules add to it.

A lower module declares a `Hook` next to the code that reads it; a higher module registers
its implementation from its `AppConfig.ready()`. The lower module never imports the higher
one, so adding a module never edits the ones below it and the import graph keeps no cycles
(`tests/test_import_graph.py`).

    # participants/chart.py (declares and reads)
    TABS: Hook[ChartTab] = Hook("participants.chart_tabs", key=lambda t: t.key, sort=...)
    shown = TABS.implementations()

    # notes/apps.py (registers)
    TABS.register(ChartTab("notes", "Notes", "notes:tab", Scope.CLINICAL, 35))

One implementation per key (a later registration of the same key replaces the earlier one,
so a second `ready()` adds nothing twice); the key is the implementation itself unless the
hook names one. Implementations come back sorted by `sort` when the hook has one, otherwise
in the order they were registered. `on_register` runs for each registration (the chart
names each tab's page for the audit trail).
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")

_declared: dict[str, "Hook[Any]"] = {}


class Hook(Generic[T]):
    """One named extension point; each name is declared once in the whole project."""

    def __init__(
        self,
        name: str,
        *,
        key: Callable[[T], Hashable] | None = None,
        sort: Callable[[T], Any] | None = None,
        on_register: Callable[[T], object] | None = None,
    ) -> None:
        if name in _declared:
            raise ValueError(f"The extension point {name!r} is declared twice.")
        _declared[name] = self
        self.name = name
        self._key = key
        self._sort = sort
        self._on_register = on_register
        self._registered: dict[Hashable, T] = {}
        # The implementations in their order, kept until the next (un)registration: a chart
        # read asks several hooks for theirs, and sorting them anew each time showed in its
        # profile.
        self._in_order: list[T] | None = None

    def register(self, implementation: T) -> T:
        """Add an implementation (returned, so this works as a decorator)."""
        key = self._key(implementation) if self._key else cast(Hashable, implementation)
        self._registered[key] = implementation
        self._in_order = None
        if self._on_register is not None:
            self._on_register(implementation)
        return implementation

    def unregister(self, implementation: T) -> None:
        """Take an implementation out again (a test that registered one of its own)."""
        key = self._key(implementation) if self._key else cast(Hashable, implementation)
        self._registered.pop(key, None)
        self._in_order = None

    @contextmanager
    def only(self, *implementations: T) -> Iterator[None]:
        """Within the block, these implementations and no others (a test of one of them)."""
        registered, in_order = self._registered, self._in_order
        self._registered, self._in_order = {}, None
        try:
            for implementation in implementations:
                self.register(implementation)
            yield
        finally:
            self._registered, self._in_order = registered, in_order

    def implementations(self) -> list[T]:
        """A new list each time, so a caller may change it without changing the hook."""
        if self._in_order is None:
            found = list(self._registered.values())
            self._in_order = sorted(found, key=self._sort) if self._sort else found
        return list(self._in_order)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._registered)}>"


def declared() -> dict[str, "Hook[Any]"]:
    """Every extension point by name, for the contributor guide's list and its test."""
    return dict(_declared)
