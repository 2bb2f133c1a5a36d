"""The one access policy: the batch decision answers exactly as `decide`, billing reads the
schedule and never changes it, and program capabilities are rows of one table."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Role, User
from audit.models import Action
from participants.access import (
    CAPABILITIES,
    Scope,
    decide,
    decide_for_staff,
    decide_many,
    may,
    may_take_over,
    may_take_over_for,
    require,
    staff_holding,
    staff_holding_by_organization,
    who_may_take_over,
)
from participants.models import BreakGlassGrant
from tandem.errors import AccessDenied


def _everyone(world):
    return [*world.users.values()]


def _people(world):
    return [world.participant, world.referral, world.other_org_participant]


@pytest.mark.django_db
@pytest.mark.parametrize("scope", list(Scope))
def test_the_batch_decision_is_decide_for_every_user_and_participant(world, scope):
    # Break-the-glass for one clinician outside the care team: the batch must see it too.
    BreakGlassGrant.objects.create(
        user=world.outsider,
        participant=world.participant,
        reason="Crisis call after hours",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    for action in (Action.VIEW, Action.CHANGE, Action.EXPORT):
        for user in _everyone(world):
            batch = decide_many(user, _people(world), action, scope)
            for person in _people(world):
                single = decide(user, person, action, scope)
                assert batch[person.pk] == single, (user.username, action, person.record_number)


@pytest.mark.django_db
def test_the_batch_decision_reaches_intake_and_break_the_glass(world):
    BreakGlassGrant.objects.create(
        user=world.outsider,
        participant=world.participant,
        reason="Crisis call after hours",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    intake = decide_many(world.intake, [world.referral], Action.VIEW, Scope.SCHEDULE)
    assert intake[world.referral.pk].allowed
    outsider = decide_many(world.outsider, [world.participant], Action.VIEW, Scope.SCHEDULE)
    assert outsider[world.participant.pk].break_glass is not None


@pytest.mark.django_db
def test_the_batch_decision_reads_its_facts_in_a_fixed_number_of_queries(world):
    people = _people(world)
    decide_many(world.intake, people[:1], Action.VIEW, Scope.CLINICAL)  # roles cached
    with CaptureQueriesContext(connection) as few:
        decide_many(world.intake, people[:1], Action.VIEW, Scope.CLINICAL)
    with CaptureQueriesContext(connection) as many:
        decide_many(world.intake, people, Action.VIEW, Scope.CLINICAL)
    assert len(many) == len(few) <= 4


@pytest.mark.django_db
@pytest.mark.parametrize("scope", list(Scope))
def test_the_batch_decision_over_people_is_decide_for_each_of_them(world, scope):
    BreakGlassGrant.objects.create(
        user=world.outsider,
        participant=world.participant,
        reason="Crisis call after hours",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    for action in (Action.VIEW, Action.CHANGE, Action.EXPORT):
        for person in _people(world):
            batch = decide_for_staff(
                User.objects.filter(pk__in=[u.pk for u in _everyone(world)]),
                person,
                action,
                scope,
            )
            for user in _everyone(world):
                single = decide(user, person, action, scope)
                assert batch[user.pk] == single, (user.username, action, person.record_number)


@pytest.mark.django_db
def test_the_batch_decision_over_people_reads_in_a_fixed_number_of_queries(world):
    BreakGlassGrant.objects.create(
        user=world.outsider,
        participant=world.participant,
        reason="Crisis call after hours",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    few, many = list(User.objects.filter(pk=world.therapist.pk)), list(User.objects.all())
    with CaptureQueriesContext(connection) as one:
        decide_for_staff(few, world.participant, Action.VIEW, Scope.CLINICAL)
    with CaptureQueriesContext(connection) as everyone:
        decide_for_staff(many, world.participant, Action.VIEW, Scope.CLINICAL)
    assert len(one) == 2 and len(everyone) == 3  # roles, facts, and the grant found


@pytest.mark.django_db
def test_billing_reads_the_schedule_and_never_changes_it(world):
    assert decide(world.billing, world.participant, Action.VIEW, Scope.SCHEDULE).allowed
    refused = decide(world.billing, world.participant, Action.CHANGE, Scope.SCHEDULE)
    assert not refused.allowed
    assert "does not change" in refused.why
    with pytest.raises(AccessDenied):
        require(world.billing, world.participant, Action.CHANGE, Scope.SCHEDULE)
    assert decide(world.frontdesk, world.participant, Action.CHANGE, Scope.SCHEDULE).allowed


@pytest.mark.django_db
def test_capabilities_are_rows_of_one_table(world):
    assert may(world.director, "schedule.publish", world.org.pk)
    assert not may(world.supervisor, "schedule.publish", world.org.pk)
    assert may(world.supervisor, "calendar.edit", world.org.pk)
    assert not may(world.nurse, "clinical.sign", world.org.pk)
    assert may(world.intake, "diagnosis.record", world.org.pk)
    assert may(world.auditor, "audit.read", world.org.pk)
    assert not may(world.auditor, "participants.find", world.org.pk)
    assert not may(world.stranger, "staff.manage", world.org.pk)
    assert not may(world.participant_user, "audit.read", world.org.pk)
    for capability, roles in CAPABILITIES.items():
        assert roles <= set(Role.values), capability


@pytest.mark.django_db
def test_who_may_take_over_an_item_is_one_answer_in_every_form(world):
    """The care team and the program's oversight may be handed a participant's item; a
    clinician reaching the record by breaking the glass, the front desk, billing, the auditor,
    staff of another organization and the participant's own account may not; the batch
    forms answer exactly as the single question does."""
    BreakGlassGrant.objects.create(
        user=world.outsider,
        participant=world.participant,
        reason="On call, covering the crisis line tonight.",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    everyone = _everyone(world)
    single = {u.pk for u in everyone if may_take_over(u, world.participant)}
    assert single == {
        world.users[name].pk
        for name in (
            "director",
            "supervisor",
            "therapist",
            "counsellor",
            "prescriber",
            "nurse",
            "casemanager",
            "peer",
        )
    }
    assert who_may_take_over(everyone, world.participant) == single
    for user in everyone:
        many = may_take_over_for(user, _people(world))
        assert many == {p.pk for p in _people(world) if may_take_over(user, p)}


@pytest.mark.django_db
@pytest.mark.parametrize("capability", ["program.oversee", "worklist.oversee", "care_team.join"])
def test_who_holds_a_capability_is_one_answer_for_one_organization_or_several(world, capability):
    """The batch form (the sweep's fallback to each organization's oversight) names, in one
    query, exactly whom `staff_holding` names in each: a closed account, an ended role and a
    role in another organization hold nothing, and two granting roles name someone once."""
    world.supervisor.is_active = False
    world.supervisor.save(update_fields=["is_active"])
    Membership.objects.filter(user=world.counsellor).update(is_active=False)
    Membership.objects.create(user=world.director, organization=world.org, role=Role.THERAPIST)
    Membership.objects.create(
        user=world.therapist, organization=world.other_org_participant.organization, role=Role.PEER
    )
    organizations = [world.org.pk, world.other_org_participant.organization_id]

    with CaptureQueriesContext(connection) as read:
        found = staff_holding_by_organization(capability, organizations)

    assert len(read) == 1
    for org in organizations:
        assert found.get(org, []) == list(staff_holding(capability, org))
    assert found[world.org.pk]
    assert world.supervisor not in found[world.org.pk]
