"""Adding to the care team: nothing preselected, and a primary is replaced only by name."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from discharge.tests.builders import discharge_world
from participants.access import CLOSED_CHART_MESSAGE
from participants.models import CareTeamMember, CareTeamRole, Episode
from participants.services import add_care_team_member
from tandem.errors import InvalidInput


def _add(world):
    return reverse("participants:care_team_add", args=[world.participant.public_id])


def _active_primaries(world) -> list:
    return list(
        CareTeamMember.objects.filter(
            episode=world.episode, role=CareTeamRole.PRIMARY_CLINICIAN, ended_on__isnull=True
        ).values_list("user__username", flat=True)
    )


def test_the_form_preselects_no_staff_member_and_no_role(world, login):
    page = login(world.director).get(_add(world)).content.decode()
    form = page[page.index("Add to care team") :]
    form = form[: form.index("</form>")]
    assert 'name="user"' in form and 'name="role"' in form
    assert re.findall(r'<option value="([^"]*)" selected', form) == ["", ""]
    assert 'type="checkbox" name="replaces"' in form
    since = r"<td>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}</td>"
    assert re.search(since, page) and not re.search(r"<td>\d{4}-\d{2}-\d{2}</td>", page)
    assert "checked" not in form


def test_an_empty_post_adds_no_one(world, login):
    client = login(world.director)
    before = CareTeamMember.objects.count()
    response = client.post(_add(world), {})
    assert response.status_code == 302
    assert CareTeamMember.objects.count() == before
    assert _active_primaries(world) == ["therapist"]


def test_adding_a_primary_without_naming_who_is_replaced_keeps_the_therapist(world, login):
    client = login(world.director)
    response = client.post(
        _add(world), {"user": world.outsider.pk, "role": "primary_clinician"}, follow=True
    )
    assert "is the primary clinician" in response.content.decode()
    assert _active_primaries(world) == ["therapist"]
    assert Episode.objects.get(pk=world.episode.pk).primary_clinician == world.therapist


def test_replacing_the_primary_is_explicit_and_the_result_page_says_so(world, login):
    client = login(world.director)
    response = client.post(
        _add(world),
        {"user": world.outsider.pk, "role": "primary_clinician", "replaces": world.therapist.pk},
        follow=True,
    )
    text = response.content.decode()
    assert "replacing Therapist Tester" in text
    assert _active_primaries(world) == ["outsider"]
    ended = CareTeamMember.objects.get(
        episode=world.episode, user=world.therapist, role=CareTeamRole.PRIMARY_CLINICIAN
    )
    assert ended.ended_on is not None  # history kept, membership ended


def test_a_stale_page_cannot_replace_someone_it_did_not_name(world):
    with pytest.raises(InvalidInput, match="replace"):
        add_care_team_member(
            world.episode,
            user=world.outsider,
            role=CareTeamRole.PRIMARY_CLINICIAN,
            by=world.director,
            replaces=world.counsellor,
        )
    assert _active_primaries(world) == ["therapist"]


def test_a_non_primary_role_is_added_beside_the_primary(world, login):
    response = login(world.director).post(
        _add(world), {"user": world.outsider.pk, "role": "therapist"}, follow=True
    )
    assert "added to the care team as therapist" in response.content.decode()
    assert _active_primaries(world) == ["therapist"]


def test_opening_the_form_is_audited_as_a_read_of_the_record(world, login):
    client = login(world.therapist)
    before = AuditEvent.objects.count()
    assert client.get(_add(world)).status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.participant_id == world.participant.pk
    assert event.details["page"] == "participants:care_team_add"


def test_a_closed_chart_shows_why_instead_of_the_form(world, login):
    discharge_world(world)
    page = login(world.director).get(_add(world)).content.decode()
    assert CLOSED_CHART_MESSAGE in page
    assert 'name="user"' not in page


@pytest.mark.parametrize("who", ["frontdesk", "billing", "auditor"])
def test_the_service_itself_puts_only_clinical_staff_on_a_care_team(world, who):
    """The page and the API offer only clinical staff; a caller of the service that skips
    their forms is held to the same rule."""
    with pytest.raises(InvalidInput, match="not clinical staff") as refused:
        add_care_team_member(
            world.episode, user=world.users[who], role=CareTeamRole.PEER, by=world.director
        )

    assert refused.value.field == "user"
    assert not CareTeamMember.objects.filter(episode=world.episode, user=world.users[who]).exists()


def test_a_closed_account_is_not_offered_for_the_care_team(world, login):
    """Staff whose account was closed keep their role row until someone ends it; the page
    still must not offer them, as the program's alerts already never went to them."""
    offered = f'<option value="{world.counsellor.pk}"'
    assert offered in login(world.director).get(_add(world)).content.decode()
    world.counsellor.is_active = False
    world.counsellor.save(update_fields=["is_active"])

    assert offered not in login(world.director).get(_add(world)).content.decode()
