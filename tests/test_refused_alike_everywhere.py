"""Every address with an id in it answers an account that may not open it alike whether or not
the id names a record, so no answer tells that a record exists.

Every URL pattern of the project (pages, the JSON API, FHIR) that has a path parameter is
asked, as a participant's own account (the bench's participant: the ids are their own), as a
support person's account and as staff of another organization, for GET and POST (and the
API's own PUT and PATCH), once with ids naming real records of the bench and once with each
id in turn (and, with several, all of them) made up in the same shape; the answers must be
the same in status, content type and body (the per-request tokens aside, and the address
itself where a page repeats it). Staff of the participant's own organization are not asked:
they find its participants by search anyway, and a refusal there offers break-the-glass.

A new address is asked without being listed. A new parameter needs a real value in
`_real_path_values` (tests/bad_input) or `MORE_REAL_VALUES` below, and the test names it until
it has one; an address that rightly answers a real id otherwise (a public page, the
participant's own portal page) is listed in `OWN_OR_PUBLIC` with the reason.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import build_world, shared_transaction
from fhirapi import bulk
from fhirapi.models import BulkExport
from tandem.api import api
from tests.authz import share_with_support
from tests.bad_input import states
from tests.bad_input.conftest import Bench, build_bench
from tests.bad_input.test_every_write_refuses_bad_input import _real_path_values
from tests.bad_input.write_endpoints import (
    _billing,
    _cm,
    _consent,
    _cup,
    _flagged_screen,
    _med,
    _plan_draft,
    _screen_result,
    _support_person,
)

# A participant's account, a support person's account, staff of another organization.
ASKING = ("participant_user", "support", "stranger")
MADE_UP_UUID = UUID("0b6f1c3e-5d2a-4c8e-9f10-2a4b6c8d0e1f")
# The per-request tokens a page carries (the sign-out form's, htmx's header, a one-time form
# token, a script nonce): not the answer.
TOKENS = re.compile(rb'(value=|X-CSRFToken": |nonce=)"[^"]*"')

# Addresses a persona may legitimately open with a real id of its own, or that are public:
# their answer rightly differs for a real id. By persona (None: every one asked).
OWN_OR_PUBLIC: dict[str, tuple[str | None, str]] = {
    "front_door": (None, "a program's public page, by its published slug: no record"),
    "front_door_es": (None, "a program's public page, by its published slug: no record"),
    "front_door_thanks": (None, "a program's public page, by its published slug: no record"),
    "front_door_thanks_es": (None, "a program's public page, by its published slug: no record"),
    "links:open": (None, "a single-use link: the token is the secret it is sent with"),
    "api:/api/v1/instruments/{code}": (
        None,
        "an instrument's public definition by its code: no record",
    ),
    "api:/api/v1/instruments/{code}/score": (
        None,
        "scores answers to a public instrument: no record",
    ),
    "assessments:mine": (
        "participant_user",
        "the participant's own questionnaire, by the instrument's code",
    ),
    "assessments:mine_crisis": (
        "participant_user",
        "the participant's own answer: the page looks among their own answers only",
    ),
    "checkins:crisis": (
        "participant_user",
        "the participant's own check-in: the page looks among their own check-ins only",
    ),
}


def _follow_up(b: Bench) -> object:
    from discharge.models import FollowUp

    episode = states.discharged(b)
    follow_up = FollowUp.objects.filter(participant=episode.participant).first()
    assert follow_up is not None
    return follow_up.public_id


def _discharge(b: Bench) -> object:
    from discharge.models import Discharge

    return Discharge.objects.get(participant=states.discharged(b).participant).public_id


def _summary(b: Bench) -> object:
    from discharge.models import DischargeSummary

    return DischargeSummary.objects.filter(participant=states.discharged(b).participant)[
        0
    ].public_id


def _fhir_plan(b: Bench):
    """A signed plan of the bench's referral (the bench participant's own plan stays the
    draft other addresses name), made on first ask."""
    from plans.models import TreatmentPlan
    from plans.tests.builders import signed

    found = TreatmentPlan.objects.filter(
        participant=b.world.referral, signed_at__isnull=False
    ).first()
    return found or signed(b.world, by=b.director, episode=b.world.referral_episode)


def _objective(b: Bench) -> object:
    from plans.models import Objective

    return Objective.objects.filter(plan__public_id=str(_plan_draft(b)))[0].public_id


def _checkin(b: Bench) -> object:
    from checkins.models import CheckIn
    from checkins.services import record_checkin

    found = CheckIn.objects.filter(participant=b.participant).first()
    if found is None:
        found = record_checkin(
            b.participant, by=b.participant_user, mood=3, craving=2, used=False, safety=True
        ).checkin
    return found.public_id


def _run(b: Bench) -> object:
    """A weekly schedule run, queued (what it proposes does not matter here)."""
    from scheduling import publishing

    return publishing.start_week_run(
        b.program, by=b.director, week_of=date(2026, 12, 7), time_limit=5
    ).public_id


# Real values where `_real_path_values` gives none that names a record (its run id is a
# group's, to test an unknown run's answer).
INSTEAD: dict[str, Callable[[Bench], object]] = {"run_id": _run}
# A real value of each path parameter that `_real_path_values` does not give.
MORE_REAL_VALUES: dict[str, Callable[[Bench], object]] = {
    "administration_id": lambda b: b.administration.public_id,
    "intake_id": lambda b: b.intake_record.public_id,
    "key": lambda b: "identification",
    "diagnosis_id": lambda b: b.diagnosis.public_id,
    "objective_id": _objective,
    "program_id": lambda b: b.program.public_id,
    "room_id": lambda b: b.room.public_id,
    "staff_id": lambda b: b.therapist.public_id,
    "group_id": lambda b: b.group.public_id,
    "track_id": lambda b: b.track.public_id,
    "closure_id": lambda b: b.closure.public_id,
    "enrolment_id": lambda b: b.enrolment.public_id,
    "alert_id": lambda b: b.alert.public_id,
    "medication_id": _med,
    "person_id": _support_person,
    "panel_id": _cup,
    "result_id": _screen_result,
    "request_id": _cm("request"),
    "follow_up_id": _follow_up,
    "discharge_id": _discharge,
    "summary_id": _summary,
    "grant_id": lambda b: b.grant.public_id,
    "checkin": _checkin,
    "action": lambda b: "unlock",
    "slug": lambda b: "no-program",
    "token": lambda b: "no-link",
}
# A parameter whose record depends on the address (a FHIR read names its resource's type).
REAL_BY_ADDRESS: dict[tuple[str, str], Callable[[Bench], object]] = {
    ("fhir:episode", "resource_id"): lambda b: b.episode.public_id,
    ("fhir:condition", "resource_id"): lambda b: b.diagnosis.public_id,
    ("fhir:observation", "resource_id"): lambda b: b.administration.public_id,
    ("fhir:diagnostic_report", "resource_id"): lambda b: _flagged_screen(b).public_id,
    ("fhir:care_plan", "resource_id"): lambda b: _fhir_plan(b).public_id,
    ("fhir:goal", "resource_id"): lambda b: _fhir_plan(b).goals.get().public_id,
    ("fhir:care_team", "resource_id"): lambda b: b.episode.public_id,
    ("fhir:medication_statement", "resource_id"): _med,
    ("fhir:consent", "resource_id"): _consent,
    ("fhir:encounter", "resource_id"): lambda b: b.enrolment.public_id,
    ("fhir:coverage", "resource_id"): _billing("coverage"),
    ("fhir:practitioner", "resource_id"): lambda b: b.therapist.public_id,
    ("fhir:group", "group_id"): lambda b: b.program.public_id,
    ("fhir:group_export", "group_id"): lambda b: b.program.public_id,
    ("fhir:bulk_status", "export_id"): lambda b: _bulk_export(b).public_id,
    ("fhir:bulk_file", "file_id"): lambda b: _bulk_export(b).files.all()[0].public_id,
}


def _bulk_export(b: Bench) -> BulkExport:
    """The director's finished bulk export of the bench's program (one, made on first ask)."""
    found = BulkExport.objects.filter(program=b.program).first()
    if found is not None:
        return found
    export = bulk.start_export(
        by=b.users["director"],
        program=b.program,
        types=["Patient"],
        since=None,
        request_url="http://testserver/fhir/R4/Group/x/$export",
        now=timezone.now(),
    )
    bulk.write_export(export.pk, clock=timezone.now)
    return export


def _discharged_participant(b: Bench) -> object:
    return states.discharged(b).participant.public_id


# The discharge's records belong to the participant the bench discharges.
PARTICIPANT_BY_ADDRESS: dict[str, Callable[[Bench], object]] = dict.fromkeys(
    ("discharge:call", "discharge:call_answers", "discharge:summary_save", "discharge:opt_out"),
    _discharged_participant,
)


@dataclass(frozen=True)
class Address:
    name: str  # the URL name, or the API's `api:` operation path
    parameters: tuple[str, ...]
    methods: tuple[str, ...]
    url: Callable[[dict[str, object]], str]


def _patterns(patterns=None, namespace: str = "") -> Iterator[Address]:
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "api":
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.pattern.converters:
            name = namespace + (p.name or "")

            def url(values: dict[str, object], name: str = name) -> str:
                return reverse(name, kwargs=values)

            yield Address(name, tuple(p.pattern.converters), ("get", "post"), url)


def _api_operations() -> Iterator[Address]:
    for path, item in api.get_openapi_schema()["paths"].items():
        parameters = tuple(re.findall(r"{(\w+)}", path))
        if not parameters:
            continue

        def url(values: dict[str, object], path: str = path) -> str:
            for key, value in values.items():
                path = path.replace("{" + key + "}", str(value))
            return path

        methods = tuple(dict.fromkeys(["get", "post", *item]))
        yield Address(f"api:{path}", parameters, methods, url)


ADDRESSES = sorted([*_patterns(), *_api_operations()], key=lambda a: a.name)


def _made_up(value: object) -> object:
    """A value of the same shape as `value` that names no record."""
    if isinstance(value, UUID):
        return MADE_UP_UUID
    if isinstance(value, int):
        return 987654
    text = str(value)
    try:
        UUID(text)
    except ValueError:
        return re.sub(r"[a-z]", "x", text)
    return MADE_UP_UUID


@pytest.fixture(scope="module")
def module_bench(django_db_setup, django_db_blocker):
    """One bench, with every record an address names, for the whole module; the support
    person's account is shared with under a consent in force, so its refusals are the
    addresses' own."""
    with shared_transaction(django_db_blocker):
        world = build_world()
        share_with_support(world)
        b = build_bench(world)
        real = _real_path_values(b)
        made: dict[Callable[[Bench], object], object] = {}

        def once(make: Callable[[Bench], object]) -> object:
            if make not in made:
                made[make] = make(b)
            return made[make]

        values: dict[tuple[str, str], object] = {}
        for address in ADDRESSES:
            for parameter in address.parameters:
                make = REAL_BY_ADDRESS.get((address.name, parameter)) or INSTEAD.get(parameter)
                if parameter == "participant_id":
                    make = PARTICIPANT_BY_ADDRESS.get(address.name)
                if make is None and parameter in real:
                    values[address.name, parameter] = real[parameter]
                    continue
                make = make or MORE_REAL_VALUES.get(parameter)
                if make is not None:
                    values[address.name, parameter] = once(make)
        yield b, values


