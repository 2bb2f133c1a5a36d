"""GET /measures, the not-on-track review, reminders with single-use links, kiosk mode."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from links.models import SingleUseLink
from measurement.models import ReminderChoice, ReminderSent
from measurement.services import NOT_ON_TRACK, check_not_on_track, send_reminders
from measurement.tests.conftest import T0, phq9_answers
from participants.models import Episode, EpisodeStatus


def test_the_measures_api_gives_series_change_rule_and_source(world, give, login):
    give("phq-9", phq9_answers(20), T0)
    give("phq-9", phq9_answers(14), T0 + timedelta(days=14))
    client = login(world.therapist)
    response = client.get(f"/api/v1/participants/{world.participant.public_id}/measures")
    assert response.status_code == 200
    data = {m["instrument"]: m for m in response.json()}
    phq = data["phq-9"]
    assert [p["value"] for p in phq["series"]] == [20, 14]
    assert (phq["baseline"], phq["latest"], phq["change"]) == (20, 14, -6)
    assert (phq["reliable_change_points"], phq["rule"]) == (6, "IAPT rule ≥6 points")
    assert phq["classification"] == "reliable-improvement"
    assert "§1b" in phq["source"] and "IAPT rule" in phq["source"]
    assert not {"sd", "reliability", "rci"} & set(phq)
    pcl = data["pcl-5"]
    assert pcl["classification"] == "not-computed" and pcl["reliable_change_points"] is None
    assert "15-18" in pcl["note"]
    assert {"bam-use", "bam-risk", "bam-protective", "checkin-craving", "checkin-mood"} <= set(data)


def test_the_measures_api_refuses_staff_outside_the_care_team(world, login):
    client = login(world.outsider)
    response = client.get(f"/api/v1/participants/{world.participant.public_id}/measures")
    assert response.status_code == 403


def test_reliable_deterioration_asks_for_a_level_of_care_review(world, give):
    give("phq-9", phq9_answers(8), T0)
    give("phq-9", phq9_answers(16), T0 + timedelta(days=14))
    raised = check_not_on_track(now=T0 + timedelta(days=15))
    assert [a.kind for a in raised] == [NOT_ON_TRACK]
    alert = raised[0]
    assert "reliable deterioration" in alert.detail
    assert f"/placement/{world.participant.public_id}/" in alert.detail
    assert list(alert.assigned_to.all()) == [world.therapist]
    from worklist.models import Task

    task = Task.objects.get(kind="measurement.not_on_track")
    assert (task.participant, task.owner) == (world.participant, world.therapist)
    assert "level-of-care" in task.title
    assert check_not_on_track(now=T0 + timedelta(days=16)) == []  # one open review at a time


def test_the_review_says_the_deterioration_in_points(world, give):
    give("phq-9", phq9_answers(8), T0)
    give("phq-9", phq9_answers(14), T0 + timedelta(days=14))
    raised = check_not_on_track(now=T0 + timedelta(days=15))
    assert raised and "PHQ-9: reliable deterioration (+6 points)." in raised[0].detail
    assert "RCI" not in raised[0].detail


@pytest.mark.parametrize("sex", ["male", "female"])
def test_a_3_point_gad7_rise_asks_for_no_review_whatever_the_sex(world, give, sex):
    """The IAPT rule of the clinical reference is 4 points on the GAD-7, for everyone."""
    world.participant.sex_at_birth = sex
    world.participant.save(update_fields=["sex_at_birth"])
    give("gad-7", {str(i): 1 if i <= 6 else 2 for i in range(1, 8)}, T0)  # 8
    give("gad-7", {str(i): 1 if i <= 3 else 2 for i in range(1, 8)}, T0 + timedelta(days=14))
    assert check_not_on_track(now=T0 + timedelta(days=15)) == []


def test_a_5_point_phq9_drop_is_no_reliable_improvement_after_the_program_s_weeks(world, give):
    give("phq-9", phq9_answers(9), T0)
    give("phq-9", phq9_answers(4), T0 + timedelta(days=14))
    raised = check_not_on_track(now=T0 + timedelta(weeks=7))
    assert raised and "No reliable improvement after 7 weeks" in raised[0].detail


def test_no_reliable_improvement_after_the_program_s_weeks(world, give):
    give("phq-9", phq9_answers(9), T0)
    give("phq-9", phq9_answers(8), T0 + timedelta(days=14))
    assert check_not_on_track(now=T0 + timedelta(weeks=5)) == []
    raised = check_not_on_track(now=T0 + timedelta(weeks=7))
    assert raised and "No reliable improvement after 7 weeks" in raised[0].detail


def test_the_weeks_in_care_are_counted_in_the_program_s_days(world, give):
    give("phq-9", phq9_answers(9), T0)
    give("phq-9", phq9_answers(8), T0 + timedelta(days=14))
    # 20:00 in Chicago on day 41 is already day 42 in UTC: still five whole weeks in care.
    evening = datetime(2026, 10, 19, 20, 0, tzinfo=T0.tzinfo).astimezone(UTC)
    assert evening.date() == date(2026, 10, 20)
    assert check_not_on_track(now=evening) == []
    raised = check_not_on_track(now=evening + timedelta(hours=12))
    assert raised and "No reliable improvement after 6 weeks" in raised[0].detail


def test_repeated_positive_screens_ask_for_a_review(world, give):
    give("phq-9", phq9_answers(12), T0)
    give("phq-9", phq9_answers(13), T0 + timedelta(days=14))
    raised = check_not_on_track(now=T0 + timedelta(days=15))
    assert raised and "the last two screens were positive" in raised[0].detail


def test_improving_participants_are_on_track(world, give):
    give("phq-9", phq9_answers(18), T0)
    give("phq-9", phq9_answers(8), T0 + timedelta(days=28))
    assert check_not_on_track(now=T0 + timedelta(weeks=8)) == []


def test_reminders_go_to_those_who_opted_in_with_a_single_use_link(world, give):
    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    now = T0 + timedelta(hours=1)
    sent = send_reminders(now=now)
    assert sent == 3  # PHQ-9, GAD-7, PCL-5 (the BAM is a staff paper form)
    assert len(mail.outbox) == 3
    body = mail.outbox[0].body
    assert "/l/" in body and "?" not in body.split("/l/")[1]
    assert world.participant.legal_last_name not in body
    assert SingleUseLink.objects.filter(participant=world.participant).count() == 3
    assert send_reminders(now=now + timedelta(hours=2)) == 0  # once a day
    assert ReminderSent.objects.count() == 3


def test_reminders_are_sent_once_a_day_of_the_program_s(world):
    """At 18:00 in Los Angeles the day in UTC is already the next one: the evening run is
    still the day of the afternoon's reminders there, so it sends none again, and each
    reminder is recorded on the program's day."""
    world.program.time_zone = "America/Los_Angeles"
    world.program.save(update_fields=["time_zone"])
    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    los_angeles = ZoneInfo("America/Los_Angeles")
    # The daily job runs with the time in UTC (`timezone.now()`).
    afternoon = datetime(2026, 9, 9, 15, 0, tzinfo=los_angeles).astimezone(UTC)
    assert send_reminders(now=afternoon) == 3
    assert send_reminders(now=afternoon + timedelta(hours=3)) == 0
    assert {r.sent_on for r in ReminderSent.objects.all()} == {date(2026, 9, 9)}
    assert send_reminders(now=afternoon + timedelta(days=1)) == 3


