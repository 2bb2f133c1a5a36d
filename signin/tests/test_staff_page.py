"""Directors unlock staff and reset lost authenticators; nobody else can."""

import re

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organization, User
from audit.models import Action, AuditEvent, Outcome
from signin import staff
from signin.staff_views import PAGE_SIZE


@override_settings(AXES_FAILURE_LIMIT=3)
def test_director_unlocks_a_locked_account(world, login, client):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "therapist", "password": "wrong"})
    director = login(world.director)
    assert b"Locked" in director.get(reverse("accounts:staff")).content
    director.post(reverse("accounts:staff_action", args=[world.therapist.public_id, "unlock"]))
    assert b"Locked" not in director.get(reverse("accounts:staff")).content
    director.post("/accounts/logout/")
    assert login(world.therapist)
    assert AuditEvent.objects.filter(
        action=Action.SECURITY, record_id=str(world.therapist.public_id)
    ).exists()


def test_director_resets_two_factor(world, login):
    TOTPDevice.objects.create(user=world.nurse, name="phone", confirmed=True)
    login(world.director).post(
        reverse("accounts:staff_action", args=[world.nurse.public_id, "reset-two-factor"])
    )
    assert not TOTPDevice.objects.filter(user=world.nurse).exists()


def test_only_directors_manage_staff_and_only_their_own(world, login):
    assert login(world.supervisor).get(reverse("accounts:staff")).status_code == 403
    response = login(world.stranger).post(
        reverse("accounts:staff_action", args=[world.therapist.public_id, "unlock"])
    )
    assert response.status_code == 403


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _staff_rows(response) -> list[str]:
    """The names on the page of the staff list, in order: each row links to its roles page."""
    table = response.content.decode().split("<h2>Add a member of staff</h2>")[0]
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", table)


def _former_rows(response) -> list[str]:
    former = response.content.decode().split("<h2>Former staff</h2>")[1]
    return re.findall(r"<tr><td>([^<]+)</td>", former)


def _colleagues(world, count: int, last_name: str = "Zimmer", role: str = "peer") -> list[User]:
    """`count` more people on the staff, named after the world's own (who are all Tester)."""
    made = []
    for i in range(count):
        user = User.objects.create(
            username=f"{last_name.lower()}{i:03}", first_name=f"P{i:03}", last_name=last_name
        )
        Membership.objects.create(user=user, organization=world.org, role=role)
        made.append(user)
    return made


def _former(world, count: int, last_name: str = "Yarrow") -> list[User]:
    """`count` people whose membership here ended (their account closed with it)."""
    made = _colleagues(world, count, last_name)
    Membership.objects.filter(user__in=made).update(is_active=False)
    User.objects.filter(pk__in=[u.pk for u in made]).update(is_active=False)
    return made


def test_staff_page_query_count_is_flat(world, login):
    client = login(world.director)
    _former(world, 1)
    url = reverse("accounts:staff")
    few = _queries(client, url)
    _colleagues(world, 2 * PAGE_SIZE, role="nurse")
    _former(world, 2 * PAGE_SIZE, last_name="Xavier")
    for shown in ("", "?page=2&former=2", "?text=p0&page=2&former=2", "?role=nurse", "?page=abc"):
        assert _queries(client, url + shown) <= few, shown


def test_a_page_shows_at_most_the_page_size_and_the_next_page_the_rest(world, login):
    client = login(world.director)
    here = Membership.objects.filter(organization=world.org, is_active=True)
    on_staff = here.values("user").distinct().count()
    made = _colleagues(world, PAGE_SIZE + 3 - on_staff)
    first = _staff_rows(client.get(reverse("accounts:staff")))
    second = _staff_rows(client.get(reverse("accounts:staff"), {"page": 2}))
    assert len(first) == PAGE_SIZE and len(second) == 3
    assert second == [str(u) for u in made[-3:]]  # by name: the Testers first, then Zimmer
    assert not set(first) & set(second)
    # Past the end, the last page; nonsense, the first.
    assert _staff_rows(client.get(reverse("accounts:staff"), {"page": 99})) == second
    assert _staff_rows(client.get(reverse("accounts:staff"), {"page": 10**40})) == second
    assert _staff_rows(client.get(reverse("accounts:staff"), {"page": "x"})) == first


