"""Every write to notes: draft, change, sign (with the golden thread and the copy-forward
check), late entries, co-signature, entered-in-error, and the group note.

Each write checks the access policy before its transaction (so a refusal's audit event is
kept) and writes its own audit event inside it. Audit events name the fields that changed,
never their content.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Program
from audit.models import Action
from audit.services import record_event
from notes import privacy, session_notes, similarity, thread
from notes.access import require_group_write, require_member, require_note_capability
from notes.models import (
    ABSENCE_MAX,
    JUSTIFICATION_MAX,
    TOPIC_MAX,
    AbsenceEntry,
    CoSignature,
    CurriculumModule,
    GroupNote,
    NoteFormat,
    NoteKind,
    NoteMode,
    NoteSettings,
    ProgressNote,
)
from participants.access import (
    Decision,
    Scope,
    holds_listed_role,
    may,
    require,
)
from participants.models import Participant
from participants.selectors import current_episode
from scheduling.models import Session
from tandem import dates, lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.hooks import Hook
from tandem.templatetags.clock import day
from tandem.validation import validate

SECTION_MAX = 20_000
WRITABLE_KINDS = (NoteKind.INDIVIDUAL, NoteKind.FAMILY, NoteKind.MEDICATION)

# Called inside the write's transaction as hook(participant_id) whenever a participant's
# progress notes are written: drafted, changed, signed, a late entry, a group member's note
# (one entered in error follows `tandem.lifecycle.WITHDRAWN`). Outcomes registers one that
# keeps its notes-on-time facts current.
ChangedHook = Callable[[int], object]
CHANGED: Hook[ChangedHook] = Hook("notes.changed")


def _changed(participant_id: int) -> None:
    for hook in CHANGED.implementations():
        hook(participant_id)


class SignedNote(ConcurrentEdit):
    """A change to a signed note: it never changes; a late entry is an addendum."""

    def __init__(self, what: str = "note") -> None:
        super().__init__(
            what,
            message=f"This {what} is signed and cannot be changed; add a late entry (an "
            "addendum) instead.",
        )


def settings_for(program: Program | None) -> NoteSettings:
    """The program's note settings, or the defaults when it has not set any."""
    if program is None:
        return NoteSettings()
    found = NoteSettings.objects.filter(program=program).first()
    return found or NoteSettings(program=program)


def formats_for(program: Program | None) -> list[NoteFormat]:
    """The shared formats and the program's own, active ones only."""
    rows = NoteFormat.objects.filter(is_active=True)
    if program is not None:
        return list(rows.filter(program__isnull=True) | rows.filter(program=program))
    return list(rows.filter(program__isnull=True))


def due_at(program: Program | None, session: Session | None, day: date, end: time | None):
    """When a note is due: the program's hours after its session (or its own end time), in
    elapsed time, so a clock change in between moves neither by an hour."""
    hours = timedelta(hours=settings_for(program).due_hours)
    if session is not None:
        return session.ends_at + hours
    tz = program.tz if program is not None else timezone.get_current_timezone()
    return datetime.combine(day, end or time(23, 59), tzinfo=tz).astimezone(UTC) + hours


def needs_cosignature(author: Any, program: Program | None) -> bool:
    """Whether the program marks this author's notes (by role or by name) for co-signature."""
    if program is None:
        return False
    found = settings_for(program)
    if found.pk is None:
        return False
    if found.cosign_staff.filter(pk=author.pk).exists():
        return True
    return holds_listed_role(author, program.organization_id, found.cosign_roles)


def session_mode(session: Session) -> str:
    """How a note says its session was given: an online session by telehealth."""
    return NoteMode.TELEHEALTH if session.is_virtual else NoteMode.IN_PERSON


def modes_for(session: Session | None) -> list[str]:
    """The modes a note on `session` may give: an online session was not held in person
    (a participant may still have joined an in-person session by telehealth)."""
    if session is not None and session.is_virtual:
        return [NoteMode.TELEHEALTH]
    return list(NoteMode.values)


