"""The chart's tabs and header flags, which each clinical module registers for itself.

Modules call `TABS.register(ChartTab(...))` / `FLAGS.register(FlagSource(...))` from their
AppConfig.ready(), so the chart shell never imports them and a module can be added without
touching this one.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from audit.event_types import name_page
from audit.models import Action
from participants.access import Scope, decide
from participants.selectors import RowValues, read_on_participant
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


@dataclass(frozen=True)
class FlagSource:
    """A module's header flags, shown to those who may read `scope`.

    `values()` gives expressions on the participant's row (`OuterRef("pk")` is the
    participant) that depend on the row alone; every module's are read in one query,
    compiled once per process (`read_on_participant`). `flags(participant, values)` turns
    what they read into the flags to show.
    """

    key: str
    scope: Scope
    values: RowValues
    flags: Callable[[Any, Mapping[str, Any]], list[HeaderFlag]]


def _name_page(tab: ChartTab) -> None:
    """The history and the trail name a visit to a tab by its label."""
    name_page(tab.url_name, f"the {tab.label.lower()}")


TABS: Hook[ChartTab] = Hook(
    "participants.chart_tabs",
    key=lambda tab: tab.key,
    sort=lambda tab: (tab.order, tab.label),
    on_register=_name_page,
)
FLAGS: Hook[FlagSource] = Hook("participants.chart_flags", key=lambda source: source.key)


def tabs() -> list[ChartTab]:
    return TABS.implementations()


@dataclass(frozen=True)
class TabLink:
    tab: ChartTab
    url: str


# Stand-in ids a page's address is reversed with once, then replaced by the real ones.
_STAND_INS = tuple(str(UUID(int=i)) for i in range(3))
_ANY_PARTICIPANT = _STAND_INS[0]


@cache
def _url_with_stand_ins(url_name: str, arity: int, script_prefix: str) -> str:
    """A page's address for any ids; remembered per script prefix, which `reverse` uses."""
    return reverse(url_name, args=_STAND_INS[:arity])


def _tab_url(url_name: str, script_prefix: str) -> str:
    return _url_with_stand_ins(url_name, 1, script_prefix)


def page_url(url_name: str, *ids: UUID) -> str:
    """The address of a page named by a participant's id (and its records' ids), as
    `reverse(url_name, args=ids)` gives it: reversed once per process with stand-in ids that
    are then replaced, since reversing one address costs more than rendering the links
    around it."""
    url = _url_with_stand_ins(url_name, len(ids), get_script_prefix())
    for stand_in, value in zip(_STAND_INS, ids, strict=False):
        url = url.replace(stand_in, str(value))
    return url


def tab_links(user, participant) -> list[TabLink]:
    """The tabs this user may open on this chart, the policy deciding each tab's scope, with
    their links: each tab's URL is reversed once per process and the participant's id put
    in it, since reversing a dozen URLs on every chart read costs more than the rest of
    the tab bar."""
    prefix = get_script_prefix()
    return [
        TabLink(
            t, _tab_url(t.url_name, prefix).replace(_ANY_PARTICIPANT, str(participant.public_id))
        )
        for t in _allowed_tabs(user, participant)
    ]


def _allowed_tabs(user, participant) -> list[ChartTab]:
    shown = tabs()
    allowed = {
        scope: decide(user, participant, Action.VIEW, scope).allowed
        for scope in {t.scope for t in shown}
    }
    return [t for t in shown if allowed[t.scope]]


@cache
def _tab_html(url_name: str, label: str, current: bool, script_prefix: str) -> str:
    """One tab's link for any participant, escaped once per process."""
    return format_html(
        '<a href="{}"{}>{}</a>',
        _tab_url(url_name, script_prefix),
        mark_safe(' aria-current="page"') if current else "",
        label,
    )


def tab_bar(user, participant, active_tab: str) -> SafeString:
    """The tab bar's links as HTML: each tab's link is built and escaped once per process and
    the participant's id put in, instead of rendering a dozen links through the template on
    every chart read."""
    prefix = get_script_prefix()
    links = "".join(
        _tab_html(tab.url_name, tab.label, tab.key == active_tab, prefix)
        for tab in _allowed_tabs(user, participant)
    )
    return mark_safe(links.replace(_ANY_PARTICIPANT, str(participant.public_id)))


def header_flags(participant, user) -> list[HeaderFlag]:
    """The flags of every module whose scope this user may read, in one query for all."""
    shown = [
        source
        for source in FLAGS.implementations()
        if decide(user, participant, Action.VIEW, source.scope).allowed
    ]
    read = read_on_participant(participant, [source.values for source in shown])
    return [
        flag
        for source, values in zip(shown, read, strict=True)
        for flag in source.flags(participant, values)
    ]
