"""Recording drug screens, their confirmations and clinicians' last-use entries."""

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from audit.models import Action
from audit.services import record_event
from participants.access import (
    Decision,
    Scope,
    decide_with_capability,
    require,
    require_capability,
    require_with_capability,
    uses_staff_pages,
)
from participants.models import Participant
from participants.selectors import current_episode
from screens import interpret, panels, self_report
from screens.models import (
    KEEPS_PANELS,
    REVIEWS_RESULTS,
    TAMPERED,
    Confirmation,
    DrugScreen,
    Method,
    Panel,
    PanelAnalyte,
    Result,
    ScreenResult,
    ScreenReview,
    Specimen,
    UseReport,
    Validity,
    reads,
)
from screens.selectors import finding_flags, medication_codes_on, previous_collection
from tandem import dates, lifecycle
from tandem.errors import InvalidInput
from tandem.hooks import Hook
from tandem.validation import validate

# Called inside the write's transaction as hook(participant_id) whenever a participant's
# screens or reported use change: a screen recorded, a result's confirmation, a last use
# entered (a screen entered in error follows `tandem.lifecycle.WITHDRAWN`). Outcomes registers
# one that keeps its abstinence facts current.
ChangedHook = Callable[[int], object]
CHANGED: Hook[ChangedHook] = Hook("screens.changed")


def _changed(participant_id: int) -> None:
    for hook in CHANGED.implementations():
        hook(participant_id)


def _choice(value: str, choices: type[models.TextChoices], field: str, what: str) -> str:
    if value not in choices.values:
        options = ", ".join(choices.values)
        raise InvalidInput(f"Choose the {what}: one of {options}.", field=field)
    return value


def _read_by(specimen: str, method: str) -> None:
    if not reads(method, specimen):
        raise InvalidInput(
            "A breath specimen is read by a breath alcohol analyser, and the analyser reads "
            "only breath.",
            field="method",
        )


