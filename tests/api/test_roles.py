"""Every API operation, as every role: 403 exactly where the permission table (app/permissions.py) says."""
import pytest

from app.api.operations import OPERATIONS
from app.permissions import PERMISSIONS, ROLES
from tests.api.conftest import body_for, make_records, url_for_op

# Deleting goes last, so the other operations still find their records.
ORDERED = sorted(OPERATIONS, key=lambda op: op.method == "DELETE")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"] + ["admin"])
def test_a_role_is_refused_exactly_where_the_table_says(app, api_as, acme, role):
    api = api_as(acme, role)
    ids = make_records(app, acme)
    for op in ORDERED:
        response = api.request(op.method, url_for_op(op, ids), json=body_for(op, ids))
        allowed = all(role in PERMISSIONS[permission] for permission in op.permissions)
        where = f"{op.method} {op.path} as {role}: {response.status_code} {response.get_data(as_text=True)[:200]}"
        assert response.status_code < 500, where
        if allowed:
            assert response.status_code != 403, where
        else:
            assert response.status_code == 403, where
            assert response.get_json()["error"]["code"] == "forbidden", where


def test_a_refused_role_hears_so_before_its_input_is_checked(api_as, acme):
    marketing = api_as(acme, "marketing")
    refused = marketing.post("/deals", json={"name": ""})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert marketing.post("/deals", data="not json", content_type="text/plain").status_code == 403