@dataclass
class NoteContent:
    """What a person writes on an individual, family or medication-management note."""

    kind: str
    format: NoteFormat
    sections: Mapping[str, str]
    service_date: date
    start_time: time | None = None
    end_time: time | None = None
    minutes: int = 0
    mode: str = NoteMode.IN_PERSON
    participant_location: str = ""
    session: Session | None = None
    objectives: Sequence[str] = field(default_factory=list)
    no_objective_reason: str = ""


def _check_content(participant: Participant, content: NoteContent) -> dict[str, Any]:
    if content.kind not in WRITABLE_KINDS:
        raise InvalidInput(
            "Choose the kind of note: individual, family or medication management.", field="kind"
        )
    dates.check(content.service_date, field="service_date", label="The date of service")
    if not isinstance(content.sections, Mapping):
        raise InvalidInput("Write the note's sections.", field="sections")
    headings = list(content.format.sections)
    unknown = [k for k in content.sections if k not in headings]
    if unknown:
        raise InvalidInput(
            f"{content.format.name} has the sections {', '.join(headings)}; "
            f"{unknown[0]!r} is not one of them.",
            field="sections",
        )
    sections = {h: str(content.sections.get(h) or "").strip() for h in headings}
    for heading, text in sections.items():
        if len(text) > SECTION_MAX:
            raise InvalidInput(
                f"{heading}: keep it under {SECTION_MAX} characters.", field="sections"
            )
    if content.session is not None:
        if content.session.program.organization_id != participant.organization_id:
            raise InvalidInput("That session belongs to another organization.", field="session")
        if not content.session.enrolments.filter(participant=participant).exists():
            raise InvalidInput("This participant was not on that session.", field="session")
        if content.session.is_group:
            raise InvalidInput(
                "That is a group session: each member's note is written on its group note.",
                field="session",
            )
        if content.mode not in modes_for(content.session):
            raise InvalidInput(
                "That session was held online: record the note as telehealth.", field="mode"
            )
        if content.service_date != content.session.date:
            raise InvalidInput(
                f"The date of service is the session's date, {day(content.session.date)}.",
                field="service_date",
            )
    return sections


def _fill(
    note: ProgressNote, participant: Participant, content: NoteContent, now: datetime | None = None
) -> ProgressNote:
    sections = _check_content(participant, content)
    note.kind = content.kind
    note.format = content.format
    note.sections = sections
    note.service_date = content.service_date
    note.start_time = content.start_time
    note.end_time = content.end_time
    note.minutes = content.minutes or 0
    note.mode = content.mode
    note.participant_location = (content.participant_location or "").strip()
    note.session = content.session
    note.no_objective_reason = (content.no_objective_reason or "").strip()
    episode = current_episode(participant)
    program = content.session.program if content.session else episode.program if episode else None
    tz = program.tz if program is not None else timezone.get_current_timezone()
    if content.service_date > (now or timezone.now()).astimezone(tz).date():
        # A note documents a service given; one still to come is written after it.
        raise InvalidInput("The date of service cannot be in the future.", field="service_date")
    note.episode = episode
    note.due_at = due_at(program, content.session, content.service_date, content.end_time)
    validate(
        note,
        exclude=[
            "participant",
            "organization",
            "episode",
            "session",
            "group_note",
            "format",
            "similar_to",
            "supersedes",
            "recorded_by",
            "signed_by",
            "entered_in_error_by",
        ],
    )
    return note


def _require_writer(
    by: Any, participant: Participant, event_type: str, *, addendum: bool = False
) -> Decision:
    """The policy's write check, then the note capability. `addendum`: a late entry to a
    signed note, which stays open after discharge when the chart is otherwise closed."""
    decision = require(by, participant, Action.CHANGE, Scope.CLINICAL, addendum=addendum)
    require_note_capability(by, participant, "note.sign", event_type=event_type)
    return decision


