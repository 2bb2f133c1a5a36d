"""Reads that several pages share, each with a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from participants.access import caseload, visible_participants
from participants.models import CareTeamMember, Episode, Participant
from tandem.hooks import Hook


@dataclass(frozen=True)
class CaseloadValue:
    """A value another module adds to every caseload row, in the caseload's own query:
    `expression()` (built for each read, so it may ask the clock) is annotated as `name`."""

    name: str
    expression: Callable[[], Any]


# scheduling adds `next_session_at`, the participant's next scheduled session.
CASELOAD_VALUES: Hook[CaseloadValue] = Hook(
    "participants.caseload_values", key=lambda value: value.name
)


def current_episode(participant: Participant) -> Episode | None:
    """The open episode if there is one, else the most recent."""
    episodes = sorted(
        participant.episodes.all(), key=lambda e: (e.is_open, e.referred_on, e.pk), reverse=True
    )
    return episodes[0] if episodes else None


def _chart_relations() -> tuple[Prefetch, Prefetch]:
    """The episodes with their programs and sites, and each one's current care team."""
    return (
        Prefetch(
            "episodes",
            queryset=Episode.objects.select_related("program", "site", "primary_clinician"),
        ),
        Prefetch(
            "episodes__care_team",
            queryset=CareTeamMember.objects.filter(ended_on__isnull=True).select_related("user"),
        ),
    )


def with_chart_relations(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    return qs.prefetch_related(*_chart_relations())


def prefetch_chart_relations(participant: Participant) -> None:
    """Read what the chart header needs onto a participant already loaded (two queries),
    rather than loading the participant again."""
    prefetch_related_objects([participant], *_chart_relations())


def caseload_for(user) -> QuerySet[Episode]:
    """My open episodes with the values other modules add to each row (`CASELOAD_VALUES`;
    one query, read when used: the home pages it in the database)."""
    values = {value.name: value.expression() for value in CASELOAD_VALUES.implementations()}
    return (
        Episode.objects.filter(pk__in=caseload(user).values("pk"))
        .select_related("participant", "program", "primary_clinician", "scheduling_profile")
        .annotate(**values)
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )


def search(user, *, text: str = "", dob: date | None = None, limit: int = 50) -> list[Participant]:
    """Find participants by name, record number or date of birth within the user's reach."""
    qs = visible_participants(user)
    words = [w for w in text.split() if w]
    for word in words:
        qs = qs.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(record_number__iexact=word)
        )
    if dob is not None:
        qs = qs.filter(date_of_birth=dob)
    if not words and dob is None:
        return []
    return list(
        with_chart_relations(qs).order_by("legal_last_name", "legal_first_name", "pk")[:limit]
    )
