"""Random input to every write gives a 4xx with a message, never a 500, never a partial write,
and a refusal that shows a participant's data (`shown.py`) leaves an audit event naming them.

Hypothesis drives each form and API write listed in `write_endpoints` with random strings,
numbers, dates and ids, mixed with the values the page itself offers so the submission gets
past the first field. A refusal (a 4xx, an error message, a form shown again with errors)
must leave every table's row count as it was (audit events excepted: refusals are audited).

The default run tries a few examples per endpoint; `TANDEM_FUZZ_EXAMPLES=200` runs a
thorough profile.
"""

import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.db import connection, transaction
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.api import api
from tests.bad_input import shown
from tests.bad_input.write_endpoints import (
    API_WRITES,
    NOT_FUZZED,
    READ_ONLY,
    WEB_WRITES,
    ApiWrite,
    WebWrite,
)

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "3"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=EXAMPLES <= 10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Rows a refusal may write: its audit event, the session, sign-in bookkeeping, form tokens.
UNCOUNTED_APPS = {"audit", "sessions", "axes", "admin", "contenttypes", "auth", "otp_totp"}


# --- The registry is complete -------------------------------------------------------------


def _url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace != "api":
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                names |= _url_names(p.url_patterns, inner)
        elif p.name:
            names.add(namespace + p.name)
    return names


def test_every_address_is_listed_as_a_write_read_only_or_not_fuzzed():
    writes = {w.name for w in WEB_WRITES}
    assert not writes & READ_ONLY
    unlisted = _url_names() - writes - READ_ONLY - set(NOT_FUZZED)
    assert not unlisted, f"List these in tests/bad_input/write_endpoints.py: {sorted(unlisted)}"
    gone = (writes | READ_ONLY | set(NOT_FUZZED)) - _url_names()
    assert not gone, f"No longer addresses of the project: {sorted(gone)}"


def test_every_api_write_is_listed():
    paths = api.get_openapi_schema()["paths"]
    operations = {(m, path) for path, item in paths.items() for m in item if m != "get"}
    assert operations == {(w.method, w.path) for w in API_WRITES}


# --- Reading a page's forms ---------------------------------------------------------------


class _Forms(HTMLParser):
    """Each <form method=post>: where it posts, and its fields with the values on offer. A
    button with its own `formaction` posts the same fields elsewhere: a form of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._elsewhere: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and (a.get("method", "get").lower() == "post" or "hx-post" in a):
            self.forms.append({"action": a.get("action") or a.get("hx-post") or "", "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "button" and a.get("formaction"):
            self._elsewhere.append(a["formaction"])
        if tag in ("input", "textarea", "button") and a.get("name"):
            offered = fields.setdefault(
                a["name"], {"hidden": a.get("type") == "hidden", "values": []}
            )
            offered["values"].append(a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            fields.setdefault(a["name"], {"hidden": False, "values": []})
        elif tag == "option" and self._select:
            fields[self._select]["values"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._elsewhere:
            form = self.forms[-1]
            self.forms += [form | {"action": action} for action in self._elsewhere]
            self._elsewhere = []


def _forms_for(html: str, page: str, name: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = form["action"] or page
        try:
            if resolve(urlsplit(action).path).view_name == name:
                found.append(form | {"action": action})
        except Resolver404:
            continue
    return found


# --- Random input -------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "abc",
    "1e5",
    "-1",
    "0",
    "99999999999999999999999",
    "NaN",
    "inf",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "1899-12-31",
    "00000000-0000-0000-0000-000000000000",
    "x" * 50_001,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "25:61",
]
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=400),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.uuids().map(str),
)


def _keep(field: str, offered: dict) -> bool:
    """Tokens the page hands out are kept, so the submission reaches the form's own checks."""
    return field == "csrfmiddlewaretoken" or (offered["hidden"] and "token" in field)


def _submission(data, form: dict) -> dict[str, str]:
    body = {}
    for field, offered in form["fields"].items():
        choices = [v for v in offered["values"] if v is not None]
        if _keep(field, offered):
            body[field] = choices[0] if choices else ""
        elif choices and data.draw(st.booleans(), label=f"offered {field}"):
            body[field] = data.draw(st.sampled_from(choices), label=field)
        elif data.draw(st.integers(0, 9), label=f"leave out {field}") == 0:
            continue
        else:
            body[field] = data.draw(values, label=field)
    return body


