"""The chart's tabs and header flags, which each clinical module registers for itself.

Modules call `TABS.register(ChartTab(...))` / `FLAGS.register(provider)` from their
AppConfig.ready(), so the chart shell never imports them and a module can be added without
touching this one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from audit.event_types import name_page
from audit.models import Action
from participants.access import Scope, decide
from tandem.hooks import Hook


@dataclass(frozen=True)
class ChartTab:
    key: str
    label: str
    url_name: str  # a URL taking participant_id
    scope: Scope
    order: int = 50


@dataclass(frozen=True)
class HeaderFlag:
    label: str
    tone: str = "info"  # info | warning | danger
    url: str = ""


FlagProvider = Callable[[object, object], list[HeaderFlag]]


def _name_page(tab: ChartTab) -> None:
    """The history and the trail name a visit to a tab by its label."""
    name_page(tab.url_name, f"the {tab.label.lower()}")


TABS: Hook[ChartTab] = Hook(
    "participants.chart_tabs",
    key=lambda tab: tab.key,
    sort=lambda tab: (tab.order, tab.label),
    on_register=_name_page,
)
FLAGS: Hook[FlagProvider] = Hook("participants.chart_flags")


def tabs() -> list[ChartTab]:
    return TABS.implementations()


def tabs_for(user, participant) -> list[ChartTab]:
    """The tabs this user may open on this chart: the policy decides each tab's scope."""
    shown = tabs()
    allowed = {
        scope: decide(user, participant, Action.VIEW, scope).allowed
        for scope in {t.scope for t in shown}
    }
    return [t for t in shown if allowed[t.scope]]


def header_flags(participant, user) -> list[HeaderFlag]:
    flags: list[HeaderFlag] = []
    for provider in FLAGS.implementations():
        flags.extend(provider(participant, user))
    return flags