def test_a_worker_back_after_days_away_sends_the_reminders_once(world, run_tasks):
    """The daily run due five days ago runs once, as of the worker's return: one reminder
    per questionnaire due, on that day, not one for each day the worker was stopped."""
    from measurement.tasks import daily
    from tandem.tasks import enqueue_after_commit

    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    back = T0 + timedelta(days=5, hours=1)
    enqueue_after_commit(daily, (T0 + timedelta(hours=1)).isoformat())

    with time_machine.travel(back, tick=False):
        assert run_tasks() == 1

    assert len(mail.outbox) == 3  # PHQ-9, GAD-7, PCL-5
    assert {r.sent_on for r in ReminderSent.objects.all()} == {back.date()}


def test_no_reminders_without_an_opt_in(world):
    assert send_reminders(now=T0) == 0
    assert mail.outbox == []


def test_text_reminders_use_the_console_sender(world, capsys):
    world.participant.phone = "555-0100"
    world.participant.save(update_fields=["phone"])
    ReminderChoice.objects.create(participant=world.participant, sms=True)
    send_reminders(now=T0)
    assert "SMS to 555-0100" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        (
            "Español",
            "Un cuestionario de su equipo de atención",
            "Su equipo de atención le pide que conteste un cuestionario breve.",
        ),
        (
            "English",
            "A questionnaire from your care team",
            "Your care team asks you to answer a short questionnaire.",
        ),
    ],
)
def test_reminders_are_in_the_participants_language_and_name_no_questionnaire(
    world, capsys, language, subject, body
):
    world.participant.phone = "555-0100"
    world.participant.email = "robin@example.invalid"
    world.participant.preferred_language = language
    world.participant.save(update_fields=["phone", "email", "preferred_language"])
    ReminderChoice.objects.create(participant=world.participant, email=True, sms=True)

    assert send_reminders(now=T0) == 3
    texts = capsys.readouterr().out.splitlines()
    assert len(texts) == 3 and all(t.startswith(f"SMS to 555-0100: {body}") for t in texts)
    assert [m.subject for m in mail.outbox] == [subject] * 3
    assert all(m.body.startswith(body) for m in mail.outbox)
    # A phone's lock screen shows the message: no questionnaire, no kind of treatment (the
    # link's random token is left out, so chance letters in it do not count).
    words = ["PHQ", "GAD", "PCL", "depres", "substance", "sustancia", "IOP", "recovery", "recupera"]
    for text in texts + [f"{m.subject}\n{m.body}" for m in mail.outbox]:
        text = re.sub(r"https?://\S+", "", text).lower()
        assert not [word for word in words if word.lower() in text]


