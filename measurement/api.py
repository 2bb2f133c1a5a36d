"""JSON API of measurement-based care: a participant's measures with reliable change."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema

from accounts.http import ApiRequest
from audit.models import Action
from measurement import selectors
from participants.access import Scope, authorize
from participants.api import participant_or_404

router = Router(tags=["measurement"])


class Point(Schema):
    at: datetime
    value: float
    episode: UUID | None = Field(
        description="The stay the score belongs to: the id of one of the participant's "
        "episodes (`GET /participants/{id}/episodes`); null for one recorded outside a stay."
    )


class MeasureOut(Schema):
    instrument: str = Field(
        description="Instrument code, a BAM subscale (bam-use…) or a check-in item."
    )
    label: str
    series: list[Point]
    baseline: float | None
    latest: float | None
    change: float | None = Field(
        description="latest − baseline, in points; null with fewer than two scores. On the "
        "PHQ-9, GAD-7 and PCL-5 a drop is better."
    )
    reliable_change_points: int | None = Field(
        description="The rule applied: a change of this many points or more, either way, is "
        "reliable (IAPT rule: PHQ-9 6, GAD-7 4); null where no rule applies (see `note`)."
    )
    rule: str | None = Field(description='The rule in words, as "IAPT rule ≥6 points".')
    classification: str = Field(
        description="reliable-improvement | no-reliable-change | reliable-deterioration | "
        "not-computed (see `note`)."
    )
    clinically_significant: str | None = Field(
        description="recovered | improved | unchanged | deteriorated, where the instrument has "
        "a published cut-off."
    )
    source: str | None = Field(description="Where the rule comes from (the clinical reference).")
    note: str


class Message(Schema):
    detail: str


@router.get(
    "/participants/{participant_id}/measures",
    response={200: list[MeasureOut], 403: Message, 404: Message},
    summary="A participant's measures and reliable change",
    description=(
        "PHQ-9, GAD-7, PCL-5, the BAM subscales, and craving and mood from check-ins: each "
        "series (oldest first), baseline, latest, the change in points between them, and "
        "whether it is reliable by the IAPT rule of the clinical reference (PHQ-9: 6 points or "
        "more, GAD-7: 4; a drop is improvement, a rise deterioration), else `not-computed` "
        "with the reason in `note`. A series holds the scores of every stay, each point naming its "
        "stay in `episode`; baseline, latest and the reliable change run over the whole "
        "series. Audited as a view."
    ),
)
def list_measures(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    return [m.to_dict() for m in selectors.measures_for(participant)]
