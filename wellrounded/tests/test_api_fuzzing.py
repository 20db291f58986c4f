"""Schemathesis: generated requests against every API operation, as a student and as staff,
each authenticated by a personal token (so writes are exercised, with no CSRF in the way),
then sequences of calls along the links schemathesis infers between operations (create a
habit, then change it; write a reflection, then delete it).

Checks for server errors, undocumented status codes and content types, responses that break
the schema, accepted invalid data, and (in sequences) a deleted object still answering or a
created one missing; 10 examples per operation and role in the default run, 500 with
`make fuzz` (WR_FUZZ_EXAMPLES sets any other number).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from accounts.tokens import create_token
from conftest import with_totp
from wellrounded.wsgi import application

EXAMPLES = int(os.environ.get("WR_FUZZ_EXAMPLES", "10"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def tokens(student, staff):
    # Called in-process through WSGI, as Django's test client does: keep the test's database
    # connection (and its transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with_totp(staff)
    yield {
        "student": create_token(user=student, name="fuzz")[1],
        "staff": create_token(user=staff, name="fuzz")[1],
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["student", "staff"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_holds_its_schema(case, role, tokens):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[role]}"},
        checks=CHECKS,
        # Schemathesis's ignored_auth check re-sends the token given here as a plain header,
        # so it cannot tell invalid auth from ours. Anonymous and bad-token requests to every
        # operation are asserted in test_authorization_matrix and checkins/tests/test_api.
    )


@pytest.mark.django_db
def test_api_holds_its_schema_along_sequences_of_calls(tokens):
    token = tokens["student"]

    class StudentWorkflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[*CHECKS, checks.use_after_free, checks.ensure_resource_availability],
                headers={"Authorization": f"Bearer {token}"},
            )

    StudentWorkflow.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
