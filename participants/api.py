"""Participant and episode endpoints, all through the access policy."""

from datetime import date
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema

from accounts.http import ApiRequest
from accounts.models import User
from audit.models import Action, Outcome
from audit.services import record_event
from participants import selectors, services
from participants.access import Scope, authorize
from participants.audit_events import access_event_type
from participants.decorators import load_participant
from participants.models import Episode, Participant
from tandem.errors import AccessDenied

router = Router(tags=["participants"])


class EpisodeOut(Schema):
    id: UUID
    program: str
    status: str
    referred_on: date
    admitted_on: date | None
    discharged_on: date | None
    level_of_care: str
    version: int


class ParticipantOut(Schema):
    id: UUID
    record_number: str
    legal_first_name: str
    legal_last_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date
    sex_at_birth: str
    gender_identity: str
    preferred_language: str
    version: int


class TransitionIn(Schema):
    to_status: str
    on: date
    reason: str = ""
    version: int
    confirm: bool = Field(
        False, description="Required (true) to leave care: discharged, declined, transferred out."
    )


def participant_or_404(request: ApiRequest, participant_id: UUID) -> Participant:
    """Load the participant for a staff API call; participants use their portal instead."""
    participant = load_participant(participant_id)
    if participant is None:
        raise Http404("No participant has that id.")
    if request.auth.kind != User.Kind.STAFF:
        record_event(
            actor=request.auth,
            event_type=access_event_type(Action.VIEW, Scope.DEMOGRAPHICS),
            participant=participant,
            outcome=Outcome.REFUSED,
            details={"why": "staff API", "api": True},
        )
        raise AccessDenied("The staff API is for staff accounts.")
    return participant


def _episode_out(e: Episode) -> EpisodeOut:
    return EpisodeOut(
        id=e.public_id,
        program=e.program.name,
        status=e.status,
        referred_on=e.referred_on,
        admitted_on=e.admitted_on,
        discharged_on=e.discharged_on,
        level_of_care=e.level_of_care,
        version=e.version,
    )


@router.get("/caseload", response=list[EpisodeOut], summary="My caseload")
def caseload(request: ApiRequest):
    """A staff member's open episodes; a participant account is refused (and audited)."""
    if request.auth.kind != User.Kind.STAFF:
        record_event(
            actor=request.auth,
            event_type="caseload.viewed",
            record_type="participants.Caseload",
            outcome=Outcome.REFUSED,
            details={"why": "staff API", "api": True},
        )
        raise AccessDenied("The staff API is for staff accounts.")
    episodes = list(selectors.caseload_for(request.auth))
    if episodes:
        record_event(
            actor=request.auth,
            event_type="caseload.viewed",
            record_type="participants.Caseload",
            details={"participants": [str(e.participant.public_id) for e in episodes], "api": True},
        )
    return [_episode_out(e) for e in episodes]


@router.get("/{participant_id}", response=ParticipantOut, summary="A participant's record")
def get_participant(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.DEMOGRAPHICS, details={"api": True})
    return ParticipantOut(
        id=participant.public_id,
        **{f: getattr(participant, f) for f in ParticipantOut.model_fields if f != "id"},
    )


@router.get("/{participant_id}/episodes", response=list[EpisodeOut], summary="Episodes of care")
def list_episodes(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.DEMOGRAPHICS, details={"api": True})
    return [_episode_out(e) for e in participant.episodes.select_related("program")]


@router.post(
    "/{participant_id}/episodes/{episode_id}/transition",
    response=EpisodeOut,
    summary="Move an episode along its lifecycle",
)
def transition(request: ApiRequest, participant_id: UUID, episode_id: UUID, body: TransitionIn):
    participant = participant_or_404(request, participant_id)
    episode = Episode.objects.filter(public_id=episode_id, participant=participant).first()
    if episode is None:
        raise Http404("No episode has that id.")
    episode = services.transition_episode(
        episode,
        to_status=body.to_status,
        by=request.auth,
        on=body.on,
        reason=body.reason,
        expected_version=body.version,
        confirmed=body.confirm,
    )
    return _episode_out(episode)