@pytest.fixture
def real_values(module_bench, db) -> tuple[Bench, dict[tuple[str, str], object]]:
    return module_bench


def _normalized(response, *paths: str) -> bytes:
    body = TOKENS.sub(b"", response.content)
    for path in paths:
        body = body.replace(path.encode(), b"<address>")
    return body


def _ask(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return client.generic(method.upper(), url, "{}", content_type="application/json")


def test_every_parameter_has_a_real_value(module_bench, db):
    _, values = module_bench
    missing = sorted(
        f"{a.name} {p}" for a in ADDRESSES for p in a.parameters if (a.name, p) not in values
    )
    assert not missing, (
        "Give these path parameters a real value in _real_path_values "
        f"(tests/bad_input) or MORE_REAL_VALUES: {missing}"
    )


def test_every_exception_names_an_address():
    names = {a.name for a in ADDRESSES}
    assert set(OWN_OR_PUBLIC) <= names, sorted(set(OWN_OR_PUBLIC) - names)


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda a: a.name)
def test_a_real_and_a_made_up_id_get_the_same_answer(address, real_values, signed_in):
    b, values = real_values
    real = {p: values[address.name, p] for p in address.parameters}
    asked = [real] + [real | {p: _made_up(real[p])} for p in address.parameters]
    if len(address.parameters) > 1:
        asked.append({p: _made_up(v) for p, v in real.items()})
    differing = []
    for persona in ASKING:
        exempt = OWN_OR_PUBLIC.get(address.name)
        if exempt and exempt[0] in (None, persona):
            continue
        client = signed_in(b.users[persona])
        for method in address.methods:
            urls = [address.url(v) for v in asked]
            answers = [_ask(client, method, url) for url in urls]
            first = answers[0]
            for url, answer in zip(urls[1:], answers[1:], strict=True):
                same = (
                    answer.status_code == first.status_code
                    and answer.get("Content-Type") == first.get("Content-Type")
                    and _normalized(answer, url) == _normalized(first, urls[0])
                )
                if not same:
                    differing.append(
                        f"{persona} {method.upper()} {urls[0]} -> {first.status_code}, "
                        f"{url} -> {answer.status_code}"
                    )
    assert not differing, "\n".join(differing)