def _rows() -> dict[str, int]:
    """Every counted table's row count, in one query (a count per table per example made
    this module the suite's slowest)."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in UNCOUNTED_APPS
        and not m._meta.proxy
        and m._meta.managed
        and "token" not in m.__name__.lower()
    ]
    quote = connection.ops.quote_name
    # Table names come from the app registry, never from input.
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})"  # noqa: S608
        for m in models
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, row, strict=True)}


def _refused_page(response) -> bool:
    """A refusal on a page: a 4xx, an error message queued, or the form shown with errors."""
    if response.status_code >= 400:
        return True
    if any(m.level >= constants.ERROR for m in get_messages(response.wsgi_request)):
        return True
    return response.status_code == 200 and b"errorlist" in response.content


# --- Web forms ----------------------------------------------------------------------------


def _open(write: WebWrite, bench, page: str, client):
    """The page with the form: a GET, or what the row says brings the form up."""
    return write.show(bench, client) if write.show else client.get(page)


def _submit_once(
    data, write: WebWrite, bench, page: str, fallback: dict, client, world: dict
) -> None:
    # A fresh page for each submission: a one-time token on it is unused.
    html = _open(write, bench, page, client).content.decode()
    forms = _forms_for(html, page, write.name) or [fallback]
    form = data.draw(st.sampled_from(forms), label="form")
    before, last_event = _rows(), shown.last_event()
    htmx = data.draw(st.booleans(), label="htmx")
    response = client.post(
        form["action"], _submission(data, form), HTTP_HX_REQUEST="true" if htmx else ""
    )
    assert response.status_code < 500
    if _refused_page(response):
        assert response.content.strip() or response.status_code in (302, 303), "a refusal says why"
        assert _rows() == before, "a refused write changed rows"
        for pk, what in shown.shown_in(response.content.decode(), world).items():
            assert shown.events_naming(pk, last_event), f"{what} shown unaudited"


@pytest.mark.parametrize("write", WEB_WRITES, ids=lambda w: w.name)
def test_random_input_to_a_form_is_refused_cleanly(write: WebWrite, bench, client, login):
    if write.persona:
        login(getattr(bench, write.persona))
    page = write.page(bench)
    opened = _open(write, bench, page, client)
    assert opened.status_code == 200, f"{page} answered {opened.status_code}"
    on_page = bool(_forms_for(opened.content.decode(), page, write.name))
    assert on_page or write.action, f"no form for {write.name} on {page}"
    fallback = {
        "action": write.action(bench) if write.action else page,
        "fields": {f: {"hidden": False, "values": []} for f in write.fields},
    }
    world = shown.world_data(bench.world.org.pk)

    @FUZZ
    @given(data=st.data())
    def submit(data):
        # Each example starts from the bench as built: what one submission changed is undone.
        with transaction.atomic():
            _submit_once(data, write, bench, page, fallback, client, world)
            transaction.set_rollback(True)

    submit()


# --- The API ------------------------------------------------------------------------------


def _schema(spec: dict, ref: dict) -> dict:
    while "$ref" in ref:
        ref = spec["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    return ref


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        values,
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.mark.parametrize("write", API_WRITES, ids=lambda w: w.path)
def test_random_input_to_the_api_is_a_422_in_one_shape(write: ApiWrite, bench, client, login):
    if write.persona:
        login(getattr(bench, write.persona))
    spec = api.get_openapi_schema()
    operation = spec["paths"][write.path][write.method]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    fields = list(_schema(spec, body_schema).get("properties", {}))
    url = write.path
    for name, value in write.params(bench).items():
        url = url.replace("{" + name + "}", str(value))
    world = shown.world_data(bench.world.org.pk)

    @FUZZ
    @given(data=st.data())
    def submit(data):
        body = {
            field: data.draw(json_values, label=field)
            for field in fields
            if data.draw(st.integers(0, 9), label=f"leave out {field}")
        }
        with transaction.atomic():
            before, last_event = _rows(), shown.last_event()
            response = client.generic(
                write.method.upper(), url, json.dumps(body), content_type="application/json"
            )
            assert response.status_code < 500
            if response.status_code >= 400:
                for pk, what in shown.shown_in(response.content.decode(), world).items():
                    assert shown.events_naming(pk, last_event), f"{what} shown unaudited"
                detail = response.json()["detail"]
                if response.status_code == 422:
                    assert detail and all(
                        set(e) == {"field", "message"} and e["message"] for e in detail
                    )
                else:
                    assert detail
                assert _rows() == before, "a refused write changed rows"
            transaction.set_rollback(True)

    submit()


def test_the_nasty_values_include_the_ones_that_used_to_crash():
    assert {"abc", "1e5", "9999-12-31", "0001-01-01"} <= set(NASTY)
    assert any(len(v) > 50_000 for v in NASTY)
    assert not re.search(r"[A-Z]{2,}_", "".join(NASTY))


# --- The API's addresses: path and query parameters ---------------------------------------


def _real_path_values(bench) -> dict[str, object]:
    """A value of each path parameter that names a record of the bench."""
    from tests.bad_input.write_endpoints import (
        _billing,
        _cm,
        _consent,
        _flagged_screen,
        _note,
        _peer_place,
        _plan_draft,
        _referral_review,
        _task,
    )

    return {
        "participant_id": bench.participant.public_id,
        "episode_id": bench.episode.public_id,
        "session_id": bench.session.public_id,
        "code": "phq-9",
        "run_id": bench.group.public_id,  # no such run: the answer is a 404 in one shape
        "plan_id": _plan_draft(bench),
        "review_id": _referral_review(bench).public_id,
        "note_id": _note("draft")(bench),
        "barrier_id": _cm("barrier")(bench),
        "referral_id": _cm("referral")(bench),
        "task_id": _task(bench),
        "member_id": _peer_place(bench),
        "screen_id": _flagged_screen(bench).public_id,
        "consent_id": _consent(bench),
        "coverage_id": _billing("coverage")(bench),
        "certification_id": _billing("certification")(bench),
        "week": "2026-11-23",
    }


# A sensible value of each query parameter, beside the random ones.
QUERY_VALUES = {
    "week_start": "2026-11-16",
    "from": "2026-01-01",
    "to": "2026-12-31",
    "instrument": "phq-9",
}
WRITERS = {(w.method, w.path): w.persona for w in API_WRITES}
READERS = {"/api/v1/outcomes": "director"}
# Every API operation, by who calls it (one bench per caller keeps the run short).
BY_CALLER: dict[str | None, list[tuple[str, str]]] = {}
for _path, _item in api.get_openapi_schema()["paths"].items():
    for _method in _item:
        _caller = WRITERS.get((_method, _path), READERS.get(_path, "therapist"))
        BY_CALLER.setdefault(_caller, []).append((_method, _path))


def _fuzz_address(client, method: str, path: str, parameters: list, real: dict) -> None:
    strange = st.one_of(st.sampled_from(NASTY), values, st.text(min_size=1, max_size=30))

    @FUZZ
    @given(data=st.data())
    def submit(data):
        url, query = path, {}
        for p in parameters:
            name = p["name"]
            if p["in"] == "path":
                value = data.draw(st.just(str(real[name])) | strange, label=name)
                url = url.replace("{" + name + "}", quote(value, safe=""))
            elif data.draw(st.integers(0, 3), label=f"send {name}"):
                query[name] = data.draw(st.just(QUERY_VALUES[name]) | strange, label=name)
        body = data.draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3))
        with transaction.atomic():
            before = _rows()
            response = client.generic(
                method.upper(),
                f"{url}?{urlencode(query)}" if query else url,
                json.dumps(body) if method != "get" else "",
                content_type="application/json",
            )
            assert response.status_code < 500, f"{method.upper()} {url}?{urlencode(query)}"
            if response.status_code >= 400:
                if response["Content-Type"].startswith("application/json"):
                    assert response.json()["detail"]
                else:
                    assert response.status_code in (404, 405)
                assert _rows() == before, "a refused request changed rows"
            transaction.set_rollback(True)

    submit()


@pytest.mark.parametrize("caller", list(BY_CALLER), ids=str)
def test_random_path_and_query_parameters_to_the_api_never_crash(caller, bench, client, login):
    if caller:
        login(getattr(bench, caller))
    spec = api.get_openapi_schema()
    real = _real_path_values(bench)
    for method, path in BY_CALLER[caller]:
        parameters = spec["paths"][path][method].get("parameters", [])
        _fuzz_address(client, method, path, parameters, real)
