"""Participant and episode endpoints, all through the access policy."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from accounts.models import Program, Site
from audit.models import Action, Outcome
from audit.services import record_event
from participants import selectors, services
from participants.access import (
    Scope,
    authorize,
    beyond_reach,
    require_care_team_change,
    uses_staff_pages,
)
from participants.audit_events import access_event_type
from participants.decorators import load_participant
from participants.duplicates import record_matches_shown
from participants.forms import CareTeamAddForm, CareTeamEndForm, ReferralDetailsForm
from participants.models import CareTeamMember, CareTeamRole, Episode, Participant, SexAtBirth
from tandem.api_errors import FieldErrors, from_form
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


class NewReferralIn(Schema):
    """The new-referral page's fields, held to its form's rules; the program and site by id."""

    legal_first_name: str
    legal_last_name: str
    preferred_name: str = ""
    pronouns: str = ""
    date_of_birth: ProgramDate
    sex_at_birth: str = Field(
        SexAtBirth.UNKNOWN, description=f"One of {', '.join(SexAtBirth.values)}."
    )
    phone: str = ""
    email: str = ""
    program: UUID = Field(description="A program of your organization.")
    site: UUID | None = Field(None, description="A site of that program.")
    referred_on: ProgramDate
    referral_source: str = ""
    duplicate_reason: str = Field(
        "",
        description="Why a new record is needed, only when the person may already have one "
        "(a 409 lists those records); shown to the auditor.",
    )


class NewReferralOut(Schema):
    id: UUID = Field(description="The new participant's id.")
    record_number: str = Field(description="The record number the program's staff know it by.")
    episode: EpisodeOut


class LikelyMatchOut(Schema):
    id: UUID
    same: list[str] = Field(description="What matched: birth date and name, phone, email.")
    open_episode: bool = Field(
        description="A referral or episode is open on it; otherwise the person may be referred "
        "again on that record."
    )


class LikelyMatchesOut(Schema):
    detail: str
    matches: list[LikelyMatchOut]


class CareTeamMemberOut(Schema):
    id: UUID = Field(description="The place's id, to end it.")
    user: int = Field(description="The staff member's user id.")
    name: str
    role: str = Field(description=f"One of {', '.join(CareTeamRole.values)}.")
    since: date
    version: int = Field(description="Send it back to end the place; a stale one is a 409.")
    ended_on: date | None = None
    ended_at: datetime | None = None
    ended_by: int | None = Field(None, description="Who ended the place (a staff user id).")
    ended_how: str = Field("", description="admission, left_care, replaced or by_hand.")
    end_reason: str = ""


class CareTeamOut(Schema):
    episode: UUID | None = Field(description="The current episode; none before a referral.")
    members: list[CareTeamMemberOut] = Field(description="The places on the team now.")
    ended: list[CareTeamMemberOut] = Field(
        description="Places that have ended, with who, when, how and why; only when asked."
    )


class CareTeamAddIn(Schema):
    user: int = Field(description="A clinical staff member's user id.")
    role: str = Field(description=f"One of {', '.join(CareTeamRole.values)}.")
    replaces: int | None = Field(
        None,
        description="The current primary clinician's user id, to make `user` the primary "
        "clinician in their place; a primary clinician is never replaced unless named.",
    )


class CareTeamEndIn(Schema):
    reason: str = Field(description="Why they leave the care team (kept with the place).")
    version: int = Field(description="The place's version as last read.")


def participants_named(ids: Sequence[UUID], organization_id: int, field: str) -> list[Participant]:
    """The records a body names by public id, in its order, among the organization's (none
    entered in error): the first id it has not is refused at its place, `field` with
    `{index}`, so every list of people in a request is read and refused alike."""
    people = {
        p.public_id: p
        for p in Participant.objects.filter(
            public_id__in=ids, organization_id=organization_id, entered_in_error_at__isnull=True
        )
    }
    for index, public_id in enumerate(ids):
        if public_id not in people:
            raise InvalidInput(
                "No participant of this program has that id.", field=field.format(index=index)
            )
    return [people[public_id] for public_id in ids]


def participant_or_404(request: ApiRequest, participant_id: UUID) -> Participant:
    """Load the participant for a staff API call; participants and support people use their
    own pages instead, and are refused alike whether or not the id names a record; staff of
    another organization get the 404 of an id that names nothing (`beyond_reach`)."""
    if not uses_staff_pages(request.auth):
        record_event(
            actor=request.auth,
            event_type=access_event_type(Action.VIEW, Scope.DEMOGRAPHICS),
            participant=load_participant(participant_id),
            outcome=Outcome.REFUSED,
            details={"why": "staff API", "api": True},
        )
        raise AccessDenied("The staff API is for staff accounts.")
    participant = load_participant(participant_id)
    if participant is None:
        raise Http404("No participant has that id.")
    if beyond_reach(request.auth, participant.organization_id):
        # Staff of another organization: refused as if the id named nothing, and audited.
        record_event(
            actor=request.auth,
            event_type=access_event_type(Action.VIEW, Scope.DEMOGRAPHICS),
            participant=participant,
            outcome=Outcome.REFUSED,
            details={"why": "not a member of this participant's organization", "api": True},
        )
        raise Http404("No participant has that id.")
    return participant


@contextmanager
def refusal_shows_record(
    request: ApiRequest, participant: Participant, scope: Scope, *, refused: str
) -> Iterator[None]:
    """A write whose refusals (InvalidInput) name what the participant's record holds (an
    open alert's title, a plan's problem, a level-of-care decision): the 422 then carries the
    record, so it is audited as the read a successful answer would be, as a page sent back
    with its message is. `refused` names the write in the event."""
    try:
        yield
    except InvalidInput as exc:
        authorize(
            request.auth,
            participant,
            Action.VIEW,
            scope,
            details={"api": True, "refused": refused, "field": exc.field},
        )
        raise


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


def _program_and_site(program_id: UUID, site_id: UUID | None) -> tuple[Program, Site | None]:
    """The program and site a referral names; the service checks that they go together."""
    program = Program.objects.filter(public_id=program_id).first()
    if program is None:
        raise InvalidInput("No program has that id.", field="program")
    if site_id is None:
        return program, None
    site = Site.objects.filter(public_id=site_id).first()
    if site is None:
        raise InvalidInput("No site has that id.", field="site")
    return program, site


@router.post(
    "",
    response={201: NewReferralOut, 403: Message, 409: LikelyMatchesOut, 422: FieldErrors},
    summary="Refer a new person",
)
def create_referral(request: ApiRequest, body: NewReferralIn):
    """Open a new participant record with a referred episode, as the new-referral page does.
    When the person likely has a record already (one you may find), nothing is written and
    409 lists those records by id: refer one of them again
    (`POST /api/v1/participants/{id}/refer-again`), or send this again with `duplicate_reason`
    saying why a new record is needed."""
    program, site = _program_and_site(body.program, body.site)
    form = ReferralDetailsForm(body.model_dump(exclude={"program", "site"}))
    if not form.is_valid():
        return Status(422, from_form(form))
    details = form.cleaned_data
    try:
        episode = services.create_referral(
            program=program,
            site=site,
            by=request.auth,
            demographics={k: v for k, v in details.items() if k in services.DEMOGRAPHIC_FIELDS},
            referred_on=details["referred_on"],
            referral_source=details["referral_source"],
            duplicate_reason=details["duplicate_reason"],
        )
    except services.LikelyDuplicate as exc:
        record_matches_shown(request.auth, exc.matches)
        return Status(409, _likely_matches_out(exc.matches))
    return Status(
        201,
        NewReferralOut(
            id=episode.participant.public_id,
            record_number=episode.participant.record_number,
            episode=_episode_out(episode),
        ),
    )


def _likely_matches_out(matches: list[tuple[Participant, list[str]]]) -> LikelyMatchesOut:
    """The records only by id: whoever refers may find them, but a name in an answer is more
    than the caller needs to choose between referring again and a new record."""
    ids = ", ".join(str(person.public_id) for person, _why in matches)
    return LikelyMatchesOut(
        detail=(
            f"This person may already have a record: {ids}. Refer the person again on their "
            "record with POST /api/v1/participants/{id}/refer-again when their care there has "
            "ended, or send this referral again with duplicate_reason saying why a new record "
            "is needed."
        ),
        matches=[
            LikelyMatchOut(
                id=person.public_id,
                same=why,
                open_episode=person.has_open_episode,  # type: ignore[attr-defined]  # annotated
            )
            for person, why in matches
        ],
    )


@router.get("/caseload", response=list[EpisodeOut], summary="My caseload")
def caseload(request: ApiRequest):
    """A staff member's open episodes; a participant account is refused (and audited)."""
    if not uses_staff_pages(request.auth):
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
            details={"api": True},
            listed=[e.participant for e in episodes],
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
    # A refused move names the episode's status or the level-of-care decision it lacks.
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="transition"):
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
    program, site = _program_and_site(body.program, body.site)
    episode = services.refer_again(
        participant,
        program=program,
        by=request.auth,
        referred_on=body.referred_on,
        referral_source=body.referral_source,
        site=site,
    )
    return Status(201, _episode_out(episode))


