"""Sessions as FHIR R4 Encounters (clinical reference §6: a session, group or individual, is
an Encounter, class AMB, with serviceType, episodeOfCare, participant and length; one per
patient per group session).

One Encounter per enrolment: a participant booked into a dated session (by the published
schedule, as a drop-in, a make-up or by hand), its id the enrolment's public id. Its status
comes from the session and from the roll call in force for that participant (docs/fhir.md,
"Encounter"): R4's `encounter-status` has no "no-show", so an absence is `cancelled` with the
roll call's words as the narrative. Every Encounter is labelled Part 2: a session is the
program's treatment for both disorders at once, so attending it tells that the person is in
substance-use treatment (as a group's title, "Relapse prevention", does).
"""

from datetime import datetime
from html import escape
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import User
from attendance.models import ABSENT_STATUSES, Attendance, AttendanceStatus
from fhirapi.labels import labelled
from fhirapi.resources import practitioner_ref, validated
from scheduling.models import Enrolment, Session, SessionMode

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
# v3-ActCode's encounter classes the brief of §6 names: ambulatory, and virtual for a session
# held (or attended) online.
AMBULATORY = {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}
VIRTUAL = {"system": ACT_CODE, "code": "VR", "display": "virtual"}
UCUM = "http://unitsofmeasure.org"
XHTML = "http://www.w3.org/1999/xhtml"
CANCELLED_SESSION = "The session was cancelled."
NO_ROLL_CALL = "No attendance was recorded for this session."


def _roll_call(field: str) -> Subquery:
    """One field of the roll call in force for an enrolment's participant at its session."""
    return Subquery(
        Attendance.objects.current()
        .filter(session=OuterRef("session"), participant=OuterRef("participant"))
        .values(field)[:1]
    )


def encounter_rows() -> QuerySet[Enrolment]:
    """The enrolments a search and a read serve, every one, each with its session, its stay,
    the session's facilitators and its roll call in force (`attended`, `attended_minutes`;
    None while none is recorded), read in a fixed number of queries however many there are."""
    return (
        Enrolment.objects.select_related("session", "episode")
        .annotate(attended=_roll_call("status"), attended_minutes=_roll_call("minutes"))
        .prefetch_related(
            Prefetch("session__staff", User.objects.order_by("last_name", "first_name", "pk"))
        )
    )


def encounter_rows_since(since: datetime | None, now: datetime) -> QuerySet[Enrolment]:
    """The enrolments whose Encounter may have changed after `since`: the enrolment, its
    session (cancelled) or its roll call changed after it, or the session ended between it and
    `now` (a session that ends is no longer planned)."""
    rows = encounter_rows()
    if since is None:
        return rows
    recorded = Attendance.objects.filter(
        session=OuterRef("session"), participant=OuterRef("participant"), modified_at__gt=since
    )
    return rows.filter(
        Q(modified_at__gt=since)
        | Q(session__modified_at__gt=since)
        | Q(session__ends_at__gt=since, session__ends_at__lte=now)
        | Exists(recorded)
    )


def _status(session: Session, attended: str | None, now: datetime) -> tuple[str, str]:
    """The Encounter's status and the words that say why when the status alone cannot: a
    cancelled session and an absence are `cancelled`, a roll call of someone there is
    `finished`, no roll call yet is `planned` until the session ends and `unknown` after."""
    if session.status == Session.Status.CANCELLED:
        return "cancelled", CANCELLED_SESSION
    if attended in ABSENT_STATUSES:
        return "cancelled", str(AttendanceStatus(attended).label)
    if attended is not None:
        return "finished", ""
    if session.ends_at > now:
        return "planned", ""
    return "unknown", NO_ROLL_CALL


def encounter(e: Enrolment, now: datetime) -> dict[str, Any]:
    """A participant's part in one session as an Encounter: the session's kind as the
    service type and its title as the type (text only: the reference gives no codes for
    them), its facilitators as participants (each a Practitioner), its times as the period,
    and for someone who attended the minutes the roll call recorded as the length. Reads
    `session` (with its `staff`), `episode` and the annotations of `encounter_rows`."""
    session = e.session
    attended: str | None = getattr(e, "attended", None)
    status, why = _status(session, attended, now)
    online = session.mode == SessionMode.VIRTUAL or attended == AttendanceStatus.VIRTUAL
    data: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(e.public_id),
        "status": status,
        "class": VIRTUAL if online else AMBULATORY,
        "type": [{"text": session.title}],
        "serviceType": {"text": str(Session.Kind(session.kind).label)},
        "subject": {"reference": f"Patient/{e.participant.public_id}"},
        "episodeOfCare": [{"reference": f"EpisodeOfCare/{e.episode.public_id}"}],
        "period": {"start": session.starts_at.isoformat(), "end": session.ends_at.isoformat()},
    }
    if why:
        data["text"] = {"status": "additional", "div": f'<div xmlns="{XHTML}">{escape(why)}</div>'}
    staff = [
        {"type": [{"text": "Facilitator"}], "individual": practitioner_ref(u)}
        for u in session.staff.all()
    ]
    if staff:
        data["participant"] = staff
    minutes = getattr(e, "attended_minutes", None)
    if status == "finished" and minutes is not None:
        data["length"] = {"value": minutes, "unit": "min", "system": UCUM, "code": "min"}
    return validated(labelled(data, True))
