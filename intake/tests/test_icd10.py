"""The curated ICD-10-CM list: validation messages, search, and what each code means."""

import re

import pytest
from django.urls import reverse

from intake import icd10
from intake.dsm_names import NAMES
from tandem.errors import InvalidInput

ICD10CM_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def test_every_listed_code_has_the_icd10cm_shape_and_a_description():
    for code in icd10.CODES.values():
        assert ICD10CM_SHAPE.match(code.code), code.code
        assert code.description and code.description[0].isupper()


def test_the_families_of_the_reference_are_all_present():
    for prefix in ["F10", "F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19", "F20", "F25"]:
        assert any(c.startswith(prefix) for c in icd10.CODES), prefix
    for code in ["F32.A", "F33.1", "F31.81", "F41.0", "F41.1", "F40.10", "F43.10", "F43.11"]:
        assert code in icd10.CODES
    for code in ["F43.12", "F43.23", "F90.2", "F60.3", "R45.851", "Z91.51", "F11.11"]:
        assert code in icd10.CODES


@pytest.mark.parametrize("text", ["F10.20", "f10.20", " F10.20 ", "F1020", "f 10.20"])
def test_codes_are_normalized(text):
    assert icd10.validate(text).code == "F10.20"


def test_a_category_is_refused_with_its_complete_codes():
    with pytest.raises(InvalidInput) as error:
        icd10.validate("F10.2")
    assert "F10.2 is a category" in error.value.message
    assert "F10.20 Alcohol dependence, uncomplicated" in error.value.message


def test_an_unknown_code_gets_a_clear_message():
    with pytest.raises(InvalidInput) as error:
        icd10.validate("F42.2")
    assert error.value.field == "code"
    assert "F42.2 is not in Tandem's list of ICD-10-CM codes" in error.value.message
    with pytest.raises(InvalidInput, match="Enter an ICD-10-CM code"):
        icd10.validate("  ")


@pytest.mark.parametrize(
    ("code", "kind", "induced", "co_occurring"),
    [
        ("F10.20", icd10.SUD, False, True),
        ("F10.24", icd10.SUD, True, True),
        ("F11.11", icd10.SUD, False, True),
        ("F10.94", icd10.USE, True, True),
        ("F12.90", icd10.USE, False, True),
        ("F17.210", icd10.SUD, False, False),
        ("F33.1", icd10.MH, False, True),
        ("F43.10", icd10.MH, False, True),
        ("R45.851", icd10.RISK, False, False),
    ],
)
def test_each_code_says_what_it_means_for_co_occurring(code, kind, induced, co_occurring):
    found = icd10.lookup(code)
    assert found is not None
    assert (found.kind, found.induced, found.co_occurring) == (kind, induced, co_occurring)


def test_search_by_code_prefix():
    assert [c.code for c in icd10.search("F33.4")] == ["F33.40", "F33.41", "F33.42"]
    assert [c.code for c in icd10.search("f432")][:2] == ["F43.20", "F43.21"]


def test_search_by_words_and_everyday_terms():
    assert "F43.10" in [c.code for c in icd10.search("ptsd")]
    found = [c.code for c in icd10.search("opioid remission")]
    assert found == ["F11.11", "F11.21", "F11.91"]
    assert [c.code for c in icd10.search("meth induced mood")] == ["F15.24", "F15.94"]
    assert icd10.search("") == []
    assert icd10.search("zebra") == []


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("alcohol use disorder, moderate", "F10.20"),
        ("Alcohol use disorder, mild", "F10.10"),
        ("opioid use disorder severe", "F11.20"),
        ("cannabis use disorder, mild, in remission", "F12.11"),
        ("stimulant use disorder moderate", "F15.20"),
    ],
)
def test_search_finds_the_code_for_a_dsm_name_first(words, code):
    assert icd10.search(words)[0].code == code


def test_every_dsm_name_maps_to_a_listed_code_with_its_source():
    assert len(NAMES) == 54
    for name in NAMES:
        assert icd10.lookup(name.code) is not None, name
        assert "clinical reference" in name.source


def test_code_search_page_names_the_dsm_match_and_its_source(world, login):
    page = login(world.therapist).post(
        reverse("intake:code_search"), {"q": "alcohol use disorder, moderate"}
    )
    text = page.content.decode()
    assert "Alcohol use disorder, moderate → F10.20" in text
    assert "clinical reference" in text
    assert "Use F10.20" in text