def draft_note(
    participant: Participant, content: NoteContent, *, by: Any, now: datetime | None = None
) -> ProgressNote:
    """Start a note in a participant's chart: a draft, changed in place until signed."""
    decision = _require_writer(by, participant, "note.drafted")
    note = _fill(
        ProgressNote(participant=participant, organization_id=participant.organization_id),
        participant,
        content,
        now,
    )
    objectives = thread.pick(participant, content.objectives)
    with transaction.atomic():
        note.recorded_by = by
        note.recorded_at = now or timezone.now()
        note.save()
        session_notes.keep([note.session_id])
        thread.attach(note, objectives)
        record_event(
            actor=by,
            event_type="note.drafted",
            participant=participant,
            record=note,
            decision=decision,
            details={"kind": note.kind, "format": content.format.code},
        )
        _changed(participant.pk)
    return note


def _locked_draft(note: ProgressNote, expected_version: int) -> ProgressNote:
    current = ProgressNote._base_manager.select_for_update().get(pk=note.pk)
    if current.is_signed:
        raise SignedNote()
    if current.entered_in_error:
        raise InvalidInput("This note is marked entered in error.")
    if current.version != expected_version:
        raise ConcurrentEdit("note")
    return current


def change_note(
    note: ProgressNote, content: NoteContent, *, by: Any, expected_version: int
) -> ProgressNote:
    """Change a draft in place (its author only); a signed note is refused (409), after the
    access check, so that answer tells no one else the note exists."""
    decision = _require_writer(by, note.participant, "note.changed")
    if note.is_signed:
        raise SignedNote()
    if note.recorded_by_id != by.pk:
        raise InvalidInput("Only the note's author changes a draft.")
    if note.group_note_id is not None:
        raise InvalidInput("A group member's section is changed on the group note.")
    objectives = thread.pick(note.participant, content.objectives)
    with transaction.atomic():
        current = _locked_draft(note, expected_version)
        moved_from = current.session_id
        _fill(current, note.participant, content)
        lifecycle.save_new_version(
            current,
            [
                "kind",
                "format",
                "sections",
                "service_date",
                "start_time",
                "end_time",
                "minutes",
                "mode",
                "participant_location",
                "session",
                "no_objective_reason",
                "episode",
                "due_at",
            ],
        )
        session_notes.keep([moved_from, current.session_id])
        thread.attach(current, objectives, replace=True)
        record_event(
            actor=by,
            event_type="note.changed",
            participant=note.participant,
            record=current,
            decision=decision,
        )
        _changed(note.participant_id)
    return current


def copy_forward_check(note: ProgressNote) -> tuple[float, ProgressNote | None]:
    """The highest similarity to one of the same author's last five other notes for the
    same participant, and that note."""
    earlier = (
        ProgressNote.objects.current()
        .filter(participant_id=note.participant_id, recorded_by_id=note.recorded_by_id)
        .exclude(pk=note.pk)
        .order_by("-recorded_at", "-pk")[: similarity.COMPARED_NOTES]
    )
    best, match = 0.0, None
    text = note.text
    for other in earlier:
        ratio = similarity.similarity(text, other.text)
        if ratio > best:
            best, match = ratio, other
    return best, match


