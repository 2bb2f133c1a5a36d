"""Consents over the JSON API: `GET|POST /participants/{id}/consents`,
`POST /participants/{id}/consents/{consent_id}/revoke`, and `GET /consent-recipient-lists`
(the ids a consent's `named` recipients are picked by)."""

from datetime import date
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from audit.models import Action
from consent import selectors, services
from consent.models import RIGHT_TO_REVOKE, Consent, Signer
from consent.recipients import LISTS, attach_named
from participants.access import Scope, authorize, organizations_with
from participants.api import participant_or_404
from participants.models import Episode, Participant
from participants.selectors import program_today
from tandem.api_errors import FieldErrors
from tandem.dates import ProgramDate
from tandem.errors import AccessDenied, InvalidInput

router = Router(tags=["consents"])
lists_router = Router(tags=["consents"])


class Message(Schema):
    detail: str


ERRORS = {403: Message, 404: Message, 409: Message, 422: FieldErrors}


class ConsentIn(Schema):
    kind: str = Field(
        description="treatment, telehealth, part2 (a Part 2 disclosure) or sud_notes (a Part 2 "
        "consent for SUD counseling notes alone)."
    )
    episode: UUID | None = Field(None, description="The stay; the current one when left out.")
    discloser: str = Field("", max_length=200, description="Part 2: who may disclose.")
    information: str = Field("", max_length=2000, description="Part 2: what may be disclosed.")
    parts: list[str] = Field(
        default_factory=list,
        description="Part 2: the parts of the record the consent covers, by the record "
        "export's section names (attendance, diagnoses, ...), beside the words in "
        "`information`; a copy under it carries these alone. Required for a new part2 consent "
        "(at least one; none is a 422 naming `parts`); none for sud_notes. Fixed once recorded.",
    )
    tpo: bool = Field(False, description="Part 2: a single consent for TPO.")
    recipients: str = Field("", max_length=2000, description="Part 2: named or the TPO class.")
    recipients_hipaa: bool = False
    named: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Part 2: recipients picked from the organization\'s lists, by list: {"payers": '
        "[payer id, ...]}. The words in `recipients` stay the legal wording; the payers named "
        "here are what the service days to bill match on. Fixed once recorded.",
    )
    purpose: str = Field("", max_length=1000, description="Part 2: the purpose.")
    expiry: str = Field(
        "", description="date, event (with expiry_event), end_of_treatment or none (TPO only)."
    )
    expires_on: ProgramDate | None = None
    expiry_event: str = Field(
        "", max_length=300, description='The event or condition, e.g. "when my probation ends".'
    )
    signer: str = Signer.PARTICIPANT
    representative_name: str = Field("", max_length=200)
    representative_relationship: str = Field("", max_length=120)
    signed_on: ProgramDate | None = None
    note: str = Field("", max_length=2000)


class RevokeIn(Schema):
    revoked_on: ProgramDate | None = None
    received: str = Field(description="paper or electronic: a revocation is made in writing.")
    note: str = Field("", max_length=2000)
    version: int = Field(description="The version read; a stale one is refused with 409.")


class NamedOut(Schema):
    id: UUID
    name: str


class ConsentOut(Schema):
    id: UUID
    kind: str
    status: str = Field(description="not_yet, in_force, expired or revoked, as of today.")
    episode: UUID | None
    discloser: str
    information: str
    parts: list[str] = Field(
        description="The parts of the record it covers, by section name, in the record's "
        "order; empty when it lists none (recorded before parts were ticked)."
    )
    tpo: bool
    recipients: str
    named: dict[str, list[NamedOut]] = Field(
        description='Recipients picked from the organization\'s lists, by list ("payers").'
    )
    recipients_hipaa: bool
    purpose: str
    expiry: str
    expires_on: date | None
    expiry_event: str
    event_happened_on: date | None = Field(
        description="The day the expiry event happened, once marked: expired from that day."
    )
    ends_on: date | None = Field(description="Its last day in force, once known.")
    signer: str
    representative_name: str
    representative_relationship: str
    signed_on: date
    revoked_on: date | None
    revocation_received: str | None
    right_to_revoke: str
    version: int


