"""Reviewing a drug screen's unexpected results: the review as its own record, once per screen,
by those whose role reviews results; the tab's review line and form; the home's screens to
review; the API's review."""

import json
import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.tests.builders import active_participant
from audit.models import AuditEvent
from screens.models import DrugScreen, ScreenReview
from screens.services import mark_entered_in_error, record_screen, review_screen
from screens.tests.conftest import COLLECTED
from tandem.errors import AccessDenied, InvalidInput

DONE = "Discussed with participant; dose unchanged."
NEXT_DAY = COLLECTED + timedelta(days=1)


@pytest.fixture
def missing_bup(world, on_list, screen_with) -> DrugScreen:
    """Buprenorphine on the medication list and absent from the cup: an unexpected negative."""
    on_list("buprenorphine-naloxone")
    return screen_with()


def _tab(client, world) -> str:
    return client.get(reverse("screens:tab", args=[world.participant.public_id])).content.decode()


def test_the_prescriber_reviews_a_missing_buprenorphine_as_a_record_of_its_own(world, missing_bup):
    before = DrugScreen.objects.values().get(pk=missing_bup.pk)

    review = review_screen(missing_bup, by=world.prescriber, comment=f"  {DONE} ", now=NEXT_DAY)

    assert ScreenReview.objects.get().pk == review.pk
    assert (review.screen_id, review.recorded_by, review.comment) == (
        missing_bup.pk,
        world.prescriber,
        DONE,
    )
    assert DrugScreen.objects.values().get(pk=missing_bup.pk) == before
    event = AuditEvent.objects.get(event_type="drug_screen.reviewed")
    assert event.actor == world.prescriber
    assert event.details["flags"] == ["unexpected-negative"]
    assert event.details["part2"] is True


def test_a_second_review_of_the_same_screen_is_refused(world, missing_bup):
    review_screen(missing_bup, by=world.prescriber, comment=DONE, now=NEXT_DAY)

    with pytest.raises(InvalidInput, match="already reviewed"):
        review_screen(missing_bup, by=world.therapist, comment="Seen again.", now=NEXT_DAY)

    assert ScreenReview.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="drug_screen.reviewed").count() == 1


def test_the_database_holds_one_review_per_screen_whoever_writes_it(world, missing_bup):
    """Two reviews sent at once both pass every check before either is saved: the unique
    review of the screen is what refuses the second."""
    ScreenReview.objects.create(screen=missing_bup, comment=DONE, recorded_by=world.prescriber)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreenReview.objects.create(screen=missing_bup, comment=DONE, recorded_by=world.nurse)


def test_a_review_says_what_was_done(world, missing_bup):
    with pytest.raises(InvalidInput, match="Say in a few words what was done") as refused:
        review_screen(missing_bup, by=world.prescriber, comment="   ", now=NEXT_DAY)
    assert refused.value.field == "comment"
    with pytest.raises(InvalidInput, match="at most 500") as refused:
        review_screen(missing_bup, by=world.prescriber, comment="x" * 501, now=NEXT_DAY)
    assert refused.value.field == "comment"
    assert not ScreenReview.objects.exists()


@pytest.mark.parametrize("persona", ["peer", "casemanager", "frontdesk", "billing"])
def test_roles_that_do_not_review_results_are_refused_and_audited(world, missing_bup, persona):
    with pytest.raises(AccessDenied):
        review_screen(missing_bup, by=world.users[persona], comment=DONE, now=NEXT_DAY)
    assert not ScreenReview.objects.exists()
    assert AuditEvent.objects.filter(actor=world.users[persona], outcome="refused").exists()


def test_a_screen_with_nothing_unexpected_has_nothing_to_review(world, on_list, screen_with):
    on_list("buprenorphine-naloxone")
    expected = screen_with(BUP="positive")
    with pytest.raises(InvalidInput, match="no unexpected result"):
        review_screen(expected, by=world.prescriber, comment=DONE, now=NEXT_DAY)
    assert not ScreenReview.objects.exists()


def test_a_screen_entered_in_error_is_not_reviewed(world, screen_with):
    screen = screen_with(THC="positive")
    mark_entered_in_error(screen, by=world.therapist, reason="Wrong participant's cup.")
    with pytest.raises(InvalidInput, match="entered in error"):
        review_screen(screen, by=world.prescriber, comment=DONE, now=NEXT_DAY)


def test_the_tab_shows_who_reviewed_a_flagged_screen_and_when(world, login, missing_bup):
    review_screen(missing_bup, by=world.prescriber, comment=DONE, now=NEXT_DAY)

    text = _tab(login(world.nurse), world)

    assert f"Reviewed by {world.prescriber} on Tue 17 Nov 2026: {DONE}" in text
    assert "Mark reviewed" not in text