def sign_note(
    note: ProgressNote,
    *,
    by: Any,
    expected_version: int,
    justification: str = "",
    now: datetime | None = None,
) -> ProgressNote:
    """Sign a draft: the golden thread, the copy-forward check, then locked for good."""
    decision = _require_writer(by, note.participant, "note.signed")
    if note.is_signed:
        raise SignedNote()
    if note.recorded_by_id != by.pk:
        raise InvalidInput("Only the note's author signs it.", field="signed_by")
    if note.group_note_id is not None:
        raise InvalidInput("A group member's note is signed with its group note.")
    justification = (justification or "").strip()
    if len(justification) > JUSTIFICATION_MAX:
        raise InvalidInput(
            f"Keep the justification to one line (under {JUSTIFICATION_MAX} characters).",
            field="justification",
        )
    with transaction.atomic():
        current = _locked_draft(note, expected_version)
        if not current.text.strip():
            raise InvalidInput("Write the note before signing it.", field="sections")
        thread.check_thread(thread.of(current), current.no_objective_reason)
        ratio, match = copy_forward_check(current)
        copied = match if similarity.is_copied_forward(ratio) else None
        if copied is not None and not justification:
            raise InvalidInput(
                f"This note is {ratio:.0%} the same as your note of "
                f"{day(copied.service_date)} for this participant. Write a one-line "
                "justification to sign it as it is, or rewrite it.",
                field="justification",
            )
        program = current.episode.program if current.episode is not None else None
        signed = lifecycle.sign(
            current,
            by=by,
            expected_version=expected_version,
            decision=decision,
            now=now,
            what="note",
            also={
                "similarity": round(ratio, 4),
                "similar_to": copied,
                "copy_forward_justification": justification if copied is not None else "",
                "cosign_required": needs_cosignature(by, program),
            },
            event_type="note.signed",
            details={"copy_forward": copied is not None, "similarity": round(ratio, 4)},
        )
        if copied is not None:
            record_event(
                actor=by,
                event_type="note.copy_forward_justified",
                participant=signed.participant,
                record=signed,
                decision=decision,
                reason=justification,
                details={"similarity": round(ratio, 4), "similar_to": str(copied.public_id)},
            )
        _changed(signed.participant_id)
    return signed


def add_late_entry(
    note: ProgressNote,
    *,
    by: Any,
    text: str,
    reason: str,
    event_at: datetime | None = None,
    now: datetime | None = None,
) -> ProgressNote:
    """A late entry to a signed note: a new signed note that supersedes it, marked with the
    time of the event and the time of the writing."""
    decision = _require_writer(by, note.participant, "note.addendum", addendum=note.is_signed)
    if not note.is_signed:
        raise InvalidInput("This note is not signed yet; change it in place.")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Write the late entry.", field="text")
    if len(text) > SECTION_MAX:
        raise InvalidInput(f"Keep the late entry under {SECTION_MAX} characters.", field="text")
    now = now or timezone.now()
    if event_at is not None:
        if timezone.is_naive(event_at):
            raise InvalidInput("The time of the event needs a time zone.", field="event_at")
        dates.check(event_at.date(), field="event_at", label="The time of the event")
        if event_at > now:
            raise InvalidInput("The time of the event cannot be in the future.", field="event_at")
    program = note.episode.program if note.episode is not None else None
    with transaction.atomic():
        if ProgressNote._base_manager.filter(supersedes=note).exists():
            raise InvalidInput("Add the late entry to the newest version of this note.")
        # The late entry is the version in force: it awaits the co-signature its writer's
        # notes need, and one the note it supersedes was still waiting for.
        awaiting = note.cosign_required and not CoSignature.objects.filter(note=note).exists()
        addendum = ProgressNote(
            participant=note.participant,
            organization_id=note.organization_id,
            episode=note.episode,
            session=note.session,
            group_note=note.group_note,
            kind=note.kind,
            format=note.format,
            sections=note.sections,
            service_date=note.service_date,
            start_time=note.start_time,
            end_time=note.end_time,
            minutes=note.minutes,
            mode=note.mode,
            participant_location=note.participant_location,
            no_objective_reason=note.no_objective_reason,
            addendum="\n\n".join(p for p in [note.addendum, text] if p),
            event_at=event_at or note.event_at,
            recorded_by=by,
            recorded_at=now,
            signed_by=by,
            signed_at=now,
            cosign_required=awaiting or needs_cosignature(by, program),
        )
        lifecycle.add_addendum(
            note,
            addendum,
            by=by,
            reason=reason,
            decision=decision,
            what="note",
            event_type="note.addendum",
            details={"event_at": event_at.isoformat() if event_at else None},
        )
        thread.attach(addendum, thread.of(note))
        _changed(note.participant_id)
    return addendum