def _member_out(m: CareTeamMember) -> CareTeamMemberOut:
    return CareTeamMemberOut(
        id=m.public_id,
        user=m.user_id,
        name=str(m.user),
        role=m.role,
        since=m.started_on,
        version=m.version,
        ended_on=m.ended_on,
        ended_at=m.ended_at,
        ended_by=m.ended_by_id,
        ended_how=m.ended_how,
        end_reason=m.end_reason,
    )


def _open_episode(participant: Participant) -> Episode:
    """The episode whose care team a write changes: the current one."""
    episode = selectors.current_episode(participant)
    if episode is None:
        raise InvalidInput("There is no episode of care to add a care team to.")
    return episode


@router.get(
    "/{participant_id}/care-team",
    response={200: CareTeamOut, 403: Message, 404: Message},
    summary="The care team of the current episode",
)
def care_team(request: ApiRequest, participant_id: UUID, ended: bool = False):
    """Who is on the care team of the current episode now, each place with its role, since
    when and its version; with `ended=true` also the places that ended, with who ended each,
    when, how and why. Read as the care-team page reads it, audited."""
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    episode = selectors.current_episode(participant)
    places: list[CareTeamMember] = []
    if episode is not None:
        rows = episode.care_team.select_related("user").order_by("started_on", "pk")
        places = list(rows if ended else rows.filter(ended_on__isnull=True))
    return CareTeamOut(
        episode=episode.public_id if episode is not None else None,
        members=[_member_out(m) for m in places if m.ended_on is None],
        ended=[_member_out(m) for m in places if m.ended_on is not None],
    )