def test_former_staff_are_paged_too(world, login):
    client = login(world.director)
    made = _former(world, PAGE_SIZE + 2)
    first = client.get(reverse("accounts:staff"))
    assert _former_rows(first) == [str(u) for u in made[:PAGE_SIZE]]
    assert f"Page 1 of 2 ({PAGE_SIZE + 2})" in first.content.decode()
    second = client.get(reverse("accounts:staff"), {"former": 2})
    assert _former_rows(second) == [str(u) for u in made[PAGE_SIZE:]]
    assert _staff_rows(second) == _staff_rows(first)  # the staff list stays on its page


def test_the_search_finds_by_surname_in_both_lists(world, login):
    client = login(world.director)
    _colleagues(world, PAGE_SIZE + 1)
    [okafor] = _colleagues(world, 1, last_name="Okafor")
    [left] = _former(world, 1, last_name="Okafor-Reyes")
    _former(world, 3)
    found = client.get(reverse("accounts:staff"), {"text": "okafor"})
    assert _staff_rows(found) == [str(okafor)]
    assert _former_rows(found) == [str(left)]
    assert _staff_rows(client.get(reverse("accounts:staff"), {"text": "nobody"})) == []
    # Every word counts: a first name and a surname, or a username.
    both = client.get(reverse("accounts:staff"), {"text": "nurse tester"})
    assert _staff_rows(both) == [str(world.nurse)]
    assert _staff_rows(client.get(reverse("accounts:staff"), {"text": "zimmer000"})) == [
        "P000 Zimmer"
    ]


def test_the_role_filter_lists_who_holds_the_role_now(world, login):
    client = login(world.director)
    staff.change_roles(world.peer, world.org, by=world.director, roles=["nurse", "peer"])
    ended = _colleagues(world, 1, last_name="Gone", role="nurse")
    Membership.objects.filter(user__in=ended).update(is_active=False)
    Membership.objects.create(user=ended[0], organization=world.org, role="peer")
    shown = client.get(reverse("accounts:staff"), {"role": "nurse"})
    assert _staff_rows(shown) == [str(world.nurse), str(world.peer)]


def test_the_pager_keeps_the_search(world, login):
    client = login(world.director)
    _colleagues(world, PAGE_SIZE + 1)
    page = client.get(reverse("accounts:staff"), {"text": "zimmer", "former": "1"})
    assert 'href="?text=zimmer&amp;former=1&amp;page=2"' in page.content.decode()
    second = client.get(reverse("accounts:staff"), {"text": "zimmer", "page": 2})
    assert _staff_rows(second) == [f"P{PAGE_SIZE:03} Zimmer"]


def test_a_search_it_cannot_read_says_so(world, login):
    client = login(world.director)
    for bad in ({"text": "x" * 151}, {"role": "astronaut"}, {"text": "a\x00b"}):
        response = client.get(reverse("accounts:staff"), bad)
        assert response.status_code == 400, bad
        assert b'class="error"' in response.content
        assert str(world.nurse) in _staff_rows(response)  # the whole list, unsearched


def test_the_list_links_each_person_s_roles_instead_of_a_form_on_every_row(world, login):
    page = login(world.director).get(reverse("accounts:staff")).content.decode()
    roles_page = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    assert f'href="{roles_page}"' in page
    assert f'action="{roles_page}"' not in page


def _roles(organization: Organization, roles: list[str], seen: str | None) -> dict:
    """What the roles page posts for one organization: the roles chosen and, unless None,
    the roles it showed."""
    fields: dict = {f"org{organization.pk}-roles": roles}
    if seen is not None:
        fields[f"org{organization.pk}-seen"] = seen
    return fields


