"""The golden thread: a note addresses objectives of the participant's current signed plan
(picked, never typed) or says why none; each objective lists the notes that addressed it."""

from datetime import date

import pytest
from django.urls import reverse

from notes import services, thread
from notes.tests.conftest import dap, plan_for
from tandem.errors import InvalidInput


def _objective(plan):
    return plan.objectives.get()


def test_a_note_addresses_an_objective_of_the_signed_plan_and_the_objective_lists_it(world):
    objective = _objective(plan_for(world.episode))
    note = services.draft_note(
        world.participant,
        dap(objectives=[str(objective.public_id)], no_objective_reason=""),
        by=world.therapist,
    )
    signed = services.sign_note(note, by=world.therapist, expected_version=1)
    assert thread.of(signed) == [objective]
    assert thread.notes_for_objective(objective) == [signed]


@pytest.mark.parametrize("which", ["draft plan", "other participant", "not an id"])
def test_objectives_come_only_from_the_participants_current_signed_plan(world, which):
    from attendance.tests.builders import active_participant

    plan_for(world.episode)
    if which == "draft plan":
        wanted = str(_objective(plan_for(world.episode, signed=False, number=2)).public_id)
    elif which == "other participant":
        other = active_participant(world, "T-000555", "Kim", "Other")
        wanted = str(_objective(plan_for(other)).public_id)
    else:
        wanted = "PHQ-9 below 10"
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(world.participant, dap(objectives=[wanted]), by=world.therapist)
    assert refused.value.field == "objectives"


def test_without_a_signed_plan_no_objective_can_be_chosen(world):
    with pytest.raises(InvalidInput):
        services.draft_note(
            world.participant,
            dap(objectives=["7d1b3c1e-0000-4000-8000-000000000000"]),
            by=world.therapist,
        )


def test_a_revised_plan_still_lists_the_notes_of_the_earlier_version(world):
    first = plan_for(world.episode)
    earlier = _objective(first)
    note = services.draft_note(
        world.participant, dap(objectives=[str(earlier.public_id)]), by=world.therapist
    )
    services.sign_note(note, by=world.therapist, expected_version=1)
    revised = _objective(plan_for(world.episode, number=2, revises=first, lineage=earlier.lineage))
    assert [n.pk for n in thread.notes_for_objective(revised)] == [note.pk]
    assert thread.active_objectives(world.participant) == [revised]


def test_the_note_page_and_the_api_show_the_objectives(world, login):
    objective = _objective(plan_for(world.episode))
    note = services.draft_note(
        world.participant, dap(objectives=[str(objective.public_id)]), by=world.therapist
    )
    client = login(world.therapist)
    page = client.get(reverse("notes:note", args=[world.participant.public_id, note.public_id]))
    assert objective.text.encode() in page.content
    listed = client.get(f"/api/v1/participants/{world.participant.public_id}/notes").json()
    assert listed[0]["objectives"] == [str(objective.public_id)]


def test_changing_a_draft_shows_the_objectives_it_already_addresses(world, login):
    objective = _objective(plan_for(world.episode))
    note = services.draft_note(
        world.participant, dap(objectives=[str(objective.public_id)]), by=world.therapist
    )
    page = login(world.therapist).get(
        reverse("notes:edit", args=[world.participant.public_id, note.public_id])
    )
    assert page.status_code == 200
    box = f'name="objectives" value="{objective.public_id}" checked'
    assert box in page.content.decode()


def test_a_group_members_section_addresses_their_own_objectives(world, group_session):
    session, episodes = group_session(2)
    objectives = [_objective(plan_for(e)) for e in episodes]
    services.document_group(
        session,
        by=world.counsellor,
        narrative="Practised urge surfing.",
        members=[
            services.MemberSection(e.participant, text="Took part.", objectives=[str(o.public_id)])
            for e, o in zip(episodes, objectives, strict=True)
        ],
        sign=True,
    )
    assert [n.participant_id for n in thread.notes_for_objective(objectives[1])] == [
        episodes[1].participant_id
    ]
    with pytest.raises(InvalidInput):
        services.document_group(
            session,
            by=world.counsellor,
            narrative="x",
            members=[
                services.MemberSection(
                    episodes[0].participant, text="x", objectives=[str(objectives[1].public_id)]
                )
            ],
            expected_version=2,
        )


def test_the_objective_page_lists_the_notes_that_addressed_it_across_versions(world, login):
    from attendance.tests.builders import active_participant

    first = plan_for(world.episode)
    earlier = _objective(first)
    note = services.draft_note(
        world.participant,
        dap(objectives=[str(earlier.public_id)], service_date=date(2026, 11, 16)),
        by=world.therapist,
    )
    services.sign_note(note, by=world.therapist, expected_version=1)
    second = plan_for(world.episode, number=2, revises=first, lineage=earlier.lineage)
    # Another participant's objective sharing the lineage must never bring their note here.
    other = active_participant(world, "T-000556", "Kim", "Other")
    theirs = services.draft_note(
        other.participant,
        dap(
            objectives=[str(_objective(plan_for(other, lineage=earlier.lineage)).public_id)],
            service_date=date(2026, 11, 12),
        ),
        by=other.primary_clinician,
    )
    page = login(world.therapist).get(
        reverse(
            "plans:objective",
            args=[world.participant.public_id, second.public_id, _objective(second).public_id],
        )
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert "Notes that addressed this objective (1)" in content
    assert reverse("notes:note", args=[world.participant.public_id, note.public_id]) in content
    assert str(theirs.public_id) not in content


def test_the_objectives_a_signed_note_addressed_never_change(world):
    from notes.models import NoteObjective
    from tandem.records import ImmutableRecordError

    first = _objective(plan_for(world.episode))
    note = services.draft_note(
        world.participant,
        dap(objectives=[str(first.public_id)], no_objective_reason=""),
        by=world.therapist,
    )
    signed = services.sign_note(note, by=world.therapist, expected_version=1)
    other = _objective(plan_for(world.episode, number=2))
    rows = NoteObjective.objects.filter(note=signed)
    with pytest.raises(ImmutableRecordError):
        rows.update(objective=other, lineage=other.lineage)
    with pytest.raises(ImmutableRecordError):
        rows.delete()
    row = rows.get()
    row.objective = other
    with pytest.raises(ImmutableRecordError):
        row.save()
    assert thread.of(signed) == [first]
