"""Reads of intakes and diagnoses that the tabs and the chart header share, in fixed queries."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet

from intake import sections
from intake.models import ACTIVE_DIAGNOSIS_STATUSES, Diagnosis, DiagnosisKind, Intake
from intake.services import content_hash
from participants.models import Episode, Participant
from participants.selectors import current_episode_id


@dataclass
class SectionView:
    """A section of one intake version: its declaration, stored data and version."""

    section: sections.Section
    data: dict[str, Any]
    version: int
    saved_by: Any = None
    saved_at: Any = None

    @property
    def answers(self) -> list[tuple[str, str]]:
        return sections.readable(self.section, self.data)


def intake_versions(episode: Episode) -> list[Intake]:
    """Every version of the episode's intake, newest first (one query)."""
    return list(
        Intake.objects.filter(episode=episode)
        .select_related("signed_by", "recorded_by", "supersedes")
        .order_by("-number")
    )


def intake_version(participant: Participant, intake_id: UUID) -> Intake | None:
    return (
        Intake.objects.filter(participant=participant, public_id=intake_id)
        .select_related("signed_by", "recorded_by", "supersedes", "episode")
        .first()
    )


def section_views(intake: Intake | None) -> list[SectionView]:
    """Every declared section of an intake version, saved or not (one query)."""
    rows = {}
    if intake is not None:
        rows = {row.key: row for row in intake.sections.select_related("recorded_by")}
    views = []
    for section in sections.SECTIONS:
        row = rows.get(section.key)
        views.append(
            SectionView(
                section,
                row.data if row else {},
                row.version if row else 0,
                row.recorded_by if row else None,
                row.modified_at if row else None,
            )
        )
    return views


def signed_content_intact(intake: Intake) -> bool:
    """Whether a signed version's sections still hash to what was signed."""
    data = {row.key: row.data for row in intake.sections.all()}
    return intake.is_signed and content_hash(data) == intake.content_sha256


def diagnoses_for(episode: Episode) -> list[Diagnosis]:
    """The episode's diagnoses: active first, then by date made (one query)."""
    rows = list(
        Diagnosis.objects.filter(episode=episode)
        .select_related("recorded_by", "status_changed_by")
        .order_by("-made_on", "-pk")
    )
    return sorted(rows, key=lambda d: not d.is_active)


def _counting_toward_co_occurring(episode: Any) -> QuerySet[Diagnosis]:
    return Diagnosis.objects.filter(
        episode=episode, status__in=ACTIVE_DIAGNOSIS_STATUSES, counts_for_co_occurring=True
    )


def is_co_occurring(episode: Episode) -> bool:
    """Both an active substance use disorder and an active independent mental disorder."""
    kinds = set(
        _counting_toward_co_occurring(episode)
        .filter(kind__in=[DiagnosisKind.SUD, DiagnosisKind.MH])
        .values_list("kind", flat=True)
    )
    return kinds == {DiagnosisKind.SUD, DiagnosisKind.MH}


def co_occurring_values() -> dict[str, Any]:
    """`is_co_occurring` of the participant's current episode as expressions on the
    participant's row (`sud`, `mh`: each kind is there), for the chart header's one query."""
    counting = _counting_toward_co_occurring(current_episode_id(OuterRef(OuterRef("pk"))))
    return {
        "sud": Exists(counting.filter(kind=DiagnosisKind.SUD)),
        "mh": Exists(counting.filter(kind=DiagnosisKind.MH)),
    }
