"""Participant and episode endpoints, all through the access policy."""

from datetime import date
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from accounts.models import Program, Site, User
from audit.models import Action, Outcome
from audit.services import record_event
from participants import selectors, services
from participants.access import Scope, authorize
from participants.audit_events import access_event_type
from participants.decorators import load_participant
from participants.models import Episode, Participant
from tandem.api_errors import FieldErrors
from tandem.dates import ProgramDate
from tandem.errors import AccessDenied, InvalidInput

router = Router(tags=["participants"])


class Message(Schema):
    detail: str


class EpisodeOut(Schema):
    id: UUID
    program: str
    program_id: UUID = Field(description="The program's id, to refer the person to it again.")
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


class ReferAgainIn(Schema):
    program: UUID = Field(
        description="A program of the participant's organization (an episode's `program_id`)."
    )
    site: UUID | None = Field(None, description="A site of that program.")
    referred_on: ProgramDate
    referral_source: str = ""


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
        program_id=e.program.public_id,
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


@router.post(
    "/{participant_id}/refer-again",
    response={201: EpisodeOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Refer a person whose care has ended again",
)
def refer_again(request: ApiRequest, participant_id: UUID, body: ReferAgainIn):
    """Open a new referred episode on the record of a person whose care here has ended
    (discharged, declined, transferred out), so a returning person keeps one clinical history
    instead of a second record. Refused with 422, writing nothing, while an episode is open."""
    participant = participant_or_404(request, participant_id)
    program = Program.objects.filter(public_id=body.program).first()
    if program is None:
        raise InvalidInput("No program has that id.", field="program")
    site = None
    if body.site is not None:
        site = Site.objects.filter(public_id=body.site).first()
        if site is None:
            raise InvalidInput("No site has that id.", field="site")
    episode = services.refer_again(
        participant,
        program=program,
        by=request.auth,
        referred_on=body.referred_on,
        referral_source=body.referral_source,
        site=site,
    )
    return Status(201, _episode_out(episode))
