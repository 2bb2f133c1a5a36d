"""The states in which some forms are offered, built through the real services, so the fuzz
submits each form from the page that shows it: a locked account, an episode with no intake, a
referral with a level-of-care decision, a finished schedule run, a drop-in search, a
participant discharged with follow-ups to call.

Each builder runs once per bench (what it built is kept on the bench) and returns the page.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from conftest import make_participant, run_queued_tasks
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus


def _once(b, key: str, make):
    made = b.__dict__.setdefault("states", {})
    if key not in made:
        made[key] = make()
    return made[key]


def locked_staff_page(b) -> str:
    """The staff page with the peer locked out after too many failed sign-ins."""
    from axes.models import AccessAttempt

    def lock():
        return AccessAttempt.objects.create(
            username=b.peer.username,
            ip_address="203.0.113.9",
            user_agent="fuzz",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
            attempt_time=timezone.now(),
        )

    _once(b, "locked", lock)
    return reverse("accounts:staff")


def no_intake_page(b) -> str:
    """The intake tab of the referral, whose episode has no intake yet."""
    return reverse("intake:intake", args=[b.referral.public_id])


def decided_referral_page(b) -> str:
    """The level-of-care tab of the referral once the IOP is decided (the admit form shows)."""
    from placement.tests.builders import record

    _once(b, "decided", lambda: record(b.referral_episode, by=b.intake))
    return reverse("placement:level_of_care", args=[b.referral.public_id])


def referred_out_page(b) -> str:
    """The level-of-care tab of the referral once it is referred out (the close form shows)."""
    from accounts.models import LevelOfCare
    from placement.tests.builders import IOP_RATINGS, record

    _once(
        b,
        "referred_out",
        lambda: record(
            b.referral_episode,
            by=b.intake,
            ratings={**IOP_RATINGS, "6": 4},
            level=LevelOfCare.RESIDENTIAL,
            reason="Needs a residential setting.",
            refer_to="Cedar House",
        ),
    )
    return reverse("placement:level_of_care", args=[b.referral.public_id])


def finished_run_page(b) -> str:
    """A weekly schedule run the solver has finished (edit, resolve and publish forms show)."""
    from scheduling import publishing
    from scheduling.models import ScheduleRun

    def solve():
        run = publishing.start_week_run(
            b.program, by=b.director, week_of=date(2026, 12, 7), time_limit=5
        )
        run_queued_tasks()
        run.refresh_from_db()
        assert run.status == ScheduleRun.Status.DONE, run.status
        return run

    run = _once(b, "run", solve)
    return reverse("scheduling:run", args=[run.public_id])


def second_in_care(b) -> Episode:
    """Another active participant on the therapist's caseload."""

    def make():
        person = make_participant(
            b.org, "T-000003", legal_first_name="Jordan", legal_last_name="Dropin"
        )
        episode = Episode.objects.create(
            participant=person,
            program=b.program,
            site=b.site,
            status=EpisodeStatus.ACTIVE,
            referred_on=date(2026, 9, 1),
            admitted_on=date(2026, 9, 8),
            primary_clinician=b.therapist,
        )
        for user, role in [
            (b.therapist, CareTeamRole.PRIMARY_CLINICIAN),
            (b.casemanager, CareTeamRole.CASE_MANAGER),
        ]:
            CareTeamMember.objects.create(episode=episode, user=user, role=role)
        return episode

    return _once(b, "second", make)


def drop_in_results(b, client):
    """The roll call's drop-in search answered with someone to add."""
    second_in_care(b)
    url = reverse("attendance:drop_in_search", args=[b.session.public_id])
    page = client.get(reverse("attendance:roll_call", args=[b.session.public_id])).content
    token = _hidden(page.decode(), "form_token")
    return client.post(url, {"text": "Jordan", "form_token": token})


def _hidden(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def discharged(b) -> Episode:
    """The second participant discharged by the therapist, agreeing to follow-up by phone;
    the first follow-up is on the call list."""
    from discharge import services
    from discharge.models import FollowUp, FollowUpStatus

    def make():
        episode = second_in_care(b)
        day = date(2026, 11, 20)
        services.discharge(
            episode,
            by=b.therapist,
            type="completed",
            on=day,
            reason="Met the goals of the plan.",
            expected_version=episode.version,
            follow_up_consent=True,
            channel="phone",
            now=datetime.combine(day, time(15), tzinfo=b.program.tz),
        )
        FollowUp.objects.filter(participant=episode.participant).update(
            status=FollowUpStatus.TO_CALL
        )
        return episode

    return _once(b, "discharged", make)


def discharged_tab(b) -> str:
    """The discharge tab of a discharged participant (summary and follow-up consent forms)."""
    return reverse("discharge:tab", args=[discharged(b).participant.public_id])


def discharged_page(name: str):
    """A chart page of the discharged participant (the aftercare plan, for one)."""
    return lambda b: reverse(name, args=[discharged(b).participant.public_id])


def call_answers_page(b) -> str:
    """Where the answers given on a follow-up call are entered."""
    from discharge.models import FollowUp

    episode = discharged(b)
    follow_up = FollowUp.objects.filter(participant=episode.participant).order_by("day").first()
    assert follow_up is not None
    return reverse(
        "discharge:call_answers", args=[episode.participant.public_id, follow_up.public_id]
    )


def call_list(b) -> str:
    discharged(b)
    return reverse("discharge:call_list")


def with_state(make, page):
    """A page shown once `make` has built what it lists."""

    def build(b) -> str:
        make(b)
        return page(b)

    return build


def support_shared(b) -> None:
    """A support person with a sign-in whom a Part 2 consent in force shares with."""
    from tests.authz import share_with_support

    _once(b, "support_shared", lambda: share_with_support(b.world))
