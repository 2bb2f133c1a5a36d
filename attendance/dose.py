"""The weekly dose: minutes scheduled, attended and required per participant and week.

A week runs Monday to Sunday in the program's time zone. Sessions carry their local date,
so a week is a range of local dates and a daylight-saving change moves nothing. The totals
for any number of participants come from two aggregate queries (the enrolments, and the
attended minutes the roll calls keep in `WeeklyMinutes`), so the director's page costs the
same for ten participants or a thousand.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import Program
from attendance.models import Attendance, WeeklyMinutes
from participants.access import caseload
from participants.models import IN_CARE_STATUSES, Episode
from scheduling.models import Enrolment, Session
from scheduling.selectors import program_weekdays
from scheduling.weeks import is_partial_week, prorated_minutes


@dataclass(frozen=True)
class WeekDose:
    """One participant's week. `remaining` is what can still be attended: sessions not over,
    not cancelled, with no roll call yet; `unrecorded` is sessions over without a roll call."""

    participant_id: int
    week_start: date
    required: int
    weekly_required: int
    """The whole week's requirement; ``required`` is less in a week of admission or discharge."""
    scheduled: int = 0
    attended: int = 0
    remaining: int = 0
    unrecorded: int = 0

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def projected(self) -> int:
        return self.attended + self.remaining

    @property
    def shortfall(self) -> int:
        """Minutes the participant cannot reach with what remains this week."""
        return max(0, self.required - self.projected)

    @property
    def under_dose(self) -> bool:
        return self.projected < self.required

    @property
    def met(self) -> bool:
        return self.attended >= self.required

    @property
    def prorated(self) -> bool:
        return self.required != self.weekly_required


def week_start_of(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def current_week(program: Program, now: datetime | None = None) -> date:
    """The Monday of this week in the program's own time zone."""
    return week_start_of(timezone.localtime(now or timezone.now(), program.tz).date())


def required_minutes(episode: Episode) -> int:
    """The participant's whole-week requirement: their profile's, else the program minimum."""
    profile = getattr(episode, "scheduling_profile", None)
    if profile is not None and profile.required_minutes is not None:
        return profile.required_minutes
    return episode.program.min_weekly_minutes


def weekly_doses(
    episodes: Sequence[Episode],
    week_starts: Iterable[date],
    *,
    now: datetime | None = None,
    participants: QuerySet | None = None,
) -> dict[tuple[int, date], WeekDose]:
    """Dose per (participant id, week start) in two queries.

    `episodes` must have `program` and `scheduling_profile` loaded; `participants` (a
    queryset of participant ids) replaces the id list when there are many of them.
    """
    weeks = sorted(set(week_starts))
    if not episodes or not weeks:
        return {}
    now = now or timezone.now()
    chosen = participants if participants is not None else [e.participant_id for e in episodes]
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    recorded = Attendance.objects.filter(
        session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id")
    )
    planned = (
        Enrolment.objects.filter(
            participant_id__in=chosen,
            session__date__range=(first, last),
            session__status=Session.Status.SCHEDULED,
        )
        .annotate(week=TruncWeek("session__date"))
        .values("participant_id", "week")
        .annotate(
            scheduled=Sum("session__minutes"),
            remaining=Sum(
                "session__minutes", filter=Q(session__ends_at__gt=now) & ~Exists(recorded)
            ),
            unrecorded=Sum(
                "session__minutes", filter=Q(session__ends_at__lte=now) & ~Exists(recorded)
            ),
        )
        .order_by()
    )
    # The weekly summary the roll calls keep current (attendance.weekly), per episode: a
    # participant discharged and readmitted within one week has two rows to add up.
    attended = (
        WeeklyMinutes.objects.filter(episode__participant_id__in=chosen, week__in=weeks)
        .values("episode__participant_id", "week")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    totals: dict[tuple[int, date], dict[str, int]] = {}
    for row in planned:
        key = (row["participant_id"], _as_date(row["week"]))
        totals.setdefault(key, {}).update(
            scheduled=row["scheduled"] or 0,
            remaining=row["remaining"] or 0,
            unrecorded=row["unrecorded"] or 0,
        )
    for row in attended:
        key = (row["episode__participant_id"], row["week"])
        totals.setdefault(key, {})["attended"] = row["minutes"] or 0
    partial = {
        e.program_id
        for e in episodes
        for week in weeks
        if is_partial_week(week, e.admitted_on, e.discharged_on)
    }
    # Only an admission or discharge inside a requested week costs the extra query.
    weekdays = program_weekdays(partial) if partial else {}
    doses = {}
    for episode in episodes:
        weekly = required_minutes(episode)
        program_days = weekdays.get(episode.program_id, frozenset())
        for week in weeks:
            key = (episode.participant_id, week)
            required = prorated_minutes(
                weekly, week, episode.admitted_on, episode.discharged_on, program_days
            )
            doses[key] = WeekDose(
                episode.participant_id, week, required, weekly, **totals.get(key, {})
            )
    return doses


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def in_care_episodes(program: Program) -> QuerySet[Episode]:
    """This week's participants of a program: episodes admitted or active."""
    return Episode.objects.filter(program=program, status__in=IN_CARE_STATUSES)


def program_week(
    program: Program, week_start: date, *, now: datetime | None = None
) -> list[tuple[Episode, WeekDose]]:
    """Every in-care participant's dose for one week, in three queries."""
    episodes = in_care_episodes(program).select_related(
        "participant", "program", "primary_clinician", "scheduling_profile"
    )
    # One row per participant: their latest in-care episode.
    unique = list({e.participant_id: e for e in episodes.order_by("participant_id", "pk")}.values())
    doses = weekly_doses(
        unique,
        [week_start],
        now=now,
        participants=in_care_episodes(program).values("participant_id"),
    )
    return [(e, doses[(e.participant_id, week_start)]) for e in unique]


def at_risk(
    program: Program, week_start: date, *, now: datetime | None = None
) -> list[tuple[Episode, WeekDose]]:
    """Participants who cannot reach their requirement with what remains, largest gap first."""
    rows = [(e, d) for e, d in program_week(program, week_start, now=now) if d.under_dose]
    return sorted(
        rows,
        key=lambda r: (-r[1].shortfall, r[0].participant.legal_last_name, r[0].participant_id),
    )


def caseload_week(user, *, now: datetime | None = None) -> list[tuple[Episode, WeekDose]]:
    """A clinician's own in-care participants with this week's dose, in three queries."""
    episodes = list(
        caseload(user)
        .filter(status__in=IN_CARE_STATUSES)
        .select_related("participant", "program", "primary_clinician", "scheduling_profile")
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )
    weeks = {e.program_id: current_week(e.program, now) for e in episodes}
    doses = weekly_doses(episodes, set(weeks.values()), now=now)
    return [(e, doses[(e.participant_id, weeks[e.program_id])]) for e in episodes]