def record_screen(
    participant: Participant,
    *,
    by: Any,
    panel: Panel,
    results: Mapping[str, str],
    collected_at: datetime,
    observed: bool,
    method: str = "",
    specimen: str = "",
    validity: str = Validity.NOT_CHECKED,
    collected_by: Any = None,
    note: str = "",
    now: datetime | None = None,
) -> DrugScreen:
    """Record a screen with a result for every analyte of its panel, each read against the
    medication list on the collection day and the self-reports since the previous screen."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    if not panel.is_active or panel.organization_id not in (None, participant.organization_id):
        raise InvalidInput("Choose one of the program's panels in use.", field="panel")
    now = now or timezone.now()
    method = _choice(method or panel.method, Method, "method", "method")
    specimen = _choice(specimen or panel.specimen, Specimen, "specimen", "specimen")
    _read_by(specimen, method)
    validity = _choice(validity, Validity, "validity", "specimen validity")
    if timezone.is_naive(collected_at):
        raise InvalidInput("Give the collection time with its time zone.", field="collected_at")
    dates.check(collected_at.date(), field="collected_at", label="The collection date")
    if collected_at > now + timedelta(minutes=5):
        raise InvalidInput("The collection time cannot be in the future.", field="collected_at")
    analytes = list(panel.analytes.all())
    codes = {a.code for a in analytes}
    unknown = sorted(set(results) - codes)
    if unknown:
        raise InvalidInput(
            f"This panel has no analyte {', '.join(unknown)}; it has {', '.join(sorted(codes))}.",
            field="results",
        )
    missing = [a.code for a in analytes if a.code not in results]
    if missing:
        raise InvalidInput(f"Give a result for {', '.join(missing)}.", field="results")
    for code, value in results.items():
        _choice(value, Result, "results", f"result for {code}")
    collected_by = collected_by or by
    if not uses_staff_pages(collected_by):
        raise InvalidInput("The collector is a staff member.", field="collected_by")
    episode = current_episode(participant)
    meds = medication_codes_on(participant, timezone.localdate(collected_at))
    reported = self_report.between(
        participant, previous_collection(participant, collected_at), collected_at
    )
    readings = interpret.read_screen(
        [(a.code, results[a.code]) for a in analytes],
        validity=validity,
        medication_codes=meds,
        self_report=reported,
    )
    discordance = interpret.specimen_discordance(validity, reported)
    screen = DrugScreen(
        participant=participant,
        episode=episode,
        panel=panel,
        specimen=specimen,
        method=method,
        observed=bool(observed),
        collected_by=collected_by,
        collected_at=collected_at,
        validity=validity,
        note=(note or "").strip(),
        self_report_discordance=discordance,
        recorded_by=by,
        recorded_at=now,
    )
    validate(screen, exclude=["participant", "episode", "panel", "collected_by", "recorded_by"])
    with transaction.atomic():
        screen.save()
        ScreenResult.objects.bulk_create(
            ScreenResult(
                screen=screen,
                analyte=analyte,
                result=reading.result,
                flag=reading.flag or "",
                flag_reason=reading.why,
            )
            for analyte, reading in zip(analytes, readings, strict=True)
        )
        _changed(participant.pk)
        record_event(
            actor=by,
            event_type="drug_screen.recorded",
            decision=decision,
            participant=participant,
            record=screen,
            details={
                "part2": True,
                "flags": sorted(
                    {r.flag for r in readings if r.flag}
                    | ({interpret.SELF_REPORT_DISCORDANT} if discordance else set())
                ),
            },
        )
    return screen


def record_confirmation(
    result: ScreenResult, *, by: Any, confirmation: str, now: datetime | None = None
) -> ScreenResult:
    """Sent for confirmation, or its outcome: a confirmed result re-reads the analyte."""
    screen = result.screen
    participant = screen.participant
    decision = require(by, participant, Action.CHANGE, Scope.CLINICAL)
    confirmation = _choice(confirmation, Confirmation, "confirmation", "confirmation")
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            ScreenResult.objects.select_for_update()
            .select_related("screen", "analyte")
            .get(pk=result.pk)
        )
        if row.screen.entered_in_error:
            raise InvalidInput("This drug screen is entered in error.")
        before = row.confirmation
        if row.has_confirmation:
            raise InvalidInput("This result already has its confirmation.", field="confirmation")
        if confirmation == before:
            raise InvalidInput("That is already recorded.", field="confirmation")
        row.confirmation = confirmation
        fields = ["confirmation", "modified_at"]
        if confirmation == Confirmation.SENT:
            row.confirmation_sent_at = now
            fields.append("confirmation_sent_at")
        elif confirmation in (Confirmation.POSITIVE, Confirmation.NEGATIVE):
            row.confirmed_at = now
            # A confirmation reads the analyte anew, but a tampered specimen stays one
            # (§10: "Tampered = presumptive positive"; nothing there says a confirmation on
            # that same specimen clears it), so its analytes keep their tampered reading.
            tampered = row.screen.validity in TAMPERED
            reading = interpret.read_analyte(
                row.analyte.code,
                row.standing_result,
                validity=row.screen.validity if tampered else Validity.VALID,
                medication_codes=medication_codes_on(participant, row.screen.collected_on),
                self_report=self_report.between(
                    participant,
                    previous_collection(participant, row.screen.collected_at),
                    row.screen.collected_at,
                ),
            )
            row.flag, row.flag_reason = reading.flag or "", reading.why
            fields += ["confirmed_at", "flag", "flag_reason"]
        row.save(update_fields=fields)
        _changed(participant.pk)
        record_event(
            actor=by,
            event_type="drug_screen.confirmation",
            decision=decision,
            participant=participant,
            record=row.screen,
            details={
                "part2": True,
                "analyte": row.analyte.code,
                "changes": {"confirmation": {"before": before, "after": confirmation}},
            },
        )
    return row


def may_review(user: Any, participant: Participant) -> bool:
    """Whether the tab offers this person the review: `require_reviewer` would let them."""
    return decide_with_capability(
        user, participant, REVIEWS_RESULTS, Action.CREATE, Scope.CLINICAL
    ).allowed


def require_reviewer(by: Any, participant: Participant) -> Decision:
    """Whether this person may review the participant's drug-screen results: they may write
    the clinical record and their role reviews results (a refusal is audited)."""
    return require_with_capability(
        by,
        participant,
        REVIEWS_RESULTS,
        Action.CREATE,
        Scope.CLINICAL,
        refusal="Your role does not review drug-screen results.",
    )


def _why_not_to_review(screen: DrugScreen) -> str:
    """Which part of `DrugScreen.needs_review` a screen fails, in words."""
    if screen.entered_in_error:
        return "This drug screen is entered in error."
    if ScreenReview.objects.filter(screen=screen).exists():
        return "This drug screen is already reviewed."
    return "This drug screen has no unexpected result to review."


def review_screen(
    screen: DrugScreen, *, by: Any, comment: str, now: datetime | None = None
) -> ScreenReview:
    """A clinician who may review results records that the screen's unexpected findings were
    seen and what was done, as a record of its own (the screen never changes). Refused unless
    the screen `needs_review` (read under its lock, as the home's list reads it). One review
    per screen: a second, or two sent at once, is refused by the screen's unique review."""
    participant = screen.participant
    decision = require_reviewer(by, participant)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(
            "Say in a few words what was done (Discussed with participant; dose unchanged).",
            field="comment",
        )
    review = ScreenReview(
        screen=screen, comment=comment, recorded_by=by, recorded_at=now or timezone.now()
    )
    validate(review, exclude=["screen", "recorded_by"])
    with transaction.atomic():
        row = DrugScreen._base_manager.select_for_update().get(pk=screen.pk)
        if not DrugScreen.objects.needing_review().filter(pk=row.pk).exists():
            raise InvalidInput(_why_not_to_review(row))
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            raise InvalidInput("This drug screen is already reviewed.") from None
        record_event(
            actor=by,
            event_type="drug_screen.reviewed",
            decision=decision,
            participant=participant,
            record=screen,
            details={"part2": True, "flags": finding_flags(row)},
        )
    return review


def mark_entered_in_error(screen: DrugScreen, *, by: Any, reason: str) -> DrugScreen:
    decision = require(by, screen.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            screen,
            by=by,
            reason=reason,
            decision=decision,
            what="drug screen",
            event_type="drug_screen.entered_in_error",
        )


def record_last_use(
    participant: Participant,
    *,
    by: Any,
    last_used_on: date,
    substance: str = "",
    note: str = "",
    now: datetime | None = None,
) -> UseReport:
    """A clinician's entry of the last known use: no later than today in the program's time
    zone, so the chart header never counts days since a use still to come."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    now = now or timezone.now()
    dates.check(last_used_on, field="last_used_on", label="The day of last use")
    if last_used_on > timezone.localdate(now):
        raise InvalidInput("The day of last use cannot be in the future.", field="last_used_on")
    report = UseReport(
        participant=participant,
        last_used_on=last_used_on,
        substance=(substance or "").strip(),
        note=(note or "").strip(),
        recorded_by=by,
        recorded_at=now,
    )
    validate(report, exclude=["participant", "recorded_by"])
    with transaction.atomic():
        report.save()
        _changed(participant.pk)
        record_event(
            actor=by,
            event_type="use_report.recorded",
            decision=decision,
            participant=participant,
            record=report,
            details={"part2": True},
        )
    return report


# A short code of capitals and digits, as the seeded panels' (THC, 6AM, MDMA): it names the
# analyte's result field on the record page and is what the interpretation reads.
ANALYTE_CODE = re.compile(r"[A-Z0-9]{2,10}")
PANEL_NAME_MAX = 120
SOURCE_MAX = 200
ANALYTE_NAME_MAX = 120
UNIT_MAX = 20
ANALYTES_MAX = 30
# PanelAnalyte.cutoff: ten digits, three of them after the point.
CUTOFF_MAX = Decimal("9999999.999")


@dataclass(frozen=True)
class NewAnalyte:
    """One analyte of a panel being added, as typed: a blank cut-off (and unit) is one
    printed on the device."""

    code: str
    name: str
    cutoff: str = ""
    unit: str = ""


def _words(value: str | None) -> str:
    return " ".join((value or "").split())


def _cutoff(row: NewAnalyte, unit: str) -> Decimal | None:
    text = (row.cutoff or "").strip()
    if not text:
        if unit:
            raise InvalidInput(
                f"{row.code}: give the cut-off for the unit {unit}, or leave both blank when "
                "the cut-off is as printed on the device.",
                field="analytes",
            )
        return None
    try:
        cutoff = Decimal(text)
    except InvalidOperation:
        cutoff = None
    if cutoff is None or not cutoff.is_finite():
        raise InvalidInput(
            f"{row.code}: the cut-off is a number, such as 300 or 0.5.", field="analytes"
        )
    if cutoff <= 0:
        raise InvalidInput(f"{row.code}: the cut-off is more than zero.", field="analytes")
    if cutoff > CUTOFF_MAX or cutoff != cutoff.quantize(Decimal("0.001")):
        raise InvalidInput(
            f"{row.code}: the cut-off is at most {CUTOFF_MAX:,.0f}, with at most three decimals.",
            field="analytes",
        )
    if not unit:
        raise InvalidInput(f"{row.code}: give the cut-off's unit (ng/mL, g/dL).", field="analytes")
    return cutoff


def _analytes(rows: Sequence[NewAnalyte], source: str) -> list[PanelAnalyte]:
    """The panel's analytes in the order given, each checked; the first fault is refused."""
    if not rows:
        raise InvalidInput("Add at least one analyte, with its code and name.", field="analytes")
    if len(rows) > ANALYTES_MAX:
        raise InvalidInput(f"A panel has at most {ANALYTES_MAX} analytes.", field="analytes")
    analytes: list[PanelAnalyte] = []
    seen: set[str] = set()
    for order, row in enumerate(rows):
        code = (row.code or "").strip().upper()
        name = _words(row.name)
        unit = _words(row.unit)
        if not code:
            raise InvalidInput(f"Give {name or 'each analyte'} its short code.", field="analytes")
        if not ANALYTE_CODE.fullmatch(code):
            raise InvalidInput(
                f"{code[:20]}: an analyte's code is 2 to 10 letters or digits, such as FYL.",
                field="analytes",
            )
        if code in seen:
            raise InvalidInput(f"{code} is given twice: each analyte once.", field="analytes")
        seen.add(code)
        if not name:
            raise InvalidInput(f"{code}: name the analyte.", field="analytes")
        if len(name) > ANALYTE_NAME_MAX:
            raise InvalidInput(
                f"{code}: an analyte's name is at most {ANALYTE_NAME_MAX} characters.",
                field="analytes",
            )
        if len(unit) > UNIT_MAX:
            raise InvalidInput(
                f"{code}: a unit is at most {UNIT_MAX} characters.", field="analytes"
            )
        cutoff = _cutoff(NewAnalyte(code, name, row.cutoff, unit), unit)
        analytes.append(
            PanelAnalyte(
                code=code,
                name=name,
                cutoff=cutoff,
                unit=unit,
                cutoff_source=panels.DEVICE if cutoff is None else source,
                order=order,
            )
        )
    return analytes


def add_panel(
    organization: Any,
    *,
    by: Any,
    name: str,
    specimen: str,
    method: str,
    source: str,
    analytes: Sequence[NewAnalyte],
) -> Panel:
    """Add a panel the organization's screens may be recorded on from now: a device or lab
    order with its analytes and cut-offs as printed on it. Its code is generated, so two
    organizations may name their panels alike; an analyte code the interpretation knows
    (`panels.KNOWN_CODES`) is read as the seeded panels' analyte is."""
    decision = require_capability(
        by,
        KEEPS_PANELS,
        [organization.pk],
        event_type="drug_screen.panel_added",
        refusal="Your role does not keep the program's drug-screen panels.",
    )
    name = _words(name)
    source = _words(source)
    if not name:
        raise InvalidInput("Name the panel, as the device or the lab names it.", field="name")
    if len(name) > PANEL_NAME_MAX:
        raise InvalidInput(f"A panel's name is at most {PANEL_NAME_MAX} characters.", field="name")
    specimen = _choice(specimen, Specimen, "specimen", "specimen")
    method = _choice(method, Method, "method", "method")
    _read_by(specimen, method)
    if not source:
        raise InvalidInput(
            "Say where the cut-offs come from (the device's package insert, the lab's panel).",
            field="source",
        )
    if len(source) > SOURCE_MAX:
        raise InvalidInput(
            f"Where the cut-offs come from is at most {SOURCE_MAX} characters.", field="source"
        )
    rows = _analytes(analytes, source)
    public_id = uuid.uuid4()
    panel = Panel(
        public_id=public_id,
        code=f"{slugify(name)[:27].strip('-') or 'panel'}-{public_id.hex}",
        organization=organization,
        name=name,
        specimen=specimen,
        method=method,
        source=source,
    )
    validate(panel, exclude=["organization"])
    with transaction.atomic():
        taken = (
            Panel.objects.usable_by(organization.pk)
            .filter(is_active=True, name__iexact=name)
            .exists()
        )
        if taken:
            raise InvalidInput(
                f"A panel in use is already named {name}: give this one another name.",
                field="name",
            )
        panel.save()
        for row in rows:
            row.panel = panel
        PanelAnalyte.objects.bulk_create(rows)
        record_event(
            actor=by,
            event_type="drug_screen.panel_added",
            decision=decision,
            organization=organization,
            record=panel,
            details={"code": panel.code, "analytes": [row.code for row in rows]},
        )
    return panel


def retire_panel(panel: Panel, *, by: Any) -> Panel:
    """No longer offer the organization's panel for new screens; the screens recorded on it
    keep it. The shared panels are every program's and are not retired here."""
    return _put_in_use(panel, False, by=by)


def restore_panel(panel: Panel, *, by: Any) -> Panel:
    """Offer a retired panel of the organization's for new screens again (the device came
    back into use), so it need not be added anew under another code. The shared panels are
    never retired, so there is none to bring back; a panel in use with the same name is
    refused as adding one would be."""
    return _put_in_use(panel, True, by=by)


def _put_in_use(panel: Panel, in_use: bool, *, by: Any) -> Panel:
    """Retire or bring back one of an organization's own panels: the keeper's capability, the
    row locked, its state checked, changed and audited as one."""
    event_type = "drug_screen.panel_restored" if in_use else "drug_screen.panel_retired"
    if panel.organization_id is None:
        raise InvalidInput(
            "A shared panel is offered to every program and is never retired.", field="panel"
        )
    decision = require_capability(
        by,
        KEEPS_PANELS,
        [panel.organization_id],
        event_type=event_type,
        refusal="Your role does not keep the program's drug-screen panels.",
    )
    with transaction.atomic():
        row = Panel.objects.select_for_update().get(pk=panel.pk)
        if row.is_active == in_use:
            state = "in use" if in_use else "retired"
            raise InvalidInput(f"{row.name} is already {state}.", field="panel")
        if in_use and (
            Panel.objects.usable_by(row.organization_id)
            .filter(is_active=True, name__iexact=row.name)
            .exists()
        ):
            raise InvalidInput(
                f"A panel in use is already named {row.name}: retire it first.", field="panel"
            )
        row.is_active = in_use
        row.save(update_fields=["is_active", "modified_at"])
        record_event(
            actor=by,
            event_type=event_type,
            decision=decision,
            organization=row.organization,
            record=row,
            details={
                "code": row.code,
                "changes": {"is_active": {"before": not in_use, "after": in_use}},
            },
        )
    return row
