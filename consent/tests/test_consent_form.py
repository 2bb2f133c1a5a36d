"""The Part 2 consent form the participant signs, printed in English or Spanish, and the tab's
form for recording it: both state the right to revoke and what refusing to sign means
(42 CFR §2.31(a); the latter ⚠️ in the clinical reference, worded plainly for legal review)."""

import html

from django.urls import reverse

from audit.models import AuditEvent
from consent.models import HIPAA_REDISCLOSURE, REFUSING_TO_SIGN, RIGHT_TO_REVOKE
from participants.models import Participant

REFUSING_ES = (
    "Usted puede negarse a firmar este consentimiento. Si se niega, el programa no divulga la "
    "información aquí descrita a los destinatarios aquí nombrados en virtud de este "
    "consentimiento."
)


def _form(world, query: str = "") -> str:
    return reverse("consent:form", args=[world.participant.public_id]) + query


def test_the_tab_s_form_states_what_refusing_to_sign_means(world, login):
    text = html.unescape(
        login(world.therapist)
        .get(reverse("consent:tab", args=[world.participant.public_id]))
        .content.decode()
    )
    assert f"The consent form the participant signed states: {RIGHT_TO_REVOKE}" in text
    assert f"And on refusing to sign: “{REFUSING_TO_SIGN}”" in text
    assert f'href="{_form(world)}"' in text


def test_the_printed_form_in_english_carries_every_statement_and_is_audited(world, login):
    response = login(world.therapist).get(_form(world))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert '<html lang="en-us">' in text
    for statement in (REFUSING_TO_SIGN, RIGHT_TO_REVOKE, HIPAA_REDISCLOSURE):
        assert statement in text
    assert "If you refuse to sign" in text
    assert "When this event or condition happens:" in text
    # A new Part 2 consent is refused without parts (42 CFR §2.31(a)(3)); the form says so.
    assert "tick each one the information above describes, and at least one." in text
    assert world.participant.record_number in text
    event = AuditEvent.objects.filter(details__page="consent:form").get()
    assert (event.event_type, event.actor, event.participant_id) == (
        "chart.printed",
        world.therapist,
        world.participant.pk,
    )


def test_the_printed_form_speaks_the_participant_s_language_or_the_one_asked_for(world, login):
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language="Español")
    client = login(world.therapist)
    text = html.unescape(client.get(_form(world)).content.decode())
    assert '<html lang="es">' in text
    assert "Si se niega a firmar" in text and REFUSING_ES in text
    assert "El participante puede revocar este consentimiento" in text
    assert "describe la información de arriba, y al menos una." in text
    assert REFUSING_TO_SIGN not in text
    english = html.unescape(client.get(_form(world, "?language=en")).content.decode())
    assert REFUSING_TO_SIGN in english and REFUSING_ES not in english
    # The staff pages around it stay in English.
    tab = client.get(reverse("consent:tab", args=[world.participant.public_id]))
    assert REFUSING_TO_SIGN in html.unescape(tab.content.decode())


def test_a_language_the_form_is_not_printed_in_is_refused_plainly(world, login):
    response = login(world.therapist).get(_form(world, "?language=fr"))
    assert response.status_code == 400
    assert "The form is printed in English or Spanish." in response.content.decode()
