"""Writes to the intake and the diagnoses: each one transaction with its audit event.

Audit events name the section and the fields that changed, never their content: the audit
trail is read by auditors, who see no clinical content.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from intake import icd10, sections
from intake.models import (
    DIAGNOSIS_TRANSITIONS,
    NEW_DIAGNOSIS_STATUSES,
    Diagnosis,
    DiagnosisStatus,
    Intake,
    IntakeSection,
    IntakeStatus,
)
from participants.access import Decision, Scope, require, require_with_capability
from participants.models import Episode
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.lifecycle import (
    add_addendum,
    check_transition,
    lock_current,
    save_new_version,
    sign,
)

MIN_REASON_LENGTH = 5


def content_hash(data_by_section: Mapping[str, Mapping[str, Any]]) -> str:
    """SHA-256 over the sections' content, for proving a signed intake never changed."""
    content = {key: data for key, data in data_by_section.items() if data}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def start_intake(episode: Episode, *, by: Any) -> Intake:
    """Open the episode's intake (version 1, a draft)."""
    decision = require(by, episode.participant, Action.CHANGE, Scope.CLINICAL)
    if not episode.is_open:
        raise InvalidInput("This episode is closed; an intake cannot be started on it.")
    try:
        with transaction.atomic():
            if Intake.objects.filter(episode=episode).exists():
                raise InvalidInput("This episode already has an intake.")
            intake = Intake.objects.create(
                participant=episode.participant, episode=episode, number=1, recorded_by=by
            )
            record_event(
                actor=by,
                event_type="intake.started",
                participant=episode.participant,
                record=intake,
                decision=decision,
                details={"episode": str(episode.public_id), "intake_version": 1},
            )
    except IntegrityError:
        raise ConcurrentEdit("intake") from None
    return intake


def save_section(
    intake: Intake,
    key: str,
    *,
    values: Mapping[str, Any],
    by: Any,
    expected_version: int,
    addendum_reason: str = "",
) -> IntakeSection:
    """Save one section. A draft changes in place; a signed intake is never changed: the
    save starts an addendum (the next version, copying the signed one and pointing back to
    it) and lands there. `expected_version` is the section's version the editor started
    from (0 for a section never saved); anything else means someone saved in between."""
    section = sections.get(key)
    data = sections.clean(section, values, today=intake.episode.program.today())
    decision = require(
        by, intake.participant, Action.CHANGE, Scope.CLINICAL, addendum=is_addendum(intake)
    )
    with transaction.atomic():
        current = Intake.objects.select_for_update().get(pk=intake.pk)
        row = IntakeSection.objects.filter(intake=current, key=key).first()
        if (row.version if row else 0) != expected_version:
            raise ConcurrentEdit("intake section")
        before = row.data if row else {}
        if before == data:
            return row or IntakeSection(intake=current, key=key, data={}, version=0)
        if current.is_signed:
            current = _start_addendum(current, by=by, reason=addendum_reason, decision=decision)
            row = IntakeSection.objects.filter(intake=current, key=key).first()
        if row is None:
            row = IntakeSection.objects.create(intake=current, key=key, data=data, recorded_by=by)
            event_type = "intake.section_added"
        else:
            row.data, row.recorded_by = data, by
            save_new_version(row, ["data", "recorded_by"])
            event_type = "intake.section_saved"
        save_new_version(current, [])
        row.intake = current
        changed = sorted(
            name for name in set(before) | set(data) if before.get(name) != data.get(name)
        )
        record_event(
            actor=by,
            event_type=event_type,
            participant=current.participant,
            record=row,
            decision=decision,
            details={
                "intake": str(current.public_id),
                "intake_version": current.number,
                "section": key,
                "fields": changed,
            },
        )
    return row


def _start_addendum(signed: Intake, *, by: Any, reason: str, decision: Decision) -> Intake:
    """The next version of a signed intake: a draft copy that supersedes it."""
    if Intake.objects.filter(supersedes=signed).exists():
        raise ConcurrentEdit("intake")
    addendum = add_addendum(
        signed,
        Intake(
            participant=signed.participant,
            episode=signed.episode,
            number=signed.number + 1,
            recorded_by=by,
        ),
        by=by,
        reason=reason,
        decision=decision,
        what="intake",
        details={"intake_version": signed.number + 1},
        event_type="intake.addendum_started",
    )
    IntakeSection.objects.bulk_create(
        IntakeSection(intake=addendum, key=s.key, data=s.data, recorded_by=s.recorded_by)
        for s in signed.sections.all()
    )
    return addendum


def is_addendum(intake: Intake) -> bool:
    """A signed intake takes addenda, and an addendum's draft is finished and signed as one:
    both stay open after discharge, when the chart is otherwise closed."""
    return intake.is_signed or intake.supersedes_id is not None


