"""The authorization matrix: every participant-data URL, and which personas it admits.

Each module that adds a URL carrying a participant id adds a row to ENDPOINTS; the matrix
test fails for any such URL without a row, so no page can skip the access policy unnoticed.
"""

import functools
import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import URLPattern, URLResolver, get_resolver

from consent.services import record_consent
from family.services import add_support_person, link_login, record_sharing
from participants.forms import DemographicsForm
from participants.models import CareTeamMember, Episode, EpisodeStatus, Participant

# Who may do what, written out by hand (not computed from the policy under test).
CARE_TEAM = {"therapist", "counsellor", "prescriber", "nurse", "casemanager", "peer"}
OVERSIGHT = {"director", "supervisor"}
CLINICAL_READ = OVERSIGHT | CARE_TEAM
CLINICAL_WRITE = OVERSIGHT | CARE_TEAM
DEMOGRAPHICS_READ = OVERSIGHT | CARE_TEAM | {"frontdesk", "billing"}
DEMOGRAPHICS_WRITE = DEMOGRAPHICS_READ
SCHEDULE_READ = DEMOGRAPHICS_READ
SCHEDULE_WRITE = OVERSIGHT | CARE_TEAM | {"frontdesk"}
# Clinicians outside the care team: refused, but allowed after breaking the glass.
BREAK_GLASS = {"outsider", "intake"}
# Referrals are opened by oversight and every clinical role, care team or not.
REFERRAL_OPEN = OVERSIGHT | CARE_TEAM | {"outsider", "intake"}
# Accounts that are not staff: a participant's own, and a support person's (family or friend),
# refused on every staff page and staff API address, whether or not the record exists.
NOT_STAFF = {"participant_user", "support"}
# Staff of another organization: an address naming one of this organization's records answers
# them as one naming nothing (404), so it never tells them that the record exists.
OTHER_ORGANIZATION = {"stranger"}
ALL_PERSONAS = sorted(
    CLINICAL_READ
    | NOT_STAFF
    | {"outsider", "intake", "frontdesk", "billing", "auditor", "stranger"}
)


def share_with_support(world) -> None:
    """The world's participant names the `support` persona as their sister and signs a Part 2
    consent in force that shares their session times and attendance with her: so a refusal
    of her on a staff address is the address's own, not a lack of anything shared."""
    person = add_support_person(
        world.participant, by=world.therapist, name="Dana Example", relationship="sister"
    )
    link_login(person, world.users["support"], by=world.therapist)
    consent = record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Adult IOP",
        information="Session times and attendance",
        parts=["attendance"],
        recipients="Dana Example, my sister",
        purpose="At my request",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
    )
    record_sharing(person, consent, by=world.therapist, schedule=True, attendance=True)


@dataclass(frozen=True)
class Endpoint:
    method: str  # GET | POST | API_GET | API_POST | API_PATCH
    allowed: frozenset[str]
    kwargs: Callable = lambda world: {"participant_id": world.participant.public_id}
    data: Callable = lambda world: {}
    break_glass: frozenset[str] = field(default=frozenset(BREAK_GLASS))
    # What an allowed persona gets: a page, a redirect after a write, or (for a form sent
    # back with its errors) 400.
    status: frozenset[int] = frozenset({200, 201, 302})
    case: str = ""  # names a further case of the same route and method (e.g. "invalid")
    # A read's query string (a FHIR search names its patient there), and what a refused
    # staff member of the organization gets: 403, or 404 where the answer must not tell a
    # refusal from no record (`refused_for` says what the others get).
    query: Callable = lambda world: {}
    refused: int = 403

    def refused_for(self, persona: str) -> int:
        """What `persona`, refused, gets: an account that is not staff's 403 by its kind
        alone, staff of another organization the 404 of an id that names nothing
        (`participants.access.beyond_reach`), other staff `refused`."""
        if persona in NOT_STAFF:
            return 403
        return 404 if persona in OTHER_ORGANIZATION else self.refused


