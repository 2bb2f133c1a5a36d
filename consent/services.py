"""Writes of consents: recording one, recording its revocation, marking the event it expires on
as happened, withdrawing a mistaken one.

Each asks the access policy first (the clinical record and the `consent.record` capability),
then writes in one transaction with its audit event. A consent is never edited.
"""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from consent.models import (
    EXPORTED_COPIES,
    PART2_KINDS,
    RECORD_COPIES,
    SUD_NOTES_INFORMATION,
    Consent,
    ConsentKind,
    ConsentRevocation,
    ConsentStatus,
    DisclosedCopy,
    Disclosure,
    Expiry,
    RevocationReceived,
    Signer,
    section_names,
    status_label,
)
from consent.recipients import LISTS
from participants.access import Decision, Scope, require_with_capability
from participants.export import copy_parts
from participants.models import Episode, Participant
from participants.selectors import current_episode, program_zone
from tandem import dates, lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.validation import validate

REFUSAL = "Your role does not record consents."
COPY_REFUSAL = "Your role does not give copies of the record."
# What only a Part 2 disclosure consent holds: a treatment or telehealth consent keeps none.
PART2_FIELDS = ("discloser", "information", "tpo", "recipients", "recipients_hipaa", "purpose")


def _today(participant: Participant, episode: Episode | None, now: datetime) -> date:
    return now.astimezone(program_zone(participant, episode)).date()


def record_consent(
    participant: Participant,
    *,
    by: Any,
    kind: str,
    signed_on: date | None,
    episode: Episode | None = None,
    discloser: str = "",
    information: str = "",
    parts: Collection[str] = (),
    tpo: bool = False,
    recipients: str = "",
    recipients_hipaa: bool = False,
    purpose: str = "",
    expiry: str = "",
    expires_on: date | None = None,
    expiry_event: str = "",
    signer: str = Signer.PARTICIPANT,
    representative_name: str = "",
    representative_relationship: str = "",
    note: str = "",
    named: dict[str, list[str]] | None = None,
    now: datetime | None = None,
) -> Consent:
    """Record a signed consent for the participant's stay (`episode`, their current one when
    not given). A Part 2 consent missing an element of §2.31(a) is refused naming it; a
    consent for SUD counseling notes describes those notes alone (filled in when left empty);
    a treatment or telehealth consent keeps only who signed, when, and its expiry.

    `parts` are the parts of the record (export section names) a Part 2 consent covers, ticked
    beside the participant's words: kept in the record's order; a consent to disclose Part 2
    records that ticks none is refused (`Consent.clean`), as is a name that is no part of the
    record, and any part on a consent for SUD counseling notes.

    `named` holds the recipients picked from the lists other modules keep, by list
    (`{"payers": [payer public id, ...]}`, `consent.recipients`), written with the consent in
    its transaction: one outside the organization's list is refused and nothing is written."""
    decision = require_with_capability(
        by, participant, "consent.record", Action.CREATE, Scope.CLINICAL, refusal=REFUSAL
    )
    now = now or timezone.now()
    if kind not in ConsentKind.values:
        raise InvalidInput("Choose the kind of consent.", field="kind")
    if episode is None:
        episode = current_episode(participant)
    elif episode.participant_id != participant.pk:
        raise InvalidInput("Choose a stay of this participant.", field="episode")
    if signer not in Signer.values:
        raise InvalidInput("Say who signed: the participant or a representative.", field="signer")
    if signed_on is None:
        raise InvalidInput("Give the date the consent was signed.", field="signed_on")
    dates.check(signed_on, field="signed_on", label="The signing date")
    if signed_on > _today(participant, episode, now):
        raise InvalidInput("The signing date cannot be after today.", field="signed_on")
    if expires_on is not None:
        dates.check(expires_on, field="expires_on", label="The expiry date")
    part2 = kind in PART2_KINDS
    if kind == ConsentKind.SUD_NOTES and not (information or "").strip():
        information = SUD_NOTES_INFORMATION
    consent = Consent(
        participant=participant,
        episode=episode,
        kind=kind,
        discloser=(discloser or "").strip() if part2 else "",
        information=(information or "").strip() if part2 else "",
        parts=_in_record_order(parts) if part2 else [],
        tpo=bool(tpo) and part2,
        recipients=(recipients or "").strip() if part2 else "",
        recipients_hipaa=bool(recipients_hipaa) and part2,
        purpose=(purpose or "").strip() if part2 else "",
        expiry=expiry or ("" if part2 else Expiry.NONE),
        expires_on=expires_on,
        expiry_event=(expiry_event or "").strip(),
        signer=signer,
        representative_name=(representative_name or "").strip(),
        representative_relationship=(representative_relationship or "").strip(),
        signed_on=signed_on,
        note=(note or "").strip(),
        recorded_by=by,
        recorded_at=now,
    )
    validate(consent, exclude=["participant", "episode", "recorded_by"])
    lists = {lst.key: lst for lst in LISTS.implementations()}
    picks = {key: list(ids) for key, ids in (named or {}).items() if ids} if part2 else {}
    for key in picks:
        if key not in lists:
            raise InvalidInput("Name recipients from a list the program keeps.", field="named")
    with transaction.atomic():
        consent.save()
        details: dict[str, Any] = {"kind": consent.kind, "tpo": consent.tpo}
        if consent.parts:
            details["parts"] = consent.parts
        for key, ids in picks.items():
            details[key] = lists[key].record(consent, ids)
        record_event(
            actor=by,
            event_type="consent.recorded",
            decision=decision,
            participant=participant,
            record=consent,
            details=details,
        )
    return consent


