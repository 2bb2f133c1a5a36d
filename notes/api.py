"""Notes endpoints: a participant's notes, a group session's note, sign, late entries.

A signed note refuses any change with 409; a refused signature (the golden thread, the
copy-forward justification, a name of another group member) answers 422 naming the field.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from uuid import UUID

from django.http import Http404
from ninja import Router, Schema, Status

from accounts.http import ApiRequest
from audit.models import Action
from notes import selectors, services, thread
from notes.access import group_note_access, record_group_read
from notes.export import note_text
from notes.models import GroupNote, NoteFormat, ProgressNote
from participants.access import Scope, authorize
from participants.api import participant_or_404, participants_named, refusal_shows_record
from participants.models import Participant
from scheduling.models import Session
from tandem.dates import ProgramDate
from tandem.errors import InvalidInput

router = Router(tags=["notes"])


class SharedOut(Schema):
    topic: str
    module: str | None
    narrative: str


class NoteOut(Schema):
    id: UUID
    participant_id: UUID
    kind: str
    status: str
    version: int
    service_date: date
    start_time: time | None
    end_time: time | None
    minutes: int
    mode: str
    participant_location: str
    format: str | None
    sections: dict[str, str]
    shared: SharedOut | None
    session_id: UUID | None
    objectives: list[UUID]
    no_objective_reason: str
    author: str
    recorded_at: datetime
    signed_at: datetime | None
    cosign_required: bool
    cosigned_at: datetime | None
    late_entry: bool
    addendum: str
    event_at: datetime | None
    supersedes: UUID | None
    similarity: float | None
    copy_forward_justification: str
    text: str


class NoteIn(Schema):
    kind: str
    format: str
    sections: dict[str, str]
    service_date: ProgramDate
    start_time: time | None = None
    end_time: time | None = None
    minutes: int = 0
    mode: str = "in_person"
    participant_location: str = ""
    session_id: UUID | None = None
    objectives: list[UUID] = []
    no_objective_reason: str = ""


class NoteChangeIn(NoteIn):
    version: int


class MemberIn(Schema):
    participant: UUID
    text: str = ""
    objectives: list[UUID] = []
    no_objective_reason: str = ""


class GroupNoteIn(Schema):
    shared: str
    module: str | None = None
    topic: str = ""
    members: list[MemberIn] = []
    version: int = 0
    sign: bool = False


class GroupNoteOut(Schema):
    id: UUID
    session_id: UUID
    version: int
    status: str
    topic: str
    module: str | None
    shared: str
    notes: list[NoteOut]


class SignIn(Schema):
    version: int
    justification: str = ""


class AddendumIn(Schema):
    text: str
    reason: str
    event_at: datetime | None = None


def note_out(note: ProgressNote) -> NoteOut:
    group = note.group_note
    supersedes = note.supersedes
    cosignature = selectors.cosigned(note)
    return NoteOut(
        id=note.public_id,
        participant_id=note.participant.public_id,
        kind=note.kind,
        status="signed" if note.is_signed else "draft",
        version=note.version,
        service_date=note.service_date,
        start_time=note.start_time,
        end_time=note.end_time,
        minutes=note.minutes,
        mode=note.mode,
        participant_location=note.participant_location,
        format=note.format.code if note.format is not None else None,
        sections={str(k): str(v) for k, v in (note.sections or {}).items()},
        shared=SharedOut(
            topic=group.topic,
            module=str(group.module) if group.module_id else None,
            narrative=group.narrative,
        )
        if group is not None
        else None,
        session_id=note.session.public_id if note.session is not None else None,
        objectives=[o.public_id for o in thread.of(note)],
        no_objective_reason=note.no_objective_reason,
        author=str(note.recorded_by or ""),
        recorded_at=note.recorded_at,
        signed_at=note.signed_at,
        cosign_required=note.cosign_required,
        cosigned_at=cosignature.recorded_at if cosignature else None,
        late_entry=note.supersedes_id is not None,
        addendum=note.addendum,
        event_at=note.event_at,
        supersedes=supersedes.public_id if isinstance(supersedes, ProgressNote) else None,
        similarity=note.similarity,
        copy_forward_justification=note.copy_forward_justification,
        text=note_text(note),
    )


@router.get(
    "/participants/{participant_id}/notes",
    response=list[NoteOut],
    url_name="participant_notes",
    summary="A participant's notes, as their chart shows them",
)
def list_notes(request: ApiRequest, participant_id: UUID):
    """Every note in force, newest first; a group note carries the shared narrative and this
    participant's own section only."""
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    return [note_out(n) for n in selectors.chart_notes(participant)]


def _format(participant: Participant, code: str) -> NoteFormat:
    from participants.selectors import current_episode

    episode = current_episode(participant)
    found = [
        f for f in services.formats_for(episode.program if episode else None) if f.code == code
    ]
    if not found:
        raise InvalidInput("No note format has that code.", field="format")
    return found[0]


def _content(participant: Participant, body: NoteIn) -> services.NoteContent:
    session = None
    if body.session_id is not None:
        session = selectors.session_by_public_id(body.session_id)
        if session is None:
            raise InvalidInput("No session has that id.", field="session_id")
    return services.NoteContent(
        kind=body.kind,
        format=_format(participant, body.format),
        sections=body.sections,
        service_date=body.service_date,
        start_time=body.start_time,
        end_time=body.end_time,
        minutes=body.minutes,
        mode=body.mode,
        participant_location=body.participant_location,
        session=session,
        objectives=[str(o) for o in body.objectives],
        no_objective_reason=body.no_objective_reason,
    )