def test_a_director_changes_roles_on_the_person_s_own_page(world, login):
    client = login(world.director)
    url = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    form = client.get(url)
    assert form.status_code == 200
    assert "Roles of Nurse Tester" in form.content.decode()
    assert re.search(r'value="nurse"[^>]*checked', form.content.decode())
    saved = client.post(url, _roles(world.org, ["nurse", "peer"], "nurse"))
    assert saved.status_code == 302 and saved["Location"] == reverse("accounts:staff")
    held = Membership.objects.filter(user=world.nurse, is_active=True).values_list("role")
    assert sorted(r for (r,) in held) == ["nurse", "peer"]
    event = AuditEvent.objects.get(event_type="staff.roles_changed")
    assert event.details["changes"]["roles"] == {"before": ["nurse"], "after": ["nurse", "peer"]}
    assert (
        "Nurse Tester&#x27;s roles are saved."
        in client.get(reverse("accounts:staff")).content.decode()
    )


def test_roles_refused_come_back_on_the_form_and_change_nothing(world, login):
    client = login(world.director)
    none = client.post(reverse("accounts:staff_roles", args=[world.nurse.public_id]), {})
    assert none.status_code == 400 and b"Choose at least one role." in none.content
    last = client.post(
        reverse("accounts:staff_roles", args=[world.director.public_id]),
        _roles(world.org, ["therapist"], "director"),
    )
    assert last.status_code == 400 and b"Someone must keep managing staff here" in last.content
    assert set(Membership.objects.filter(is_active=True).values_list("user", "role")) >= {
        (world.nurse.pk, "nurse"),
        (world.director.pk, "director"),
    }
    assert not AuditEvent.objects.filter(event_type="staff.roles_changed").exists()


def test_a_save_after_another_director_s_is_refused_and_shows_their_roles(world, login):
    """Two directors open the nurse's roles; the second to save does not undo the first."""
    url = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    page = login(world.director).get(url).content.decode()
    assert re.search(rf'name="org{world.org.pk}-seen" value="nurse"', page)
    staff.change_roles(world.nurse, world.org, by=world.director, roles=["nurse", "peer"])
    late = login(world.director).post(url, _roles(world.org, ["nurse", "therapist"], "nurse"))
    assert late.status_code == 409
    shown = late.content.decode()
    assert "Someone else changed their roles after you opened this page." in shown
    assert re.search(r'value="peer"[^>]*checked', shown)  # theirs, ticked, to choose again
    assert re.search(rf'name="org{world.org.pk}-seen" value="nurse,peer"', shown)
    held = Membership.objects.filter(user=world.nurse, is_active=True).values_list("role")
    assert sorted(r for (r,) in held) == ["nurse", "peer"]
    assert AuditEvent.objects.filter(event_type="staff.roles_changed").count() == 1


def test_a_roles_form_without_what_it_showed_is_refused(world, login):
    url = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    client = login(world.director)
    for seen in (None, "", "astronaut"):
        refused = client.post(url, _roles(world.org, ["peer"], seen))
        assert refused.status_code == 400, seen
        assert b"This page is out of date" in refused.content
    held = Membership.objects.filter(user=world.nurse, is_active=True).values_list("role")
    assert [r for (r,) in held] == ["nurse"]


def _second_organization(world, *, nurse_role: str = "peer") -> Organization:
    """An organization the director manages too, where the nurse also works."""
    second = Organization.objects.create(name="Uptown Clinic", slug="uptown")
    Membership.objects.create(user=world.director, organization=second, role="director")
    Membership.objects.create(user=world.nurse, organization=second, role=nurse_role)
    return second


def _held(account: User, organization: Organization) -> list[str]:
    return sorted(
        Membership.objects.filter(
            user=account, organization=organization, is_active=True
        ).values_list("role", flat=True)
    )


