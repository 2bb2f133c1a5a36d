"""The instrument API (no sign-in, stores nothing) and the participant assessment API."""

import json

import pytest
from django.test import Client

from assessments.instruments import all_instruments
from assessments.models import Administration
from assessments.tests.administration_helpers import answers
from audit.models import Action, AuditEvent, Outcome
from monitoring.models import Alert
from participants.access import break_the_glass
from tests.authz import ALL_PERSONAS, BREAK_GLASS, CLINICAL_WRITE, OTHER_ORGANIZATION


def _post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_instrument_list_needs_no_sign_in(db):
    response = Client().get("/api/v1/instruments")

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert set(rows) == {i.code for i in all_instruments()}
    assert rows["phq-9"]["item_count"] == 10
    assert (rows["phq-9"]["loinc_panel"], rows["phq-9"]["loinc_total"]) == ("44249-1", "44261-6")
    assert rows["cssrs-screener"]["paper_form_only"] is True


def test_instrument_definition_has_items_options_and_copyright(db):
    body = Client().get("/api/v1/instruments/phq-9").json()

    assert body["code"] == "phq-9"
    item9 = next(item for item in body["items"] if item["id"] == "9")
    assert item9["critical"] is True
    assert [o["label"] for o in item9["options"]] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert "Pfizer" in body["copyright_notice"]
    assert body["critical_flag_codes"] == ["suicide-risk"]
    audit = Client().get("/api/v1/instruments/audit").json()
    assert audit["items"][1]["skip"]["effect"] == "may-omit"


def test_unknown_instrument_is_404_with_a_message(db):
    response = Client().get("/api/v1/instruments/phq-99")
    assert response.status_code == 404
    assert response.json() == {"detail": "No instrument has the code 'phq-99'."}
    scored = _post(Client(), "/api/v1/instruments/phq-99/score", {"answers": {}})
    assert scored.status_code == 404


def test_score_returns_the_result_and_stores_nothing(db, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(0):
        response = _post(
            client,
            "/api/v1/instruments/audit-c/score",
            {"answers": {"1": 2, "2": 1, "3": 0}, "context": {"sex": "female"}},
        )

    assert response.status_code == 200
    assert response.json() == {
        "instrument": "audit-c",
        "complete": True,
        "total": 3,
        "subscales": {},
        "band": "positive",
        "positive": True,
        "flags": [],
    }
    assert not Administration.objects.exists()
    assert not AuditEvent.objects.exists()


def test_score_reports_critical_flags(db):
    body = _post(
        Client(), "/api/v1/instruments/phq-9/score", {"answers": answers("phq-9", q9=1)}
    ).json()
    assert body["flags"][0]["code"] == "suicide-risk"
    assert body["flags"][0]["item"] == "9"
    assert not Alert.objects.exists()


def test_score_gives_422_with_one_message_per_offending_item(db):
    given = {**answers("phq-9"), "9": 4, "42": 1}
    del given["2"]

    response = _post(Client(), "/api/v1/instruments/phq-9/score", {"answers": given})

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert {e["field"] for e in detail} == {"answers.2", "answers.9", "answers.42"}
    messages = {e["field"]: e["message"] for e in detail}
    assert "required" in messages["answers.2"]
    assert "not allowed" in messages["answers.9"]
    assert "unknown item" in messages["answers.42"]


def test_score_422_for_values_that_are_not_integers_and_skip_rule_breaches(db):
    response = _post(
        Client(),
        "/api/v1/instruments/cssrs-screener/score",
        {"answers": {"1": True, "2": 0, "3": 1, "6": 0}},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"answers.1", "answers.3"}


def test_openapi_documents_the_assessment_endpoints(db):
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]

    assert paths["/api/v1/instruments"]["get"]["summary"] == "List the instruments"
    assert "get" in paths["/api/v1/instruments/{code}"]
    score = paths["/api/v1/instruments/{code}/score"]["post"]
    assert score["summary"] == "Score answers (stores nothing)"
    assert {"200", "404", "422"} <= set(score["responses"])
    assert "security" not in score or score["security"] in ([], [{}])
    history = paths["/api/v1/participants/{participant_id}/assessments"]
    assert history["get"]["summary"] == "A participant's assessment history"
    assert history["post"]["summary"] == "Record an administration"
    assert history["post"]["security"]
    assert "AdministrationIn" in spec["components"]["schemas"]


