"""One sentence function, built on the registered event types, reads the same in the chart's
history and the auditor's trail ("Dana Reyes viewed the intake")."""

import re
from datetime import date

from django.urls import reverse

from audit import event_types
from audit.models import AuditEvent
from audit.selectors import sentence
from intake.services import start_intake
from medications.services import add_medication
from monitoring.services import raise_alert

# Past tenses that do not end in -ed, as the first word of a label.
IRREGULAR = {"was", "sent", "took", "read", "set", "put", "wrote", "reset", "co-signed"}


def test_every_registered_event_type_reads_as_a_sentence():
    wrong = []
    for kind in event_types.all_types():
        first = kind.label.split(" ")[0]
        if not (first.endswith("ed") or first in IRREGULAR):
            wrong.append(f"{kind.name}: label {kind.label!r} does not start with what was done")
        if not re.fullmatch(r"[a-z][a-z-]*", kind.attempt.split(" ")[0]):
            wrong.append(f"{kind.name}: no attempt to finish 'was not allowed to ...'")
        for words in (kind.label, kind.attempt):
            if words != words.strip() or re.search(r"[A-Z][a-z]+\.[A-Z]|_|\b[a-z]+\.[a-z]+", words):
                wrong.append(f"{kind.name}: {words!r} reads as a code, not words")
        if kind.subject and (kind.subject not in kind.label or kind.subject not in kind.attempt):
            wrong.append(f"{kind.name}: the subject {kind.subject!r} is not in its words")
    assert len(event_types.all_types()) > 150
    assert not wrong, "\n".join(wrong)


def _history(client, world) -> str:
    page = client.get(reverse("participants:history", args=[world.participant.public_id]))
    return page.content.decode().split("<tbody>")[-1]


def _trail(client) -> str:
    return client.get(reverse("audit:trail")).content.decode().split("<tbody>")[-1]


def test_the_history_and_the_trail_tell_the_same_sentences_across_modules(world, login):
    world.therapist.first_name, world.therapist.last_name = "Dana", "Reyes"
    world.therapist.save()
    therapist = login(world.therapist)
    therapist.get(reverse("intake:intake", args=[world.participant.public_id]))
    start_intake(world.episode, by=world.therapist)
    add_medication(
        world.participant, by=world.therapist, code="methadone", started_on=date(2026, 9, 8)
    )
    raise_alert(world.participant, kind="assessment", severity="high", title="Needs a call")
    login(world.frontdesk).get(reverse("intake:intake", args=[world.participant.public_id]))

    expected = [
        "Dana Reyes viewed the intake",
        "Dana Reyes started the intake",
        "Dana Reyes added a medication to the list",
        "Tandem raised an alert",
        "Frontdesk Tester was not allowed to view the intake",
    ]
    history = _history(login(world.director), world)
    trail = _trail(login(world.auditor))
    for words in expected:
        assert words in history, words
        assert words in trail, words
    assert "Dana Reyes viewed the intake (therapist) · participant T-000001" in trail
    assert "monitoring.Alert" not in history + trail
    assert "record.create" not in history + trail


def test_a_generic_event_names_the_kind_of_record(world):
    from audit.services import record_event

    event = record_event(
        actor=world.therapist,
        action="create",
        participant=world.participant,
        record_type="monitoring.Alert",
    )
    assert sentence(AuditEvent.objects.get(pk=event.pk)) == "Therapist Tester created an alert"
