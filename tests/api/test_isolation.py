"""Tenant isolation of the API: with A's token, every endpoint hides B's markers, 404s B's ids, and B's data stays.

Reuses the marker tenants of tests/test_isolation.py. New operations join by themselves
(from the API's registry); a new kind of path parameter needs a line in ids_of.
"""
import pytest

from app.api.operations import OPERATIONS
from tests.api.conftest import body_for, make_token, pipeline_ids, url_for_op, ApiClient
from tests.test_isolation import MARKER_B, tenants  # noqa: F401  (the fixture, shared with the HTML sweep)

GETS = [op for op in OPERATIONS if op.method == "GET"]
WRITES = [op for op in OPERATIONS if op.method != "GET"]


def ids_of(app, made) -> dict:
    """{path parameter: the tenant's marker record} for every API route."""
    pipeline_id, stage_id = pipeline_ids(app, made)
    return {"contact_id": made.records["person"], "organization_id": made.records["organization"],
            "deal_id": made.records["deal"], "lead_id": made.records["lead"],
            "activity_id": made.records["activity"], "field_id": made.records["field"],
            "user_id": made.users["rep"].id, "pipeline_id": pipeline_id, "stage_id": stage_id}


@pytest.fixture
def sweep(app, tenants):  # noqa: F811
    a, b = tenants
    return (ApiClient(app.test_client(), make_token(app, a)), ids_of(app, a),
            ApiClient(app.test_client(), make_token(app, b)), ids_of(app, b))


def _snapshot(api_b: ApiClient, ids_b: dict) -> dict:
    """Everything B's own token reads of B's data: it must not change while A sweeps."""
    return {op.path: api_b.get(url_for_op(op, ids_b)).get_json() for op in GETS}


def test_tenant_a_never_sees_or_changes_tenant_b(sweep, tenants):  # noqa: F811
    api_a, ids_a, api_b, ids_b = sweep
    _, b = tenants
    before = _snapshot(api_b, ids_b)
    assert MARKER_B in str(before), "the sweep is vacuous: B's own token does not see B's markers"
    for op in GETS:
        own = api_a.get(url_for_op(op, ids_a))
        assert own.status_code == 200, f"{op.path}: {own.status_code}"
        assert MARKER_B not in own.get_data(as_text=True), f"{op.path} shows tenant B's data to tenant A"
        if op.path_params:
            other = api_a.get(url_for_op(op, ids_b))
            assert other.status_code == 404, f"{op.path} with B's ids answered {other.status_code}"
            assert MARKER_B not in other.get_data(as_text=True)
    for op in WRITES:
        if op.path_params:
            # A's valid body (A's stage for a move) on B's record: not found, and nothing of B's changes
            other = api_a.request(op.method, url_for_op(op, ids_b), json=body_for(op, ids_a))
            assert other.status_code == 404, f"{op.method} {op.path} with B's ids answered {other.status_code}"
    assert _snapshot(api_b, ids_b) == before


def test_filters_and_links_with_b_ids_find_nothing(sweep, tenants):  # noqa: F811
    api_a, ids_a, _, ids_b = sweep
    _, b = tenants
    for path in ("/contacts?q=BRAVO", f"/contacts?tag={MARKER_B}", f"/contacts?owner_id={b.admin.id}",
                 f"/contacts?organization_id={ids_b['organization_id']}", "/organizations?q=BRAVO",
                 "/leads?q=BRAVO", f"/deals?stage_id={ids_b['stage_id']}", "/deals?q=BRAVO",
                 f"/activities?person_id={b.records['timeline_person']}", f"/activities?assignee_id={b.admin.id}"):
        found = api_a.get(path)
        assert found.status_code == 200 and found.get_json()["items"] == [], path
    # pointing A's new records at B's records is refused field by field
    refused = {
        "/contacts": {"first_name": "X", "organization_id": str(ids_b["organization_id"]), "owner_id": str(b.admin.id)},
        "/deals": {"name": "X", "person_id": str(ids_b["contact_id"]), "stage_id": str(ids_b["stage_id"])},
        "/activities": {"kind": "note", "subject": "X", "deal_id": str(ids_b["deal_id"])},
    }
    for path, body in refused.items():
        response = api_a.post(path, json=body)
        assert response.status_code == 422, (path, response.get_json())
    moved = api_a.post(f"/deals/{ids_a['deal_id']}/move", json={"stage_id": str(ids_b["stage_id"])})
    assert moved.status_code == 404
