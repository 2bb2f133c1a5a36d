"""The demo's case management (synthetic): barriers for a few active participants, one asking
the scheduler for virtual sessions, and referrals to the national lines and fellowships at
every step of the loop (made, appointment set, attended, did not attend). A fellowship or a
helpline does not remove a transport or childcare barrier, so the referrals are not filed
under one. Idempotent: a participant who already has a barrier is left as it is."""

from datetime import timedelta

from casemanagement import services
from casemanagement.models import Barrier, BarrierKind, ScheduleChange
from casemanagement.national import national_resource
from participants.demo import DemoContext

PLAN = [
    (BarrierKind.TRANSPORT, "Bus route changed; two transfers now (synthetic)", "SMART Recovery"),
    (
        BarrierKind.WORK_SHIFTS,
        "Rotating shifts at the warehouse (synthetic)",
        "Alcoholics Anonymous (AA)",
    ),
    (BarrierKind.TELEHEALTH, "Prepaid phone runs out of data (synthetic)", "NAMI HelpLine"),
    (
        BarrierKind.CHILDCARE,
        "No care for a toddler on group days (synthetic)",
        "Narcotics Anonymous (NA)",
    ),
]


def seed(context: DemoContext) -> None:
    today = context.program.today()
    episodes = context.case_managed(len(PLAN))
    casemanager = context.staff["casemanager"]
    made = 0
    for index, episode in enumerate(episodes):
        participant = episode.participant
        if Barrier.objects.filter(participant=participant).exists():
            continue
        kind, detail, resource_name = PLAN[index]
        barrier = services.add_barrier(
            participant, by=casemanager, kind=kind, owner=casemanager, detail=detail
        )
        if kind == BarrierKind.TRANSPORT:
            services.request_schedule_change(
                barrier,
                by=casemanager,
                change=ScheduleChange.VIRTUAL,
                detail="Virtual on the days with two transfers (synthetic)",
            )
        resource = national_resource(resource_name)
        referral = services.refer(
            participant,
            by=casemanager,
            resource=resource,
            made_on=today - timedelta(days=10),
            note="Synthetic demo referral",
        )
        if index >= 1:
            referral = services.set_appointment(
                referral,
                by=casemanager,
                appointment_on=today - timedelta(days=3)
                if index >= 2
                else today + timedelta(days=2),
                detail="Synthetic: evening meeting",
            )
        if index == 2:
            services.record_outcome(referral, by=casemanager, status="attended")
        if index == 3:
            services.record_outcome(referral, by=casemanager, status="not_attended")
        made += 1
    context.stdout(f"    case management for {made} participants")
