"""JSON API: the instrument library, a stateless scorer, and participants' administrations.

The three instrument endpoints hold no participant data and need no sign-in. The
participant endpoints use the staff session, the access policy and the audit trail.
"""

from datetime import datetime
from typing import Any, Literal, cast
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from assessments import instruments, selectors, services
from assessments.models import Administration
from assessments.scoring import AnswerError, ScoringError, score
from audit.models import Action
from participants.access import Scope, authorize, require
from participants.api import participant_or_404
from tandem.api_errors import FieldErrors, field_errors
from tandem.errors import InvalidInput

router = Router(tags=["assessments"])

ANSWERS_HELP = (
    'Item id → the published point value of the chosen option (integer), e.g. {"1": 2, '
    '"9": 0}. Leave out items the instrument\'s own skip rules skip.'
)
CONTEXT_HELP = 'Scoring context. Only "sex" is known ("male", "female", "unknown"; AUDIT-C).'


class Option(Schema):
    value: int
    label: str
    code: str | None = Field(None, description="LOINC answer code, where the source gives one.")


class Item(Schema):
    id: str
    text: str = Field(description="Published wording, or a neutral label when is_label is true.")
    options: list[Option]
    value_range: list[int] | None = Field(None, description="[low, high] for free integer entry.")
    required: bool
    skip: dict[str, Any] | None = Field(None, description="The instrument's own skip rule.")
    scored: bool
    reverse: bool
    critical: bool
    section: str | None
    is_label: bool
    answer_list: str | None
    loinc: str | None


class Band(Schema):
    key: str
    label: str
    low: int | None
    high: int | None
    when: dict[str, Any] | None


class FlagRule(Schema):
    code: str
    message: str
    when: dict[str, Any]
    item: str | None
    critical: bool


class Licence(Schema):
    text: str
    status: str


class Loinc(Schema):
    role: str
    code: str
    status: str = Field(description="confirmed, secondary-source or unverified.")
    note: str


class Source(Schema):
    citation: str
    wording_from: list[dict[str, Any]]
    url: str | None


class InstrumentSummary(Schema):
    code: str
    name: str
    short_name: str
    description: str
    recall_period: str
    item_count: int
    loinc_panel: str | None = Field(description="LOINC panel code (confirmed codes only).")
    loinc_total: str | None = Field(description="LOINC total-score code (confirmed codes only).")
    wording: str = Field(description="published, or labels-only (administer from paper).")
    paper_form_only: bool
    prescreen_for: str | None


class InstrumentDefinition(Schema):
    code: str
    name: str
    short_name: str
    description: str
    recall_period: str
    instructions: str
    items: list[Item]
    scoring: dict[str, Any]
    bands: list[Band]
    positive: dict[str, Any] | None
    flags: list[FlagRule]
    source: Source
    licence: Licence
    wording: str
    copyright_notice: str
    loinc_panel: str | None
    loinc_total: str | None
    loinc_status: list[Loinc]
    prescreen_for: str | None
    notes: list[str]
    critical_items: list[str]
    critical_flag_codes: list[str]
    paper_form_only: bool
    answer_lists: dict[str, list[Option]]


class ScoreIn(Schema):
    answers: dict[str, Any] = Field(description=ANSWERS_HELP, examples=[{"1": 2, "2": 1}])
    context: dict[str, Any] | None = Field(None, description=CONTEXT_HELP)


class FlagOut(Schema):
    code: str
    item: str | None
    message: str


class ScoreOut(Schema):
    instrument: str
    complete: bool
    total: int | None
    subscales: dict[str, int | float]
    band: str | None
    positive: bool | None
    flags: list[FlagOut]


class Message(Schema):
    detail: str


class AdministrationIn(Schema):
    instrument: str = Field(description="Instrument code, e.g. phq-9.")
    answers: dict[str, Any] = Field(description=ANSWERS_HELP)
    context: dict[str, Any] | None = Field(
        None, description=CONTEXT_HELP + " AUDIT-C defaults to the record's sex at birth."
    )
    mode: Literal["staff-entered", "self-report"] = "staff-entered"
    supersedes: UUID | None = Field(None, description="Id of the administration this corrects.")
    reason: str = Field("", description="Why: required with supersedes.")
    allow_incomplete: bool = Field(
        False, description="Record missing answers knowingly: no total, band or positive."
    )
    overrides: dict[str, Any] | None = Field(
        None, description='Program cut-off, e.g. {"positive_threshold": 4} for DAST-10.'
    )
    completed_at: datetime | None = Field(None, description="Defaults to now.")


class AdministrationOut(ScoreOut):
    id: UUID
    mode: str
    completed_at: datetime
    administered_by: str
    critical: bool = Field(description="A critical answer raised an alert.")
    thresholds: dict[str, Any]
    supersedes: UUID | None
    correction_reason: str
    superseded: bool
    entered_in_error: bool