def test_without_a_text_provider_nothing_is_printed_and_no_text_reminder_is_issued(
    world, settings, capsys, caplog
):
    """Outside development and the demo, a phone number and a working link must not reach
    the server's output; a text-only choice gets no reminder, and an e-mail one still does."""
    settings.TANDEM_SMS_SENDER = "measurement.sms.UnconfiguredSmsSender"
    world.participant.phone = "555-0100"
    world.participant.email = "robin@example.org"
    world.participant.save(update_fields=["phone", "email"])
    choice = ReminderChoice.objects.create(participant=world.participant, sms=True)

    assert send_reminders(now=T0) == 0
    assert not SingleUseLink.objects.exists() and not ReminderSent.objects.exists()

    choice.email = True
    choice.save()
    assert send_reminders(now=T0) > 0
    assert {r.channel for r in ReminderSent.objects.all()} == {"email"}
    assert len(mail.outbox) == ReminderSent.objects.count()
    printed = capsys.readouterr().out + caplog.text
    assert "555-0100" not in printed and "/l/" not in printed


def test_kiosk_mode_reaches_only_the_due_questionnaires(world, login):
    client = login(world.therapist)
    response = client.post(f"/measurement/{world.participant.public_id}/kiosk/")
    assert response.status_code == 302 and response["Location"] == "/measurement/kiosk/"
    page = client.get("/measurement/kiosk/").content.decode()
    assert "/l/" in page
    assert client.get(f"/participants/{world.participant.public_id}/").status_code == 302
    assert client.get("/").url == "/measurement/kiosk/"
    wrong = client.post("/measurement/kiosk/end/", {"password": "not it"})
    assert wrong.status_code == 400
    from conftest import PASSWORD

    back = client.post("/measurement/kiosk/end/", {"password": PASSWORD})
    assert back.status_code == 302
    assert client.get(f"/participants/{world.participant.public_id}/").status_code == 200


