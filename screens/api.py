"""Drug screens over the JSON API: `GET|POST /participants/{id}/drug-screens`, and
`POST /participants/{id}/drug-screens/{screen_id}/review` for a screen's unexpected results,
and `GET /drug-screen-panels`, the panels a screen may be recorded on.

Each screen carries `interpretation: [{"analyte", "result", "flag"}]`, read against the
medication list and the self-reports since the previous screen (see screens.interpret), its
`specimen_reading` when the specimen was adulterated or substituted (a presumptive positive,
clinical reference §10), with `self_report_discordance` when the participant had reported no
use since the previous screen, and its `review` once a clinician has reviewed its unexpected
results.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from audit.models import Action
from participants.access import Scope, authorize, organizations_where_possible, require
from participants.api import participant_or_404, refusal_shows_record
from screens import selectors, services
from screens.models import DrugScreen, Panel, PanelAnalyte, ScreenReview
from tandem.api_errors import FieldErrors
from tandem.errors import AccessDenied

router = Router(tags=["drug screens"])
# The panels are no participant's: their list is mounted beside the participants' routes.
panels_router = Router(tags=["drug screens"])

FlagName = Literal[
    "expected-positive",
    "unexpected-positive",
    "unexpected-negative",
    "self-report-discordant",
    "invalid",
    "tampered-specimen",
]


class Message(Schema):
    detail: str


class ScreenIn(Schema):
    panel: str = Field(
        description=(
            "Panel code: a shared one (urine-cup-hhs, breath-alcohol) or one the program "
            "added, as its drug-screen panels page shows it."
        )
    )
    collected_at: datetime = Field(description="With its time zone.")
    observed: bool
    method: str = Field("", description="Defaults to the panel's method.")
    specimen: str = Field("", description="Defaults to the panel's specimen.")
    validity: Literal["valid", "dilute", "adulterated", "substituted", "not-checked"] = (
        "not-checked"
    )
    results: dict[str, Literal["positive", "negative", "invalid"]] = Field(
        description='Analyte code → result, one for every analyte of the panel: {"BUP": "positive"}.'
    )
    note: str = ""


class Reading(Schema):
    analyte: str
    result: str = Field(description="As it stands: a confirmation replaces the immunoassay's.")
    flag: FlagName | None
    presumptive: bool = Field(description="A positive immunoassay not yet confirmed.")
    why: str


class SpecimenReading(Schema):
    reading: Literal["presumptive-positive"]
    why: str


class ReviewIn(Schema):
    comment: str = Field(
        description="What was done, in a few words: Discussed with participant; dose unchanged.",
    )


class ReviewOut(Schema):
    reviewed_by: str
    reviewed_at: datetime
    comment: str


class ScreenOut(Schema):
    id: UUID
    panel: str
    specimen: str
    method: str
    observed: bool
    collected_at: datetime
    collected_by: str
    validity: str
    interpretation: list[Reading]
    specimen_reading: SpecimenReading | None = Field(
        description=(
            "The specimen's own reading: an adulterated or substituted specimen is a "
            "presumptive positive, treated as use until shown otherwise (clinical reference "
            "§10, ASAM), whatever each analyte's flag."
        )
    )
    self_report_discordance: str | None = Field(
        description=(
            "Why a tampered specimen, a presumptive positive, differs from the participant's "
            "report of no use since the previous screen (clinical reference §10 rule 4); null "
            "when it does not. A readable specimen's difference is its analytes' "
            "`self-report-discordant` flag."
        )
    )
    needs_review: bool = Field(
        description=(
            "Waits for a clinician's review: a tampered specimen or an unexpected result, "
            "not yet reviewed (the rule of the home's list and of the review itself)."
        )
    )
    review: ReviewOut | None
    part2: bool = Field(default=True, description="Drug screens are 42 CFR Part 2 records.")


class AnalyteOut(Schema):
    code: str = Field(description="The code a screen's `results` name it by.")
    name: str
    cutoff: str | None = Field(
        description='As a decimal string ("300"); null when it is as printed on the device.'
    )
    unit: str
    cutoff_source: str


class PanelOut(Schema):
    code: str = Field(description="What a screen's `panel` names.")
    name: str
    specimen: str
    method: str
    source: str = Field(description="Where the cut-offs come from.")
    shared: bool = Field(description="Seeded for every program; false for a program's own.")
    organization: str | None = Field(
        description="The id of the organization whose own panel it is (a screen of its "
        "participants only may be recorded on it); null for a shared one."
    )
    analytes: list[AnalyteOut] = Field(description="In the panel's order.")


def _analyte_out(analyte: PanelAnalyte) -> AnalyteOut:
    return AnalyteOut(
        code=analyte.code,
        name=analyte.name,
        cutoff=None if analyte.cutoff is None else f"{analyte.cutoff.normalize():f}",
        unit=analyte.unit,
        cutoff_source=analyte.cutoff_source,
    )


def _panel_out(panel: Panel) -> PanelOut:
    return PanelOut(
        code=panel.code,
        name=panel.name,
        specimen=panel.specimen,
        method=panel.method,
        source=panel.source,
        shared=panel.shared,
        organization=str(panel.organization.public_id) if panel.organization else None,
        analytes=[_analyte_out(a) for a in panel.analytes.all()],
    )


def _review_out(review: ScreenReview) -> ReviewOut:
    return ReviewOut(
        reviewed_by=str(review.recorded_by or ""),
        reviewed_at=review.recorded_at,
        comment=review.comment,
    )


def _out(screen: DrugScreen) -> ScreenOut:
    review = getattr(screen, "review", None)
    return ScreenOut(
        id=screen.public_id,
        panel=screen.panel.code,
        specimen=screen.specimen,
        method=screen.method,
        observed=screen.observed,
        collected_at=screen.collected_at,
        collected_by=str(screen.collected_by or ""),
        validity=screen.validity,
        interpretation=[Reading.model_validate(r) for r in selectors.readings(screen)],
        specimen_reading=(
            SpecimenReading(reading="presumptive-positive", why=screen.specimen_reading)
            if screen.specimen_reading
            else None
        ),
        self_report_discordance=screen.self_report_discordance or None,
        needs_review=screen.needs_review,
        review=_review_out(review) if review is not None else None,
    )


@panels_router.get(
    "/drug-screen-panels",
    response={200: list[PanelOut], 403: Message},
    summary="The drug-screen panels one may record screens on",
    description=(
        "The shared panels and those the caller's organizations added, retired ones left "
        "out, each with its analytes: where a client learns the codes a screen's `panel` "
        "and `results` name. No participant's data, so not audited."
    ),
)
def list_panels(request: ApiRequest):
    # Asked by organization, before any participant, of the rule that decides recording
    # (`record_screen`), which still decides for the participant named.
    organizations = organizations_where_possible(request.auth, Action.CREATE, Scope.CLINICAL)
    if not organizations:
        raise AccessDenied("Your role does not record drug screens.")
    return [_panel_out(p) for p in selectors.active_panels(*organizations)]


@router.get(
    "/{participant_id}/drug-screens",
    response={200: list[ScreenOut], 403: Message, 404: Message},
    summary="A participant's drug screens",
    description="Newest first, each analyte with its result and reading. Audited as a view.",
)
def list_screens(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    return [_out(s) for s in selectors.screens_for(participant)]


@router.post(
    "/{participant_id}/drug-screens",
    response={201: ScreenOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Record a drug screen",
    description=(
        "A result for every analyte of the panel. Positive immunoassay results are "
        "presumptive until confirmed. Audited."
    ),
)
def record_screen(request: ApiRequest, participant_id: UUID, body: ScreenIn):
    participant = participant_or_404(request, participant_id)
    require(request.auth, participant, Action.CREATE, Scope.CLINICAL)
    panel = selectors.usable_panel(participant.organization_id, code=body.panel)
    if panel is None:
        return Status(
            422, {"detail": [{"field": "panel", "message": "No active panel has that code."}]}
        )
    screen = services.record_screen(
        participant,
        by=request.auth,
        panel=panel,
        results=body.results,
        collected_at=body.collected_at,
        observed=body.observed,
        method=body.method,
        specimen=body.specimen,
        validity=body.validity,
        note=body.note,
    )
    return Status(201, _out(selectors.one_screen(screen.pk)))


@router.post(
    "/{participant_id}/drug-screens/{screen_id}/review",
    response={201: ReviewOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Review a drug screen's unexpected results",
    description=(
        "Records that the screen's unexpected results (an unexpected positive or negative, an "
        "invalid result, a tampered specimen) were seen and what was done, as the tab's review "
        "does. Once per screen: a second review is a 422. Audited."
    ),
)
def review_screen(request: ApiRequest, participant_id: UUID, screen_id: UUID, body: ReviewIn):
    participant = participant_or_404(request, participant_id)
    screen = DrugScreen.objects.filter(public_id=screen_id, participant=participant).first()
    if screen is None:
        # Only someone who may review hears that there is no such screen: anyone else gets
        # the refusal a real screen would give them.
        services.require_reviewer(request.auth, participant)
        return Status(404, {"detail": "No such drug screen."})
    # The service asks the policy, once: a refusal is the same 403 as above.
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="review"):
        review = services.review_screen(screen, by=request.auth, comment=body.comment)
    return Status(201, _review_out(review))