def cosign_note(note: ProgressNote, *, by: Any, now: datetime | None = None) -> CoSignature:
    """A supervisor's co-signature on a signed note the program marks as needing one. It
    changes nothing in the note, so like a late entry it stays open after discharge."""
    decision = require(by, note.participant, Action.CHANGE, Scope.CLINICAL, addendum=True)
    require_note_capability(by, note.participant, "note.cosign", event_type="note.cosigned")
    if not note.is_signed:
        raise InvalidInput("The author signs a note before it is co-signed.")
    if not note.cosign_required:
        raise InvalidInput("This note does not need a co-signature.")
    if note.signed_by_id == by.pk:
        raise InvalidInput("A co-signature is someone else's: you signed this note.")
    with transaction.atomic():
        ProgressNote._base_manager.select_for_update().filter(pk=note.pk).first()
        if CoSignature.objects.filter(note=note).exists():
            raise InvalidInput("This note is already co-signed.")
        if ProgressNote._base_manager.filter(pk=note.pk, entered_in_error_at__isnull=False):
            raise InvalidInput("This note is marked entered in error.")
        row = CoSignature.objects.create(
            note=note, recorded_by=by, recorded_at=now or timezone.now()
        )
        record_event(
            actor=by,
            event_type="note.cosigned",
            participant=note.participant,
            record=note,
            decision=decision,
        )
    return row


def mark_entered_in_error(
    note: ProgressNote, *, by: Any, reason: str, now: datetime | None = None
) -> ProgressNote:
    """Withdraw a note written in the wrong chart or about the wrong event, with a reason."""
    decision = _require_writer(by, note.participant, "note.entered_in_error")
    if note.recorded_by_id != by.pk and not may(
        by, "note.cosign", note.participant.organization_id
    ):
        raise InvalidInput("Only the note's author or a supervisor marks a note entered in error.")
    with transaction.atomic():
        marked = lifecycle.mark_entered_in_error(
            note,
            by=by,
            reason=reason,
            decision=decision,
            now=now,
            what="note",
            event_type="note.entered_in_error",
        )
        session_notes.keep([marked.session_id])
    return marked


# ---- Group notes -----------------------------------------------------------------------


@dataclass
class MemberSection:
    """One roster member's part of a group note: their own section, or an absence entry."""

    participant: Participant
    text: str = ""
    objectives: Sequence[str] = field(default_factory=list)
    no_objective_reason: str = ""


def current_group_note(session: Session) -> GroupNote | None:
    return GroupNote.objects.filter(session=session, entered_in_error_at__isnull=True).first()


def absent_ids(session: Session) -> set[int]:
    """Members the roll call recorded as absent (excused or not)."""
    from attendance.models import ABSENT_STATUSES, Attendance

    return set(
        Attendance.objects.filter(session=session, status__in=ABSENT_STATUSES).values_list(
            "participant_id", flat=True
        )
    )


def check_group_input(
    session: Session, *, narrative: str, topic: str, members: Sequence[MemberSection]
) -> dict[int, Any]:
    """Refuse a group note's input before anything is written (the roll call included);
    returns the roster's enrolments by participant."""
    if session.kind != Session.Kind.GROUP:
        raise InvalidInput("Only a group session has a group note.", field="session")
    if session.status == Session.Status.CANCELLED:
        raise InvalidInput("This session was cancelled; there is nothing to document.")
    if session.date > session.program.today():
        raise InvalidInput("A group is documented from the day of the session.")
    if len(narrative or "") > SECTION_MAX:
        raise InvalidInput(f"Keep the narrative under {SECTION_MAX} characters.", field="shared")
    if len(topic or "") > TOPIC_MAX:
        raise InvalidInput(f"Keep the topic under {TOPIC_MAX} characters.", field="topic")
    roster = {e.participant_id: e for e in session.enrolments.select_related("participant")}
    seen: set[int] = set()
    for index, member in enumerate(members):
        where = f"members.{index}"
        if member.participant.pk not in roster:
            raise InvalidInput(
                "This participant is not on the session's roster.", field=f"{where}.participant"
            )
        if member.participant.pk in seen:
            raise InvalidInput("The same member appears twice.", field=f"{where}.participant")
        seen.add(member.participant.pk)
        if len(member.text or "") > SECTION_MAX:
            raise InvalidInput(
                f"Keep each section under {SECTION_MAX} characters.", field=f"{where}.text"
            )
    return roster


