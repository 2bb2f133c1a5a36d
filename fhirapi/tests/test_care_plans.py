"""Treatment plans over the FHIR API: each signed version a CarePlan whose goals are Goal
resources (targets from the objectives), active while in force, revoked once a signed
revision replaces it, completed when the stay ends; drafts and withdrawn versions never sent;
labelled 42 CFR Part 2, read through the access policy (the clinical scope) and audited, and
exported in bulk as the reads give them. A version addresses the Conditions of the diagnoses
its problems name, and each goal those of its own problem's, none entered in error."""

import json
from datetime import date

import pytest
from django.utils import timezone
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal

from audit.models import AuditEvent, Outcome
from fhirapi.labels import PART2_LABELS
from fhirapi.tests.test_bulk_export import _lines, _started
from fhirapi.tests.test_fhir_api import _entries, _get, _json
from intake.services import add_diagnosis, change_diagnosis_status
from participants.models import Episode, EpisodeStatus
from plans import services
from plans.models import Modality
from plans.tests.builders import drafted, signed

UNKNOWN = "0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b"
LABELS = [dict(label) for label in PART2_LABELS]


def _read(client, kind: str, row) -> dict:
    return _json(_get(client, f"{kind}/{row.public_id}"))


def _search(client, kind: str, participant) -> dict:
    return _json(_get(client, kind, patient=str(participant.public_id)))


def _revised(world, plan):
    """The plan's signed revision, made through the services."""
    draft = services.start_revision(
        plan, by=world.therapist, change_summary="Adds weekly family sessions."
    )
    return services.sign_plan(draft, by=world.therapist, expected_version=draft.version)


def _diagnosed(world, code: str):
    return add_diagnosis(
        world.episode,
        code=code,
        status="confirmed",
        made_on=world.program.today(),
        by=world.therapist,
    )


def _in_error(world, diagnosis) -> None:
    change_diagnosis_status(
        diagnosis,
        to_status="entered_in_error",
        by=world.therapist,
        expected_version=diagnosis.version,
        note="Recorded for the wrong participant.",
    )


def _with_diagnoses(world, first: list, second: list):
    """A signed plan of two problems, each with one goal: the first problem (the builder's)
    naming the diagnoses `first`, a second one naming `second`."""
    by = world.therapist
    plan = drafted(world)
    problem = plan.problems.get()
    services.save_problem(
        plan,
        by=by,
        expected_version=plan.version,
        problem=problem,
        domain=problem.domain,
        statement=problem.statement,
        dimensions=problem.dimensions,
        diagnoses=[d.public_id for d in first],
    )
    other = services.save_problem(
        plan,
        by=by,
        expected_version=plan.version,
        domain="substance_use",
        statement="Drinking most evenings",
        diagnoses=[d.public_id for d in second],
    )
    goal = services.save_goal(
        plan, by=by, expected_version=plan.version, problem=other, text="Stop drinking at night"
    )
    objective = services.save_objective(
        plan,
        by=by,
        expected_version=plan.version,
        goal=goal,
        text="Evenings without a drink",
        target_date=date(2026, 12, 31),
    )
    services.save_intervention(
        plan,
        by=by,
        expected_version=plan.version,
        objective=objective,
        modality=Modality.objects.get(program=world.program, name="DBT skills"),
        frequency="Weekly",
        responsible_role="therapist",
    )
    plan.refresh_from_db()
    return services.sign_plan(plan, by=by, expected_version=plan.version)


def _conditions(*diagnoses) -> list[dict]:
    return [{"reference": f"Condition/{d.public_id}"} for d in diagnoses]


def test_a_version_and_its_goals_address_the_diagnoses_their_problems_name(world, signed_in):
    """Each diagnosis once, by the id the Condition read serves; one entered in error left
    out, as the Condition search leaves it out; a goal addresses its own problem's only."""
    depression, alcohol, anxiety = (_diagnosed(world, c) for c in ("F33.1", "F10.20", "F41.1"))
    plan = _with_diagnoses(world, [depression, alcohol], [alcohol, anxiety])
    _in_error(world, anxiety)
    mood, drinking = plan.goals.order_by("order", "pk")
    client = signed_in(world.therapist)

    care_plan = _read(client, "CarePlan", plan)

    assert care_plan["addresses"] == _conditions(depression, alcohol)
    assert _read(client, "Goal", mood)["addresses"] == _conditions(depression, alcohol)
    assert _read(client, "Goal", drinking)["addresses"] == _conditions(alcohol)
    conditions = _entries(_search(client, "Condition", world.participant))
    for reference in care_plan["addresses"]:
        assert reference["reference"].removeprefix("Condition/") in conditions
    assert _entries(_search(client, "CarePlan", world.participant))[str(plan.public_id)] == (
        care_plan
    )


