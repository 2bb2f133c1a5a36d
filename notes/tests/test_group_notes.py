"""Group notes: each member's chart gets the shared narrative and their own section only;
signing is refused, saying where, when a text names another member of the session."""

import pytest

from attendance.models import Attendance
from attendance.services import RollCallEntry
from notes import services
from notes.models import AbsenceEntry, GroupNote, ProgressNote
from notes.selectors import chart_notes
from notes.services import MemberSection
from tandem.errors import AccessDenied, InvalidInput

SHARED = "The group practised urge surfing and wrote a list of high-risk situations."


def _sections(episodes, texts=None):
    return [
        MemberSection(
            e.participant,
            text=(texts or {}).get(i, f"Shared two examples ({i})."),
            no_objective_reason="Plan not signed yet",
        )
        for i, e in enumerate(episodes)
    ]


def test_each_member_chart_gets_the_narrative_and_only_their_own_section(world, group_session):
    session, episodes = group_session(3)
    note = services.document_group(
        session, by=world.counsellor, narrative=SHARED, members=_sections(episodes), sign=True
    )
    assert note.is_signed
    for i, episode in enumerate(episodes):
        [mine] = chart_notes(episode.participant)
        assert mine.is_signed and mine.group_note is not None
        assert mine.group_note.narrative == SHARED
        assert mine.text == f"Shared two examples ({i})."
        others = [e.participant for e in episodes if e != episode]
        assert not any(o.legal_first_name in mine.text for o in others)


@pytest.mark.parametrize("where", ["shared", "section"])
@pytest.mark.parametrize("name_of", ["legal_first_name", "legal_last_name", "preferred_name"])
def test_signing_is_refused_when_a_text_names_another_member(world, group_session, where, name_of):
    session, episodes = group_session(3)
    other = episodes[1].participant
    other.preferred_name = "Jojo"
    other.save()
    name = getattr(other, name_of)
    narrative = SHARED + (f" {name} led the role-play." if where == "shared" else "")
    texts = {0: f"Paired with {name} for the exercise."} if where == "section" else {}
    with pytest.raises(InvalidInput) as refused:
        services.document_group(
            session,
            by=world.counsellor,
            narrative=narrative,
            members=_sections(episodes, texts),
            sign=True,
        )
    assert name in refused.value.message
    if where == "shared":
        assert refused.value.field == "shared"
    else:
        assert refused.value.field == f"members.{episodes[0].participant.public_id}.text"
        assert episodes[0].participant.display_name in refused.value.message
    assert not GroupNote.objects.exists() and not ProgressNote.objects.exists()


def test_a_member_may_be_named_in_their_own_section_and_a_lowercase_word_is_not_a_name(
    world, group_session
):
    session, episodes = group_session(4)  # the fourth member is called Hope
    texts = {0: "Jordan said there is hope.", 3: "Hope spoke first."}
    note = services.document_group(
        session,
        by=world.counsellor,
        narrative=SHARED,
        members=_sections(episodes, texts),
        sign=True,
    )
    assert note.is_signed


def test_absent_members_get_an_absence_entry_not_a_note(world, group_session):
    session, episodes = group_session(3)
    entries = [
        RollCallEntry(episodes[0].participant, "present"),
        RollCallEntry(episodes[1].participant, "late", 60),
        RollCallEntry(episodes[2].participant, "excused"),
    ]
    texts = {2: "Called in sick."}
    services.document_group(
        session,
        by=world.counsellor,
        narrative=SHARED,
        members=_sections(episodes, texts),
        roll_call=entries,
        sign=True,
    )
    assert Attendance.objects.get(participant=episodes[1].participant).minutes == 60
    assert chart_notes(episodes[2].participant) == []
    assert AbsenceEntry.objects.get(participant=episodes[2].participant).text == "Called in sick."
    assert len(chart_notes(episodes[0].participant)) == 1


