"""The intake declaration: validation of a save, TEDS bands, and the signing checklist."""

from datetime import date

import pytest

from intake import sections, teds
from tandem.errors import InvalidInput


def test_section_keys_and_field_names_are_unique():
    assert len(sections.SECTIONS_BY_KEY) == len(sections.SECTIONS)
    for section in sections.SECTIONS:
        names = [f.name for f in section.fields]
        assert len(names) == len(set(names)), section.key
        assert set(section.required) <= set(names)


@pytest.mark.parametrize(
    "code_set",
    [
        teds.SUBSTANCE,
        teds.ROUTE,
        teds.FREQUENCY,
        teds.FIRST_USE_AGE,
        teds.REFERRAL_SOURCE,
        teds.EMPLOYMENT,
        teds.LIVING_ARRANGEMENT,
        teds.EDUCATION,
        teds.ARRESTS,
        teds.SELF_HELP_ATTENDANCE,
    ],
)
def test_teds_code_sets_have_unique_codes(code_set):
    codes = [code for code, _ in code_set]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    ("age", "band"), [(9, "1"), (11, "1"), (12, "2"), (14, "2"), (15, "3"), (29, "6"), (30, "7")]
)
def test_age_at_first_use_falls_in_its_teds_band(age, band):
    assert teds.first_use_band(age) == band


def test_clean_keeps_answers_drops_blanks_and_stores_dates_as_text():
    section = sections.get("substance_use")
    data = sections.clean(
        section,
        {
            "sub1": "5",
            "route1": "4",
            "first_use_age1": 17,
            "last_use1": date(2026, 11, 1),
            "sub2": "",
        },
    )
    assert data == {"sub1": "5", "route1": "4", "first_use_age1": 17, "last_use1": "2026-11-01"}


def test_clean_orders_multiple_choices_as_declared():
    data = sections.clean(sections.get("barriers"), {"barriers": ["internet", "transport"]})
    assert data == {"barriers": ["transport", "internet"]}


@pytest.mark.parametrize(
    ("key", "values", "field"),
    [
        ("substance_use", {"sub1": "99"}, "sub1"),
        ("substance_use", {"first_use_age1": 120}, "first_use_age1"),
        ("substance_use", {"first_use_age1": "17"}, "first_use_age1"),
        ("living", {"housing": "4"}, "housing"),
        ("barriers", {"barriers": ["teleport"]}, "barriers"),
        ("presenting", {"presenting_problem": "x" * 6000}, "presenting_problem"),
    ],
)
def test_clean_refuses_values_outside_the_declaration(key, values, field):
    with pytest.raises(InvalidInput) as error:
        sections.clean(sections.get(key), values)
    assert error.value.field == field


def test_unknown_fields_and_sections_are_refused():
    with pytest.raises(InvalidInput, match="Unknown field"):
        sections.clean(sections.get("legal"), {"shoe_size": "9"})
    with pytest.raises(InvalidInput, match="no section"):
        sections.get("astrology")


def test_missing_for_signing_names_the_section_and_the_field():
    missing = sections.missing_for_signing({"presenting": {"presenting_problem": "Drinking"}})
    assert missing == [
        "Presenting problem and goals — The participant's own goals",
        "Substance use history — Primary substance",
    ]


def test_readable_shows_labels_and_the_first_use_band():
    answers = sections.readable(sections.get("substance_use"), {"sub1": "10", "first_use_age1": 16})
    assert answers == [
        ("Primary substance", "Methamphetamine/speed"),
        ("Primary substance: age at first use", "16 (15–17 years)"),
    ]


def test_a_last_use_still_to_come_is_refused_with_the_field_named(world, intake):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from intake import services
    from intake.models import IntakeSection

    values = {"sub1": "2", "last_use1": date(2026, 11, 18)}
    with time_machine.travel(datetime(2026, 11, 17, 21, tzinfo=ZoneInfo("America/Chicago"))):
        with pytest.raises(InvalidInput) as refused:
            services.save_section(
                intake, "substance_use", values=values, by=world.therapist, expected_version=0
            )
        assert refused.value.field == "last_use1"
        assert not IntakeSection.objects.exists()
        values["last_use1"] = date(2026, 11, 17)
        row = services.save_section(
            intake, "substance_use", values=values, by=world.therapist, expected_version=0
        )
    assert row.data["last_use1"] == "2026-11-17"
