"""The check-in from the portal, a reminder link and the API."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import AuditEvent
from audit.selectors import sentence
from checkins.models import CheckIn
from checkins.services import record_checkin
from links.services import issue_link
from monitoring.models import Alert
from safety.services import confirm, save_draft

CHICAGO = ZoneInfo("America/Chicago")
FORM_CALM = {"mood": "6", "craving": "2", "used": "no", "safety": "no", "hours_slept": "7"}


@pytest.fixture
def participant_client(world, login):
    return login(world.participant_user)


def test_the_portal_check_in_is_stored_and_thanked(world, participant_client):
    page = participant_client.get("/checkins/me/")
    assert page.status_code == 200
    assert AuditEvent.objects.filter(details__page="checkins:mine").count() == 1
    response = participant_client.post("/checkins/me/", FORM_CALM)
    assert response.status_code == 302
    assert CheckIn.objects.get().via == "portal"


def test_the_form_starts_from_the_last_check_in_but_never_answers_use_or_safety(
    world, participant_client
):
    participant_client.post("/checkins/me/", {**FORM_CALM, "mood": "4", "craving": "3"})
    body = participant_client.get("/checkins/me/").content.decode()
    checked = re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]*checked', body)
    assert sorted(checked) == [("craving", "3"), ("mood", "4")]


def test_only_a_form_filled_from_the_last_check_in_says_so(world, participant_client):
    first = participant_client.get("/checkins/me/").content.decode()
    assert "Same as last time?" not in first
    participant_client.post("/checkins/me/", FORM_CALM)
    assert "Same as last time?" in participant_client.get("/checkins/me/").content.decode()


def test_a_second_check_in_the_same_day_is_said_to_add_another(world, login):
    def page_at(moment):
        with time_machine.travel(moment, tick=False):
            return login(world.participant_user).get("/checkins/me/").content.decode()

    assert "You already checked in today" not in page_at(
        datetime(2026, 12, 1, 18, 0, tzinfo=CHICAGO)
    )
    with time_machine.travel(datetime(2026, 12, 1, 18, 40, tzinfo=CHICAGO), tick=False):
        login(world.participant_user).post("/checkins/me/", FORM_CALM)
    evening = page_at(datetime(2026, 12, 1, 21, 5, tzinfo=CHICAGO))
    assert "You already checked in today at 6:40 PM. Sending again adds another check-in" in evening
    assert "You already checked in today" not in page_at(
        datetime(2026, 12, 2, 8, 0, tzinfo=CHICAGO)
    )


def test_a_reminder_link_tells_the_time_of_the_program_not_of_the_server(world, client):
    """Nobody is signed in on a link's page: its times and its "today" are the program's."""
    record_checkin(
        world.participant,
        by=world.participant_user,
        now=datetime(2026, 12, 1, 18, 40, tzinfo=CHICAGO),
        mood=6,
        craving=2,
        used=False,
        safety=False,
    )
    with time_machine.travel(datetime(2026, 12, 1, 21, 5, tzinfo=CHICAGO), tick=False):
        body = client.get(issue_link(world.participant, "checkin").path).content.decode()
    assert "You already checked in today at 6:40 PM." in body


def test_a_safety_yes_shows_crisis_lines_at_once(world, participant_client):
    response = participant_client.post("/checkins/me/", {**FORM_CALM, "safety": "yes"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "988" in body and "741741" in body
    assert Alert.objects.filter(kind="checkin-safety", severity="critical").exists()


def test_the_crisis_page_has_its_own_address_so_a_reload_resends_nothing(world, participant_client):
    """The answer redirects to the crisis page: reloading it shows it again (audited each
    time) and the form sent a second time with its token is refused, so one yes is one
    check-in and one alert."""
    form = participant_client.get("/checkins/me/").content.decode()
    found = re.search(r'name="form_token" value="([^"]+)"', form)
    assert found is not None
    token = found.group(1)
    answer = {**FORM_CALM, "safety": "yes", "form_token": token}
    sent = participant_client.post("/checkins/me/", answer)
    assert sent.status_code == 302
    checkin = CheckIn.objects.get()
    assert sent.url == f"/checkins/me/crisis/{checkin.public_id}/"
    assert "?" not in sent.url
    for _ in range(2):
        page = participant_client.get(sent.url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "You do not have to face this alone" in body and "741741" in body
        assert "My program" in body
    shown = AuditEvent.objects.filter(details__page="checkins:crisis")
    assert shown.count() == 2
    assert {e.participant_id for e in shown} == {world.participant.pk}
    assert participant_client.post("/checkins/me/", answer).status_code == 409
    assert CheckIn.objects.count() == 1
    assert Alert.objects.filter(kind="checkin-safety").count() == 1


def test_the_crisis_address_opens_only_its_own_participants_safety_yes(
    world, participant_client, login
):
    calm = record_checkin(
        world.participant, by=world.participant_user, mood=5, craving=1, used=False, safety=False
    )
    assert (
        participant_client.get(f"/checkins/me/crisis/{calm.checkin.public_id}/").status_code == 404
    )
    participant_client.post("/checkins/me/", {**FORM_CALM, "safety": "yes"})
    alarm = CheckIn.objects.get(safety=True)
    staff = login(world.therapist).get(f"/checkins/me/crisis/{alarm.public_id}/")
    assert staff.status_code == 302


def test_the_crisis_page_dials_the_after_hours_line_by_its_digits(world, participant_client):
    """A number written "(555) 010-0100" in the program's settings still dials from a phone."""
    world.program.after_hours_phone = "(555) 010-0100"
    world.program.save(update_fields=["after_hours_phone"])
    response = participant_client.post("/checkins/me/", {**FORM_CALM, "safety": "yes"}, follow=True)
    body = response.content.decode()
    assert '<a class="button" href="tel:5550100100"><strong>' in body
    assert "call (555) 010-0100" in body