def test_a_signed_plan_is_an_active_care_plan_whose_goals_read_back(world, signed_in):
    plan = signed(world)
    [goal] = plan.goals.all()
    client = signed_in(world.therapist)

    care_plan = _read(client, "CarePlan", plan)

    CarePlan.model_validate(care_plan)
    assert (care_plan["status"], care_plan["intent"]) == ("active", "plan")
    assert care_plan["subject"] == {"reference": f"Patient/{world.participant.public_id}"}
    assert care_plan["title"] == "Treatment plan, version 1"
    assert "replaces" not in care_plan
    assert "addresses" not in care_plan  # its one problem names no diagnosis
    assert care_plan["goal"] == [{"reference": f"Goal/{goal.public_id}"}]
    read = _json(_get(client, care_plan["goal"][0]["reference"]))
    Goal.model_validate(read)
    assert read["lifecycleStatus"] == "active"
    assert read["description"] == {"text": "Feel like myself"}
    assert read["expressedBy"] == care_plan["subject"] == read["subject"]
    assert "addresses" not in read
    assert read["target"] == [
        {
            "measure": {"text": "PHQ-9 total"},
            "detailQuantity": {"value": 10, "comparator": "<"},
            "dueDate": "2026-12-31",
        }
    ]
    assert read["note"] == [{"text": "PHQ-9 below 10"}]
    assert care_plan["meta"]["security"] == read["meta"]["security"] == LABELS


def test_a_draft_is_not_sent(world, signed_in):
    draft = drafted(world)
    client = signed_in(world.therapist)

    assert _search(client, "CarePlan", world.participant)["total"] == 0
    assert _search(client, "Goal", world.participant)["total"] == 0
    assert _get(client, f"CarePlan/{draft.public_id}").status_code == 404
    assert _get(client, f"Goal/{draft.goals.get().public_id}").status_code == 404


def test_a_signed_revision_replaces_the_version_it_revises_which_is_revoked(world, signed_in):
    first = signed(world)
    second = _revised(world, first)
    client = signed_in(world.therapist)

    plans = _entries(_search(client, "CarePlan", world.participant))
    goals = _entries(_search(client, "Goal", world.participant))

    old, new = plans[str(first.public_id)], plans[str(second.public_id)]
    assert (old["status"], new["status"]) == ("revoked", "active")
    assert new["replaces"] == [{"reference": f"CarePlan/{first.public_id}"}]
    assert new["description"] == "Adds weekly family sessions."
    assert list(plans) == [str(second.public_id), str(first.public_id)]  # newest first
    assert goals[str(first.goals.get().public_id)]["lifecycleStatus"] == "cancelled"
    assert goals[str(second.goals.get().public_id)]["lifecycleStatus"] == "active"


def test_a_version_withdrawn_is_not_sent_and_the_one_before_is_in_force_again(world, signed_in):
    first = signed(world)
    second = _revised(world, first)
    services.mark_plan_in_error(second, by=world.therapist, reason="Signed on the wrong chart.")
    client = signed_in(world.therapist)

    plans = _entries(_search(client, "CarePlan", world.participant))

    assert list(plans) == [str(first.public_id)]
    assert plans[str(first.public_id)]["status"] == "active"
    before = AuditEvent.objects.filter(actor=world.therapist).count()
    assert _get(client, f"CarePlan/{second.public_id}").status_code == 404
    assert _get(client, f"Goal/{second.goals.get().public_id}").status_code == 404
    assert AuditEvent.objects.filter(actor=world.therapist).count() == before


