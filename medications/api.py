"""The medication list over the JSON API: `GET|POST /participants/{id}/medications`.

Tandem records prescriptions; it does not send them (no e-prescribing).
"""

from datetime import date
from uuid import UUID

from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from accounts.models import User
from audit.models import Action
from medications import selectors, services
from medications.models import Medication
from participants.access import Scope, authorize, require
from participants.api import participant_or_404
from participants.selectors import program_today
from tandem.api_errors import FieldErrors
from tandem.dates import ProgramDate

router = Router(tags=["medications"])


class Message(Schema):
    detail: str


class MedicationIn(Schema):
    code: str = Field("", description="A known medication code (see the list page), or blank.")
    name: str = Field("", max_length=120, description="As written; required without a code.")
    dose: str = Field("", max_length=120)
    prescribed_by: int | None = Field(None, description="A program prescriber's staff user id.")
    prescribed_elsewhere: str = Field("", max_length=200)
    started_on: ProgramDate
    stopped_on: ProgramDate | None = None
    note: str = ""


class MedicationOut(Schema):
    id: UUID
    code: str
    name: str
    group: str
    dose: str
    prescriber: str
    prescribed_here: bool
    started_on: date
    stopped_on: date | None
    stop_reason: str
    adherence: str | None = Field(description="From the participant's check-ins, when recorded.")
    part2: bool = Field(description="A 42 CFR Part 2 record (substance-use treatment).")
    version: int


def _out(m: Medication, adherence: dict) -> MedicationOut:
    return MedicationOut(
        id=m.public_id,
        code=m.code,
        name=m.name,
        group=m.group,
        dose=m.dose,
        prescriber=m.prescriber,
        prescribed_here=m.prescribed_by_id is not None,
        started_on=m.started_on,
        stopped_on=m.stopped_on,
        stop_reason=m.stop_reason,
        adherence=adherence.get(m.pk),
        part2=m.is_part2,
        version=m.version,
    )


@router.get(
    "/{participant_id}/medications",
    response={200: list[MedicationOut], 403: Message, 404: Message},
    summary="A participant's medication list",
    description="Current and stopped medications, newest first. Audited as a view.",
)
def list_medications(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    rows = selectors.medications_for(participant, program_today(participant))
    adherence = selectors.adherence(participant, rows)
    return [_out(m, adherence) for m in rows]


@router.post(
    "/{participant_id}/medications",
    response={201: MedicationOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Add a medication to the list",
    description="Records a prescription made here or elsewhere; nothing is sent anywhere.",
)
def add_medication(request: ApiRequest, participant_id: UUID, body: MedicationIn):
    participant = participant_or_404(request, participant_id)
    require(request.auth, participant, Action.CREATE, Scope.CLINICAL)
    prescriber = None
    if body.prescribed_by is not None:
        prescriber = User.objects.filter(pk=body.prescribed_by, kind=User.Kind.STAFF).first()
        if prescriber is None:
            return Status(
                422,
                {"detail": [{"field": "prescribed_by", "message": "No staff member has that id."}]},
            )
    row = services.add_medication(
        participant,
        by=request.auth,
        code=body.code,
        name=body.name,
        dose=body.dose,
        prescribed_by=prescriber,
        prescribed_elsewhere=body.prescribed_elsewhere,
        started_on=body.started_on,
        stopped_on=body.stopped_on,
        note=body.note,
    )
    return Status(201, _out(row, {}))
