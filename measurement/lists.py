"""The program's two working lists, in a fixed number of queries however many are in care,
ordered, counted and cut in SQL:

- the risk list: participants in care with an open alert from measurement-based care (the
  check-in's escalation rules, not on track, missed MOUD doses), most severe first;
- the due list: participants in care with a questionnaire due, longest waiting first.

Both are paged, `limit` rows a page (`?risk=` and `?due=` choose each list's page; the
totals are kept), and cut to the participants the viewer may see: everyone in care when the viewer's role reaches the whole organization, otherwise those
`decide_many` (the access policy's batch form) allows. The due list reads the stored due
moments (`next_due`), which agree with the rule in `due.py`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page
from django.db.models import Case, IntegerField, Max, Min, QuerySet, Value, When

from checkins.rules import RULES
from measurement import due, next_due
from measurement.models import FirstDue
from measurement.services import NOT_ON_TRACK
from monitoring.models import SEVERITY_RANK, Alert, AlertStatus, Severity
from participants.access import Action, Scope, decide_many, reaches_whole_organization
from participants.models import Episode, Participant
from participants.selectors import admitted_in_care
from tandem.paging import page_of

RISK_KINDS = frozenset({*(r.alert_kind for r in RULES), NOT_ON_TRACK})
LIMIT = 100


@dataclass
class RiskRow:
    episode: Episode
    alerts: list[Alert] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return max((a.severity for a in self.alerts), key=lambda s: SEVERITY_RANK[Severity(s)])

    @property
    def severity_label(self) -> str:
        """The worst severity as the alerts page names it ("Needs attention"), not "warning"."""
        return str(Severity(self.severity).label)

    @property
    def since(self) -> datetime:
        return min(a.created_at for a in self.alerts)


@dataclass(frozen=True)
class DueRow:
    episode: Episode
    items: list[due.Due]

    @property
    def since(self) -> datetime | None:
        known = [d.since for d in self.items if d.since is not None]
        return min(known) if known else None


@dataclass(frozen=True)
class Lists:
    risk: list[RiskRow]
    risk_total: int
    due: list[DueRow]
    due_total: int
    risk_page: Page
    due_page: Page

    @property
    def participants(self) -> list[Participant]:
        return [r.episode.participant for r in self.risk] + [
            r.episode.participant for r in self.due
        ]


def whole_programs(user, programs) -> list:
    """Those of these programs whose organization the user reaches whole (clinical view)."""
    wide = {
        p.organization_id
        for p in programs
        if reaches_whole_organization(user, p.organization_id, Action.VIEW, Scope.CLINICAL)
    }
    return [p for p in programs if p.organization_id in wide]


def in_care(user, programs, whole: list | None = None) -> QuerySet[Episode]:
    """The episodes in care in these programs whose clinical part the user may view.

    An episode's participant belongs to its program's organization (a referral opens both
    together), so the programs of the organizations the user reaches whole (`whole`, worked
    out when not given) name their episodes by program id alone, read from the (program,
    status) index without joining every participant of the organization."""
    whole = whole_programs(user, programs) if whole is None else whole
    episodes = admitted_in_care().filter(program__in=programs)
    reached = episodes.filter(program__in=[p.pk for p in whole])
    if len(whole) == len(programs):
        return reached
    rest = list(episodes.exclude(program__in=[p.pk for p in whole]).select_related("participant"))
    allowed = decide_many(user, [e.participant for e in rest], Action.VIEW, Scope.CLINICAL)
    return reached | episodes.filter(
        pk__in=[e.pk for e in rest if allowed[e.participant_id].allowed]
    )


_RANK = Case(
    *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
    default=Value(0),
    output_field=IntegerField(),
)


def _risk(
    episodes: QuerySet[Episode], limit: int, number: str | int | None
) -> tuple[list[RiskRow], Page]:
    alerts = Alert.objects.filter(
        participant_id__in=episodes.values("participant_id"),
        status=AlertStatus.OPEN,
        kind__in=RISK_KINDS,
    )
    ranked = (
        alerts.values("participant_id")
        .annotate(rank=Max(_RANK), since=Min("created_at"))
        .order_by("-rank", "since", "participant_id")
    )
    pager = page_of(ranked, number, limit)
    page = [r["participant_id"] for r in pager]
    shown = {
        e.participant_id: e
        for e in episodes.filter(participant_id__in=page).select_related("participant", "program")
    }
    rows = {pid: RiskRow(shown[pid]) for pid in page}
    shown_alerts = Alert.objects.filter(
        participant_id__in=page, status=AlertStatus.OPEN, kind__in=RISK_KINDS
    )
    for alert in shown_alerts.order_by("created_at"):
        rows[alert.participant_id].alerts.append(alert)
    return list(rows.values()), pager


def _due(
    programs,
    episodes: QuerySet[Episode],
    now: datetime,
    limit: int,
    number: str | int | None,
    *,
    everyone: bool,
) -> tuple[list[DueRow], Page]:
    # Only episodes in care have a first due moment, so when the user reaches every program
    # whole the program's rows are the list, read from its index without the episodes.
    waiting = FirstDue.objects.filter(program__in=programs, due_at__lte=now)
    if not everyone:
        waiting = waiting.filter(episode__in=episodes)
    # Only the episode ids, read with the total (`page_of`); the page's episodes next.
    pager = page_of(waiting.order_by("due_at", "episode_id").only("episode"), number, limit)
    page = [row.episode_id for row in pager]
    shown = {
        e.pk: e
        for e in Episode.objects.filter(pk__in=page).select_related("participant", "program")
    }
    items = next_due.stored_due(list(shown.values()), now=now)
    return [DueRow(shown[pk], items[pk]) for pk in page], pager


def program_lists(
    user,
    programs,
    *,
    now: datetime,
    limit: int = LIMIT,
    risk_page: str | int | None = 1,
    due_page: str | int | None = 1,
) -> Lists:
    whole = whole_programs(user, programs)
    episodes = in_care(user, programs, whole)
    risk, risk_pager = _risk(episodes, limit, risk_page)
    due_rows, due_pager = _due(
        programs, episodes, now, limit, due_page, everyone=len(whole) == len(programs)
    )
    return Lists(
        risk, risk_pager.paginator.count, due_rows, due_pager.paginator.count, risk_pager, due_pager
    )