def test_a_reminder_choice_saved_from_a_stale_page_is_refused_not_written_over(world, login):
    world.participant.email = "robin@example.invalid"
    world.participant.phone = "555-0100"
    world.participant.save(update_fields=["email", "phone"])
    url = f"/measurement/{world.participant.public_id}/reminders/"
    therapist, counsellor = login(world.therapist), login(world.counsellor)
    therapist.post(url, {"email": "on"})
    opened = ReminderChoice.objects.get().version  # both pages now show e-mail only
    counsellor.post(url, {"email": "on", "sms": "on", "version": str(opened)})

    stale = therapist.post(url, {"version": str(opened)}, follow=True)  # e-mail off, as it saw

    choice = ReminderChoice.objects.get()
    assert (choice.email, choice.sms) == (True, True)
    assert "changed by someone else" in stale.content.decode()
    assert f'name="version" value="{choice.version}"' in stale.content.decode()


def test_after_a_readmission_the_review_reads_only_the_new_stay_s_scores(world, give):
    import time_machine

    from participants.models import Episode, EpisodeStatus

    back = T0 + timedelta(days=60)
    with time_machine.travel(back + timedelta(days=15), tick=False):
        give("phq-9", phq9_answers(2), T0)  # the first stay ended well
        Episode.objects.filter(pk=world.episode.pk).update(
            status=EpisodeStatus.DISCHARGED, discharged_on=(T0 + timedelta(days=30)).date()
        )
        Episode.objects.create(
            participant=world.participant,
            program=world.program,
            status=EpisodeStatus.ACTIVE,
            referred_on=(back - timedelta(days=7)).date(),
            admitted_on=back.date(),
            primary_clinician=world.therapist,
        )
        give("phq-9", phq9_answers(6), back)
        give("phq-9", phq9_answers(9), back + timedelta(days=14))  # 6 to 9: no reliable change

        assert check_not_on_track(now=back + timedelta(days=15)) == []


def test_a_record_entered_in_error_gets_no_reminder_and_no_review(world, give):
    from participants.services import mark_entered_in_error

    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    give("phq-9", phq9_answers(12), T0)
    give("phq-9", phq9_answers(13), T0 + timedelta(days=14))  # two positive screens
    mark_entered_in_error(world.participant, by=world.director, reason="Opened for someone else")

    assert send_reminders(now=T0 + timedelta(days=15)) == 0
    assert mail.outbox == []
    assert check_not_on_track(now=T0 + timedelta(days=15)) == []


def test_the_measures_tab_shows_this_stay_and_earlier_stays_apart(world, give, login):
    """After a readmission the tab's trajectory and reliable change start from the new stay's
    own baseline; the earlier stay's scores are shown apart, named by its dates."""
    give("phq-9", phq9_answers(20), T0)
    give("phq-9", phq9_answers(14), T0 + timedelta(days=14))
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 10, 2)
    )
    Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.ACTIVE,
        referred_on=date(2026, 11, 2),
        admitted_on=date(2026, 11, 3),
        primary_clinician=world.therapist,
    )
    give("phq-9", phq9_answers(18), datetime(2026, 11, 3, 10, 0, tzinfo=T0.tzinfo))

    with time_machine.travel(datetime(2026, 11, 10, 12, 0, tzinfo=T0.tzinfo), tick=False):
        response = login(world.therapist).get(
            reverse("measurement:tab", args=[world.participant.public_id])
        )

    phq = {m.key: m for m in response.context["measures"]}["phq-9"]
    assert [v for _, v in phq.series] == [18] and phq.change.baseline == 18
    assert response.context["weeks"][0] == date(2026, 11, 2)
    text = response.content.decode()
    assert "This stay: referred Mon 2 Nov 2026, admitted Tue 3 Nov 2026." in text
    earlier = text[text.index('id="earlier-heading"') :]
    assert "Adult IOP: referred Tue 1 Sep 2026, admitted Tue 8 Sep 2026, discharged" in earlier
    assert '<td><span class="nowrap">PHQ-9</span></td><td>2</td><td>20</td><td>14</td>' in earlier


