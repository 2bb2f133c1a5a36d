"""The parts of the record a Part 2 consent covers are shown wherever its information is: the
scope a copy under it carries (printed, JSON, the history's CSV), the record's Consents section,
and the printed form the participant signs, as boxes to tick in English or Spanish."""

import json

from django.urls import reverse

from consent.tests.builders import recorded_before_parts
from consent.tests.copying import post_copy
from consent.tests.test_disclosures import part2
from participants.export import export_record


def test_a_printed_copy_s_scope_names_the_parts_the_consent_covers(world, login):
    consent = part2(world, parts=["diagnoses", "attendance"])

    page = post_copy(login(world.therapist), world, consent, what="print", parts="attendance")

    assert (
        "<dt>Parts of the record it covers</dt><dd>Diagnoses, Attendance</dd>"
        in page.content.decode()
    )


def test_a_copy_under_a_consent_that_lists_none_says_so(world, login):
    consent = recorded_before_parts(world)

    page = post_copy(login(world.therapist), world, consent, what="print", parts="attendance")

    assert "<dt>Parts of the record it covers</dt><dd>Not listed" in page.content.decode()


def test_the_json_copy_the_history_and_the_record_s_consents_name_the_parts(world, login):
    consent = part2(world, parts=["diagnoses", "attendance"])
    client = login(world.therapist)

    exported = json.loads(
        post_copy(client, world, consent, what="export", parts="diagnoses").content
    )
    history = post_copy(client, world, consent, what="history").content.decode()

    assert exported["disclosure"]["consent"]["parts_covered"] == "Diagnoses, Attendance"
    assert 'Parts of the record it covers,"Diagnoses, Attendance"' in history
    section = export_record(world.participant, world.therapist)["consents"]
    assert [c["parts_covered"] for c in section] == ["Diagnoses, Attendance"]


def test_the_printed_form_lists_the_parts_of_the_record_to_tick_in_english_and_spanish(
    world, login
):
    client = login(world.therapist)
    form = reverse("consent:form", args=[world.participant.public_id])

    english = client.get(form + "?language=en").content.decode()
    spanish = client.get(form + "?language=es").content.decode()

    assert "Parts of the record this consent covers: tick each one" in english
    assert "<li>☐ Attendance</li>" in english and "<li>☐ Progress notes</li>" in english
    assert "Partes del expediente que cubre este consentimiento" in spanish
    assert "<li>☐ Asistencia</li>" in spanish and "<li>☐ Diagnósticos</li>" in spanish