def test_a_form_with_a_missing_answer_comes_back(world, participant_client):
    response = participant_client.post("/checkins/me/", {**FORM_CALM, "safety": ""})
    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


def test_a_form_sent_back_says_so_at_the_top_and_beside_each_answer(world, participant_client):
    """The safety question is last on a long page: the top says what is missing and links
    there, and each error is tied to its question for a screen reader."""
    response = participant_client.post(
        "/checkins/me/", {**FORM_CALM, "safety": "", "hours_slept": "30"}
    )
    body = response.content.decode()
    start = body.index('<div class="error-summary" role="alert">')
    summary = body[start : body.index("</div>", start)]
    assert '<a href="#safety-field">' in summary
    assert '<a href="#hours_slept-field">' in summary
    assert (
        '<fieldset class="checkin-choice" id="safety-field" tabindex="-1" '
        'aria-describedby="safety-error">' in body
    )
    assert '<p class="error" id="safety-error">Answer this question.</p>' in body
    assert 'aria-describedby="id_hours_slept_error"' in body
    assert '<span class="error" id="id_hours_slept_error">' in body


def test_a_form_sent_back_opens_each_fold_that_holds_an_answer(world, participant_client):
    """Triggers and coping skills picked before a refusal are kept, and shown: a closed fold
    would hide them, and the participant would not know they were still there."""
    response = participant_client.post(
        "/checkins/me/",
        {**FORM_CALM, "safety": "", "triggers": ["stress"], "coping": ["breathing"]},
    )
    body = response.content.decode()
    opened = re.findall(r'<details class="checkin-more" open>\s*<summary>([^<]+)</summary>', body)
    assert opened == ["Triggers today", "Coping skills you used"]
    assert re.search(r'name="triggers" value="stress"[^>]*checked', body)
    assert re.search(r'name="coping" value="breathing"[^>]*checked', body)


def test_staff_are_sent_home_from_the_participant_page(world, login):
    client = login(world.therapist)
    assert client.get("/checkins/me/").status_code == 302