def test_the_measures_api_names_the_stay_of_each_score(world, give, login):
    """A readmitted participant's series still hold every stay's scores, and each score names
    the stay it belongs to, so a reader can tell the new stay's from the earlier one's."""
    from checkins.services import record_checkin

    def check_in(at, craving):
        record_checkin(
            world.participant,
            by=world.participant_user,
            now=at,
            mood=5,
            craving=craving,
            used=False,
            safety=False,
        )

    give("phq-9", phq9_answers(20), T0)
    check_in(T0 + timedelta(days=1), 7)
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 10, 2)
    )
    again = Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.ACTIVE,
        referred_on=date(2026, 11, 2),
        admitted_on=date(2026, 11, 3),
        primary_clinician=world.therapist,
    )
    give("phq-9", phq9_answers(18), datetime(2026, 11, 3, 10, 0, tzinfo=T0.tzinfo))
    check_in(datetime(2026, 11, 4, 9, 0, tzinfo=T0.tzinfo), 3)

    response = login(world.therapist).get(
        f"/api/v1/participants/{world.participant.public_id}/measures"
    )

    assert response.status_code == 200
    data = {m["instrument"]: m for m in response.json()}
    earlier, this = str(world.episode.public_id), str(again.public_id)
    phq = data["phq-9"]
    assert [(p["value"], p["episode"]) for p in phq["series"]] == [(20, earlier), (18, this)]
    assert (phq["baseline"], phq["latest"]) == (20, 18)
    craving = data["checkin-craving"]["series"]
    assert [(p["value"], p["episode"]) for p in craving] == [(7, earlier), (3, this)]


def test_the_openapi_document_names_the_stay_of_each_score(db):
    from django.test import Client

    spec = Client().get("/api/v1/openapi.json").json()
    point = spec["components"]["schemas"]["Point"]
    assert point["properties"]["episode"]["anyOf"] == [
        {"format": "uuid", "type": "string"},
        {"type": "null"},
    ]
    assert "episode" in point["required"]