def test_the_tab_offers_the_review_to_those_who_may_review_only(
    world, login, missing_bup, screen_with
):
    screen_with(when=COLLECTED + timedelta(days=7), BUP="positive")  # nothing to review
    prescriber = _tab(login(world.prescriber), world)
    peer = _tab(login(world.peer), world)

    review_url = reverse(
        "screens:review", args=[world.participant.public_id, missing_bup.public_id]
    )
    assert prescriber.count("Mark reviewed") == 1
    assert f'action="{review_url}"' in prescriber
    assert "Mark reviewed" not in peer
    assert "Not reviewed yet." in peer


def test_reviewing_from_the_tab(world, login, missing_bup):
    client = login(world.counsellor)
    url = reverse("screens:review", args=[world.participant.public_id, missing_bup.public_id])

    empty = client.post(url, {"comment": ""}, follow=True)
    assert "Say in a few words what was done" in empty.content.decode()
    assert not ScreenReview.objects.exists()

    response = client.post(url, {"comment": DONE})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#screen-{missing_bup.public_id}")
    assert ScreenReview.objects.get().recorded_by == world.counsellor
    again = client.post(url, {"comment": DONE}, follow=True)
    assert "already reviewed" in again.content.decode()
    assert ScreenReview.objects.count() == 1


def _panel(client, page: str = "") -> str:
    text = client.get("/" + (f"?screens_page={page}" if page else "")).content.decode()
    found = re.search(
        r'<section class="card" aria-labelledby="screens-to-review-heading">.*?</section>',
        text,
        re.S,
    )
    return found.group(0) if found else ""


def test_the_prescriber_finds_unreviewed_screens_on_their_home_oldest_first(
    world, login, on_list, screen_with
):
    on_list("buprenorphine-naloxone")
    newer = screen_with(when=COLLECTED + timedelta(days=7))  # BUP missing again
    older = screen_with(THC="positive", BUP="positive")
    reviewed = screen_with(when=COLLECTED - timedelta(days=7))
    review_screen(reviewed, by=world.nurse, comment=DONE, now=NEXT_DAY)
    screen_with(when=COLLECTED + timedelta(days=1), BUP="positive")  # only the expected

    panel = _panel(login(world.prescriber))

    assert "Drug screens to review (2)" in panel
    rows = re.findall(r"#screen-([0-9a-f-]+)", panel)
    assert rows == [str(older.public_id), str(newer.public_id)]
    assert "Unexpected positive: Marijuana (THC-COOH)" in panel
    assert "Unexpected negative: Buprenorphine" in panel
    assert "Mon 16 Nov 2026" in panel


def test_the_panel_lists_the_users_own_caseload_only(world, login, screen_with, cup):
    other = active_participant(world, "T-000900", "Robin", "Elsewhere")  # the therapist's
    record_screen(
        other.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: "positive" if a.code == "COC" else "negative" for a in cup.analytes.all()},
        collected_at=COLLECTED,
        observed=True,
        now=COLLECTED,
    )

    assert "Robin" not in _panel(login(world.prescriber))
    assert "Robin" in _panel(login(world.therapist))
    assert "Robin" not in _panel(login(world.supervisor))


def test_the_panel_tells_someone_with_no_caseload_what_it_lists(world, login):
    """A director or supervisor has no caseload: the panel says it lists only a caseload's
    screens, rather than that none wait on a caseload they do not have."""
    for persona in ("director", "supervisor"):
        panel = _panel(login(world.users[persona]))
        assert "No drug screens waiting for review on your caseload." not in panel
        assert "for participants on your own caseload, and no one is on your caseload" in panel


def test_the_panel_is_for_those_who_review_results(world, login, screen_with):
    screen_with(THC="positive")
    assert "Drug screens to review" in _panel(login(world.nurse))
    for persona in ("peer", "casemanager", "frontdesk", "billing"):
        assert _panel(login(world.users[persona])) == ""


def test_the_panel_says_when_nothing_waits(world, login):
    panel = _panel(login(world.prescriber))
    assert "No drug screens waiting for review on your caseload." in panel


def test_the_panel_pages_with_the_shared_pager(world, login, screen_with):
    made = [screen_with(when=COLLECTED + timedelta(hours=i), THC="positive") for i in range(12)]
    client = login(world.prescriber)

    first, second = _panel(client), _panel(client, "2")

    assert "Page 1 of 2 (12)" in first
    assert re.findall(r"#screen-([0-9a-f-]+)", first) == [str(s.public_id) for s in made[:10]]
    assert re.findall(r"#screen-([0-9a-f-]+)", second) == [str(s.public_id) for s in made[10:]]
    assert 'href="?screens_page=2"' in first


def test_the_home_event_lists_the_participants_the_panel_shows(world, login, screen_with):
    screen = screen_with(THC="positive")
    login(world.prescriber).get("/")
    event = AuditEvent.objects.filter(event_type="home.viewed", actor=world.prescriber).last()
    assert event is not None
    listed = event.details["lists"]["drug_screens_to_review"]
    assert listed["participants"] == [str(world.participant.public_id)]
    assert listed["records"] == [str(screen.public_id)]