def _summary(instrument) -> InstrumentSummary:
    return InstrumentSummary(
        code=instrument.code,
        name=instrument.name,
        short_name=instrument.short_name,
        description=instrument.description,
        recall_period=instrument.recall_period,
        item_count=len(instrument.items),
        loinc_panel=instrument.loinc_panel,
        loinc_total=instrument.loinc_total,
        wording=instrument.wording,
        paper_form_only=instrument.licence.paper_form_only,
        prescreen_for=instrument.prescreen_for,
    )


def _invalid(message: str, field: str | None = None) -> Status:
    """A refusal about the request rather than one item (instrument, mode, supersedes, reason)."""
    return Status(422, field_errors((field, message)))


def _item_errors(errors: list[AnswerError]) -> Status:
    """The scorer's per-item errors as the API's field errors: item 9 is `answers.9`."""
    return Status(
        422,
        field_errors(
            *((f"answers.{e['item']}" if e["item"] else None, e["message"]) for e in errors)
        ),
    )


def _administration_out(row: Administration, *, superseded: bool) -> dict[str, Any]:
    return {
        **row.result_dict(),
        "id": row.public_id,
        "mode": row.mode,
        "completed_at": row.completed_at,
        "administered_by": str(row.recorded_by) if row.recorded_by else "",
        "critical": bool(row.critical_flags),
        "thresholds": row.thresholds,
        "supersedes": cast(Administration, row.supersedes).public_id if row.supersedes_id else None,
        "correction_reason": row.supersede_reason,
        "superseded": superseded,
        "entered_in_error": row.entered_in_error,
    }


@router.get(
    "/instruments",
    auth=None,
    response=list[InstrumentSummary],
    summary="List the instruments",
    description="Every screening and monitoring instrument Tandem can score. No sign-in needed.",
)
def list_instruments(request: HttpRequest):
    return [_summary(instrument) for instrument in instruments.all_instruments()]


@router.get(
    "/instruments/{code}",
    auth=None,
    response={200: InstrumentDefinition, 404: Message},
    summary="An instrument's full definition",
    description=(
        "Items with their published wording (or labels, for licensed paper forms), options "
        "and point values, skip rules, bands, positive rule, flags, LOINC codes, source, "
        "licence and copyright notice. No sign-in needed."
    ),
)
def get_instrument(request: HttpRequest, code: str):
    try:
        instrument = instruments.get(code)
    except instruments.UnknownInstrumentError:
        return Status(404, {"detail": f"No instrument has the code {code!r}."})
    return Status(200, instrument.to_dict())


@router.post(
    "/instruments/{code}/score",
    auth=None,
    response={200: ScoreOut, 404: Message, 422: FieldErrors},
    summary="Score answers (stores nothing)",
    description=(
        "Stateless: scores the answers with the shared scorer and returns the result; "
        "nothing is stored and no sign-in is needed. Unknown items, values outside an "
        "item's options and missing required answers give 422 with one entry per item."
    ),
)
def score_instrument(request: HttpRequest, code: str, body: ScoreIn):
    try:
        result = score(code, body.answers, body.context)
    except instruments.UnknownInstrumentError:
        return Status(404, {"detail": f"No instrument has the code {code!r}."})
    except ScoringError as exc:
        return _item_errors(exc.errors)
    return Status(200, result.to_dict())


@router.get(
    "/participants/{participant_id}/assessments",
    response={200: list[AdministrationOut], 403: Message, 404: Message},
    summary="A participant's assessment history",
    description=(
        "Every administration, newest first, including superseded and entered-in-error "
        "ones (flagged). Optional `instrument` filters by code. Audited as a view."
    ),
)
def list_assessments(request: ApiRequest, participant_id: UUID, instrument: str | None = None):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    return [
        _administration_out(row, superseded=row.is_superseded)
        for row in selectors.administrations_for(participant, instrument=instrument)
    ]


@router.post(
    "/participants/{participant_id}/assessments",
    response={201: AdministrationOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Record an administration",
    description=(
        "Scores the answers with the shared scorer and stores them as an administration of "
        "the participant's current episode; a critical answer (PHQ-9 item 9 above 0, any "
        "C-SSRS yes) raises an alert for the primary clinician. To correct one, pass "
        "`supersedes` and a `reason`. Audited."
    ),
)
def record_assessment(request: ApiRequest, participant_id: UUID, body: AdministrationIn):
    participant = participant_or_404(request, participant_id)
    require(request.auth, participant, Action.CREATE, Scope.CLINICAL)
    supersedes = None
    if body.supersedes is not None:
        supersedes = Administration.objects.filter(
            participant=participant, public_id=body.supersedes
        ).first()
        if supersedes is None:
            return _invalid("No administration of this participant has that id.", "supersedes")
    try:
        row = services.record_administration(
            participant,
            code=body.instrument,
            answers=body.answers,
            context=body.context,
            mode=body.mode,
            by=request.auth,
            supersedes=supersedes,
            reason=body.reason,
            overrides=body.overrides,
            allow_incomplete=body.allow_incomplete,
            completed_at=body.completed_at,
        )
    except services.InvalidAnswers as exc:
        return _item_errors(exc.errors)
    except InvalidInput as exc:
        return _invalid(exc.message, exc.field)
    return Status(201, _administration_out(row, superseded=False))