def sign_intake(intake: Intake, *, by: Any, expected_version: int) -> Intake:
    """Sign a draft: it is locked from now on, with a hash of what was signed."""
    decision = require_with_capability(
        by,
        intake.participant,
        "clinical.sign",
        Action.CHANGE,
        Scope.CLINICAL,
        refusal="Only a licensed clinician can sign an intake.",
        addendum=is_addendum(intake),
    )
    with transaction.atomic():
        current = Intake.objects.select_for_update().get(pk=intake.pk)
        if current.is_signed:
            raise InvalidInput("This version of the intake is already signed.")
        if current.version != expected_version:
            raise ConcurrentEdit("intake")
        data = {row.key: row.data for row in current.sections.all()}
        missing = sections.missing_for_signing(data)
        if missing:
            raise InvalidInput("Before signing, fill in: " + "; ".join(missing) + ".")
        digest = content_hash(data)
        return sign(
            current,
            by=by,
            expected_version=expected_version,
            decision=decision,
            what="intake",
            also={"status": IntakeStatus.SIGNED, "content_sha256": digest},
            event_type="intake.signed",
            details={
                "changes": {"status": {"before": "draft", "after": "signed"}},
                "intake_version": current.number,
                "content_sha256": digest,
            },
        )


def add_diagnosis(
    episode: Episode,
    *,
    code: str,
    status: str,
    made_on: date,
    by: Any,
    note: str = "",
) -> Diagnosis:
    """Record an ICD-10-CM diagnosis from the curated list on the episode."""
    participant = episode.participant
    decision = require_with_capability(
        by,
        participant,
        "diagnosis.record",
        Action.CHANGE,
        Scope.CLINICAL,
        refusal="Only a licensed clinician can make a diagnosis.",
    )
    found = icd10.validate(code)
    if status not in NEW_DIAGNOSIS_STATUSES:
        raise InvalidInput(
            "A new diagnosis is provisional, confirmed or in remission.", field="status"
        )
    if made_on > episode.program.today():
        raise InvalidInput("The diagnosis date cannot be in the future.", field="made_on")
    with transaction.atomic():
        Episode.objects.select_for_update().get(pk=episode.pk)  # one add per episode at a time
        existing = Diagnosis.objects.filter(
            episode=episode, code=found.code, status__in=NEW_DIAGNOSIS_STATUSES
        ).first()
        if existing is not None:
            raise InvalidInput(
                f"{found.code} is already on this episode ({existing.get_status_display().lower()}"
                "). Change its status instead.",
                field="code",
            )
        diagnosis = Diagnosis.objects.create(
            participant=participant,
            episode=episode,
            **found.diagnosis_fields(),
            status=status,
            note=(note or "").strip(),
            recorded_by=by,
            made_on=made_on,
        )
        record_event(
            actor=by,
            event_type="diagnosis.recorded",
            participant=participant,
            record=diagnosis,
            decision=decision,
            details={"episode": str(episode.public_id), "status": status},
        )
    return diagnosis


def change_diagnosis_status(
    diagnosis: Diagnosis, *, to_status: str, by: Any, expected_version: int, note: str = ""
) -> Diagnosis:
    """Move a diagnosis along its lifecycle (confirm, remission, resolve, entered in error)."""
    decision = require_with_capability(
        by,
        diagnosis.participant,
        "diagnosis.record",
        Action.CHANGE,
        Scope.CLINICAL,
        refusal="Only a licensed clinician can change a diagnosis.",
    )
    if to_status not in DiagnosisStatus.values:
        raise InvalidInput(f"{to_status!r} is not a diagnosis status.", field="to_status")
    note = (note or "").strip()
    if to_status == DiagnosisStatus.ENTERED_IN_ERROR and len(note) < MIN_REASON_LENGTH:
        raise InvalidInput("Say why this diagnosis was entered in error.", field="note")
    with transaction.atomic():
        current = lock_current(
            Diagnosis, diagnosis.pk, expected_version=expected_version, what="diagnosis"
        )
        check_transition(
            DIAGNOSIS_TRANSITIONS, DiagnosisStatus, current.status, to_status, subject="A diagnosis"
        )
        before = current.status
        current.status = to_status
        current.status_changed_by = by
        current.status_changed_at = timezone.now()
        current.status_note = note
        changed = ["status", "status_changed_by", "status_changed_at", "status_note"]
        if to_status == DiagnosisStatus.ENTERED_IN_ERROR:
            # The lifecycle's last step is the record's withdrawal: current() leaves it out.
            current.entered_in_error_at = current.status_changed_at
            current.entered_in_error_by = by
            current.entered_in_error_reason = note
            changed += ["entered_in_error_at", "entered_in_error_by", "entered_in_error_reason"]
        save_new_version(current, changed)
        record_event(
            actor=by,
            event_type="diagnosis.status_changed",
            participant=current.participant,
            record=current,
            decision=decision,
            details={"changes": {"status": {"before": before, "after": to_status}}},
        )
    return current
