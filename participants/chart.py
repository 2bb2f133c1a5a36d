"""The chart's tabs and header flags, which each clinical module registers for itself.

Modules call `register_tab` / `register_flags` from their AppConfig.ready(), so the chart
shell never imports them and a module can be added without touching this one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from audit.event_types import name_page
from audit.models import Action
from participants.access import Scope, decide


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

_tabs: dict[str, ChartTab] = {}
_flag_providers: list[FlagProvider] = []


def register_tab(tab: ChartTab) -> None:
    """Add a tab; the history and the trail name a visit to it by its label."""
    _tabs[tab.key] = tab
    name_page(tab.url_name, f"the {tab.label.lower()}")


def register_flags(provider: FlagProvider) -> None:
    if provider not in _flag_providers:
        _flag_providers.append(provider)


def tabs() -> list[ChartTab]:
    return sorted(_tabs.values(), key=lambda t: (t.order, t.label))


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
    for provider in _flag_providers:
        flags.extend(provider(participant, user))
    return flags