def test_the_panel_keeps_its_queries_however_many_screens_wait(world, login, cup, screen_with):
    client = login(world.therapist)
    screen_with(THC="positive")
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for n in range(4):
        episode = active_participant(world, f"T-0009{n:02d}", "More", f"Person{n}")
        for day in range(4):
            record_screen(
                episode.participant,
                by=world.therapist,
                panel=cup,
                results={
                    a.code: "positive" if a.code == "COC" else "negative"
                    for a in cup.analytes.all()
                },
                collected_at=COLLECTED - timedelta(days=day),
                observed=True,
                now=COLLECTED,
            )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/")
    assert "Drug screens to review (17)" in page.content.decode()
    assert len(many) == len(few)


def _api(world, screen) -> str:
    return (
        f"/api/v1/participants/{world.participant.public_id}/drug-screens/{screen.public_id}/review"
    )


def test_the_api_reviews_through_the_same_rules(world, login, missing_bup):
    client = login(world.prescriber)
    listed = client.get(f"/api/v1/participants/{world.participant.public_id}/drug-screens")
    assert listed.json()[0]["needs_review"] is True
    assert listed.json()[0]["review"] is None

    empty = client.post(
        _api(world, missing_bup), json.dumps({"comment": ""}), content_type="application/json"
    )
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["field"] == "comment"

    made = client.post(
        _api(world, missing_bup), json.dumps({"comment": DONE}), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["comment"] == DONE
    assert made.json()["reviewed_by"] == str(world.prescriber)

    again = client.post(
        _api(world, missing_bup), json.dumps({"comment": DONE}), content_type="application/json"
    )
    assert again.status_code == 422
    assert "already reviewed" in again.json()["detail"][0]["message"]
    after = client.get(f"/api/v1/participants/{world.participant.public_id}/drug-screens").json()
    assert after[0]["needs_review"] is False
    assert after[0]["review"]["comment"] == DONE


def test_the_api_refuses_roles_that_do_not_review_results(world, login, missing_bup):
    response = login(world.peer).post(
        _api(world, missing_bup), json.dumps({"comment": DONE}), content_type="application/json"
    )
    assert response.status_code == 403
    assert not ScreenReview.objects.exists()


NO_SCREEN = "00000000-0000-4000-8000-000000000000"
REMEMBERS = "participants.middleware.RequestDecisionsMiddleware"


def _prescriber(world) -> Client:
    """A client of its own, so it loads the middleware as the settings stand."""
    client = Client()
    client.force_login(world.prescriber, backend="accounts.backends.UserBackend")
    return client


def _review_queries(client, url: str) -> int:
    """The queries of one API review, rolled back so it can be sent again; not the audit
    trail's, whose chain head a rolled-back event leaves behind on PostgreSQL."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url, json.dumps({"comment": DONE}), content_type="application/json"
            )
        assert response.status_code == 201, response.content
        transaction.set_rollback(True)
    return sum("audit_" not in query["sql"] for query in queries.captured_queries)


def test_the_api_review_asks_the_policy_once(world, missing_bup, settings):
    """A request remembers its decisions, so asking twice would cost nothing there: without
    that memory a second question would read the care team again."""
    url = _api(world, missing_bup)
    remembering = _review_queries(_prescriber(world), url)

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != REMEMBERS]

    assert _review_queries(_prescriber(world), url) == remembering


@pytest.mark.parametrize("persona", ["peer", "outsider"])
def test_a_refused_person_cannot_tell_a_screen_that_exists_from_one_that_does_not(
    world, login, missing_bup, persona
):
    """A role that does not review results, and a clinician outside the care team: the same
    403 and one refused event either way, so the answer says nothing of which screens exist."""
    user = world.users[persona]
    client = login(user)
    missing = _api(world, missing_bup).replace(str(missing_bup.public_id), NO_SCREEN)
    answers = []
    for url in (_api(world, missing_bup), missing):
        before = AuditEvent.objects.filter(actor=user).count()
        response = client.post(url, json.dumps({"comment": DONE}), content_type="application/json")
        events = AuditEvent.objects.filter(actor=user).order_by("id")[before:]
        assert [e.outcome for e in events] == ["refused"]
        answers.append((response.status_code, response.json()))

    assert answers[0] == answers[1]
    assert answers[0][0] == 403
    assert not ScreenReview.objects.exists()


def test_a_reviewer_hears_that_there_is_no_such_screen(world, login, missing_bup):
    client = login(world.prescriber)
    missing = _api(world, missing_bup).replace(str(missing_bup.public_id), NO_SCREEN)

    response = client.post(missing, json.dumps({"comment": DONE}), content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such drug screen."}