def save_group_note(
    session: Session,
    *,
    by: Any,
    narrative: str,
    topic: str = "",
    module: CurriculumModule | None = None,
    members: Sequence[MemberSection] = (),
    expected_version: int = 0,
    now: datetime | None = None,
) -> GroupNote:
    """Save the group note's draft: the shared narrative and each member's section (or, for
    a member the roll call marks absent, a short absence entry). `expected_version` 0 means
    no group note exists yet."""
    access = require_group_write(by, session, "group_note.saved")
    roster = check_group_input(session, narrative=narrative, topic=topic, members=members)
    picked = []
    for index, member in enumerate(members):
        picked.append(
            thread.pick(member.participant, member.objectives, field=f"members.{index}.objectives")
        )
    decisions = [
        require_member(by, session, member.participant, access=access) for member in members
    ]
    absent = absent_ids(session)
    now = now or timezone.now()
    program = session.program
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=session.pk).first()
        note = current_group_note(session)
        if (note.version if note else 0) != expected_version:
            raise ConcurrentEdit("group note")
        if note is not None and note.is_signed:
            raise SignedNote("group note")
        if note is None:
            note = GroupNote(session=session, recorded_by=by, recorded_at=now)
        note.narrative = (narrative or "").strip()
        note.topic = (topic or "").strip()
        note.module = module
        if note.pk is None:
            note.save()
        else:
            lifecycle.save_new_version(note, ["narrative", "topic", "module"])
        existing = {
            n.participant_id: n
            for n in ProgressNote.objects.select_for_update().filter(
                group_note=note, entered_in_error_at__isnull=True
            )
        }
        absences = {a.participant_id: a for a in AbsenceEntry.objects.filter(group_note=note)}
        for index, (member, objectives, decision) in enumerate(
            zip(members, picked, decisions, strict=True)
        ):
            pid = member.participant.pk
            text = (member.text or "").strip()
            if pid in absent:
                # Who is absent is known only once the roll call is in: refused here, the
                # whole submit rolls back, instead of the entry being cut short.
                if len(text) > ABSENCE_MAX:
                    raise InvalidInput(
                        f"Keep an absence entry under {ABSENCE_MAX} characters.",
                        field=f"members.{index}.text",
                    )
                entry = absences.get(pid)
                if entry is None:
                    AbsenceEntry.objects.create(
                        group_note=note,
                        participant=member.participant,
                        text=text,
                        recorded_by=by,
                        recorded_at=now,
                    )
                elif entry.text != text:
                    entry.text = text
                    entry.save(update_fields=["text", "modified_at"])
                row = existing.get(pid)
                if row is not None:
                    lifecycle.mark_entered_in_error(
                        row,
                        by=by,
                        reason="Recorded absent at roll call",
                        decision=decision,
                        now=now,
                        what="note",
                        event_type="note.entered_in_error",
                    )
                continue
            row = existing.get(pid)
            if row is None:
                row = ProgressNote(
                    participant=member.participant,
                    organization_id=member.participant.organization_id,
                    episode=roster[pid].episode,
                    session=session,
                    group_note=note,
                    kind=NoteKind.GROUP,
                    service_date=session.date,
                    start_time=session.starts_at.astimezone(program.tz).time(),
                    end_time=session.ends_at.astimezone(program.tz).time(),
                    minutes=session.minutes,
                    mode=session_mode(session),
                    recorded_by=by,
                    recorded_at=now,
                    due_at=due_at(program, session, session.date, None),
                )
            row.sections = {"Participation and response": text}
            row.no_objective_reason = (member.no_objective_reason or "").strip()
            if row.pk is None:
                row.save()
                event = "note.drafted"
            else:
                lifecycle.save_new_version(row, ["sections", "no_objective_reason"])
                event = "note.changed"
            thread.attach(row, objectives, replace=True)
            record_event(
                actor=by,
                event_type=event,
                participant=member.participant,
                record=row,
                decision=decision,
                details={"kind": NoteKind.GROUP, "session": str(session.public_id)},
            )
            _changed(pid)
        record_event(
            actor=by,
            event_type="group_note.saved",
            record=note,
            organization=program.organization_id,
            role=access.role,
            details={
                "scope": str(Scope.CLINICAL),
                "why": access.why,
            },
            listed=[m.participant for m in members],
        )
    return note


