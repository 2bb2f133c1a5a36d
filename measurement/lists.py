"""The program's two working lists, in a fixed number of queries however many are in care:

- the risk list: participants in care with an open alert from measurement-based care (the
  check-in's escalation rules, not on track, missed MOUD doses), most severe first;
- the due list: participants in care with a questionnaire due, longest waiting first.

Both are cut to `limit` rows (the totals are kept) and to the participants the viewer may
see (`decide_many`, the access policy's batch form).
"""

from dataclasses import dataclass, field
from datetime import datetime

from checkins.rules import RULES
from measurement import due
from measurement.services import NOT_ON_TRACK
from monitoring.models import SEVERITY_RANK, Alert, AlertStatus
from participants.access import Action, Scope, decide_many
from participants.models import IN_CARE_STATUSES, Episode

RISK_KINDS = frozenset({*(r.alert_kind for r in RULES), NOT_ON_TRACK})
LIMIT = 100


@dataclass
class RiskRow:
    episode: Episode
    alerts: list[Alert] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return max((a.severity for a in self.alerts), key=lambda s: SEVERITY_RANK[s])

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

    @property
    def participants(self) -> list:
        return [r.episode.participant for r in (*self.risk, *self.due)]


def _in_care(programs) -> list[Episode]:
    return list(
        Episode.objects.filter(
            program__in=programs, status__in=IN_CARE_STATUSES, admitted_on__isnull=False
        ).select_related("participant", "program")
    )


def program_lists(user, programs, *, now: datetime, limit: int = LIMIT) -> Lists:
    episodes = _in_care(programs)
    allowed = decide_many(user, [e.participant for e in episodes], Action.VIEW, Scope.CLINICAL)
    episodes = [e for e in episodes if allowed[e.participant_id].allowed]
    by_participant = {e.participant_id: e for e in episodes}
    risk: dict[int, RiskRow] = {}
    for alert in Alert.objects.filter(
        participant_id__in=list(by_participant), status=AlertStatus.OPEN, kind__in=RISK_KINDS
    ).order_by("created_at"):
        row = risk.setdefault(alert.participant_id, RiskRow(by_participant[alert.participant_id]))
        row.alerts.append(alert)
    risk_rows = sorted(risk.values(), key=lambda r: (-SEVERITY_RANK[r.severity], r.since))
    due_by_episode = due.due_for_episodes(episodes, now=now)
    due_rows = [DueRow(e, due_by_episode[e.pk]) for e in episodes if due_by_episode.get(e.pk)]
    due_rows.sort(key=lambda r: (r.since is None, r.since or now, r.episode.participant_id))
    return Lists(risk_rows[:limit], len(risk_rows), due_rows[:limit], len(due_rows))
