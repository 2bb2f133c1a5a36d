"""The chart's statements, compiled once per process, read what the ORM reads."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action
from conftest import PERSONAS
from participants.access import Scope, decide, decisions_for_one_request, scopes_reached_by_role
from participants.chart import FLAGS, flag_values, header_flags
from participants.decorators import load_participant
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus, Participant
from participants.selectors import (
    chart_participant,
    chart_participant_with_relations,
    kept_row_values,
    prefetch_chart_relations,
    read_on_participant,
    with_chart_relations,
)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _as_read(participant: Participant) -> list:
    """Everything the chart reads about a participant, related rows included."""
    return [
        (
            _fields(e),
            _fields(e.program),
            _fields(e.site) if e.site else None,
            _fields(e.primary_clinician) if e.primary_clinician else None,
            sorted(
                ((_fields(m), _fields(m.user), m.episode is e) for m in e.care_team.all()),
                key=lambda row: row[0]["id"],
            ),
            e.participant is participant,
        )
        for e in sorted(participant.episodes.all(), key=lambda e: e.pk)
    ]


def _varied(world) -> None:
    """A second, discharged episode with an ended and a current member, and an episode
    without a site or a primary clinician."""
    old = Episode.objects.create(
        participant=world.participant,
        program=world.program,
        site=world.site,
        status=EpisodeStatus.DISCHARGED,
        referred_on=date(2025, 1, 6),
        admitted_on=date(2025, 1, 13),
        discharged_on=date(2025, 3, 1),
        primary_clinician=world.counsellor,
    )
    CareTeamMember.objects.create(
        episode=old,
        user=world.counsellor,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        ended_on=date(2025, 3, 1),
    )
    CareTeamMember.objects.create(episode=old, user=world.nurse, role=CareTeamRole.NURSE)
    Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.DECLINED,
        referred_on=date(2024, 5, 1),
    )


def test_the_chart_reads_the_same_rows_as_the_orm(world):
    _varied(world)
    for person in (world.participant, world.referral, world.other_org_participant):
        compiled = chart_participant(person.public_id)
        assert compiled is not None
        assert _fields(compiled) == _fields(person)
        assert _fields(compiled.organization) == _fields(person.organization)
        prefetch_chart_relations(compiled)
        orm = with_chart_relations(Participant.objects.filter(pk=person.pk)).get()
        assert _as_read(compiled) == _as_read(orm)
        assert _as_read(compiled), "every participant here has an episode"


def test_the_chart_read_with_its_relations_reads_the_same_rows_as_the_orm(world):
    """The participant, its episodes and care teams found by the chart's address in one
    round trip are what the ORM reads, and what the two-step read gives."""
    _varied(world)
    for person in (world.participant, world.referral, world.other_org_participant):
        together = chart_participant_with_relations(person.public_id)
        assert together is not None
        assert _fields(together) == _fields(person)
        assert _fields(together.organization) == _fields(person.organization)
        orm = with_chart_relations(Participant.objects.filter(pk=person.pk)).get()
        assert _as_read(together) == _as_read(orm)
        with CaptureQueriesContext(connection) as queries:
            prefetch_chart_relations(together)  # read already: nothing more
        assert len(queries) == 0


def test_the_chart_read_with_its_relations_is_one_round_trip_on_postgresql(world):
    chart_participant_with_relations(world.participant.public_id)  # compiled once
    with CaptureQueriesContext(connection) as queries:
        person = chart_participant_with_relations(world.participant.public_id)
        assert person is not None
        assert person.episodes.all()[0].care_team.all()[0].user.pk
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)


def test_a_participant_without_episodes_reads_none(world):
    person = Participant.objects.create(
        organization=world.org,
        record_number="NO-EP-1",
        legal_first_name="Una",
        legal_last_name="Nobody",
        date_of_birth=date(1980, 2, 2),
    )
    found = chart_participant(person.public_id)
    assert found is not None
    prefetch_chart_relations(found)
    assert list(found.episodes.all()) == []
    together = chart_participant_with_relations(person.public_id)
    assert together is not None and together.pk == person.pk
    assert list(together.episodes.all()) == []


def test_an_entered_in_error_or_unknown_participant_is_not_found(world):
    Participant.objects.filter(pk=world.referral.pk).update(
        entered_in_error_at=timezone.now(),
        entered_in_error_by=world.director,
        entered_in_error_reason="duplicate record",
    )
    unknown = "00000000-0000-0000-0000-000000000000"
    for chart_for in (None, world.therapist):
        assert load_participant(world.referral.public_id, chart_for=chart_for) is None
        found = load_participant(str(world.participant.public_id), chart_for=chart_for)
        assert found is not None and found.pk == world.participant.pk
        assert load_participant(unknown, chart_for=chart_for) is None
    assert chart_participant_with_relations(world.referral.public_id) is None
    assert chart_participant_with_relations(unknown) is None


def test_the_chart_statements_are_one_query_each(world):
    chart_participant(world.participant.public_id)  # compiled once
    with CaptureQueriesContext(connection) as queries:
        person = chart_participant(world.participant.public_id)
        assert person is not None
        prefetch_chart_relations(person)
        prefetch_chart_relations(person)  # read already: nothing more
        assert person.episodes.all()[0].care_team.all()[0].user.pk
    # The episodes and care teams go in one round trip on PostgreSQL.
    assert len(queries) == (2 if connection.vendor == "postgresql" else 3), "\n".join(
        q["sql"] for q in queries
    )


def test_roles_and_zones_read_by_the_compiled_statement_are_the_orms(world):
    from accounts.models import Membership, Role
    from accounts.roles import organizations_of, program_zones, roles_in

    Membership.objects.create(user=world.therapist, organization=world.org, role=Role.NURSE)
    for user in (world.therapist, world.director, world.outsider):
        fresh = type(user).objects.get(pk=user.pk)
        expected: dict[int, set[str]] = {}
        for org, role in Membership.objects.filter(user=user, is_active=True).values_list(
            "organization_id", "role"
        ):
            expected.setdefault(org, set()).add(role)
        assert {org: roles_in(fresh, org) for org in organizations_of(fresh)} == expected
        assert program_zones(fresh) == [world.program.time_zone]


def test_every_modules_flag_values_are_the_ones_the_orm_reads(world):
    """The statement runs with its constant values written in on PostgreSQL; the values it
    reads are those of the ORM's own query with the participant's id as a parameter."""
    from monitoring.services import raise_alert

    raise_alert(world.participant, kind="k", severity="high", title="t", dedupe_key="x")
    groups = [source.values for source in FLAGS.implementations()]
    read = read_on_participant(world.participant, groups)
    for values, group in zip(read, groups, strict=True):
        expected = Participant.objects.filter(pk=world.participant.pk).values(**group()).get()
        assert values == expected
    assert any(values for values in read)


def test_the_flag_values_read_with_the_chart_are_the_ones_read_on_the_participant(world):
    from monitoring.services import raise_alert

    raise_alert(world.participant, kind="k", severity="high", title="t", dedupe_key="x")
    groups = flag_values()
    person = chart_participant_with_relations(world.participant.public_id, groups)
    assert person is not None
    kept = [kept_row_values(person, group) for group in groups]
    assert kept == read_on_participant(world.participant, groups)
    assert any(values for values in kept)
    assert kept_row_values(world.participant, groups[0]) is None  # not read with it


def test_the_chart_read_with_its_header_flags_is_one_round_trip_on_postgresql(world):
    public_id = world.participant.public_id
    with decisions_for_one_request():
        # Compiled, and the therapist's roles and access decisions made, once.
        header_flags(chart_participant_with_relations(public_id, flag_values()), world.therapist)
        with CaptureQueriesContext(connection) as queries:
            person = chart_participant_with_relations(public_id, flag_values())
            assert person is not None
            header_flags(person, world.therapist)
    assert len(queries) == (1 if connection.vendor == "postgresql" else 4), "\n".join(
        q["sql"] for q in queries
    )


def _flag_tables() -> set[str]:
    """The tables of other modules the clinical and aftercare flags read, as their values'
    SQL names them (the chart reads the participant's own tables for every reader)."""
    groups = flag_values()
    sql = str(Participant.objects.values(**{k: v for g in groups for k, v in g().items()}).query)
    return {
        table
        for table in connection.introspection.table_names()
        if f'"{table}"' in sql and not table.startswith("participants_")
    }


@pytest.mark.parametrize("persona", ["frontdesk", "billing"])
def test_a_chart_page_reads_no_clinical_flag_for_a_role_that_can_never_see_them(
    world, client, persona
):
    from monitoring.services import raise_alert

    raise_alert(world.participant, kind="k", severity="high", title="Overdose risk", dedupe_key="x")
    tables = _flag_tables()
    assert tables, "the flags read other tables"
    client.force_login(getattr(world, persona))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    assert response.status_code == 200
    read = [t for q in queries for t in tables if f'"{t}"' in q["sql"]]
    assert read == [], "read for a role the flags' scopes never reach"
    assert "open alert" not in response.content.decode()


def test_a_clinician_s_chart_page_still_reads_and_shows_the_flags(world, client):
    from monitoring.services import raise_alert

    raise_alert(world.participant, kind="k", severity="high", title="Overdose risk", dedupe_key="x")
    client.force_login(world.therapist)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    assert response.status_code == 200
    assert any(f'"{t}"' in q["sql"] for q in queries for t in _flag_tables())
    assert "1 open alert" in response.content.decode()


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_what_a_role_reaches_by_itself_is_allowed_on_every_chart_of_its_organization(
    world, persona
):
    """What the gate reads before the decision is the rule itself with no fact in the
    role's favour: the policy allows it on every chart of the reader's organization."""
    user = getattr(world, persona)
    reach = scopes_reached_by_role(user)
    for participant in Participant.objects.filter(organization=world.org):
        for scope in reach:
            assert decide(user, participant, Action.VIEW, scope).allowed, (persona, scope)
    expected = {
        "frontdesk": {Scope.DEMOGRAPHICS, Scope.SCHEDULE},
        "billing": {Scope.DEMOGRAPHICS, Scope.SCHEDULE, Scope.BILLING},
        "auditor": set(),
        "therapist": set(),
        "intake": set(),
        "director": set(Scope),
    }
    if persona in expected:
        assert reach == expected[persona]


def test_a_clinician_refused_the_chart_reads_none_of_its_clinical_flags(world, client):
    """A therapist off the care team is refused the chart: the request reads none of its
    clinical flags' values on the way."""
    from monitoring.services import raise_alert

    raise_alert(world.participant, kind="k", severity="high", title="Overdose risk", dedupe_key="x")
    tables = _flag_tables()
    client.force_login(world.outsider)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    assert response.status_code == 403
    read = [t for q in queries for t in tables if f'"{t}"' in q["sql"]]
    assert read == [], "read before the policy refused"


def test_staff_of_another_organization_read_no_flag_with_the_participant(world):
    """A director elsewhere reaches every record of their own organization only: the gate
    brings back none of this participant's flag values for them."""
    found = load_participant(str(world.participant.public_id), chart_for=world.stranger)
    assert found is not None
    assert [kept_row_values(found, group) for group in flag_values()] == [None] * len(flag_values())