def _in_record_order(parts: Collection[str]) -> list[str]:
    """The parts ticked, each once, in the record's order; a name that is no part of the
    record stays, at the end, for the consent's validation to refuse."""
    ticked = set(parts)
    known = section_names()
    return [n for n in known if n in ticked] + sorted(str(n) for n in ticked - set(known))


def _dated_change(
    consent: Consent,
    by: Any,
    day: date | None,
    *,
    field: str,
    label: str,
    missing: str,
    now: datetime | None,
) -> tuple[Decision, datetime, date]:
    """What a change to a recorded consent dated on a past day (a revocation, the event it
    expires on) checks first: that `by` may record consents, even on a closed chart, and that
    the day is given, is a real date and is not after the program's today (the checked day is
    returned with the decision and the time)."""
    decision = require_with_capability(
        by,
        consent.participant,
        "consent.record",
        Action.CHANGE,
        Scope.CLINICAL,
        refusal=REFUSAL,
        addendum=True,
    )
    now = now or timezone.now()
    if day is None:
        raise InvalidInput(missing, field=field)
    dates.check(day, field=field, label=label)
    if day > _today(consent.participant, None, now):
        raise InvalidInput(f"{label} cannot be after today.", field=field)
    return decision, now, day


def revoke_consent(
    consent: Consent,
    *,
    by: Any,
    revoked_on: date | None,
    received: str,
    expected_version: int,
    note: str = "",
    now: datetime | None = None,
) -> ConsentRevocation:
    """Record that the participant revoked a consent in writing. The consent stays as it was;
    revoking it again, or from a page opened before someone else revoked it, is refused. A
    revocation received after discharge is still recorded (it adds to the record)."""
    participant = consent.participant
    decision, now, revoked_on = _dated_change(
        consent,
        by,
        revoked_on,
        field="revoked_on",
        label="The revocation date",
        missing="Give the date the revocation was received.",
        now=now,
    )
    if received not in RevocationReceived.values:
        raise InvalidInput(
            "Say how the revocation was received: in writing, on paper or electronically.",
            field="received",
        )
    with transaction.atomic():
        row = Consent._base_manager.select_for_update().get(pk=consent.pk)
        if row.entered_in_error:
            raise InvalidInput("This consent is entered in error; there is nothing to revoke.")
        if ConsentRevocation.objects.filter(consent=row).exists():
            raise InvalidInput("This consent is already revoked.")
        if row.version != expected_version:
            raise ConcurrentEdit("consent")
        revocation = ConsentRevocation(
            consent=row,
            revoked_on=revoked_on,
            received=received,
            note=(note or "").strip(),
            recorded_by=by,
            recorded_at=now,
        )
        validate(revocation, exclude=["consent", "recorded_by"])
        revocation.save()
        lifecycle.save_new_version(row, [])
        record_event(
            actor=by,
            event_type="consent.revoked",
            decision=decision,
            participant=participant,
            record=row,
            details={
                "kind": row.kind,
                "received": received,
                "changes": {"revoked_on": {"before": None, "after": revoked_on.isoformat()}},
            },
        )
    return revocation


def mark_expiry_event(
    consent: Consent,
    *,
    by: Any,
    happened_on: date | None,
    expected_version: int,
    now: datetime | None = None,
) -> Consent:
    """Mark that the event or condition a consent expires on happened, on `happened_on`: the
    consent is expired from that day, everywhere its status is read, as a date expiry is.
    Marked once; like a revocation it may be recorded after discharge (it adds to the record)."""
    participant = consent.participant
    decision, now, happened_on = _dated_change(
        consent,
        by,
        happened_on,
        field="happened_on",
        label="The day the event happened",
        missing="Give the day the event happened.",
        now=now,
    )
    with transaction.atomic():
        row = Consent._base_manager.select_for_update().get(pk=consent.pk)
        if row.entered_in_error:
            raise InvalidInput("This consent is entered in error; there is nothing to mark.")
        if row.expiry != Expiry.ON_EVENT:
            raise InvalidInput("This consent does not expire on an event or condition.")
        if row.event_happened_on is not None:
            raise InvalidInput("The event this consent expires on is already marked as happened.")
        if ConsentRevocation.objects.filter(consent=row).exists():
            raise InvalidInput("This consent is already revoked.")
        if row.version != expected_version:
            raise ConcurrentEdit("consent")
        if happened_on < row.signed_on:
            raise InvalidInput(
                "The event cannot have happened before the consent was signed.",
                field="happened_on",
            )
        row.event_happened_on = happened_on
        row.event_marked_by = by
        row.event_marked_at = now
        lifecycle.save_new_version(row, ["event_happened_on", "event_marked_by", "event_marked_at"])
        record_event(
            actor=by,
            event_type="consent.expiry_event_marked",
            decision=decision,
            participant=participant,
            record=row,
            details={
                "kind": row.kind,
                "changes": {
                    "event_happened_on": {"before": None, "after": happened_on.isoformat()}
                },
            },
        )
    return row


