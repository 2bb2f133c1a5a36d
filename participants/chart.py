"""The chart's tabs and header flags, which each clinical module registers for itself.

Modules call `TABS.register(ChartTab(...))` / `FLAGS.register(FlagSource(...))` /
`SUMMARY.register(SummarySection(...))` from their AppConfig.ready(), so the chart shell never
imports them and a module can be added without touching this one.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from audit.event_types import name_page
from audit.models import Action
from participants.access import Scope, decide
from participants.models import CareTeamRole, EpisodeStatus
from participants.selectors import (
    RowValues,
    kept_row_values,
    program_zone,
    read_on_participant,
)
from tandem.escaping import format_html, format_html_join
from tandem.hooks import Hook
from tandem.templatetags.clock import clock, day


@dataclass(frozen=True)
class ChartTab:
    key: str
    label: str
    url_name: str  # a URL taking participant_id
    scope: Scope
    order: int = 50
    # A narrower tab for those who may not read this scope, whose fuller tab is theirs
    # instead: hidden from whoever may read it (the consents on file beside the Consents).
    instead_of: Scope | None = None


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


# The clinical summary's groups, in the order it shows them: what a clinician opening the
# chart needs at a glance (the risk now, the sessions, the latest scores, what is due).
RISK = "Risk"
SESSIONS = "Sessions"
SCORES = "Latest scores"
DUE = "Due"
SUMMARY_GROUPS = (RISK, SESSIONS, SCORES, DUE)


@dataclass(frozen=True)
class SummaryRead:
    """What a section of the clinical summary is made from: the reader, the participant and
    their current episode as the chart's gate read them, and the moment the summary is read."""

    user: Any
    participant: Any
    episode: Any
    now: datetime

    @property
    def today(self) -> date:
        """The program's day at `now` (the server's for someone never in a program)."""
        return self.now.astimezone(program_zone(self.participant, self.episode)).date()


@dataclass(frozen=True)
class SummarySection:
    """A module's part of the clinical summary, made only for a reader the policy lets read
    `scope` on this chart. `make(read)` returns the section's `template` and its data (None:
    nothing to say, such as no episode); its reads are a fixed number of queries."""

    key: str
    group: str  # one of SUMMARY_GROUPS
    scope: Scope
    order: int
    make: Callable[[SummaryRead], dict | None]


SUMMARY: Hook[SummarySection] = Hook(
    "participants.chart_summary",
    key=lambda section: section.key,
    sort=lambda section: (SUMMARY_GROUPS.index(section.group), section.order, section.key),
)


def summary(user, participant, episode, *, now: datetime) -> list[tuple[str, list[dict]]]:
    """The clinical summary: each group with the sections this user may read, in order."""
    sections = SUMMARY.implementations()
    allowed = {
        scope: decide(user, participant, Action.VIEW, scope).allowed
        for scope in {s.scope for s in sections}
    }
    read = SummaryRead(user, participant, episode, now)
    groups: dict[str, list[dict]] = {}
    for section in sections:
        if allowed[section.scope] and (made := section.make(read)) is not None:
            groups.setdefault(section.group, []).append(made)
    return list(groups.items())


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
        for scope in {t.scope for t in shown} | {t.instead_of for t in shown if t.instead_of}
    }
    return [
        t
        for t in shown
        if allowed[t.scope] and not (t.instead_of is not None and allowed[t.instead_of])
    ]


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


def flag_values(within: Collection[Scope] = frozenset(Scope)) -> list[RowValues]:
    """The flag values of every module whose scope is `within` (by default, all), for the
    gate of a chart read to read with the participant (`chart_participant_with_relations`)
    before the policy decides which of them are shown: the gate passes the scopes the
    reader's roles reach by themselves (`scopes_reached_by_role`)."""
    return [source.values for source in FLAGS.implementations() if source.scope in within]


