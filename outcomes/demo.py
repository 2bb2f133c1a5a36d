"""The demo's program history, so the director's outcomes board has figures to show: two
years of invented participants who were referred, admitted, attended and left care (with
their discharges, follow-ups, measures, check-ins, screens and signed notes), written by
`outcomes.synthetic` into the demo program, in its past weeks and its retired past groups.

The stays are the demo's clinicians' (`DemoContext.primary_clinicians`): each had its
primary clinician, who held its care-team place and wrote its records; the intake
coordinator opened the referrals and the nurse collected some of the screens. The director
wrote none of it.

Only `seed_demo --history N` asks for it (`run.py demo` does); it is all in the past, so the
daily pages (caseloads, today's sessions, alert lists, worklists) stay as the demo program
makes them. Idempotent: an organization that already has the history is left alone.
"""

from audit.services import record_event
from outcomes import facts, synthetic
from participants.demo import DemoContext
from participants.models import Participant

NUMBERING = "HIST"
YEARS = 2  # the board's default range is the past year; a second one fills its first months


def seed_history(context: DemoContext) -> None:
    size = context.extras.get("history", 0)
    organization = context.organization
    if (
        not size
        or Participant.objects.filter(
            organization=organization, record_number__startswith=f"{NUMBERING}-"
        ).exists()
    ):
        return
    made = synthetic.generate(
        context.program,
        participants=size,
        today=context.program.today(),
        years=YEARS,
        staff=synthetic.PastStaff(
            clinicians=context.primary_clinicians(),
            intake=context.staff["intake"],
            collectors=[context.staff["nurse"]],
        ),
        seed=context.rng_seed,
        numbering=NUMBERING,
        in_care=False,
        after_care=True,
    )
    record_event(
        actor=None,
        event_type="demo.imported",
        organization=organization,
        record_type="participants.Participant",
        details={"synthetic_demo_import": made.participants, "history": True},
    )
    facts.rebuild([organization.pk])
    context.stdout(
        f"    {made.participants} past participants, {made.episodes} episodes, "
        f"{made.attendance} roll calls, {made.group_notes} group notes, {made.alerts} alerts"
    )
