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

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Max, Min, QuerySet, Value, When

from checkins.rules import RULES
from measurement import due, next_due
from measurement.models import FirstDue
from measurement.services import NOT_ON_TRACK
from monitoring.models import SEVERITY_RANK, Alert, AlertStatus, Severity
from participants.access import Action, Scope, decide_many, reaches_whole_organization
from participants.models import IN_CARE_STATUSES, Episode, Participant

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


def in_care(user, programs) -> QuerySet[Episode]:
    """The episodes in care in these programs whose clinical part the user may view."""
    episodes = Episode.objects.filter(
        program__in=programs, status__in=IN_CARE_STATUSES, admitted_on__isnull=False
    )
    wide = {
        p.organization_id
        for p in programs
        if reaches_whole_organization(user, p.organization_id, Action.VIEW, Scope.CLINICAL)
    }
    if len(wide) == len({p.organization_id for p in programs}):
        return episodes.filter(participant__organization_id__in=wide)
    rest = list(
        episodes.exclude(participant__organization_id__in=wide).select_related("participant")
    )
    allowed = decide_many(user, [e.participant for e in rest], Action.VIEW, Scope.CLINICAL)
    return episodes.filter(participant__organization_id__in=wide) | episodes.filter(
        pk__in=[e.pk for e in rest if allowed[e.participant_id].allowed]
    )


_RANK = Case(
    *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
    default=Value(0),
    output_field=IntegerField(),
)


def _page(total: int, number: str | int | None, limit: int) -> Page:
    """The page asked for among `total` rows (the last one past the end, the first one for
    anything that is not a page number)."""
    return Paginator(range(total), limit).get_page(number)


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
    pager = _page(alerts.aggregate(n=Count("participant_id", distinct=True))["n"], number, limit)
    start = (pager.number - 1) * limit
    page = [r["participant_id"] for r in ranked[start : start + limit]]
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
    programs, episodes: QuerySet[Episode], now: datetime, limit: int, number: str | int | None
) -> tuple[list[DueRow], Page]:
    waiting = FirstDue.objects.filter(program__in=programs, episode__in=episodes, due_at__lte=now)
    pager = _page(waiting.count(), number, limit)
    start = (pager.number - 1) * limit
    page = list(
        waiting.order_by("due_at", "episode_id").values_list("episode_id", flat=True)[
            start : start + limit
        ]
    )
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
    episodes = in_care(user, programs)
    risk, risk_pager = _risk(episodes, limit, risk_page)
    due_rows, due_pager = _due(programs, episodes, now, limit, due_page)
    return Lists(
        risk, risk_pager.paginator.count, due_rows, due_pager.paginator.count, risk_pager, due_pager
    )