def _admitted_episode(world) -> dict:
    """An admitted episode of the world's participant, for a status change that is not a
    discharge (discharging goes through the discharge page, which has its own rows)."""
    episode = Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.ADMITTED,
        referred_on=date(2026, 9, 1),
        admitted_on=date(2026, 9, 8),
    )
    return {"participant_id": world.participant.public_id, "episode_id": episode.public_id}


def _peer_place(world) -> dict:
    """The peer specialist's place on the world's participant's care team."""
    member = CareTeamMember.objects.get(episode=world.episode, user=world.users["peer"])
    return {"participant_id": world.participant.public_id, "member_id": member.public_id}


def _care_ended(world) -> dict:
    """The world's participant discharged, so they may be referred again."""
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 11, 20)
    )
    return {"participant_id": world.participant.public_id}


ENDPOINTS: dict[str, Endpoint] = {
    "participants:chart": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    "participants:edit": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    # The overview's clinical summary: a clinical read of its own.
    "participants:summary": Endpoint("GET", frozenset(CLINICAL_READ)),
    "participants:history": Endpoint("GET", frozenset(CLINICAL_READ)),
    "participants:print": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    "participants:care_team_add": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {"user": w.users["outsider"].pk, "role": "therapist"},
    ),
    # Whoever may add to the care team may take someone off it (here the peer specialist).
    "participants:care_team_end": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=lambda w: _peer_place(w),
        data=lambda w: {"reason": "Moved to the evening group's team.", "version": 1},
    ),
    "participants:transition": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=lambda w: _admitted_episode(w),
        data=lambda w: {"to_status": "active", "on": "2026-11-20", "version": 1},
    ),
    "api:get_participant": Endpoint("API_GET", frozenset(DEMOGRAPHICS_READ)),
    "api:list_episodes": Endpoint("API_GET", frozenset(DEMOGRAPHICS_READ)),
    "api:transition": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        kwargs=lambda w: _admitted_episode(w),
        data=lambda w: {"to_status": "active", "on": "2026-11-20", "version": 1},
    ),
    # The care team through the API: read as the care-team page reads it, changed by whoever
    # may change the page's team.
    "api:care_team": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:add_to_care_team": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {"user": w.users["outsider"].pk, "role": "therapist"},
    ),
    "api:end_care_team_membership": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        kwargs=lambda w: _peer_place(w),
        data=lambda w: {"reason": "Moved to the evening group's team.", "version": 1},
    ),
    # Whoever opens referrals in the organization, care team or not: the person's care ended.
    "api:refer_again": Endpoint(
        "API_POST",
        frozenset(REFERRAL_OPEN),
        kwargs=_care_ended,
        data=lambda w: {"program": w.program.public_id, "referred_on": "2026-12-01"},
        break_glass=frozenset(),
    ),
}
# Addresses that open a new record carry no participant id, so the participant matrix cannot
# reach them: who may open one, written out by hand like the rows above.
NEW_RECORDS: dict[str, Endpoint] = {
    # Whoever opens referrals in the program's organization; nobody else, break-the-glass or not.
    "api:create_referral": Endpoint(
        "API_POST",
        frozenset(REFERRAL_OPEN),
        kwargs=lambda w: {},
        data=lambda w: {
            "legal_first_name": "Jordan",
            "legal_last_name": "Matrixcase",
            "date_of_birth": "1984-02-29",
            "program": w.program.public_id,
            "referred_on": "2026-12-01",
        },
        status=frozenset({201}),
        break_glass=frozenset(),
    ),
}
# Each module lists its own rows in tests/authz_<module>.py as ENDPOINTS (and, if any,
# NOT_PARTICIPANT_DATA and MORE_CASES); they are merged here so modules never edit one
# shared table.
NOT_PARTICIPANT_DATA: dict[str, str] = {}
# Further rows for a route: the other methods it serves (a form page's GET and POST) and a
# form posted with errors, which is sent back with the record on it and so is a read.
MORE_CASES: dict[str, list[Endpoint]] = {}