@router.post(
    "/participants/{participant_id}/notes",
    response={201: NoteOut},
    url_name="create_note",
    summary="Draft a note in a participant's chart",
)
def create_note(request: ApiRequest, participant_id: UUID, body: NoteIn):
    participant = participant_or_404(request, participant_id)
    if body.minutes < 0 or body.minutes > 24 * 60:
        raise InvalidInput("Minutes are between 0 and 1440.", field="minutes")
    content = _content(participant, body)
    # A refusal names what the chart holds: the date of the session the participant was on,
    # a plan in force without objectives.
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="note.draft"):
        note = services.draft_note(participant, content, by=request.auth)
    return Status(201, note_out(_reload(note)))


def _reload(note: ProgressNote) -> ProgressNote:
    return (
        selectors._note_rows(ProgressNote.objects.filter(pk=note.pk))
        .select_related("participant")
        .get()
    )


def _note(note_id: UUID) -> ProgressNote:
    found = (
        selectors._note_rows(ProgressNote.objects.filter(public_id=note_id))
        .select_related("participant")
        .first()
    )
    if found is None or found.participant.entered_in_error_at is not None:
        raise Http404("No note has that id.")
    return found


@router.put(
    "/notes/{note_id}",
    response=NoteOut,
    url_name="change_note",
    summary="Change a draft note (a signed note answers 409)",
)
def change_note(request: ApiRequest, note_id: UUID, body: NoteChangeIn):
    note = _note(note_id)
    if body.minutes < 0 or body.minutes > 24 * 60:
        raise InvalidInput("Minutes are between 0 and 1440.", field="minutes")
    content = _content(note.participant, body)
    with refusal_shows_record(request, note.participant, Scope.CLINICAL, refused="note.change"):
        changed = services.change_note(
            note, content, by=request.auth, expected_version=body.version
        )
    return note_out(_reload(changed))


def _group_out(group: GroupNote) -> GroupNoteOut:
    members = selectors._note_rows(
        ProgressNote.objects.filter(group_note=group, entered_in_error_at__isnull=True)
    ).select_related("participant")
    return GroupNoteOut(
        id=group.public_id,
        session_id=group.session.public_id,
        version=group.version,
        status="signed" if group.is_signed else "draft",
        topic=group.topic,
        module=str(group.module) if group.module_id else None,
        shared=group.narrative,
        notes=[note_out(n) for n in members],
    )


@router.post(
    "/notes/{note_id}/sign",
    response={200: NoteOut | GroupNoteOut},
    url_name="sign_note",
    summary="Sign a note (422 with the reason when the signature is refused)",
)
def sign_note(request: ApiRequest, note_id: UUID, body: SignIn):
    """A progress note's id signs that note; a group note's id signs it with every member's
    note."""
    group = (
        GroupNote.objects.select_related("session", "session__program", "module")
        .filter(public_id=note_id)
        .first()
    )
    if group is not None:
        with _group_refusal_shown(request, group.session):
            signed_group = services.sign_group_note(
                group, by=request.auth, expected_version=body.version
            )
        return Status(200, _group_out(signed_group))
    note = _note(note_id)
    # The copy-forward refusal names the date of the participant's note this one repeats.
    with refusal_shows_record(request, note.participant, Scope.CLINICAL, refused="note.sign"):
        signed = services.sign_note(
            note, by=request.auth, expected_version=body.version, justification=body.justification
        )
    return Status(200, note_out(_reload(signed)))


@contextmanager
def _group_refusal_shown(request: ApiRequest, session: Session) -> Iterator[None]:
    """A refused group note names a member (whose section is missing or empty, whom the
    narrative names) or what their chart holds (no plan in force to address): the 422 shows
    the session's members, audited as the group note's screen is."""
    try:
        yield
    except InvalidInput:
        record_group_read(
            request.auth,
            session,
            group_note_access(request.auth, session),
            [e.participant for e in session.enrolments.select_related("participant")],
        )
        raise


@router.post(
    "/notes/{note_id}/addenda",
    response={201: NoteOut},
    url_name="note_addenda",
    summary="Add a late entry to a signed note",
)
def add_addendum(request: ApiRequest, note_id: UUID, body: AddendumIn):
    note = _note(note_id)
    added = services.add_late_entry(
        note, by=request.auth, text=body.text, reason=body.reason, event_at=body.event_at
    )
    return Status(201, note_out(_reload(added)))


@router.post(
    "/sessions/{session_id}/group-note",
    response={200: GroupNoteOut},
    url_name="group_note",
    summary="Write (and optionally sign) a group session's note",
)
def group_note(request: ApiRequest, session_id: UUID, body: GroupNoteIn):
    """The shared narrative and each attending member's own section; members the roll call
    marks absent get a short absence entry instead of a note."""
    session = selectors.session_by_public_id(session_id)
    if session is None:
        raise Http404("No session has that id.")
    people = participants_named(
        [m.participant for m in body.members],
        session.program.organization_id,
        "members.{index}.participant",
    )
    members = [
        services.MemberSection(
            person,
            text=m.text,
            objectives=[str(o) for o in m.objectives],
            no_objective_reason=m.no_objective_reason,
        )
        for person, m in zip(people, body.members, strict=True)
    ]
    module = None
    if body.module:
        modules = selectors.modules_for(session)
        module = next(
            (
                m
                for m in modules
                if str(m.public_id) == body.module or m.title.lower() == body.module.lower()
            ),
            None,
        )
        if module is None:
            raise InvalidInput("No module of the group's curriculum has that id.", field="module")
    with _group_refusal_shown(request, session):
        saved = services.document_group(
            session,
            by=request.auth,
            narrative=body.shared,
            topic=body.topic,
            module=module,
            members=members,
            expected_version=body.version,
            sign=body.sign,
        )
    return Status(200, _group_out(saved))