def test_the_plan_of_a_stay_that_ended_is_completed(world, signed_in):
    plan = signed(world)
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 11, 20)
    )
    client = signed_in(world.therapist)

    assert _read(client, "CarePlan", plan)["status"] == "completed"
    assert _read(client, "Goal", plan.goals.get())["lifecycleStatus"] == "completed"


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "outsider"])
@pytest.mark.parametrize("kind", ["CarePlan", "Goal"])
def test_a_role_without_the_clinical_record_is_answered_as_for_an_unknown_id_and_audited(
    world, signed_in, persona, kind
):
    plan = signed(world)
    row = plan if kind == "CarePlan" else plan.goals.get()
    user = world.users[persona]
    client = signed_in(user)

    read = _get(client, f"{kind}/{row.public_id}")
    unknown = _get(client, f"{kind}/{UNKNOWN}")
    search = _get(client, kind, patient=str(world.participant.public_id))
    nobody = _get(client, kind, patient=UNKNOWN)

    assert read.status_code == unknown.status_code == search.status_code == 404
    assert json.loads(read.content)["issue"] == json.loads(unknown.content)["issue"]
    assert search.content == nobody.content
    events = AuditEvent.objects.filter(actor=user, participant=world.participant).order_by("id")
    assert [(e.outcome, e.details["fhir"], e.details.get("id")) for e in events] == [
        (Outcome.REFUSED, kind, str(row.public_id)),
        (Outcome.REFUSED, kind, None),
    ]
    assert "Feel like myself" not in read.content.decode() + search.content.decode()


def test_a_read_is_audited_naming_the_participant_and_the_record(world, signed_in):
    plan = signed(world)
    client = signed_in(world.therapist)
    before = AuditEvent.objects.filter(actor=world.therapist).count()

    assert _get(client, f"Goal/{plan.goals.get().public_id}").status_code == 200

    [event] = AuditEvent.objects.filter(actor=world.therapist).order_by("id")[before:]
    assert (event.participant_id, event.outcome) == (world.participant.pk, Outcome.ALLOWED)
    assert (event.details["fhir"], event.details["id"]) == ("Goal", str(plan.goals.get().public_id))


def test_a_search_by_patient_gives_that_participant_s_plans_only(world, signed_in):
    director = world.users["director"]
    theirs = signed(world)
    other = signed(world, by=director, episode=world.referral_episode)
    client = signed_in(director)

    assert list(_entries(_search(client, "CarePlan", world.participant))) == [str(theirs.public_id)]
    assert list(_entries(_search(client, "CarePlan", world.referral))) == [str(other.public_id)]
    assert list(_entries(_search(client, "Goal", world.referral))) == [
        str(other.goals.get().public_id)
    ]


def test_the_bulk_export_writes_each_version_and_goal_as_its_read_gives_it(
    world, signed_in, run_tasks
):
    first = signed(world)
    second = _revised(world, first)
    drafted(world, episode=world.referral_episode, by=world.users["director"])
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="CarePlan,Goal")

    assert [o["type"] for o in manifest["output"]] == ["CarePlan", "Goal"]
    plans, goals = (_lines(client, o["url"]) for o in manifest["output"])
    assert sorted(p["id"] for p in plans) == sorted([str(first.public_id), str(second.public_id)])
    for line in plans:
        assert line == _json(_get(client, f"CarePlan/{line['id']}"))
    assert len(goals) == 2
    for line in goals:
        assert line == _json(_get(client, f"Goal/{line['id']}"))
        assert line["meta"]["security"] == LABELS


def test_the_bulk_export_since_takes_a_version_a_later_revision_revoked(
    world, signed_in, run_tasks
):
    first = signed(world)
    since = timezone.now()
    second = _revised(world, first)
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="CarePlan", _since=since.isoformat())

    [plans] = [_lines(client, o["url"]) for o in manifest["output"]]
    assert sorted((p["id"], p["status"]) for p in plans) == sorted(
        [(str(first.public_id), "revoked"), (str(second.public_id), "active")]
    )


def test_the_bulk_export_since_takes_a_version_whose_diagnosis_was_entered_in_error(
    world, signed_in, run_tasks
):
    depression, alcohol = _diagnosed(world, "F33.1"), _diagnosed(world, "F10.20")
    plan = _with_diagnoses(world, [depression], [alcohol])
    since = timezone.now()
    _in_error(world, alcohol)
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="CarePlan,Goal", _since=since.isoformat())

    plans, goals = (_lines(client, o["url"]) for o in manifest["output"])
    assert [(p["id"], p["addresses"]) for p in plans] == [
        (str(plan.public_id), _conditions(depression))
    ]
    assert len(goals) == 2
    for line in goals:
        assert line == _json(_get(client, f"Goal/{line['id']}"))