def _out(c: Consent, today: date) -> ConsentOut:
    revocation = c.revocation_or_none
    return ConsentOut(
        id=c.public_id,
        kind=c.kind,
        status=c.status_on(today),
        episode=c.episode.public_id if c.episode else None,
        discloser=c.discloser,
        information=c.information,
        parts=c.parts,
        tpo=c.tpo,
        recipients=c.recipients,
        named={
            g.key: [NamedOut(id=UUID(r.id), name=r.name) for r in g.recipients] for g in c.named
        },
        recipients_hipaa=c.recipients_hipaa,
        purpose=c.purpose,
        expiry=c.expiry,
        expires_on=c.expires_on,
        expiry_event=c.expiry_event,
        event_happened_on=c.event_happened_on,
        ends_on=c.ends_on,
        signer=c.signer,
        representative_name=c.representative_name,
        representative_relationship=c.representative_relationship,
        signed_on=c.signed_on,
        revoked_on=revocation.revoked_on if revocation else None,
        revocation_received=revocation.received if revocation else None,
        right_to_revoke=RIGHT_TO_REVOKE,
        version=c.version,
    )


def _episode(participant: Participant, public_id: UUID | None) -> Episode | None:
    if public_id is None:
        return None
    episode = Episode.objects.filter(participant=participant, public_id=public_id).first()
    if episode is None:
        raise Http404("This participant has no stay with that id.")
    return episode


def _in_body(exc: InvalidInput) -> InvalidInput:
    """A list's refused picks are named by the list's key, the tab's field; the 422 names the
    body's path to them (`named.payers`), as the body holds them."""
    if exc.field in {lst.key for lst in LISTS.implementations()}:
        return InvalidInput(exc.message, field=f"named.{exc.field}")
    return exc


@router.get(
    "/{participant_id}/consents",
    response={200: list[ConsentOut], 403: Message, 404: Message},
    summary="A participant's consents",
    description="Current consents with their status today, newest first. Audited as a view.",
)
def list_consents(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    today = program_today(participant)
    return [_out(c, today) for c in selectors.consents_for(participant, today)]


@router.post(
    "/{participant_id}/consents",
    response={201: ConsentOut, **ERRORS},
    summary="Record a signed consent",
    description=(
        "A Part 2 disclosure consent needs every element of 42 CFR §2.31(a); a missing one is "
        "a 422 naming it."
    ),
)
def record_consent(request: ApiRequest, participant_id: UUID, body: ConsentIn):
    participant = participant_or_404(request, participant_id)
    fields = body.dict(exclude={"episode"})
    try:
        row = services.record_consent(
            participant, by=request.auth, episode=_episode(participant, body.episode), **fields
        )
    except InvalidInput as exc:
        raise _in_body(exc) from None
    attach_named([row])
    return Status(201, _out(row, program_today(participant)))


@router.post(
    "/{participant_id}/consents/{consent_id}/revoke",
    response={200: ConsentOut, **ERRORS},
    summary="Record a consent's revocation",
    description="The consent stays as it was; revoking it twice is a 422, a stale version 409.",
)
def revoke_consent(request: ApiRequest, participant_id: UUID, consent_id: UUID, body: RevokeIn):
    participant = participant_or_404(request, participant_id)
    consent = (
        Consent.objects.current().filter(participant=participant, public_id=consent_id).first()
    )
    if consent is None:
        raise Http404("This participant has no consent with that id.")
    services.revoke_consent(
        consent,
        by=request.auth,
        revoked_on=body.revoked_on,
        received=body.received,
        note=body.note,
        expected_version=body.version,
    )
    row = Consent.objects.select_related("episode", "revocation").get(pk=consent.pk)
    attach_named([row])
    return _out(row, program_today(participant))


class RecipientChoice(Schema):
    id: str
    name: str


class RecipientListOut(Schema):
    key: str = Field(description='The entry of a consent\'s `named` it fills ("payers").')
    label: str
    choices: list[RecipientChoice]


@lists_router.get(
    "/consent-recipient-lists",
    response={200: list[RecipientListOut], 403: Message},
    summary="The lists a Part 2 consent's recipients may be picked from",
    description=(
        "For each list (the organization's payers), the ids and names a consent's `named` "
        "may pick, of every organization where the caller records consents. No participant's "
        "data, so not audited."
    ),
)
def recipient_lists(request: ApiRequest):
    # Asked before any participant is named, of the capability recording asks
    # (`services.record_consent`), which still decides for the participant named.
    organizations = organizations_with(request.auth, "consent.record")
    if not organizations:
        raise AccessDenied("Your role does not record consents.")
    return [
        RecipientListOut(
            key=lst.key,
            label=lst.label,
            choices=[
                RecipientChoice(id=choice_id, name=name)
                for org in organizations
                for choice_id, name in lst.choices(org)
            ],
        )
        for lst in LISTS.implementations()
    ]
