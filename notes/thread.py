"""The golden thread: a note addresses plan objectives picked from the participant's current
signed treatment plan, or says why it addresses none."""

from collections.abc import Sequence

from participants.models import Participant
from tandem.errors import InvalidInput


def active_objectives(participant: Participant) -> list:
    """The objectives a note may address: those of the current signed plan, still open."""
    return []


def pick(participant: Participant, ids: Sequence[str], *, field: str = "objectives") -> list:
    """The objectives named by `ids`, each checked to be on the current signed plan."""
    if ids:
        raise InvalidInput(
            "This participant has no signed treatment plan with objectives to choose from.",
            field=field,
        )
    return []


def check_thread(objectives: Sequence, reason: str, *, field: str = "objectives") -> None:
    """A note addresses at least one objective or says why none."""
    if not objectives and not (reason or "").strip():
        raise InvalidInput(
            "Choose the plan objectives this note addresses, or say why it addresses none.",
            field=field,
        )


def of(note) -> list:
    """The objectives a note addresses."""
    return []


def attach(note, objectives: Sequence, *, replace: bool = False) -> None:
    """Record which objectives a note addresses."""
    return
