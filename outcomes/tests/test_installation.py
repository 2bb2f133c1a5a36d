"""The synthetic installation at a small size: several synthetic organizations, every
clinician's caseload within 15 to 40, every kind of history present, the derived stores
rebuilt, the row counts it reports true, and an audit trail that verifies."""

from datetime import date

import pytest
from django.db.models import Count

from accounts.models import Membership, Organization, Role
from assessments.models import Administration
from attendance.models import Attendance, WeeklyMinutes
from audit.models import AuditEvent, ChainHead
from audit.services import verify_chain
from conftest import shared_transaction
from discharge.models import Discharge
from discharge.types import TEDS_REASON_OF
from measurement.models import FirstDue, NextDue
from monitoring.models import Alert
from notes import seeds as notes_seeds
from notes.models import ProgressNote
from outcomes import installation
from participants.models import IN_CARE_STATUSES, CareTeamMember, Episode, EpisodeStatus
from plans.models import PlanReview, ReviewSchedule, TreatmentPlan
from scheduling.models import Enrolment

TODAY = date(2026, 3, 4)


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    with shared_transaction(django_db_blocker):
        notes_seeds.seed()  # data-migration rows vanish after a transactional test
        yield installation.installation(
            participants=56, today=TODAY, organizations=2, years=1, in_care=0.75
        )


pytestmark = pytest.mark.django_db


def test_several_synthetic_organizations_each_with_two_programs(made):
    organizations = Organization.objects.filter(pk__in=[o.pk for o in made.organizations])
    assert organizations.count() == 2
    assert all(o.is_synthetic for o in organizations)
    assert all(o.programs.count() == 2 for o in organizations)
    per_org = Episode.objects.values("program__organization").annotate(n=Count("pk"))
    assert sorted(row["n"] for row in per_org) == [21, 35]


def test_every_clinician_carries_15_to_40_in_care_through_the_care_team(made):
    clinicians = Membership.objects.filter(role__in=[Role.THERAPIST, Role.COUNSELLOR])
    sizes = {
        row["user"]: row["n"]
        for row in CareTeamMember.objects.filter(
            ended_on__isnull=True, episode__status__in=IN_CARE_STATUSES
        )
        .values("user")
        .annotate(n=Count("episode__participant", distinct=True))
    }
    assert set(sizes) == set(clinicians.values_list("user", flat=True))
    assert all(15 <= n <= 40 for n in sizes.values()), sizes
    in_care = Episode.objects.filter(status__in=IN_CARE_STATUSES)
    assert in_care.count() == sum(sizes.values()) == 26 + 16
    assert not in_care.filter(care_team__isnull=True).exists()


def test_every_kind_of_history_is_there(made):
    for model in (
        Administration,
        Attendance,
        Enrolment,
        ProgressNote,
        TreatmentPlan,
        PlanReview,
        Alert,
        Discharge,
        WeeklyMinutes,
        NextDue,
        FirstDue,
        ReviewSchedule,
    ):
        assert model.objects.exists(), model.__name__
    ended = Episode.objects.filter(
        status__in=[EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT]
    )
    assert ended.count() == Discharge.objects.count() > 0
    assert all(d.teds_reason == TEDS_REASON_OF[d.type] for d in Discharge.objects.all())
    assert ProgressNote.objects.filter(signed_at__isnull=False).exists()
    assert Attendance.objects.values("session__date").distinct().count() > 100


def test_the_counts_it_reports_are_the_rows_written(made):
    for model in (AuditEvent, Attendance, Enrolment, Administration, ProgressNote, Discharge):
        assert made.rows[model._meta.db_table] == model.objects.count(), model.__name__
    assert made.total == sum(made.rows.values()) > 5_000


def test_the_audit_trail_verifies_one_chain_per_organization(made):
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == AuditEvent.objects.count() > 1000
    heads = ChainHead.objects.filter(organization__in=made.organizations)
    assert heads.count() == 2
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"chart.viewed", "note.signed", "assessment.recorded", "discharge.recorded"} <= kinds