def test_a_director_of_two_organizations_changes_the_roles_in_both(world, login):
    second = _second_organization(world)
    client = login(world.director)
    url = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    page = client.get(url).content.decode()
    assert "nurse at Test Program Org and Uptown Clinic" in page
    assert "<legend>Test Program Org</legend>" in page and "<legend>Uptown Clinic</legend>" in page
    assert re.search(rf'name="org{world.org.pk}-seen" value="nurse"', page)
    assert re.search(rf'name="org{second.pk}-seen" value="peer"', page)
    saved = client.post(
        url,
        {
            **_roles(world.org, ["nurse", "peer"], "nurse"),
            **_roles(second, ["therapist"], "peer"),
        },
    )
    assert saved.status_code == 302
    assert _held(world.nurse, world.org) == ["nurse", "peer"]
    assert _held(world.nurse, second) == ["therapist"]
    events = AuditEvent.objects.filter(event_type="staff.roles_changed").order_by("id")
    assert [(e.organization_id, e.details["changes"]["roles"]) for e in events] == [
        (world.org.pk, {"before": ["nurse"], "after": ["nurse", "peer"]}),
        (second.pk, {"before": ["peer"], "after": ["therapist"]}),
    ]


def test_a_director_of_one_of_the_organizations_sees_and_saves_only_that_one(world, login):
    elsewhere = Organization.objects.get(slug="elsewhere")
    Membership.objects.create(user=world.nurse, organization=elsewhere, role="peer")
    url = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    both = {
        **_roles(world.org, ["nurse", "therapist"], "nurse"),
        **_roles(elsewhere, ["counsellor"], "peer"),
    }
    for director, theirs, other in (
        (world.director, world.org, elsewhere),
        (world.stranger, elsewhere, world.org),
    ):
        client = login(director)
        page = client.get(url).content.decode()
        assert f"nurse at {theirs}</p>" in page and f"<legend>{theirs}</legend>" not in page
        assert f'name="org{theirs.pk}-seen"' in page and f'name="org{other.pk}-' not in page
        assert client.post(url, both).status_code == 302
    assert _held(world.nurse, world.org) == ["nurse", "therapist"]
    assert _held(world.nurse, elsewhere) == ["counsellor"]
    events = AuditEvent.objects.filter(event_type="staff.roles_changed").order_by("id")
    assert [(e.actor_id, e.organization_id) for e in events] == [
        (world.director.pk, world.org.pk),
        (world.stranger.pk, elsewhere.pk),
    ]


def test_another_director_s_change_in_one_organization_saves_nothing_in_either(world, login):
    second = _second_organization(world)
    url = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    client = login(world.director)
    client.get(url)
    staff.change_roles(world.nurse, second, by=world.director, roles=["peer", "counsellor"])
    late = client.post(
        url,
        {**_roles(world.org, ["nurse", "peer"], "nurse"), **_roles(second, ["peer"], "peer")},
    )
    assert late.status_code == 409
    shown = late.content.decode()
    assert "Someone else changed their roles after you opened this page." in shown
    assert re.search(rf'name="org{world.org.pk}-seen" value="nurse"', shown)
    assert re.search(rf'name="org{second.pk}-seen" value="counsellor,peer"', shown)
    assert re.search(rf'name="org{second.pk}-roles" value="counsellor"[^>]*checked', shown)
    assert _held(world.nurse, world.org) == ["nurse"]
    assert _held(world.nurse, second) == ["counsellor", "peer"]
    assert AuditEvent.objects.filter(event_type="staff.roles_changed").count() == 1


def test_a_rule_broken_in_one_organization_is_said_on_its_form_and_saves_neither(world, login):
    """The director gives up directing both organizations; another manages the first, nobody
    else the second."""
    second = Organization.objects.create(name="Uptown Clinic", slug="uptown")
    Membership.objects.create(user=world.director, organization=second, role="director")
    Membership.objects.create(user=world.supervisor, organization=world.org, role="director")
    client = login(world.director)
    url = reverse("accounts:staff_roles", args=[world.director.public_id])
    refused = client.post(
        url,
        {
            **_roles(world.org, ["therapist"], "director"),
            **_roles(second, ["therapist"], "director"),
        },
    )
    assert refused.status_code == 400
    shown = refused.content.decode()
    first, then = shown.split("<legend>Uptown Clinic</legend>")
    assert "Someone must keep managing staff here" in then
    assert "Someone must keep managing staff here" not in first
    assert _held(world.director, world.org) == ["director"]
    assert _held(world.director, second) == ["director"]
    assert not AuditEvent.objects.filter(event_type="staff.roles_changed").exists()


