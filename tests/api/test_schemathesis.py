"""Schemathesis against /api/v1/openapi.json with a valid token: no 5xx, and every answer matches the document."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import document
from tests.api.conftest import make_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def api_token(app, make_tenant):
    """An admin's token (the role that may call every endpoint); the rate limit is raised out of fuzzing's way."""
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    return make_token(app, make_tenant("Acme"))


def test_the_served_document_is_the_one_fuzzed(client):
    assert client.get("/api/v1/openapi.json").get_json() == document()


# The document is built from the code alone, so it loads at import; each operation's test gets its own app.
schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(app, case, api_token):
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS)
