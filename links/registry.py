"""Target kinds a single-use link can open; each app registers its own from `ready()`.

A target is one thing a participant answers (a questionnaire, a daily check-in, a
follow-up questionnaire). Its handler receives the request and a `LinkVisit` and renders
only that target; when the answer is saved it calls `LinkVisit.spend()` inside its write's
transaction, so the link is used up exactly when (and only if) the answer is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from links.services import LinkVisit


@dataclass(frozen=True)
class LinkTarget:
    kind: str
    label: str  # what the link opens, in the clinic's words ("questionnaire")
    handle: Callable[[HttpRequest, LinkVisit], HttpResponse]
    # Refuses a `ref` the target cannot open (an unknown instrument): a message, or None.
    check_ref: Callable[[str], str | None] = lambda ref: None


_targets: dict[str, LinkTarget] = {}


def register_target(target: LinkTarget) -> None:
    _targets[target.kind] = target


def get_target(kind: str) -> LinkTarget | None:
    return _targets.get(kind)


def target_for(kind: str) -> LinkTarget:
    """The target of a link `find_usable` returned (it refuses kinds no app registers)."""
    return _targets[kind]


def kinds() -> list[str]:
    return sorted(_targets)