def test_the_not_on_track_review_reads_stay_flat_as_participants_grow(world, give):
    """The daily review reads every stay in care in a fixed number of queries: only a review
    it raises writes more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attendance.tests.builders import active_participant

    def deteriorating(n: int, tag: str) -> None:
        for i in range(n):
            episode = active_participant(world, f"N-{tag}{i}", "Pat", f"Row{tag}{i}")
            give("phq-9", phq9_answers(8), T0, participant=episode.participant)
            give(
                "phq-9", phq9_answers(16), T0 + timedelta(days=14), participant=episode.participant
            )

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert check_not_on_track(now=T0 + timedelta(days=16)) == []  # reviews already open
        return len(queries)

    deteriorating(1, "a")
    assert len(check_not_on_track(now=T0 + timedelta(days=15))) == 1
    few = reads()
    deteriorating(4, "b")
    assert len(check_not_on_track(now=T0 + timedelta(days=15))) == 4
    assert reads() == few


def test_the_measures_tab_says_the_reliable_change_in_words(world, give, login):
    give("phq-9", phq9_answers(20), T0)
    give("phq-9", phq9_answers(5), T0 + timedelta(days=14))
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        response = login(world.therapist).get(
            reverse("measurement:tab", args=[world.participant.public_id])
        )
    text = response.content.decode()
    change = text[text.index('id="change-heading"') :]
    assert "<td>Reliable improvement</td>" in change
    assert "<td>Recovered (from the cut-off or above to below it)</td>" in change
    assert "<td>Not computed</td>" in change
    assert "reliable-improvement" not in change and "not-computed" not in change


def test_the_measures_tab_gives_the_change_in_points_and_the_rule_with_its_source(
    world, give, login
):
    give("phq-9", phq9_answers(20), T0)
    give("phq-9", phq9_answers(15), T0 + timedelta(days=14))
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        response = login(world.therapist).get(
            reverse("measurement:tab", args=[world.participant.public_id])
        )
    text = response.content.decode()
    change = text[text.index('id="change-heading"') :]
    assert (
        '<td><span class="nowrap">PHQ-9</span></td><td>20</td><td>15</td><td>−5</td>'
        "<td>IAPT rule ≥6 points</td>"
        "<td>No reliable change</td>"
    ) in change
    assert "Clinical reference §1b" in change and "Reliable improvement ≥6 (IAPT rule)" in change
    assert '<th scope="col">Change (points)</th>' in change
    for gone in ('<th scope="col">SD</th>', '<th scope="col">RCI</th>', "Jacobson"):
        assert gone not in text


def test_the_trajectory_writes_hours_attended_as_every_page_writes_a_duration(world, give, login):
    """5.6 was 5 h 35 min divided in the page's head; the chart and the table say it as the
    attendance tab does, and a label's hyphenated word never breaks at its hyphen."""
    from attendance.tests.builders import enrol, make_session, record

    give("phq-9", phq9_answers(20), T0)
    for day, status, minutes in (
        (date(2026, 9, 8), "present", 180),
        (date(2026, 9, 9), "late", 155),
    ):
        session = make_session(world.program, day, minutes=180)
        enrol(session, world.episode)
        record(session, world.episode, status, minutes)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        text = (
            login(world.therapist)
            .get(reverse("measurement:tab", args=[world.participant.public_id]))
            .content.decode()
        )

    nbsp = "\u00a0"
    table = text[text.index("trajectory-table") :].split("</table>")[0]
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert f"<td>5{nbsp}h 35{nbsp}min</td>" in table
    assert f">5{nbsp}h 35{nbsp}min</text>" in svg and f">12{nbsp}h</text>" in svg
    assert "5.6" not in table + svg
    assert '<th scope="col"><span class="nowrap">PHQ-9</span></th>' in table
    change = text[text.index('id="change-heading"') :]
    assert '<td>Mood <span class="nowrap">(check-in)</span></td>' in change


def test_a_primary_clinician_who_left_never_stops_the_reviews_of_everyone_else(world, give):
    from attendance.tests.builders import active_participant
    from worklist.models import Task
    from worklist.services import NO_ONE_ON_THE_TEAM

    other = active_participant(
        world, "T-000777", "Robin", "Testperson", primary=world.counsellor
    ).participant
    for someone in (world.participant, other):
        give("phq-9", phq9_answers(8), T0, participant=someone)
        give("phq-9", phq9_answers(16), T0 + timedelta(days=14), participant=someone)
    world.therapist.is_active = False  # the world participant's primary clinician left
    world.therapist.save(update_fields=["is_active"])

    raised = check_not_on_track(now=T0 + timedelta(days=15))

    assert {a.participant_id for a in raised} == {world.participant.pk, other.pk}
    owners = dict(
        Task.objects.filter(kind="measurement.not_on_track").values_list("participant", "owner")
    )
    assert owners[other.pk] == world.counsellor.pk
    assert owners[world.participant.pk] in {world.director.pk, world.supervisor.pk}
    task = Task.objects.get(kind="measurement.not_on_track", participant=world.participant)
    assert task.detail.endswith(NO_ONE_ON_THE_TEAM)