@router.post(
    "/{participant_id}/care-team",
    response={201: CareTeamMemberOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Put a staff member on the care team",
)
def add_to_care_team(request: ApiRequest, participant_id: UUID, body: CareTeamAddIn):
    """Put a clinical staff member on the current episode's care team in a role, as the
    care-team page does. Making someone primary clinician while another is refused (422,
    naming them) unless `replaces` names that primary clinician, whose place then ends."""
    participant = participant_or_404(request, participant_id)
    # Decided before the body is read: a refused caller learns nothing of the episode.
    require_care_team_change(request.auth, participant)
    episode = _open_episode(participant)
    team = episode.care_team.filter(ended_on__isnull=True).select_related("user")
    form = CareTeamAddForm(
        body.model_dump(),
        staff=selectors.care_team_staff(participant.organization_id),
        primary=selectors.primary_clinician(episode, team),
    )
    if not form.is_valid():
        return Status(422, from_form(form))
    data = form.cleaned_data
    # A refused addition names the primary clinician on the team.
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="care_team_add"):
        member = services.add_care_team_member(
            episode,
            user=data["user"],
            role=data["role"],
            by=request.auth,
            replaces=data["replaces"],
        )
    return Status(201, _member_out(member))


@router.post(
    "/{participant_id}/care-team/{member_id}/end",
    response={200: CareTeamMemberOut, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Take a staff member off the care team",
)
def end_care_team_membership(
    request: ApiRequest, participant_id: UUID, member_id: UUID, body: CareTeamEndIn
):
    """End one place on the care team, as the care-team page does: the place ends today and
    stays with who ended it and why, and what they held for the participant (open tasks,
    open alerts) goes back to the team. A stale `version` is a 409; the primary clinician is
    refused (replace them instead)."""
    participant = participant_or_404(request, participant_id)
    require_care_team_change(request.auth, participant)
    member = (
        CareTeamMember.objects.select_related("user", "episode__participant", "episode__program")
        .filter(public_id=member_id, episode__participant=participant)
        .first()
    )
    if member is None:
        raise Http404("No place on this participant's care team has that id.")
    form = CareTeamEndForm(body.model_dump())
    if not form.is_valid():
        return Status(422, from_form(form))
    # A refused end names the staff member and their place on the team.
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="care_team_end"):
        ended = services.end_care_team_membership(
            member,
            by=request.auth,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    return _member_out(ended)
