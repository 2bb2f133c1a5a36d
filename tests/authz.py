"""The authorization matrix: every participant-data URL, and which personas it admits.

Each module that adds a URL carrying a participant id adds a row to ENDPOINTS; the matrix
test fails for any such URL without a row, so no page can skip the access policy unnoticed.
"""

import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

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
ALL_PERSONAS = sorted(
    CLINICAL_READ
    | {"outsider", "intake", "frontdesk", "billing", "auditor", "stranger", "participant_user"}
)


@dataclass(frozen=True)
class Endpoint:
    method: str  # GET | POST | API_GET | API_POST
    allowed: frozenset[str]
    kwargs: Callable = lambda world: {"participant_id": world.participant.public_id}
    data: Callable = lambda world: {}
    break_glass: frozenset[str] = field(default=frozenset(BREAK_GLASS))


ENDPOINTS: dict[str, Endpoint] = {
    "participants:chart": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    "participants:edit": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    "participants:history": Endpoint("GET", frozenset(CLINICAL_READ)),
    "participants:print": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    "participants:print_record": Endpoint("GET", frozenset(CLINICAL_READ)),
    "participants:history_csv": Endpoint("GET", frozenset(CLINICAL_READ)),
    "participants:export": Endpoint("GET", frozenset(CLINICAL_READ)),
    "participants:care_team_add": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {"user": w.users["outsider"].pk, "role": "therapist"},
    ),
    "participants:transition": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=lambda w: {
            "participant_id": w.participant.public_id,
            "episode_id": w.episode.public_id,
        },
        data=lambda w: {"to_status": "discharged", "on": "2026-11-20", "version": 1},
    ),
    "api:get_participant": Endpoint("API_GET", frozenset(DEMOGRAPHICS_READ)),
    "api:list_episodes": Endpoint("API_GET", frozenset(DEMOGRAPHICS_READ)),
    "api:transition": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        kwargs=lambda w: {
            "participant_id": w.participant.public_id,
            "episode_id": w.episode.public_id,
        },
        data=lambda w: {"to_status": "discharged", "on": "2026-11-20", "version": 1},
    ),
}
# Each module lists its own rows in tests/authz_<module>.py as ENDPOINTS (and, if any,
# NOT_PARTICIPANT_DATA); they are merged here so modules never edit one shared table.
NOT_PARTICIPANT_DATA: dict[str, str] = {}


def _merge_module_rows() -> None:
    import tests

    for info in pkgutil.iter_modules(tests.__path__):
        if info.name.startswith("authz_"):
            module = importlib.import_module(f"tests.{info.name}")
            ENDPOINTS.update(module.ENDPOINTS)
            NOT_PARTICIPANT_DATA.update(getattr(module, "NOT_PARTICIPANT_DATA", {}))


# URLs that take a participant id but show no participant data to the caller, and why.
NOT_PARTICIPANT_DATA["participants:break_glass"] = (
    "shows only the record number and a reason form; tested on its own"
)
_merge_module_rows()


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
        return client.get(url)
    if endpoint.method == "POST":
        return client.post(url, data)
    if endpoint.method == "API_GET":
        return client.get(url)
    return client.post(url, json.dumps(data, default=str), content_type="application/json")