def _merge_module_rows() -> None:
    import tests

    for info in pkgutil.iter_modules(tests.__path__):
        if info.name.startswith("authz_"):
            module = importlib.import_module(f"tests.{info.name}")
            ENDPOINTS.update(module.ENDPOINTS)
            NOT_PARTICIPANT_DATA.update(getattr(module, "NOT_PARTICIPANT_DATA", {}))
            for name, cases in getattr(module, "MORE_CASES", {}).items():
                MORE_CASES.setdefault(name, []).extend(cases)


# The emergency-access form shows the record number: to clinicians who may break the glass
# (and those who already reach the record), audited; everyone else is refused.
ENDPOINTS["participants:break_glass"] = Endpoint(
    "GET", frozenset(CLINICAL_READ | BREAK_GLASS), break_glass=frozenset()
)
MORE_CASES["participants:break_glass"] = [
    Endpoint(
        "POST",
        frozenset(CLINICAL_READ | BREAK_GLASS),
        data=lambda w: {"reason": "Urgent"},
        status=frozenset({400}),
        break_glass=frozenset(),
        case="invalid",
    ),
]
# The care-team form's own page: whoever reads the clinical record sees it (or why they
# cannot add anyone); adding is decided as a change when the form is sent.
MORE_CASES["participants:care_team_add"] = [Endpoint("GET", frozenset(CLINICAL_READ))]
MORE_CASES["participants:edit"] = [
    Endpoint(
        "POST",
        frozenset(DEMOGRAPHICS_WRITE),
        data=lambda w: {**_demographics(w), "preferred_name": "Rob"},
    ),
    Endpoint(
        "POST",
        frozenset(DEMOGRAPHICS_WRITE),
        data=lambda w: {**_demographics(w), "legal_last_name": ""},
        status=frozenset({400}),
        case="invalid",
    ),
]


def _demographics(world) -> dict:
    """The demographics form as the edit page fills it for the world's participant."""
    p = Participant.objects.get(pk=world.participant.pk)
    data = {f: getattr(p, f) or "" for f in DemographicsForm.Meta.fields}
    return {**data, "date_of_birth": p.date_of_birth.isoformat(), "version": p.version}


_merge_module_rows()
# Every (route, method, case) the matrix checks, as pytest ids and rows.
CASES: list[tuple[str, str, Endpoint]] = [
    (name, f"{name}:{endpoint.method}{'-' + endpoint.case if endpoint.case else ''}", endpoint)
    for name, endpoints in sorted(
        (name, [ENDPOINTS[name], *MORE_CASES.get(name, [])]) for name in ENDPOINTS
    )
    for endpoint in endpoints
]
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@functools.cache
def route_of(name: str) -> str:
    """The URL pattern behind a name, so names that share one address share its methods."""
    namespace, short = name.split(":")
    prefix, resolver = get_resolver().namespace_dict[namespace]
    return prefix + resolver.reverse_dict.getlist(short)[0][1]


@functools.cache
def methods_served(name: str) -> frozenset[str]:
    """The HTTP methods the matrix says an address serves (a page's GET brings HEAD along)."""
    served = set()
    for other in ENDPOINTS:
        if route_of(other) != route_of(name):
            continue
        for endpoint in [ENDPOINTS[other], *MORE_CASES.get(other, [])]:
            if endpoint.method == "GET":
                served |= {"GET", "HEAD"}
            else:
                served.add(endpoint.method.removeprefix("API_"))
    return frozenset(served)


def participant_url_names() -> set[str]:
    """Every named URL whose route carries a participant id."""

    def walk(patterns, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = (
                    f"{namespace}:{p.namespace}"
                    if namespace and p.namespace
                    else (p.namespace or namespace)
                )
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and "participant_id" in str(p.pattern):
                yield f"{namespace}:{p.name}" if namespace else p.name

    return set(walk(get_resolver().url_patterns, ""))


def call(client, endpoint: Endpoint, url: str, world):
    data = endpoint.data(world)
    if endpoint.method == "GET":
        return client.get(url, endpoint.query(world))
    if endpoint.method == "POST":
        return client.post(url, data)
    if endpoint.method == "API_GET":
        return client.get(url)
    if endpoint.method == "API_PATCH":
        return client.patch(url, json.dumps(data, default=str), content_type="application/json")
    return client.post(url, json.dumps(data, default=str), content_type="application/json")
