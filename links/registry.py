"""Target kinds a single-use link can open; each app registers its own from `ready()`.

A target is one thing a participant answers (a questionnaire, a daily check-in, a
follow-up questionnaire). Its handler receives the request and a `LinkVisit` and renders
only that target; when the answer is saved it calls `LinkVisit.spend()` inside its write's
transaction, so the link is used up exactly when (and only if) the answer is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

from participants.access import Scope
from tandem.hooks import Hook

if TYPE_CHECKING:
    from links.models import SingleUseLink
    from links.services import LinkVisit


@dataclass(frozen=True)
class LinkTarget:
    kind: str
    label: str  # what the link opens, in the clinic's words ("questionnaire")
    handle: Callable[[HttpRequest, LinkVisit], HttpResponse]
    # Refuses a `ref` the target cannot open (an unknown instrument): a message, or None.
    check_ref: Callable[[str], str | None] = lambda ref: None
    # The part of the record an answer is written to: the closed chart after discharge
    # refuses a link to the clinical part and keeps the aftercare part open.
    scope: Scope = Scope.CLINICAL
    # The answer a spent link took, when it was a critical one (a yes to the safety question):
    # the link's page then shows the crisis lines again instead of "no longer works".
    critical_answer: Callable[[SingleUseLink], Any | None] = lambda link: None


# A module adds a target from its AppConfig.ready(): TARGETS.register(LinkTarget(...)).
TARGETS: Hook[LinkTarget] = Hook("links.targets", key=lambda target: target.kind)


def get_target(kind: str) -> LinkTarget | None:
    return next((t for t in TARGETS.implementations() if t.kind == kind), None)


def target_for(kind: str) -> LinkTarget:
    """The target of a link `find_usable` returned (it refuses kinds no app registers)."""
    target = get_target(kind)
    if target is None:
        raise KeyError(kind)
    return target


def kinds() -> list[str]:
    return sorted(t.kind for t in TARGETS.implementations())
