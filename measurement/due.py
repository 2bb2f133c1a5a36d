"""Which questionnaires are due, for one participant or a whole list, in a fixed number of
queries (three, however many participants and administrations there are).

A due item names the instrument and the schedule row that made it due (with its reason).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from accounts.models import Program
from assessments.models import Administration
from assessments.selectors import definition
from assessments.services import can_self_report
from checkins.models import CheckIn
from measurement.schedule import DEFAULT, Row
from participants.models import IN_CARE_STATUSES, Episode

# Moments that other modules act on (step-down, discharge, follow-up): not due while in care.
IN_CARE_MOMENTS = ("admission", "every", "if-positive", "triggered")


@dataclass(frozen=True)
class Due:
    instrument: str
    name: str
    row: Row
    self_report: bool
    since: datetime | None  # when it became due

    @property
    def reason(self) -> str:
        return self.row.reason


@dataclass
class _History:
    last: dict[str, datetime] = field(default_factory=dict)
    last_positive: dict[str, bool] = field(default_factory=dict)
    item9_at: datetime | None = None
    safety_at: datetime | None = None


def rows_for(program: Program) -> list[Row]:
    """The program's schedule rows, or Tandem's default."""
    return rows_by_program([program.pk])[program.pk]


def rows_by_program(program_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each program's schedule rows, or Tandem's default, by program id (one query)."""
    from measurement.models import ProgramMeasurement

    ids = set(program_ids)
    stored = dict(
        ProgramMeasurement.objects.filter(program_id__in=ids).values_list("program_id", "rows")
    )
    return {
        pk: [Row.from_dict(r) for r in stored[pk]] if stored.get(pk) else list(DEFAULT)
        for pk in ids
    }


def _admitted_at(episode: Episode) -> datetime:
    """Midnight of the admission day, which every episode in care has."""
    if episode.admitted_on is None:
        raise ValueError("An episode that was never admitted has no questionnaires due.")
    return datetime.combine(episode.admitted_on, datetime.min.time(), tzinfo=episode.program.tz)


def histories_of(episodes: list[Episode]) -> dict[int, _History]:
    """Each episode's history since its own admission, by episode id (two queries)."""
    admitted = {e.pk: _admitted_at(e) for e in episodes}
    by_participant: dict[int, list[int]] = defaultdict(list)
    for e in episodes:
        by_participant[e.participant_id].append(e.pk)
    histories: dict[int, _History] = defaultdict(_History)
    since = min(admitted.values(), default=None)
    if since is None:
        return histories
    rows = (
        Administration.objects.current()
        .filter(participant_id__in=list(by_participant), completed_at__gte=since)
        .order_by("completed_at")
        .values_list("participant_id", "instrument", "completed_at", "positive", "flags")
    )
    for pid, code, at, positive, flags in rows:
        for episode_id in by_participant[pid]:
            if at < admitted[episode_id]:
                continue
            h = histories[episode_id]
            h.last[code] = at
            h.last_positive[code] = bool(positive)
            if code == "phq-9" and any(f.get("code") == "suicide-risk" for f in flags or []):
                h.item9_at = at
    safety = (
        CheckIn.objects.current()
        .filter(participant_id__in=list(by_participant), safety=True, recorded_at__gte=since)
        .values_list("participant_id", "recorded_at")
    )
    for pid, at in safety:
        for episode_id in by_participant[pid]:
            if at < admitted[episode_id]:
                continue
            h = histories[episode_id]
            h.safety_at = max(at, h.safety_at) if h.safety_at else at
    return histories


def _meta(code: str) -> tuple[str, bool] | None:
    """An instrument's short name and whether participants answer it themselves (memoized)."""
    if code not in _META:
        instrument = definition(code)
        _META[code] = (instrument.short_name, can_self_report(instrument)) if instrument else None
    return _META[code]


_META: dict[str, tuple[str, bool] | None] = {}


def moments(episode: Episode, rows: list[Row], h: _History) -> list[tuple[int, Row, datetime]]:
    """When each in-care row makes its instrument due, whatever the time now: (row index,
    row, moment) for the rows that apply to this history (`NextDue` stores these)."""
    admitted = _admitted_at(episode)
    found = []
    for index, row in enumerate(rows):
        if row.when not in IN_CARE_MOMENTS or _meta(row.instrument) is None:
            continue
        last = h.last.get(row.instrument)
        since: datetime | None = None
        if row.when == "admission" and last is None:
            since = admitted
        elif row.when == "every":
            since = last + timedelta(days=row.days or 0) if last else admitted
        elif row.when == "if-positive" and last is not None and h.last_positive.get(row.instrument):
            since = last + timedelta(days=row.days or 0)
        elif row.when == "triggered":
            fired = [
                at
                for trigger, at in (("phq-9-item-9", h.item9_at), ("checkin-safety", h.safety_at))
                if trigger in row.triggers and at is not None
            ]
            if fired and (last is None or max(fired) > last):
                since = max(fired)
        if since is not None:
            found.append((index, row, since))
    return found


def due_at(found: list[tuple[int, Row, datetime]], now: datetime) -> list[Due]:
    """What is due at `now`: per instrument, the first row (in the schedule's order) whose
    moment has come."""
    due: dict[str, Due] = {}
    for _index, row, since in sorted(found, key=lambda f: f[0]):
        meta = _meta(row.instrument)
        if row.instrument in due or since > now or meta is None:
            continue
        due[row.instrument] = Due(row.instrument, meta[0], row, meta[1], since)
    return list(due.values())


def due_for_episodes(episodes: list[Episode], *, now: datetime) -> dict[int, list[Due]]:
    """Due items per episode id, for episodes in care (others get nothing)."""
    in_care = [e for e in episodes if e.status in IN_CARE_STATUSES and e.admitted_on]
    rows = rows_by_program(e.program_id for e in in_care)
    histories = histories_of(in_care)
    return {e.pk: due_at(moments(e, rows[e.program_id], histories[e.pk]), now) for e in in_care}


def due_for(episode: Episode | None, *, now: datetime) -> list[Due]:
    if episode is None:
        return []
    return due_for_episodes([episode], now=now).get(episode.pk, [])
