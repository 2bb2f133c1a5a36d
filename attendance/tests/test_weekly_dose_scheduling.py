"""The scheduling writes keep the stored weekly doses equal to the live sums: publishing a
week, republishing it without some sessions, and placing a mid-week admission."""

from datetime import time, timedelta

from attendance.tests.test_weekly_dose import _live, _stored
from scheduling import publishing
from scheduling.admission import schedule_new_admission
from scheduling.tests.conftest import MONDAY, admit, calendar, set_windows  # noqa: F401
from scheduling.weeks import local_instant


def test_publishing_republishing_and_a_mid_week_admission_keep_the_doses(
    world,
    calendar,  # noqa: F811
    run_tasks,
):
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    assert run_tasks() == 1
    run.refresh_from_db()
    monday = local_instant(world.program, MONDAY, time(0))
    publishing.publish_run(run, by=world.director, not_before=monday)
    published = _stored()
    assert published == _live() and published

    me = str(world.participant.public_id)
    for sid in run.result["participants"][me]["sessions"][:2]:
        publishing.edit_proposal(
            run, by=world.director, participant_id=me, session_id=sid, action="remove"
        )
    run.refresh_from_db()
    publishing.publish_run(run, by=world.director, not_before=monday)
    assert _stored() == _live() != published

    newcomer = admit(world, "T-20000", "Noa", admitted=MONDAY + timedelta(days=1))
    set_windows(newcomer, [(d, "08:30", "13:00") for d in range(5)])
    tuesday = local_instant(world.program, MONDAY + timedelta(days=1), time(0))
    schedule_new_admission(newcomer, by=world.therapist, now=tuesday)
    assert any(person == newcomer.participant_id for person, _ in _stored())
    assert _stored() == _live()
