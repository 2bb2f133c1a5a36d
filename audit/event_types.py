"""The vocabulary of the audit trail: every event names a registered type with a label.

Each module declares its own types in an `audit_events.py` module, which the audit app
imports at start-up, so the trail reads as sentences ("therapist viewed the chart of
R-000123") and a misspelt type fails at once instead of writing a word nobody reads:

    from audit.event_types import register
    from audit.models import Action

    register("intake.section_saved", Action.CHANGE, "saved an intake section", "save an intake section")
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from audit.models import Action


@dataclass(frozen=True)
class EventType:
    """`label` finishes "<who> ..." for what was done; `attempt` finishes "<who> was not
    allowed to ..." for a refusal. `subject` is the words of both that name what was touched
    ("the chart", "a record"): a sentence puts the page or the record's kind in their place
    when the event says which ("viewed the intake"). `tells` reads from the event's details
    what its label cannot say (who left the care team with a discharge), "" when nothing."""

    name: str
    action: str
    label: str
    attempt: str
    subject: str = ""
    tells: Callable[[dict[str, Any]], str] | None = None


_types: dict[str, EventType] = {}


def register(
    name: str,
    action: Action | str,
    label: str,
    attempt: str,
    *,
    subject: str = "",
    tells: Callable[[dict[str, Any]], str] | None = None,
) -> EventType:
    """Declare an event type; declaring the same name twice with other words is an error."""
    event_type = EventType(name, str(action), label, attempt, subject, tells)
    known = _types.setdefault(name, event_type)
    if known != event_type:
        raise ValueError(f"The audit event type {name!r} is already registered differently.")
    return event_type


def get(name: str) -> EventType:
    try:
        return _types[name]
    except KeyError:
        raise ValueError(
            f"{name!r} is not a registered audit event type; register it in the module's "
            "audit_events.py."
        ) from None


def known(name: str) -> EventType | None:
    """The registered type, or None for a type no longer registered (old rows stay readable)."""
    return _types.get(name)


_page_names: dict[str, str] = {}


def name_page(view_name: str, words: str) -> None:
    """How a sentence names a page an event was written on: "intake:intake" → "the intake"."""
    _page_names[view_name] = words


def page_name(page: str) -> str | None:
    """The words for a page, by its view name or, for events written before view names were
    recorded, by a bare URL name that only one page has."""
    if page in _page_names:
        return _page_names[page]
    bare = {words for name, words in _page_names.items() if name.split(":")[-1] == page}
    return bare.pop() if len(bare) == 1 else None


def all_types() -> list[EventType]:
    return sorted(_types.values(), key=lambda t: t.name)


# Types of the audit module itself and of the installation as a whole.
register("audit.trail_viewed", Action.VIEW, "read the audit trail", "read the audit trail")
register(
    "audit.trail_exported",
    Action.EXPORT,
    "downloaded the audit trail as CSV",
    "download the audit trail",
)
register(
    "audit.break_glass_reviewed",
    Action.CHANGE,
    "reviewed an emergency access",
    "review an emergency access",
)
# The clinical record lifecycle (tandem/lifecycle.py) when a module names no type of its
# own; `record_type` says which record.
register("record.signed", Action.CHANGE, "signed a record", "sign a record")
register("record.corrected", Action.CREATE, "corrected a record", "correct a record")
register(
    "record.addendum_started", Action.CREATE, "opened an addendum to a record", "amend a record"
)
register(
    "record.entered_in_error",
    Action.CHANGE,
    "marked a record entered in error",
    "mark a record entered in error",
)
register(
    "demo.imported",
    Action.CREATE,
    "imported synthetic demo records",
    "import synthetic demo records",
)
# Events written before event types existed, and calls that name only an action, carry the
# generic type of their action.
GENERIC = {
    Action.VIEW: ("viewed a record", "view a record"),
    Action.SEARCH: ("searched", "search"),
    Action.CREATE: ("created a record", "create a record"),
    Action.CHANGE: ("changed a record", "change a record"),
    Action.DELETE: ("deleted a record", "delete a record"),
    Action.EXPORT: ("exported a record", "export a record"),
    Action.PRINT: ("printed a record", "print a record"),
    Action.BREAK_GLASS: ("used emergency access", "use emergency access"),
    Action.LOGIN: ("signed in", "sign in"),
    Action.LOGIN_FAILED: ("failed to sign in", "sign in"),
    Action.LOGOUT: ("signed out", "sign out"),
    Action.SECURITY: ("changed a security setting", "change a security setting"),
}
for _action, (_label, _attempt) in GENERIC.items():
    register(
        f"record.{_action.value}",
        _action,
        _label,
        _attempt,
        subject="a record" if _label.endswith("a record") else "",
    )


def generic(action: str) -> str:
    """The generic type of an action, for events that name no more precise type."""
    return f"record.{action}"
