"""Level-of-care decisions over the JSON API, through the same service and policy as the tab.

A decision carries the day it was made (`decided_on`, the program's today when left out): a
decision dated before the one in force goes into the history and leaves that one in force.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from accounts.models import LevelOfCare
from audit.models import Action
from participants.access import Scope, authorize
from participants.api import participant_or_404, refusal_shows_record
from participants.selectors import current_episode
from placement import selectors, services
from placement.models import LevelOfCareDecision
from tandem.dates import ProgramDate

router = Router(tags=["level of care"])

Note = Annotated[str, Field(max_length=2000)]


class DecisionIn(Schema):
    ratings: dict[str, int] = Field(
        description="Each ASAM dimension's id (1 to 6) with its rating from 0 to 4."
    )
    notes: dict[str, Note] = Field(
        default_factory=dict, description="Why a dimension is rated above 0, by dimension id."
    )
    chosen_level: LevelOfCare
    reason: str = Field("", max_length=2000, description="Required when the level differs.")
    prerequisites_done: bool = False
    refer_to: str = Field(
        "", max_length=200, description="Where to, for a level this program does not provide."
    )
    decided_on: ProgramDate | None = Field(
        None,
        description="The day the decision was made (the program's today when left out); "
        "never later than today nor before the episode's referral, and once the participant "
        "is admitted never before the admission.",
    )
    current: UUID | None = Field(
        None,
        description="The id of the decision in force when the caller read it (null when there "
        "was none): another one in force now is a 409.",
    )


class DecisionOut(Schema):
    id: UUID
    episode: UUID
    decided_on: date
    recorded_at: datetime
    chosen_level: str
    recommended_level: str
    reason: str
    supersedes: UUID | None
    in_force: bool = Field(description="Whether this is the episode's decision in force.")
    referred_to: str


def _out(d: LevelOfCareDecision, in_force: LevelOfCareDecision | None) -> DecisionOut:
    referral = getattr(d, "referral_out", None)
    previous = d.supersedes
    return DecisionOut(
        id=d.public_id,
        episode=d.episode.public_id,
        decided_on=d.decided_on,
        recorded_at=d.recorded_at,
        chosen_level=d.chosen_level,
        recommended_level=d.recommended_level,
        reason=d.reason,
        supersedes=previous.public_id if isinstance(previous, LevelOfCareDecision) else None,
        in_force=in_force is not None and d.pk == in_force.pk,
        referred_to=referral.to_provider if referral else "",
    )


@router.get(
    "/{participant_id}/level-of-care",
    response=list[DecisionOut],
    url_name="level_of_care_decisions",
    summary="The current episode's level-of-care decisions, newest first by the day made",
)
def decisions(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    episode = current_episode(participant)
    rows = selectors.decisions_for(episode) if episode else []
    current = selectors.in_force(rows)
    return [_out(d, current) for d in rows]


@router.post(
    "/{participant_id}/level-of-care",
    response={201: DecisionOut},
    url_name="record_level_of_care",
    summary="Record a level-of-care decision on the current episode",
)
def record(request: ApiRequest, participant_id: UUID, body: DecisionIn):
    participant = participant_or_404(request, participant_id)
    episode = current_episode(participant)
    if episode is None:
        raise Http404("This participant has no episode of care.")
    # A refusal may name the recommendation the participant's results led to.
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="level of care"):
        made = services.record_decision(
            episode,
            ratings=body.ratings,
            notes=body.notes,
            chosen_level=body.chosen_level,
            reason=body.reason,
            prerequisites_done=body.prerequisites_done,
            refer_to=body.refer_to,
            decided_on=body.decided_on,
            current_id=body.current,
            by=request.auth,
        )
    return Status(201, _out(made, selectors.current_decision(episode)))