def test_a_reminder_link_opens_only_the_check_in_and_works_once(world, client):
    issued = issue_link(world.participant, "checkin")
    page = client.get(issued.path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Daily check-in" in body
    assert world.participant.legal_last_name not in body
    assert client.post(issued.path, FORM_CALM).status_code == 200
    assert CheckIn.objects.get().via == "link"
    assert client.post(issued.path, FORM_CALM).status_code == 410
    assert CheckIn.objects.count() == 1


def test_the_api_answers_201_with_the_alerts_raised(world, participant_client):
    response = participant_client.post(
        "/api/v1/me/checkins",
        {"mood": 3, "craving": 9, "used": True, "substances": ["opioids"], "safety": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "alerts"}
    assert sorted((a["kind"], a["severity"]) for a in data["alerts"]) == [
        ("checkin-safety", "critical"),
        ("checkin-use", "high"),
    ]
    assert CheckIn.objects.get().public_id.hex == data["id"].replace("-", "")


def test_the_api_refuses_bad_input_with_field_errors(world, participant_client):
    response = participant_client.post(
        "/api/v1/me/checkins",
        {"mood": 12, "craving": 1, "used": False, "safety": False},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"]
    assert CheckIn.objects.count() == 0


def test_the_api_is_for_participants_only(world, login):
    client = login(world.therapist)
    response = client.post(
        "/api/v1/me/checkins",
        {"mood": 5, "craving": 1, "used": False, "safety": False},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_the_api_needs_a_sign_in(world, client):
    response = client.post(
        "/api/v1/me/checkins",
        {"mood": 5, "craving": 1, "used": False, "safety": False},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_craving_and_mood_are_measures_a_plan_objective_can_use(world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from checkins.services import record_checkin
    from plans.measures import get

    at = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("UTC"))
    for day, craving in ((0, 7), (1, 4)):
        record_checkin(
            world.participant,
            by=world.participant_user,
            now=at.replace(day=16 + day),
            mood=5 + day,
            craving=craving,
            used=False,
            safety=False,
        )
    craving_measure, mood_measure = get("checkin-craving"), get("checkin-mood")
    assert craving_measure is not None and mood_measure is not None
    latest_craving = craving_measure.reading(world.participant.pk, world.episode.pk)
    latest_mood = mood_measure.reading(world.participant.pk, world.episode.pk)
    assert latest_craving is not None and latest_craving.value == 4
    assert latest_mood is not None and latest_mood.value == 6


def test_a_readmission_s_plan_is_measured_by_its_own_stay_s_check_ins(world, login):
    """A craving of 9 on the last check-in of the stay before is not the new plan's progress:
    its craving objective has no reading, on the plan and the objective's page, until this
    stay's first check-in, which it then reads."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    from checkins.services import record_checkin
    from checkins.tests.test_escalation_rules import readmit
    from plans.selectors import plan_view
    from plans.tests.builders import signed

    def check_in(day: int, craving: int) -> None:
        record_checkin(
            world.participant,
            by=world.participant_user,
            now=datetime(2026, 11, day, 9, 0, tzinfo=ZoneInfo("America/Chicago")),
            mood=5,
            craving=craving,
            used=False,
            safety=False,
        )

    check_in(2, 9)
    again = readmit(world, discharged_on=date(2026, 11, 3), admitted_on=date(2026, 11, 9))
    plan = signed(world, measure="checkin-craving", episode=again)
    objective = plan.objectives.get()

    (progress,) = plan_view(plan).progress.values()
    assert (progress.reading, progress.met) == (None, None)
    client = login(world.therapist)
    plan_page = client.get(reverse("plans:plan", args=[world.participant.public_id]))
    assert "no result recorded yet" in plan_page.content.decode()
    objective_page = client.get(
        reverse(
            "plans:objective",
            args=[world.participant.public_id, plan.public_id, objective.public_id],
        )
    )
    assert "No result recorded yet." in objective_page.content.decode()

    check_in(10, 3)
    (progress,) = plan_view(plan).progress.values()
    assert (progress.reading.value, progress.reading.on, progress.met) == (
        3,
        date(2026, 11, 10),
        True,
    )


def test_a_form_sent_back_with_its_errors_is_audited_once(world, participant_client):
    before = AuditEvent.objects.count()
    response = participant_client.post("/checkins/me/", {**FORM_CALM, "mood": ""})
    assert response.status_code == 400
    shown = AuditEvent.objects.order_by("id")[before:]
    assert [(e.participant_id, e.details.get("page")) for e in shown] == [
        (world.participant.pk, "checkins:mine")
    ]


def test_hours_slept_out_of_range_is_told_in_plain_words(world, participant_client):
    """Django's own "Ensure this value is less than or equal to 24." read like a machine."""
    for hours in ("30", "-1", "7.25", "lots"):
        response = participant_client.post("/checkins/me/", {**FORM_CALM, "hours_slept": hours})
        body = response.content.decode()
        assert response.status_code == 400
        assert "Write the hours you slept as a number from 0 to 24, for example 7 or 6.5." in body
        assert "Ensure this value" not in body
    assert CheckIn.objects.count() == 0


def test_a_reload_after_a_link_s_safety_yes_shows_crisis_lines_but_not_the_plan(world, client):
    """The plan is the participant's own words: the spent link offers sign-in to see it."""
    draft = save_draft(
        world.participant,
        by=world.therapist,
        steps={"warning_signs": "I stop answering the phone"},
        expected_version=None,
    )
    confirm(
        draft, by=world.therapist, expected_version=draft.version, written_with_participant=True
    )
    issued = issue_link(world.participant, "checkin")
    answered = client.post(issued.path, {**FORM_CALM, "safety": "yes"}).content.decode()
    assert "I stop answering the phone" in answered
    response = client.get(issued.path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You do not have to face this alone" in body
    assert "988" in body
    assert '<a class="button" href="/accounts/login/">Sign in to see your safety plan</a>' in body
    assert "I stop answering the phone" not in body
    assert CheckIn.objects.count() == 1


def test_the_audit_history_says_the_participant_answered_a_daily_check_in(
    world, participant_client
):
    """A privacy officer reads "… answered a daily check-in", not that a check-in was sent
    somewhere."""
    participant_client.post("/checkins/me/", FORM_CALM)
    event = AuditEvent.objects.get(event_type="checkin.recorded")
    said = sentence(event)
    assert said.endswith(" answered a daily check-in"), said
