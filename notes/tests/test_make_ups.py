"""The modules a member completed and missed; a missed module offers a make-up: the next session expected to run that module
when the schedule has one, otherwise the make-up page."""

from datetime import time, timedelta

from django.urls import reverse

from attendance.services import RollCallEntry
from attendance.tests.builders import make_session
from notes import services
from notes.models import Curriculum, CurriculumModule, GroupCurriculum
from notes.seeds import CYCLE, seed
from notes.selectors import curriculum_progress
from scheduling.models import Group, Session


def _group(world, title: str, cycle) -> Group:
    group = Group.objects.create(
        program=world.program,
        title=title,
        weekday=0,
        start_time=time(9, 0),
        minutes=90,
        capacity=12,
    )
    GroupCurriculum.objects.create(group=group, curriculum=cycle)
    return group


def _session(world, group, days: int) -> Session:
    session = make_session(
        world.program,
        world.program.today() + timedelta(days=days),
        minutes=90,
        title=group.title,
        staff=[world.counsellor],
    )
    Session.objects.filter(pk=session.pk).update(group=group)
    session.refresh_from_db()
    return session


def test_a_missed_module_links_to_the_next_session_running_it(world, login, group_session):
    seed()
    cycle = Curriculum.objects.get(program=None, name=CYCLE)
    module = {m.number: m for m in CurriculumModule.objects.filter(curriculum=cycle)}
    morning, evening = _group(world, "Morning cycle", cycle), _group(world, "Evening cycle", cycle)
    ran, (present, absent) = group_session(2)
    Session.objects.filter(pk=ran.pk).update(group=morning)
    ran.refresh_from_db()
    services.document_group(
        ran,
        by=world.counsellor,
        narrative="Worked through high-risk situations.",
        module=module[3],
        members=[
            services.MemberSection(
                present.participant, text="Took part.", no_objective_reason="None yet"
            ),
            services.MemberSection(
                absent.participant, text="Called in sick.", no_objective_reason="None yet"
            ),
        ],
        roll_call=[
            RollCallEntry(present.participant, "present"),
            RollCallEntry(absent.participant, "excused"),
        ],
        sign=True,
    )
    services.document_group(
        _session(world, evening, -3),
        by=world.counsellor,
        narrative="Mapped triggers.",
        module=module[2],
        sign=True,
    )
    done = curriculum_progress(present.participant)
    assert [(c.completed, c.missed) for c in done] == [(1, [])]
    [missed] = curriculum_progress(absent.participant)[0].missed
    assert missed.module == module[3] and missed.missed_on == ran.date
    _session(world, morning, 2)  # runs module 4, the morning group's next
    evening_next = _session(world, evening, 3)  # runs module 3, the one missed
    client = login(world.therapist)
    tab = reverse("notes:tab", args=[absent.participant.public_id])
    page = client.get(tab).content.decode()
    assert reverse("scheduling:session", args=[evening_next.public_id]) in page
    assert "runs this module" in page

    Session.objects.filter(pk=evening_next.pk).update(status=Session.Status.CANCELLED)
    page = client.get(tab).content.decode()
    assert "runs this module" not in page
    assert reverse("attendance:make_up", args=[absent.participant.public_id]) in page
