"""The treatment-plan API: versions, the plan in force with computed progress, drafting, signing."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from assessments.models import Administration
from plans.models import TreatmentPlan
from plans.tests.builders import drafted, signed

BODY = {
    "problems": [
        {
            "domain": "mental_health",
            "statement": "Low mood",
            "dimensions": ["3"],
            "goals": [
                {
                    "text": "I want to feel like myself",
                    "objectives": [
                        {
                            "text": "PHQ-9 below 10",
                            "target_date": "2026-12-31",
                            "measure": "phq-9",
                            "comparator": "lt",
                            "target_value": 10,
                            "interventions": [
                                {
                                    "modality": "DBT skills",
                                    "frequency": "Weekly",
                                    "responsible_role": "therapist",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    ]
}


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_plan_is_drafted_whole_then_signed(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/treatment-plans"
    response = _post(client, url, BODY)
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["status"] == "draft"
    objective = plan["problems"][0]["goals"][0]["objectives"][0]
    assert (
        objective["measure"] == "phq-9"
        and objective["interventions"][0]["modality"] == "DBT skills"
    )
    signed_response = _post(
        client, f"/api/v1/treatment-plans/{plan['id']}/sign", {"version": plan["version"]}
    )
    assert signed_response.status_code == 200 and signed_response.json()["status"] == "signed"
    again = _post(
        client,
        f"/api/v1/treatment-plans/{plan['id']}/sign",
        {"version": signed_response.json()["version"]},
    )
    assert again.status_code == 409
    listed = client.get(url).json()
    assert [p["number"] for p in listed] == [1]


def test_a_refused_part_refuses_the_whole_draft_naming_the_part(world, login):
    client = login(world.therapist)
    body = json.loads(json.dumps(BODY))
    body["problems"][0]["goals"][0]["objectives"][0]["measure"] = "no-such-measure"
    response = _post(
        client, f"/api/v1/participants/{world.participant.public_id}/treatment-plans", body
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "problems.0.goals.0.objectives.0.measure_key",
                "message": "Measured by: Choose a measure from the list.",
            }
        ]
    } or response.json()["detail"][0]["field"].startswith("problems.0.goals.0.objectives.0")
    assert not TreatmentPlan.objects.exists()


def test_an_incomplete_draft_is_not_signed(world, login):
    client = login(world.therapist)
    body = {"problems": [{"domain": "housing", "statement": "No fixed address"}]}
    plan = _post(
        client, f"/api/v1/participants/{world.participant.public_id}/treatment-plans", body
    ).json()
    response = _post(
        client, f"/api/v1/treatment-plans/{plan['id']}/sign", {"version": plan["version"]}
    )
    assert response.status_code == 422
    assert "goal" in response.json()["detail"][0]["message"]


def test_a_stale_version_is_a_409(world, login):
    plan = drafted(world)
    client = login(world.therapist)
    response = _post(client, f"/api/v1/treatment-plans/{plan.public_id}/sign", {"version": 1})
    assert response.status_code == 409


def test_the_plan_in_force_carries_each_objectives_progress(world, login):
    signed(world)
    Administration.objects.create(
        participant=world.participant,
        episode=world.episode,
        instrument="phq-9",
        answers={},
        completed_at=datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("America/Chicago")),
        complete=True,
        total=12,
    )
    client = login(world.therapist)
    response = client.get(
        f"/api/v1/participants/{world.participant.public_id}/treatment-plans/current"
    )
    assert response.status_code == 200
    progress = response.json()["problems"][0]["goals"][0]["objectives"][0]["progress"]
    assert progress == {
        "measure": "PHQ-9 total",
        "latest_value": "12",
        "latest_date": "2026-11-02",
        "met": False,
    }


def test_no_plan_in_force_is_a_404(world, login):
    client = login(world.therapist)
    response = client.get(
        f"/api/v1/participants/{world.participant.public_id}/treatment-plans/current"
    )
    assert response.status_code == 404


def test_a_revision_through_the_api_starts_from_the_signed_version(world, login):
    first = signed(world)
    client = login(world.therapist)
    response = _post(
        client,
        f"/api/v1/participants/{world.participant.public_id}/treatment-plans",
        {"revises": str(first.public_id), "change_summary": "Add housing", "problems": []},
    )
    assert response.status_code == 201
    assert response.json()["number"] == 2 and len(response.json()["problems"]) == 1