def _end(client, account: User, organization: object):
    return client.post(
        reverse("accounts:staff_end", args=[account.public_id]), {"organization": organization}
    )


def test_a_director_of_two_organizations_ends_the_membership_in_the_one_named(world, login):
    second = _second_organization(world)
    client = login(world.director)
    ended = _end(client, world.nurse, second.pk)
    assert ended.status_code == 302 and ended["Location"] == reverse("accounts:staff")
    assert _held(world.nurse, second) == []
    assert _held(world.nurse, world.org) == ["nurse"]
    world.nurse.refresh_from_db()
    assert world.nurse.is_active
    event = AuditEvent.objects.get(event_type="staff.membership_ended")
    assert (event.organization_id, event.details["roles"]) == (second.pk, ["peer"])
    assert event.details["account_closed"] is False
    page = client.get(reverse("accounts:staff")).content.decode()
    assert "Nurse Tester no longer signs in to Uptown Clinic." in page


def test_a_membership_in_an_organization_the_director_does_not_manage_is_refused(world, login):
    """The director manages the first organization only; the nurse works in both."""
    elsewhere = Organization.objects.get(slug="elsewhere")
    Membership.objects.create(user=world.nurse, organization=elsewhere, role="peer")
    client = login(world.director)
    refused = _end(client, world.nurse, elsewhere.pk)
    assert refused.status_code == 403
    assert staff.REFUSAL in refused.content.decode()
    assert _held(world.nurse, elsewhere) == ["peer"]
    assert _held(world.nurse, world.org) == ["nurse"]
    [event] = AuditEvent.objects.filter(event_type="staff.membership_ended")
    assert (event.outcome, event.actor_id, event.record_id) == (
        Outcome.REFUSED,
        world.director.pk,
        str(world.nurse.public_id),
    )


def test_a_membership_the_person_does_not_hold_in_the_director_s_organization_is_refused(
    world, login
):
    """The director manages both organizations; the therapist works in the first only."""
    second = _second_organization(world)
    refused = _end(login(world.director), world.therapist, second.pk)
    assert refused.status_code == 403
    assert staff.REFUSAL in refused.content.decode()
    assert _held(world.therapist, world.org) == ["therapist"]
    assert not AuditEvent.objects.filter(event_type="staff.membership_ended").exists()


def _ended_again(client, account: User, organization: Organization) -> str:
    """End the membership, then press End again as from a second tab: what the second says."""
    assert _end(client, account, organization.pk).status_code == 302
    again = client.post(
        reverse("accounts:staff_end", args=[account.public_id]),
        {"organization": organization.pk},
        follow=True,
    )
    assert again.redirect_chain == [(reverse("accounts:staff"), 302)]
    return again.content.decode()


def test_ending_a_membership_again_in_one_of_two_organizations_says_it_has_ended(world, login):
    """The nurse still works in the director's other organization."""
    second = _second_organization(world)
    said = _ended_again(login(world.director), world.nurse, second)
    assert "Nurse Tester&#x27;s membership in Uptown Clinic has already ended" in said
    assert _held(world.nurse, second) == []
    assert _held(world.nurse, world.org) == ["nurse"]
    assert AuditEvent.objects.filter(event_type="staff.membership_ended").count() == 1


