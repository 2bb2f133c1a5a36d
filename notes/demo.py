"""The synthetic demo's notes: for the program's past group sessions a signed group note (a
relapse-prevention module, the shared narrative, each attending member's own section, absence
entries), and for every active participant's individual sessions of the last weeks a signed
note by whoever held it, a few of the latest still drafts or not yet written. The supervisor
co-signed, through the service, the notes that need it a day to three after their signing,
so the co-sign queue holds the last few days' notes. The text is synthetic and says so. Idempotent: a session with a group note, or a participant with
individual notes, is left as it is."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from attendance.models import ABSENT_STATUSES, Attendance
from audit.services import record_event
from notes import services, session_notes, thread
from notes.models import (
    AbsenceEntry,
    Curriculum,
    GroupNote,
    NoteFormat,
    NoteKind,
    NoteObjective,
    NoteSettings,
    ProgressNote,
)
from notes.seeds import seed
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from scheduling.models import Session

SYNTHETIC = "(Synthetic demo text.)"
NARRATIVES = [
    "The group mapped high-risk situations for the weekend and practised urge surfing.",
    "Members reviewed their coping plans and role-played refusing an offer.",
    "The group discussed sleep and routine in early recovery and set one small goal each.",
    "Members practised a breathing exercise and named early warning signs of relapse.",
]
SECTIONS = [
    "Took an active part; named two personal triggers and one coping skill.",
    "Quiet at first, then shared a recent craving and how it passed.",
    "Offered support to peers; described a plan for the weekend.",
    "Engaged in the exercise; reported better sleep this week.",
]
DAP = [
    (
        "Reported {n} cravings since the last session, used a coping skill each time.",
        "Engaged and reflective; mood brighter than last week.",
        "Continue weekly sessions; practise the plan before the weekend.",
    ),
    (
        "Discussed family stress and a missed group; no use reported.",
        "Motivated; ambivalence about the job search remains.",
        "Review the safety plan next session; call the case manager about housing.",
    ),
]


def seed_notes(ctx: DemoContext) -> None:
    program = ctx.program
    now = timezone.now()
    # The demo program asks a supervisor to co-sign the notes of its peer specialists and
    # addiction counsellors, so the co-sign queue has something in it.
    NoteSettings.objects.get_or_create(
        program=program, defaults={"cosign_roles": ["peer", "counsellor"]}
    )
    needs: dict[int, bool] = {}

    def cosign(author) -> bool:
        if author.pk not in needs:
            needs[author.pk] = services.needs_cosignature(author, program)
        return needs[author.pk]

    rng = random.Random(ctx.rng_seed + 10)
    cycle = Curriculum.objects.filter(program__isnull=True).order_by("pk").first()
    modules = list(cycle.modules.all()) if cycle else []
    sessions = list(
        Session.objects.filter(
            program=program,
            kind=Session.Kind.GROUP,
            status=Session.Status.SCHEDULED,
            ends_at__lte=now,
            ends_at__gte=now - timedelta(days=21),
        )
        .exclude(group_notes__isnull=False)
        .prefetch_related("staff")
        .order_by("starts_at")
    )
    attendance: dict[int, list[Attendance]] = {}
    for row in Attendance.objects.filter(session__in=sessions).select_related("episode"):
        attendance.setdefault(row.session_id, []).append(row)
    people = {a.participant_id for rows in attendance.values() for a in rows}
    offered = thread.active_objectives_of(people)
    counter: dict[int, int] = {}
    made_groups = made_notes = 0
    to_cosign: list[ProgressNote] = []
    with transaction.atomic():
        for session in sessions:
            rows = attendance.get(session.pk)
            staff = list(session.staff.all())
            if not rows or not staff:
                continue
            author = staff[0]
            index = counter.get(session.group_id or 0, 0)
            counter[session.group_id or 0] = index + 1
            # Signed within a day of the group, and by now at the latest.
            signed_at = min(session.ends_at + timedelta(hours=rng.randint(1, 20)), now)
            group = GroupNote.objects.create(
                session=session,
                module=modules[index % len(modules)] if modules else None,
                topic="Relapse prevention",
                narrative=f"{rng.choice(NARRATIVES)} {SYNTHETIC}",
                recorded_by=author,
                recorded_at=session.ends_at,
                signed_by=author,
                signed_at=signed_at,
            )
            made_groups += 1
            tz = program.tz
            for a in rows:
                if a.status in ABSENT_STATUSES:
                    AbsenceEntry.objects.create(
                        group_note=group,
                        participant_id=a.participant_id,
                        text=f"Absent ({a.get_status_display().lower()}). {SYNTHETIC}",
                        recorded_by=author,
                        recorded_at=session.ends_at,
                    )
                    continue
                objectives = offered.get(a.participant_id, [])[:1]
                note = ProgressNote.objects.create(
                    participant_id=a.participant_id,
                    organization_id=program.organization_id,
                    episode_id=a.episode_id,
                    session=session,
                    group_note=group,
                    kind=NoteKind.GROUP,
                    sections={"Participation and response": f"{rng.choice(SECTIONS)} {SYNTHETIC}"},
                    service_date=session.date,
                    start_time=session.starts_at.astimezone(tz).time(),
                    end_time=session.ends_at.astimezone(tz).time(),
                    minutes=a.minutes,
                    mode=services.session_mode(session),
                    participant_location="Home" if session.mode == "virtual" else "",
                    no_objective_reason="" if objectives else "No signed plan yet",
                    due_at=services.due_at(program, session, session.date, None),
                    recorded_by=author,
                    recorded_at=session.ends_at,
                    signed_by=author,
                    signed_at=signed_at,
                    cosign_required=cosign(author),
                )
                NoteObjective.objects.bulk_create(
                    NoteObjective(note=note, objective=o, lineage=o.lineage) for o in objectives
                )
                made_notes += 1
                if note.cosign_required:
                    to_cosign.append(note)
        made_individual = _individual_notes(ctx, rng, now)
        session_notes.rebuild(Session.objects.filter(program=program))
        if made_groups or made_individual:
            record_event(
                actor=None,
                event_type="demo.imported",
                record_type="notes.ProgressNote",
                details={
                    "synthetic_demo_import": made_notes + made_individual,
                    "group_notes": made_groups,
                },
            )
    cosigned = _cosign(ctx, rng, to_cosign, now)
    ctx.stdout(
        f"    {made_groups} group notes ({made_notes} member notes), "
        f"{made_individual} individual notes, {cosigned} co-signed"
    )


def _cosign(ctx: DemoContext, rng: random.Random, notes: list[ProgressNote], now: datetime) -> int:
    """The supervisor's co-signatures, each one to three days after the note was signed, of
    the notes whose co-signature day has come."""
    supervisor = ctx.staff["supervisor"]
    made = 0
    for note in notes:
        if note.signed_at is None:
            continue
        at = note.signed_at + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
        if at < now:
            services.cosign_note(note, by=supervisor, now=at)
            made += 1
    return made


def _individual_notes(ctx: DemoContext, rng: random.Random, now: datetime) -> int:
    """The DAP note of each individual session an active participant had in the last three
    weeks, written by the one who held it and signed within hours; the latest of every fourth
    is still a draft, and the latest of one in nine has no note yet, so the notes board shows
    a few genuine exceptions rather than every session without its note."""
    seed()  # the formats come with the migration; a flushed database gets them back here
    fmt = NoteFormat.objects.get(program__isnull=True, code="dap")
    episodes = list(
        Episode.objects.filter(program=ctx.program, status__in=IN_CARE_STATUSES)
        .exclude(primary_clinician__isnull=True)
        .exclude(participant__progress_notes__kind=NoteKind.INDIVIDUAL)
        .select_related("participant")
        .order_by("participant__record_number")
    )
    held: dict[int, list[Session]] = {}
    for row in (
        Session.objects.filter(
            program=ctx.program,
            kind=Session.Kind.INDIVIDUAL,
            status=Session.Status.SCHEDULED,
            ends_at__lte=now,
            ends_at__gte=now - timedelta(days=21),
            enrolments__episode__in=episodes,
        )
        .annotate(episode_id=F("enrolments__episode_id"))
        .prefetch_related("staff")
        .order_by("starts_at", "pk")
    ):
        held.setdefault(row.episode_id, []).append(row)
    offered = thread.active_objectives_of([e.participant_id for e in episodes])
    tz = ctx.program.tz
    made = 0
    for i, episode in enumerate(episodes):
        objectives = offered.get(episode.participant_id, [])[:1]
        sessions = [s for s in held.get(episode.pk, []) if s.staff.all()]
        if sessions and i % 9 == 4:
            sessions.pop()
        for n, session in enumerate(sessions):
            author = session.staff.all()[0]
            signed_at = session.ends_at + timedelta(hours=rng.randint(1, 3))
            draft = signed_at > now or (i % 4 == 0 and n == len(sessions) - 1)
            data, assessment, plan = rng.choice(DAP)
            note = ProgressNote.objects.create(
                participant=episode.participant,
                organization_id=episode.participant.organization_id,
                episode=episode,
                session=session,
                kind=NoteKind.INDIVIDUAL,
                format=fmt,
                sections={
                    "Data": f"{data.format(n=rng.randint(0, 4))} {SYNTHETIC}",
                    "Assessment": assessment,
                    "Plan": plan,
                },
                service_date=session.date,
                start_time=session.starts_at.astimezone(tz).time(),
                end_time=session.ends_at.astimezone(tz).time(),
                minutes=session.minutes,
                mode=services.session_mode(session),
                no_objective_reason="" if objectives else "No signed plan yet",
                due_at=services.due_at(ctx.program, session, session.date, None),
                recorded_by=author,
                recorded_at=session.ends_at + timedelta(minutes=30),
                signed_by=None if draft else author,
                signed_at=None if draft else signed_at,
            )
            NoteObjective.objects.bulk_create(
                NoteObjective(note=note, objective=o, lineage=o.lineage) for o in objectives
            )
            made += 1
    return made
