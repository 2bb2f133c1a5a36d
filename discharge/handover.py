"""Items still open on a participant at discharge, which the clinician closes or hands over.

Each kind of item (alerts, worklist tasks) is a provider: it lists the open items of a participant and closes or hands over one of them
inside the discharge's transaction. The discharge refuses until every listed item has a
choice, so nothing is left open on a closed chart by oversight.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from monitoring.models import Alert, AlertStatus
from monitoring.services import close, reassign
from participants.access import who_may_take_over
from tandem.hooks import Hook


@dataclass(frozen=True)
class OpenItem:
    kind: str  # the provider's key
    item_id: str  # public id
    title: str
    owner: str = ""
    # The one person it belongs to when its kind cannot be handed to them (a task to its own
    # owner): the discharge refuses that choice up front, naming the item.
    held_by: int | None = None

    @property
    def key(self) -> str:
        """The form field carrying the choice for this item."""
        return f"{self.kind}:{self.item_id}"


@dataclass(frozen=True)
class ItemProvider:
    kind: str
    label: str
    open_items: Callable[[Any], list[OpenItem]]  # participant -> items
    close: Callable[..., None]  # (participant, item_id, *, by, note, decision, now)
    hand_over: Callable[..., None]  # (participant, item_id, *, to, by, note, decision, now)


# More kinds: PROVIDERS.register(ItemProvider(...)) from the module's AppConfig.ready().
PROVIDERS: Hook[ItemProvider] = Hook("discharge.handover", key=lambda provider: provider.kind)


def providers() -> list[ItemProvider]:
    return PROVIDERS.implementations()


def provider(kind: str) -> ItemProvider:
    found = next((p for p in PROVIDERS.implementations() if p.kind == kind), None)
    if found is None:
        raise KeyError(kind)
    return found


def open_items(participant: Any) -> list[OpenItem]:
    """Every open item of every registered kind, in a fixed order."""
    return [item for p in providers() for item in p.open_items(participant)]


def takers(participant: Any) -> list[User]:
    """Whom an open item can be handed to: active staff of the participant's organization
    who may take it over (`participants.access.who_may_take_over`: the care team, the
    program's oversight; not by breaking the glass), decided for all of them at once. The
    discharge asks the same of the one chosen."""
    staff = list(
        User.objects.filter(
            kind=User.Kind.STAFF,
            is_active=True,
            memberships__organization_id=participant.organization_id,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    may = who_may_take_over(staff, participant)
    return [user for user in staff if user.pk in may]


def _open_alerts(participant: Any) -> list[OpenItem]:
    alerts = (
        Alert.objects.filter(participant=participant, status=AlertStatus.OPEN)
        .prefetch_related("assigned_to")
        .order_by("created_at", "pk")
    )
    return [
        OpenItem(
            "alert",
            str(a.public_id),
            a.title,
            ", ".join(str(u) for u in a.assigned_to.all()),
        )
        for a in alerts
    ]


def _close_alert(participant, item_id, *, by, note, decision, now) -> None:
    alert = Alert.objects.select_related("participant").get(
        public_id=item_id, participant=participant
    )
    close(
        alert,
        by=by,
        note=note,
        decision=decision,
        now=now,
        participant=participant,
        at_discharge=True,
    )


def _hand_over_alert(participant, item_id, *, to, by, note, decision, now) -> None:
    alert = Alert.objects.get(public_id=item_id, participant=participant)
    reassign(alert, [to.pk], by=by, reason=note or "Handed over at discharge.", decision=decision)


PROVIDERS.register(
    ItemProvider("alert", "Open alerts", _open_alerts, _close_alert, _hand_over_alert)
)


def _open_tasks(participant: Any) -> list[OpenItem]:
    from worklist.selectors import open_tasks_for_participant

    return [
        OpenItem("task", str(t.public_id), t.title, str(t.owner), held_by=t.owner_id)
        for t in open_tasks_for_participant(participant)
    ]


def _close_task(participant, item_id, *, by, note, decision, now) -> None:
    from worklist.models import Task
    from worklist.services import cancel_task

    cancel_task(Task.objects.get(public_id=item_id, participant=participant), by=by, reason=note)


def _hand_over_task(participant, item_id, *, to, by, note, decision, now) -> None:
    from worklist.models import Task
    from worklist.services import hand_over

    hand_over(
        Task.objects.get(public_id=item_id, participant=participant),
        by=by,
        to=to,
        note=note or "Handed over at discharge.",
    )


PROVIDERS.register(ItemProvider("task", "Open tasks", _open_tasks, _close_task, _hand_over_task))