def test_a_refused_signature_writes_nothing_not_even_the_roll_call(world, group_session):
    session, episodes = group_session(2)
    with pytest.raises(InvalidInput):
        services.document_group(
            session,
            by=world.counsellor,
            narrative=f"{episodes[0].participant.legal_first_name} arrived late.",
            members=_sections(episodes),
            roll_call=[RollCallEntry(episodes[0].participant, "present")],
            sign=True,
        )
    assert not Attendance.objects.exists()


def test_only_facilitators_and_oversight_document_a_group(world, group_session):
    session, episodes = group_session(2)
    with pytest.raises(AccessDenied):
        services.document_group(
            session, by=world.therapist, narrative=SHARED, members=_sections(episodes)
        )
    note = services.document_group(
        session, by=world.supervisor, narrative=SHARED, members=_sections(episodes)
    )
    assert not note.is_signed


def test_a_signed_group_note_refuses_any_change(world, group_session):
    session, episodes = group_session(2)
    note = services.document_group(
        session, by=world.counsellor, narrative=SHARED, members=_sections(episodes), sign=True
    )
    with pytest.raises(services.SignedNote):
        services.document_group(
            session,
            by=world.counsellor,
            narrative="Changed",
            members=_sections(episodes),
            expected_version=note.version,
        )


def test_a_refused_signature_on_the_group_screen_audits_the_members_it_shows_again(
    world, login, group_session
):
    from django.urls import reverse

    from audit.models import AuditEvent

    session, episodes = group_session(2)
    named = episodes[1].participant
    client = login(world.counsellor)
    url = reverse("notes:group", args=[session.public_id])
    posted = {
        "action": "sign",
        "version": "0",
        "shared": f"{SHARED} {named.legal_first_name} led the role-play.",
        **{f"text-{e.participant.public_id}": "Took part." for e in episodes},
        **{f"reason-{e.participant.public_id}": "Plan not signed yet" for e in episodes},
    }
    before = AuditEvent.objects.count()
    refused = client.post(url, posted)
    assert refused.status_code == 400
    assert named.legal_last_name in refused.content.decode()
    assert not GroupNote.objects.exists()
    shown = AuditEvent.objects.filter(pk__gt=0).order_by("pk")[before:]
    views = [e for e in shown if e.event_type == "group_note.viewed"]
    assert len(views) == 1
    assert sorted(views[0].details["participants"]) == sorted(
        str(e.participant.public_id) for e in episodes
    )


def test_an_absence_entry_too_long_is_refused_not_cut_short(world, group_session):
    session, episodes = group_session(2)
    long_entry = "Phoned to say she is unwell. " * 11  # 319 characters
    with pytest.raises(InvalidInput) as refused:
        services.document_group(
            session,
            by=world.counsellor,
            narrative=SHARED,
            members=_sections(episodes, {1: long_entry}),
            roll_call=[
                RollCallEntry(episodes[0].participant, "present"),
                RollCallEntry(episodes[1].participant, "excused"),
            ],
        )
    assert refused.value.field == "members.1.text"
    assert not AbsenceEntry.objects.exists() and not Attendance.objects.exists()


def test_the_group_screen_names_each_member_s_objectives_in_full(world, login, group_session):
    """An objective's own text, not its 60-character summary: "… (PHQ-9 below 10" lost the
    target a facilitator ticks it for."""
    from django.urls import reverse

    from notes.tests.conftest import plan_for
    from plans.models import Objective

    session, episodes = group_session(1)
    from django.utils import timezone

    from plans.models import TreatmentPlan

    plan = plan_for(episodes[0], signed=False)
    whole = "Depressive symptoms below the moderate range (PHQ-9 below 10), held for a month"
    Objective.objects.filter(plan=plan).update(text=whole)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        signed_at=timezone.now(), signed_by=episodes[0].primary_clinician
    )

    page = login(world.counsellor).get(reverse("notes:group", args=[session.public_id]))

    assert f"> {whole}</label>" in page.content.decode()
