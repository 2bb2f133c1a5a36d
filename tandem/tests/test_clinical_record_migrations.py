"""Existing clinical rows survive the move onto the clinical-record base.

On a database of its own, empty, the migrations run forward as far as the move, rows are
written with the models as they were then, the migrations run on to today's, and the rows
are read with today's models: the way an installation from before the move was upgraded.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Administration
from intake.models import Diagnosis, Intake, IntakeSection
from monitoring.models import Alert
from participants.models import Participant
from placement.models import LevelOfCareDecision, ReferralOut

# The last migration of each app before the move.
BEFORE = [
    ("participants", "0001_initial"),
    ("assessments", "0001_initial"),
    ("placement", "0001_initial"),
    ("intake", "0001_initial"),
    ("monitoring", "0001_initial"),
]
STORED_AT = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
STRUCK_AT = datetime(2026, 10, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[None]:
    """A new, empty database on the suite's engine standing in as the default one for a test.

    Migrating the test database back to before the move took twice as long as creating it:
    nearly every migration depends on the participants app, so 123 of the 189 were unapplied,
    and Django works out the project's state before each one it unapplies. From an empty
    database the 20 migrations up to the move run, then the rest once, and the test database
    is left as it was.
    """
    test_database = connections[DEFAULT_DB_ALIAS]
    settings = dict(test_database.settings_dict)
    on_postgresql = test_database.vendor == "postgresql"
    if on_postgresql:
        settings["NAME"] = f"{settings['NAME']}_before_the_base"
        with test_database._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    else:
        settings["NAME"] = str(tmp_path / "before-the-base.sqlite3")
    empty = type(test_database)(settings, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = empty
    try:
        yield
    finally:
        empty.close()
        connections[DEFAULT_DB_ALIAS] = test_database
        if on_postgresql:
            with test_database._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{settings["NAME"]}"')


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _old_rows(apps) -> dict[str, int]:
    """Rows as the pre-base models wrote them: one name per app for "who did it", a flag."""
    get = apps.get_model
    org = get("accounts", "Organization").objects.create(name="Old Org", slug="old-org")
    program = get("accounts", "Program").objects.create(organization=org, name="Old IOP")
    clinician = get("accounts", "User").objects.create(username="old-clinician")
    person = get("participants", "Participant").objects.create(
        organization=org,
        record_number="T-000900",
        legal_first_name="Old",
        legal_last_name="Record",
        date_of_birth=date(1980, 1, 1),
        created_by=clinician,
    )
    duplicate = get("participants", "Participant").objects.create(
        organization=org,
        record_number="T-000901",
        legal_first_name="Old",
        legal_last_name="Duplicate",
        date_of_birth=date(1980, 1, 1),
        entered_in_error=True,
    )
    episode = get("participants", "Episode").objects.create(
        participant=person, program=program, referred_on=date(2026, 10, 1)
    )
    Administration = get("assessments", "Administration")
    common = {
        "participant": person,
        "episode": episode,
        "instrument": "phq-9",
        "administered_by": clinician,
        "completed_at": STORED_AT,
        "complete": True,
    }
    original = Administration.objects.create(**common, total=12)
    correction = Administration.objects.create(
        **common, total=13, supersedes=original, correction_reason="Item 3 was misread"
    )
    struck = Administration.objects.create(
        **common,
        total=20,
        entered_in_error=True,
        entered_in_error_reason="Wrong chart",
        entered_in_error_at=STRUCK_AT,
    )
    Administration.objects.filter(pk__in=[original.pk, correction.pk, struck.pk]).update(
        created_at=STORED_AT
    )
    decision = get("placement", "LevelOfCareDecision").objects.create(
        participant=person,
        episode=episode,
        rule_set="old rules",
        chosen_level="2.5",
        decided_by=clinician,
        decided_on=date(2026, 10, 2),
    )
    referral = get("placement", "ReferralOut").objects.create(
        participant=person,
        episode=episode,
        decision=decision,
        to_level="2.5",
        to_provider="Day program",
        reason="Needs more hours",
        made_by=clinician,
        made_on=date(2026, 10, 2),
    )
    Intake = get("intake", "Intake")
    signed = Intake.objects.create(
        participant=person,
        episode=episode,
        number=1,
        status="signed",
        created_by=clinician,
        signed_by=clinician,
        signed_at=STORED_AT,
    )
    get("intake", "IntakeSection").objects.create(
        intake=signed, key="legal", data={"arrests": "0"}, saved_by=clinician
    )
    addendum = Intake.objects.create(
        participant=person,
        episode=episode,
        number=2,
        amends=signed,
        addendum_reason="Disclosed an arrest",
        created_by=clinician,
    )
    withdrawn = get("intake", "Diagnosis").objects.create(
        participant=person,
        episode=episode,
        code="F12.20",
        description="Cannabis dependence, uncomplicated",
        kind="sud",
        status="entered_in_error",
        made_by=clinician,
        made_on=date(2026, 10, 2),
        status_changed_by=clinician,
        status_changed_at=STRUCK_AT,
        status_note="Wrong chart",
    )
    alert = get("monitoring", "Alert").objects.create(
        participant=person,
        kind="suicide-risk",
        severity="critical",
        title="PHQ-9 item 9",
        raised_by=clinician,
    )
    return {
        "signed": signed.pk,
        "addendum": addendum.pk,
        "withdrawn": withdrawn.pk,
        "alert": alert.pk,
        "clinician": clinician.pk,
        "person": person.pk,
        "duplicate": duplicate.pk,
        "original": original.pk,
        "correction": correction.pk,
        "struck": struck.pk,
        "decision": decision.pk,
        "referral": referral.pk,
    }


@pytest.mark.django_db
def test_existing_records_keep_their_data_on_the_clinical_record_base(empty_database):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = _migrate(BEFORE)
    # The schema as the database has it now: these apps before the move, the others as far
    # as these need them.
    applied = list(executor.loader.applied_migrations)
    ids = _old_rows(executor.loader.project_state(applied).apps)
    _migrate(leaves)

    person = Participant.objects.get(pk=ids["person"])
    assert person.recorded_by_id == ids["clinician"] and not person.entered_in_error
    duplicate = Participant.objects.get(pk=ids["duplicate"])
    assert duplicate.entered_in_error and duplicate.entered_in_error_reason
    assert set(Participant.objects.current().values_list("pk", flat=True)) == {ids["person"]}

    original = Administration.objects.get(pk=ids["original"])
    correction = Administration.objects.get(pk=ids["correction"])
    struck = Administration.objects.get(pk=ids["struck"])
    assert (original.recorded_by_id, original.recorded_at) == (ids["clinician"], STORED_AT)
    assert (correction.supersedes_id, correction.supersede_reason) == (
        original.pk,
        "Item 3 was misread",
    )
    assert (struck.entered_in_error_at, struck.entered_in_error_reason) == (
        STRUCK_AT,
        "Wrong chart",
    )
    assert list(Administration.objects.current()) == [correction]

    decision = LevelOfCareDecision.objects.get(pk=ids["decision"])
    assert (decision.recorded_by_id, decision.chosen_level) == (ids["clinician"], "2.5")
    assert ReferralOut.objects.get(pk=ids["referral"]).recorded_by_id == ids["clinician"]

    signed = Intake.objects.get(pk=ids["signed"])
    addendum = Intake.objects.get(pk=ids["addendum"])
    assert (signed.recorded_by_id, signed.is_signed) == (ids["clinician"], True)
    assert (addendum.supersedes_id, addendum.supersede_reason) == (
        signed.pk,
        "Disclosed an arrest",
    )
    assert list(Intake.objects.current()) == [addendum]
    assert IntakeSection.objects.get(intake=signed).recorded_by_id == ids["clinician"]
    withdrawn = Diagnosis.objects.get(pk=ids["withdrawn"])
    assert (
        withdrawn.recorded_by_id,
        withdrawn.entered_in_error_by_id,
        withdrawn.entered_in_error_at,
        withdrawn.entered_in_error_reason,
    ) == (ids["clinician"], ids["clinician"], STRUCK_AT, "Wrong chart")
    assert not Diagnosis.objects.current().exists()
    assert Alert.objects.get(pk=ids["alert"]).recorded_by_id == ids["clinician"]