def sign_group_note(
    note: GroupNote, *, by: Any, expected_version: int, now: datetime | None = None
) -> GroupNote:
    """Sign the group note and every attending member's note with it. Refused, saying where,
    when the narrative or a section names another member of the session."""
    session = note.session
    access = require_group_write(by, session, "group_note.signed")
    if note.is_signed:
        raise SignedNote("group note")
    members = list(
        ProgressNote.objects.filter(group_note=note, entered_in_error_at__isnull=True)
        .select_related("participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )
    decisions = [require_member(by, session, m.participant, access=access) for m in members]
    roster = [
        e.participant for e in session.enrolments.select_related("participant").order_by("pk")
    ]
    now = now or timezone.now()
    with transaction.atomic():
        current = lifecycle.lock_current(
            GroupNote, note.pk, expected_version=expected_version, what="group note"
        )
        if not current.narrative.strip():
            raise InvalidInput("Write the shared narrative before signing.", field="shared")
        leak = privacy.first_leak(current.narrative, members, roster)
        if leak:
            raise InvalidInput(leak.message, field=leak.field)
        absent = absent_ids(session)
        recorded = {m.participant_id for m in members} | set(
            AbsenceEntry.objects.filter(group_note=current).values_list("participant_id", flat=True)
        )
        missing = [p for p in roster if p.pk not in recorded and p.pk not in absent]
        if missing:
            raise InvalidInput(
                f"{missing[0].display_name} has no section yet; write one for every member "
                "who attended.",
                field="members",
            )
        for member in members:
            if not member.text.strip():
                raise InvalidInput(
                    f"{member.participant.display_name}'s section is empty.",
                    field=f"members.{member.participant.public_id}.text",
                )
            thread.check_thread(
                thread.of(member),
                member.no_objective_reason,
                field=f"members.{member.participant.public_id}.objectives",
            )
        current.signed_by, current.signed_at = by, now
        signed = lifecycle.save_new_version(current, ["signed_by", "signed_at"])
        session_notes.keep([session.pk])
        record_event(
            actor=by,
            event_type="group_note.signed",
            record=signed,
            organization=session.program.organization_id,
            role=access.role,
            details={
                "scope": str(Scope.CLINICAL),
                "why": access.why,
                "changes": {"signed": {"before": False, "after": True}},
            },
            listed=[m.participant for m in members],
        )
        cosign = needs_cosignature(by, session.program)
        for member, decision in zip(members, decisions, strict=True):
            lifecycle.sign(
                member,
                by=by,
                expected_version=member.version,
                decision=decision,
                now=now,
                what="note",
                also={"cosign_required": cosign},
                event_type="note.signed",
                details={"group_note": str(signed.public_id)},
            )
            _changed(member.participant_id)
    return signed


def document_group(
    session: Session,
    *,
    by: Any,
    narrative: str,
    topic: str = "",
    module: CurriculumModule | None = None,
    members: Sequence[MemberSection] = (),
    expected_version: int = 0,
    roll_call: Sequence[Any] = (),
    sign: bool = False,
) -> GroupNote:
    """The group-note screen's one submit: roll call changes, the draft, and (if asked) the
    signature, all or nothing. Access is checked first, so a refusal's audit event stays."""
    from attendance.services import record_roll_call

    access = require_group_write(by, session, "group_note.signed" if sign else "group_note.saved")
    check_group_input(session, narrative=narrative, topic=topic, members=members)
    for member in members:
        require_member(by, session, member.participant, access=access)
    with transaction.atomic():
        if roll_call:
            record_roll_call(session, roll_call, by=by)
        note = save_group_note(
            session,
            by=by,
            narrative=narrative,
            topic=topic,
            module=module,
            members=members,
            expected_version=expected_version,
        )
        if sign:
            note = sign_group_note(note, by=by, expected_version=note.version)
    return note
