"""Authorization rows for the race-and-ethnicity page of the participant record (the
demographics part: whoever reads and writes demographics). The board and its CSV carry no
participant id; their rule is tested in outcomes/tests/test_authorization.py."""

from tests.authz import DEMOGRAPHICS_READ, DEMOGRAPHICS_WRITE, Endpoint

ANSWER = {"race": "asian", "ethnicity": "not_hispanic", "version": 0}

ENDPOINTS = {
    "outcomes:race_ethnicity": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
}
MORE_CASES = {
    "outcomes:race_ethnicity": [
        Endpoint("POST", frozenset(DEMOGRAPHICS_WRITE), data=lambda w: ANSWER),
        Endpoint(
            "POST",
            frozenset(DEMOGRAPHICS_WRITE),
            data=lambda w: {**ANSWER, "race": "martian"},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
