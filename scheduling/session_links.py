"""Links other modules add to a dated session's page: the roll call, from attendance.

A provider is `callable(user, session) -> SessionLink | None`, registered from the module's
AppConfig.ready(); it answers None for someone who may not follow the link.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduling.models import Session
from tandem.hooks import Hook


@dataclass(frozen=True)
class SessionLink:
    label: str
    url: str


Provider = Callable[[Any, Session], SessionLink | None]
SESSION_LINKS: Hook[Provider] = Hook("scheduling.session_links")


def for_session(user: Any, session: Session) -> list[SessionLink]:
    """The links this user may follow from this session's page."""
    return [link for provide in SESSION_LINKS.implementations() if (link := provide(user, session))]
