"""The overview and the care-team page write their forms out themselves: what they write is
what the forms render."""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from participants.forms import CareTeamAddForm, TransitionForm
from participants.models import EPISODE_TRANSITIONS, Episode, EpisodeStatus
from participants.selectors import care_team_staff
from tandem.templatetags.clock import day


def _choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    return list(cast(Iterable[tuple[Any, Any]], field.choices))


def _overview(client, world) -> str:
    url = reverse("participants:chart", args=[world.participant.public_id])
    return client.get(url).content.decode()


def test_the_status_form_carries_the_transition_forms_own_inputs(world, login):
    page = _overview(login(world.therapist), world)
    episode = world.episode
    episode.refresh_from_db()
    form = TransitionForm(initial={"version": episode.version, "on": episode.program.today()})
    for name in ("version", "on", "reason", "confirm"):
        assert str(form[name]) in page, name
    assert str(form["confirm"].label) in page


def test_the_care_team_form_offers_the_forms_own_staff_and_roles(world, login):
    url = reverse("participants:care_team_add", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    form = CareTeamAddForm(staff=care_team_staff(world.participant.organization_id))
    section = page[page.index("Add to care team") :]
    section = section[: section.index("</form>")]
    staff = section[section.index('name="user"') : section.index('name="role"')]
    offered = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', staff)
    user_field = form.fields["user"]
    assert isinstance(user_field, forms.ModelChoiceField)
    expected = [(str(value), str(label)) for value, label in _choices(user_field)]
    assert offered == expected
    assert len(offered) > 2
    roles = re.findall(r'<option value="([^"]*)"', section[section.index('name="role"') :])
    role_field = form.fields["role"]
    assert isinstance(role_field, forms.ChoiceField)
    assert roles == [str(value) for value, _ in _choices(role_field)]


def test_who_may_not_change_the_record_gets_neither_form(world, login):
    page = _overview(login(world.frontdesk), world)
    assert "Change the care team" not in page and "Change status" not in page


def test_the_overview_links_to_the_care_team_form_instead_of_carrying_it(world, login):
    page = _overview(login(world.therapist), world)
    url = reverse("participants:care_team_add", args=[world.participant.public_id])
    assert f'<a href="{url}">Change the care team</a>' in page
    assert 'name="role"' not in page


def test_the_status_form_offers_the_statuses_the_episode_may_move_to(world, login):
    page = _overview(login(world.therapist), world)
    section = page[page.index('name="to_status"') :]
    section = section[: section.index("</select>")]
    offered = re.findall(r'<option value="([^"]+)">([^<]+)</option>', section)
    expected = sorted(EPISODE_TRANSITIONS[world.episode.status])
    assert offered == [(status, EpisodeStatus(status).label) for status in expected]


def test_the_episodes_table_lists_the_latest_referral_first_with_its_dates(world, login):
    Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.DISCHARGED,
        referred_on=date(2020, 1, 6),
        admitted_on=date(2020, 1, 13),
        discharged_on=date(2020, 3, 2),
    )
    page = _overview(login(world.therapist), world)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    current = world.episode
    assert rows[0] == (
        f"<td>{current.program.name}</td><td>{current.get_status_display()}</td>"
        f"<td>{day(current.referred_on)}</td>"
        f"<td>{day(current.admitted_on) if current.admitted_on else '—'}</td><td>—</td>"
    )
    assert rows[1] == (
        f"<td>{world.program.name}</td><td>Discharged</td>"
        "<td>Mon 6 Jan 2020</td><td>Mon 13 Jan 2020</td><td>Mon 2 Mar 2020</td>"
    )


def test_the_overview_writes_the_records_details_escaped_and_a_dash_for_what_is_missing(
    world, login
):
    from participants.models import Participant

    Participant.objects.filter(pk=world.participant.pk).update(
        phone="",
        email="a@example.org",
        emergency_contact_name="Ana <b>",
        emergency_contact_relationship="sister & friend",
        emergency_contact_phone="555-0100",
    )
    page = _overview(login(world.therapist), world)
    assert "<dt>Phone</dt><dd>—</dd>" in page
    assert "<dt>Email</dt><dd>a@example.org</dd>" in page
    assert "<dt>Emergency contact</dt><dd>Ana &lt;b&gt; (sister &amp; friend) 555-0100</dd>" in page
    assert "<b>" not in page
    Participant.objects.filter(pk=world.participant.pk).update(emergency_contact_name="")
    page = _overview(login(world.therapist), world)
    assert "<dt>Emergency contact</dt><dd>—</dd>" in page


def test_the_overview_carries_one_csrf_token_that_its_status_form_sends(world):
    client = Client(enforce_csrf_checks=True)
    login = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert token is not None
    client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token[1], "username": "therapist", "password": PASSWORD},
    )
    page = _overview(client, world)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))
    assert len(tokens) == 1
    form = page[: page.index("<h3>Change status</h3>")]
    form = form[form.rindex("<form ") :]
    [sent] = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    [action] = re.findall(r'<form method="post" action="([^"]+)"', form)
    world.episode.refresh_from_db()
    sent_form = {"version": world.episode.version, "to_status": "", "on": ""}
    refused = client.post(action, {**sent_form, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    assert client.post(action, {**sent_form, "csrfmiddlewaretoken": sent}).status_code != 403
