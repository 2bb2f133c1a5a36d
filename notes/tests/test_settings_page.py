"""The director's note settings page: due hours, the co-signature list, the program's own
formats and each group's curriculum; versioned, audited, and for the director only."""

from datetime import time

from django.urls import reverse

from audit.models import AuditEvent
from notes.models import Curriculum, GroupCurriculum, NoteSettings
from notes.seeds import CYCLE, seed
from notes.services import formats_for, needs_cosignature
from scheduling.models import Group
from tests.authz import ALL_PERSONAS

URL = "/notes/settings/"


def test_only_the_director_opens_the_page(world, login):
    assert reverse("notes:settings") == URL
    directors = {"director", "stranger"}  # the stranger directs another organization
    for persona in ALL_PERSONAS:
        status = login(world.users[persona]).get(URL).status_code
        assert status == (200 if persona in directors else 403), (persona, status)
    elsewhere = login(world.users["stranger"])
    assert str(world.program.public_id) not in elsewhere.get(URL).content.decode()
    assert (
        elsewhere.post(
            URL, {"action": "rules", "program": world.program.public_id, "due_hours": 1}
        ).status_code
        == 400
    )
    refused = login(world.supervisor).post(
        URL, {"action": "rules", "program": world.program.public_id, "due_hours": 1}
    )
    assert refused.status_code == 403 and not NoteSettings.objects.exists()


def test_the_rules_are_saved_once_and_a_stale_form_is_refused(world, login):
    client = login(world.director)
    rules = {
        "action": "rules",
        "program": world.program.public_id,
        "version": 0,
        "due_hours": 48,
        "cosign_roles": ["peer"],
        "cosign_staff": [world.counsellor.pk],
    }
    assert client.post(URL, rules).status_code == 302
    row = NoteSettings.objects.get(program=world.program)
    assert (row.due_hours, row.cosign_roles, row.version) == (48, ["peer"], 1)
    assert needs_cosignature(world.counsellor, world.program)
    assert needs_cosignature(world.peer, world.program)
    event = AuditEvent.objects.get(event_type="notes.settings_changed")
    assert event.details["changes"]["due_hours"] == {"before": 24, "after": 48}
    stale = client.post(URL, {**rules, "due_hours": 12})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    assert client.post(URL, {**rules, "version": 1, "due_hours": 0}).status_code == 400
    row.refresh_from_db()
    assert row.due_hours == 48


def test_a_program_adds_its_own_format_with_its_sections(world, login):
    client = login(world.director)
    added = {
        "action": "format",
        "program": world.program.public_id,
        "name": "PIE",
        "sections": "Problem\nIntervention\nEvaluation\n",
    }
    assert client.post(URL, added).status_code == 302
    mine = [f for f in formats_for(world.program) if f.name == "PIE"]
    assert [f.sections for f in mine] == [["Problem", "Intervention", "Evaluation"]]
    assert client.post(URL, added).status_code == 400  # the same name twice
    assert client.post(URL, {**added, "name": "Empty", "sections": " "}).status_code == 400
    assert AuditEvent.objects.filter(event_type="notes.format_added").count() == 1


def test_a_group_is_set_to_run_a_curriculum(world, login):
    seed()
    cycle = Curriculum.objects.get(program=None, name=CYCLE)
    group = Group.objects.create(
        program=world.program,
        title="Evening cycle",
        weekday=1,
        start_time=time(18, 0),
        minutes=90,
        capacity=12,
    )
    client = login(world.director)
    chosen = {
        "action": "curriculum",
        "program": world.program.public_id,
        "group": group.public_id,
        "curriculum": cycle.public_id,
        "was": "",
    }
    assert "Evening cycle" in client.get(URL).content.decode()
    assert client.post(URL, chosen).status_code == 302
    assert GroupCurriculum.objects.get(group=group).curriculum == cycle
    assert client.post(URL, chosen).status_code == 400  # the form said "none": stale
    assert client.post(URL, {**chosen, "curriculum": "", "was": cycle.public_id}).status_code == 302
    assert not GroupCurriculum.objects.filter(group=group).exists()
    assert AuditEvent.objects.filter(event_type="notes.group_curriculum_set").count() == 2