def test_ending_a_membership_again_says_it_has_ended_and_nothing_of_elsewhere(world, login):
    """The nurse works in the director's one organization and in one the director does not
    manage: the answer is about the director's, whose name alone it gives."""
    elsewhere = Organization.objects.get(slug="elsewhere")
    Membership.objects.create(user=world.nurse, organization=elsewhere, role="peer")
    said = _ended_again(login(world.director), world.nurse, world.org)
    assert "Nurse Tester&#x27;s membership in Test Program Org has already ended" in said
    assert "Elsewhere" not in said
    assert _held(world.nurse, elsewhere) == ["peer"]
    assert AuditEvent.objects.filter(event_type="staff.membership_ended").count() == 1


def test_ending_a_closed_account_s_membership_again_says_it_has_ended(world, login):
    said = _ended_again(login(world.director), world.therapist, world.org)
    assert "Therapist Tester&#x27;s membership in Test Program Org has already ended" in said
    world.therapist.refresh_from_db()
    assert not world.therapist.is_active
    assert AuditEvent.objects.filter(event_type="staff.membership_ended").count() == 1


def test_an_organization_that_cannot_be_read_is_said_and_changes_nothing(world, login):
    client = login(world.director)
    url = reverse("accounts:staff_end", args=[world.nurse.public_id])
    nowhere = Organization.objects.latest("pk").pk + 1000
    for body in (
        {},
        {"organization": ""},
        {"organization": "Test Program Org"},
        {"organization": "99999999999999999999999"},
        {"organization": str(nowhere)},
    ):
        answer = client.post(url, body, follow=True)
        assert answer.redirect_chain == [(reverse("accounts:staff"), 302)], body
        shown = answer.content.decode()
        assert "Which organization their membership ends in could not be read" in shown, body
    assert _held(world.nurse, world.org) == ["nurse"]
    assert not AuditEvent.objects.filter(event_type="staff.membership_ended").exists()


def _end_forms(page: str, account: User) -> list[tuple[str, str]]:
    """Each End membership form of the person's row: the organization it posts, its button."""
    action = reverse("accounts:staff_end", args=[account.public_id])
    return re.findall(
        rf'action="{action}".*?name="organization" value="(\d+)".*?<button type="submit">'
        r"([^<]+)</button>",
        page,
        flags=re.S,
    )


def test_the_list_names_the_organization_of_each_end_button(world, login):
    second = _second_organization(world)
    page = login(world.director).get(reverse("accounts:staff")).content.decode()
    assert _end_forms(page, world.nurse) == [
        (str(world.org.pk), "End Nurse Tester's membership in Test Program Org"),
        (str(second.pk), "End Nurse Tester's membership in Uptown Clinic"),
    ]
    assert _end_forms(page, world.therapist) == [
        (str(world.org.pk), "End Therapist Tester's membership")
    ]
    assert _end_forms(page, world.director) == []


def _roles_cell(page: str, account: User) -> str:
    """The Roles cell of the person's row, its markup removed."""
    row = re.search(rf"<td>{account.username}</td>\s*<td>(.*?)<a ", page, flags=re.S)
    assert row, account.username
    return re.sub(r"<[^>]+>", "", row.group(1)).strip()


def test_the_list_says_which_role_is_held_in_which_organization(world, login):
    _second_organization(world, nurse_role="supervisor")
    Membership.objects.create(user=world.nurse, organization=world.org, role="therapist")
    page = login(world.director).get(reverse("accounts:staff")).content.decode()
    assert _roles_cell(page, world.nurse) == (
        "Test Program Org: Nurse, Therapist; Uptown Clinic: Clinical supervisor"
    )
    assert _roles_cell(page, world.therapist) == "Therapist"


def test_staff_pages_name_people_by_their_public_id_never_their_row_number(world, login):
    director = login(world.director)
    listing = director.get(reverse("accounts:staff")).content.decode()
    roles_page = reverse("accounts:staff_roles", args=[world.nurse.public_id])
    assert f'href="{roles_page}"' in listing
    assert f"/accounts/staff/{world.nurse.pk}/" not in listing
    assert director.get(f"/accounts/staff/{world.nurse.pk}/roles/").status_code == 404
    assert director.get(roles_page).status_code == 200
