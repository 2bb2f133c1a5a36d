"""The printed and exported copies carry the clinical record: every module's section, checked
by content. A copy is made only by logging it as a disclosure (`consent:disclose`); these are
the participant's own copies."""

import csv
import io
import json
from datetime import date
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Administration
from attendance.models import Attendance
from intake.models import Diagnosis, IntakeSection
from intake.services import add_diagnosis
from participants.models import Participant
from placement.models import LevelOfCareDecision


def own_copy(client: Client, participant_id: object, what: str) -> Any:
    """The participant's own copy, printed ("print") or as JSON ("export")."""
    return client.post(
        reverse("consent:disclose", args=[participant_id]), {"to": "participant", "what": what}
    )


def _fullest_record() -> Participant:
    """A demo participant with something recorded in every module."""
    for person in Participant.objects.order_by("pk"):
        if (
            Administration.objects.filter(participant=person).exists()
            and Diagnosis.objects.filter(participant=person).exists()
            and IntakeSection.objects.filter(intake__participant=person).exists()
            and LevelOfCareDecision.objects.filter(participant=person).exists()
            and Attendance.objects.filter(participant=person).exists()
        ):
            return person
    raise AssertionError("the demo has no participant with every part of the record")


def test_export_and_print_carry_every_modules_section(db, demo_mode, client):
    call_command("seed_demo", "--participants", "24", "--quiet-logins")
    person = _fullest_record()
    client.post("/accounts/login/", {"username": "director", "password": "tandem-demo"})
    diagnosis = Diagnosis.objects.filter(participant=person).first()
    administration = Administration.objects.current().filter(participant=person).last()
    attendance = Attendance.objects.filter(participant=person).select_related("session").first()
    decision = LevelOfCareDecision.objects.current().filter(participant=person).first()
    assert diagnosis and administration and attendance and decision

    exported = json.loads(own_copy(client, person.public_id, "export").content)
    printed = own_copy(client, person.public_id, "print").content.decode()

    for name in (
        "participant",
        "episodes",
        "assessments",
        "intake",
        "diagnoses",
        "level_of_care",
        "attendance",
    ):
        assert exported[name], name
    assert diagnosis.code in {d["code"] for d in exported["diagnoses"]}
    assert administration.total in {a["total"] for a in exported["assessments"]}
    assert attendance.session.title in {a["session"] for a in exported["attendance"]}
    assert decision.get_chosen_level_display() in {d["chosen"] for d in exported["level_of_care"]}
    assert any(row["answers"] for row in exported["intake"])
    for heading in ("Assessments", "Intake", "Diagnoses", "Level of care", "Attendance"):
        assert f"<h2>{heading}</h2>" in printed
    assert diagnosis.code in printed and attendance.session.title in printed


def test_front_desk_is_offered_the_face_sheet_not_the_clinical_print(world, login):
    client = login(world.frontdesk)
    page = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    copy = reverse("consent:disclose", args=[world.participant.public_id])
    assert copy not in page.content.decode()
    assert client.get(copy).status_code == 403
    assert own_copy(client, world.participant.public_id, "print").status_code == 403


def test_the_printouts_give_dates_as_every_page_does_and_the_export_keeps_iso(world, login):
    """The face sheet and the printed record say Fri 20 Nov 2026; the JSON export, read by
    other systems, keeps 2026-11-20."""
    add_diagnosis(
        world.episode,
        code="F10.20",
        status="provisional",
        made_on=date(2026, 11, 20),
        by=world.therapist,
    )
    client = login(world.therapist)
    person = world.participant.public_id
    face_sheet = client.get(reverse("participants:print", args=[person])).content.decode()
    printed = own_copy(client, person, "print").content.decode()
    exported = json.loads(own_copy(client, person, "export").content)

    for page in (face_sheet, printed):
        assert "Born Thu 17 May 1990" in page and "admitted Tue 8 Sep 2026" in page
        assert "1990-05-17" not in page and "2026-09-08" not in page
    assert "<td>Fri 20 Nov 2026</td>" in printed and "2026-11-20" not in printed
    assert [d["made_on"] for d in exported["diagnoses"]] == ["2026-11-20"]
    assert exported["participant"]["date_of_birth"] == "1990-05-17"


def test_every_copy_of_the_record_that_leaves_carries_the_part_2_notice(world, login):
    """42 CFR §2.32: a disclosed Part 2 record carries the redisclosure notice, on paper, in
    the JSON export and in the history's download alike."""
    client = login(world.director)
    person = world.participant.public_id
    notice = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    exported = json.loads(own_copy(client, person, "export").content)
    history = own_copy(client, person, "history").content.decode()

    assert exported["redisclosure_notice"] == notice
    rows = list(csv.reader(io.StringIO(history)))
    assert rows[0] == [notice]
    assert rows[-1][0] == notice and not any(rows[-1][1:])
    assert notice in own_copy(client, person, "face_sheet").content.decode()
    assert notice in client.get(reverse("participants:print", args=[person])).content.decode()
    assert notice in own_copy(client, person, "print").content.decode()