def _shown_flags(participant, user) -> list[FlagSource]:
    """The flag sources whose scope the policy lets this user read here, each scope asked
    once (several modules' flags share one)."""
    sources = FLAGS.implementations()
    allowed = {
        scope: decide(user, participant, Action.VIEW, scope).allowed
        for scope in {source.scope for source in sources}
    }
    return [source for source in sources if allowed[source.scope]]


def unread_flag_values(participant, user) -> list[RowValues]:
    """The values of the flags this user may be shown on this chart (the policy deciding
    each source's scope) that were not read with the participant: what the header reads
    once the decision allows them, which a chart read's gate sends with its audit event
    (`selectors.row_values_statement`, kept by `selectors.keep_row_values`)."""
    return [
        source.values
        for source in _shown_flags(participant, user)
        if kept_row_values(participant, source.values) is None
    ]


def header_flags(participant, user) -> list[HeaderFlag]:
    """The flags of every module whose scope this user may read: their values as read with
    the participant (or with the read's audit event), or else in one query for all of them."""
    shown = _shown_flags(participant, user)
    kept = [kept_row_values(participant, source.values) for source in shown]
    read: Sequence[Mapping[str, Any]] = [values for values in kept if values is not None]
    if len(read) < len(shown):
        read = read_on_participant(participant, [source.values for source in shown])
    return [
        flag
        for source, values in zip(shown, read, strict=True)
        for flag in source.flags(participant, values)
    ]


class ChartHeader:
    """The chart header and tab bar as HTML, written in Python with every value escaped:
    every chart page shows it, and through the template engine it cost more than the rest
    of most tabs. Written when the page renders, from the page's context as it is then."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = context

    def __html__(self) -> SafeString:
        c = self.context
        participant, episode = c["participant"], c["episode"]
        grant = c["access"].break_glass if c["access"] is not None else None
        return format_html(
            '<header class="chart-header card">\n  <div class="who">\n    <h1>{}{}</h1>\n'
            '    <p class="muted">{} · {} years · born {}{}</p>\n  </div>\n'
            '  <dl class="facts">\n    {}<div><dt>Care team</dt><dd>{}</dd></div>\n  </dl>\n'
            '  <ul class="flags">\n    {}{}\n  </ul>\n</header>\n'
            '<nav class="tabs" aria-label="Chart sections">\n  {}\n</nav>',
            participant.display_name,
            format_html(' <span class="pronouns">({})</span>', participant.pronouns)
            if participant.pronouns
            else "",
            participant.record_number,
            participant.age,
            day(participant.date_of_birth),
            format_html(" · {}", participant.preferred_language)
            if participant.preferred_language != "English"
            else "",
            _episode_facts(episode) if episode else "",
            format_html_join(
                ", ",
                '{} <span class="muted">({})</span>',
                ((m.user, CareTeamRole(m.role).label.lower()) for m in c["care_team"]),
            )
            or "—",
            format_html(
                '<li class="flag flag-danger">Emergency access until {} — reviewed by an '
                "auditor</li>",
                clock(grant.expires_at),
            )
            if grant
            else "",
            mark_safe("".join(_flag_html(flag) for flag in c["flags"])),
            c["tab_bar"],
        )

    def __str__(self) -> str:
        return self.__html__()


def _episode_facts(episode) -> SafeString:
    return format_html(
        "<div><dt>Program</dt><dd>{}{}</dd></div>\n"
        '    <div><dt>Status</dt><dd><span class="status status-{}">{}</span></dd></div>',
        episode.program.name,
        format_html(", {}", episode.site.name) if episode.site else "",
        episode.status,
        EpisodeStatus(episode.status).label,
    )


def _flag_html(flag: HeaderFlag) -> SafeString:
    if flag.url:
        return format_html(
            '<li class="flag flag-{}"><a href="{}">{}</a></li>', flag.tone, flag.url, flag.label
        )
    return format_html('<li class="flag flag-{}">{}</li>', flag.tone, flag.label)