def mark_entered_in_error(
    consent: Consent, *, by: Any, reason: str, now: datetime | None = None
) -> Consent:
    """Withdraw a consent recorded by mistake: it stays readable and leaves every list."""
    decision = require_with_capability(
        by, consent.participant, "consent.record", Action.CHANGE, Scope.CLINICAL, refusal=REFUSAL
    )
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            consent,
            by=by,
            reason=reason,
            decision=decision,
            now=now,
            what="consent",
            event_type="consent.entered_in_error",
        )


def disclose_record(
    participant: Participant,
    *,
    by: Any,
    what: str,
    to_participant: bool,
    recipient: str = "",
    consent: Consent | None = None,
    parts: Collection[str] = (),
    now: datetime | None = None,
) -> Disclosure:
    """Log a copy of the record given out, before it is made. The participant's own copy needs
    no consent; a copy for anyone else needs a Part 2 consent of theirs in force today, whose
    recipients the staff member has checked. The consent is locked while the copy is logged, so
    a revocation recorded at the same moment is not missed.

    A copy of the record (printed or a file) carries the `parts` ticked, of those its maker may
    read: under a consent only what it covers (§2.31(a)): the parts it lists, a part it does
    not list refused; for one that lists none, what the staff member ticks against its words;
    the participant's own copy, every part when none is ticked."""
    exported = what in EXPORTED_COPIES
    action = Action.EXPORT if exported else Action.PRINT
    decision = require_with_capability(
        by,
        participant,
        "record.export",
        action,
        Scope.CLINICAL,
        refusal=COPY_REFUSAL,
    )
    now = now or timezone.now()
    if what not in DisclosedCopy.values:
        raise InvalidInput(
            "Choose the copy: the record printed or as a JSON file, the face sheet, or the "
            "history.",
            field="what",
        )
    recipient = (recipient or "").strip()
    if to_participant:
        recipient, consent = "", None
    elif not recipient:
        raise InvalidInput("Name who receives the copy.", field="recipient")
    elif consent is None:
        raise InvalidInput(
            "A copy for anyone but the participant needs their Part 2 consent in force: "
            "choose it, or record it first.",
            field="consent",
        )
    disclosure = Disclosure(
        participant=participant,
        consent=consent,
        to_participant=to_participant,
        recipient=recipient,
        what=what,
        recorded_by=by,
        recorded_at=now,
    )
    validate(disclosure, exclude=["participant", "consent", "recorded_by"])
    with transaction.atomic():
        if consent is not None:
            row = Consent._base_manager.select_for_update().get(pk=consent.pk)
            if row.participant_id != participant.pk or not row.is_part2:
                raise InvalidInput("Choose a Part 2 consent of this participant.", field="consent")
            status = row.status_on(_today(participant, None, now))
            if row.entered_in_error or status != ConsentStatus.IN_FORCE:
                label = "entered in error" if row.entered_in_error else status_label(status)
                raise InvalidInput(
                    f"This consent is not in force ({label}): no copy can be given under it.",
                    field="consent",
                )
        disclosure.parts = _copied_parts(
            participant, by, what, parts, under=row if consent is not None else None
        )
        disclosure.save()
        record_event(
            actor=by,
            event_type="consent.disclosed" if exported else "consent.printed",
            decision=decision,
            participant=participant,
            record=disclosure,
            details={
                "what": what,
                "to_participant": to_participant,
                "consent": str(consent.public_id) if consent else None,
                "parts": disclosure.parts,
            },
        )
    return disclosure


def _copied_parts(
    participant: Participant,
    by: Any,
    what: str,
    parts: Collection[str],
    *,
    under: Consent | None,
) -> list[str]:
    """The parts a copy of the record carries, in the record's order; none for a face sheet or
    a history, which are not parts of the record. Under a consent that lists the parts it
    covers, only those."""
    if what not in RECORD_COPIES:
        return []
    readable = [name for name, _ in copy_parts(by, participant)]
    if any(part not in readable for part in parts):
        raise InvalidInput("Tick only parts of the record you may copy.", field="parts")
    if under is not None and not all(under.covers(part) for part in parts):
        raise InvalidInput(
            "This consent covers only these parts of the record: "
            f"{', '.join(under.part_titles)}. Tick those alone.",
            field="parts",
        )
    if not parts and under is not None:
        raise InvalidInput(
            "Tick the parts of the record the consent's description of the information covers: "
            "a copy under a consent carries those alone.",
            field="parts",
        )
    return [name for name in readable if name in parts or not parts]