def test_recording_through_the_api_returns_201_with_the_result_and_id(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"

    response = _post(client, url, {"instrument": "phq-9", "answers": answers("phq-9", 2, q9=1)})

    assert response.status_code == 201, response.content
    body = response.json()
    row = Administration.objects.get(public_id=body["id"])
    assert body["total"] == 17 == row.total
    assert body["band"] == "moderately-severe"
    assert body["flags"][0]["code"] == "suicide-risk"
    assert body["critical"] is True
    assert AuditEvent.objects.filter(
        record_id=str(row.public_id), action=Action.CREATE, actor=world.therapist
    ).exists()
    assert Alert.objects.get().title.startswith("PHQ-9 item 9 answered above 0")


def test_recording_with_bad_answers_gives_422_per_item_and_writes_nothing(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"

    response = _post(client, url, {"instrument": "gad-7", "answers": {"1": 5}})

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {
        f"answers.{item}" for item in "1234567"
    }
    assert not Administration.objects.exists()


def test_unknown_instrument_when_recording_is_422(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"
    response = _post(client, url, {"instrument": "nope", "answers": {}})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "instrument", "message": "No instrument has the code 'nope'."}]
    }


def test_correcting_through_the_api_and_reading_the_history(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"
    first = _post(client, url, {"instrument": "gad-7", "answers": answers("gad-7", 1)}).json()

    no_reason = _post(
        client,
        url,
        {"instrument": "gad-7", "answers": answers("gad-7", 2), "supersedes": first["id"]},
    )
    assert no_reason.status_code == 422
    assert "Say why" in no_reason.json()["detail"][0]["message"]
    second = _post(
        client,
        url,
        {
            "instrument": "gad-7",
            "answers": answers("gad-7", 2),
            "supersedes": first["id"],
            "reason": "Copied from the wrong column",
        },
    )
    assert second.status_code == 201

    history = client.get(url).json()
    assert [(h["id"], h["superseded"]) for h in history] == [
        (second.json()["id"], False),
        (first["id"], True),
    ]
    assert history[0]["supersedes"] == first["id"]
    assert history[0]["correction_reason"] == "Copied from the wrong column"
    assert client.get(url + "?instrument=phq-9").json() == []
    assert AuditEvent.objects.filter(
        action=Action.VIEW, actor=world.therapist, participant=world.participant
    ).exists()


def test_staff_api_refuses_the_participants_own_account(world, login):
    client = login(world.participant_user)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"
    response = _post(client, url, {"instrument": "phq-9", "answers": answers("phq-9")})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=world.participant_user, outcome=Outcome.REFUSED).exists()
    assert not Administration.objects.exists()


def test_participant_endpoints_need_sign_in(world):
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"
    assert Client().get(url).status_code == 401


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_recording_matrix(world, login, persona):
    """The matrix row for POST …/assessments: 201 for clinical writers, audited 403 otherwise."""
    user = world.users[persona]
    client = login(user)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"
    events = AuditEvent.objects.filter(actor=user, participant=world.participant)
    before = events.count()

    response = _post(client, url, {"instrument": "phq-9", "answers": answers("phq-9")})

    new = list(events.order_by("id")[before:])
    if persona in CLINICAL_WRITE:
        assert response.status_code == 201, (persona, response.status_code)
        assert new and all(e.outcome == Outcome.ALLOWED for e in new)
    else:
        # Staff of another organization are answered as for an id that names nothing.
        refused = 404 if persona in OTHER_ORGANIZATION else 403
        assert response.status_code == refused, (persona, response.status_code)
        assert [e.outcome for e in new] == [Outcome.REFUSED]


@pytest.mark.parametrize("persona", sorted(BREAK_GLASS))
def test_recording_after_breaking_the_glass_is_flagged(world, login, persona):
    user = world.users[persona]
    client = login(user)
    url = f"/api/v1/participants/{world.participant.public_id}/assessments"
    body = {"instrument": "phq-9", "answers": answers("phq-9")}
    assert _post(client, url, body).status_code == 403
    grant = break_the_glass(
        user, world.participant, "Crisis call on the weekend line; chart needed"
    )

    response = _post(client, url, body)

    assert response.status_code == 201
    row = Administration.objects.get(public_id=response.json()["id"])
    assert AuditEvent.objects.get(record_id=str(row.public_id)).break_glass == grant
