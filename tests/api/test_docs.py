"""The OpenAPI document and the docs page describe every operation, from the same code."""
from app.api.operations import OPERATIONS
from app.permissions import PERMISSIONS
from tests.conftest import login


def test_the_document_lists_every_operation_with_its_answers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for op in OPERATIONS:
        documented = spec["paths"][op.path][op.method.lower()]
        assert {"401", "429"} <= set(documented["responses"]), op.path
        assert ("403" in documented["responses"]) == bool(op.permissions), op.path
        if op.method == "PATCH":
            assert {"409", "422"} <= set(documented["responses"]), op.path
        header_params = {p["name"] for p in documented["parameters"] if p["in"] == "header"}
        assert ("412" in documented["responses"]) == op.if_match == ("If-Match" in header_params), op.path
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    assert {"first_name", "last_name", "email", "phone", "title", "organization_id", "owner_id", "tags", "notes",
            "custom_fields", "id", "version", "created_at", "updated_at"} <= set(contact)
    assert "custom_fields" in spec["components"]["schemas"]["ContactCreate"]["properties"]


def test_the_docs_page_shows_endpoints_permissions_and_examples(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<code>POST /api/v1/contacts</code>" in html and "Idempotency-Key" in html
    assert "curl -X PATCH" in html and "contact:delete" in html
    assert ", ".join(sorted(PERMISSIONS["contact:delete"])) in html
    assert "<script" not in html.split("</head>")[1]  # no inline script under the CSP


def test_the_profile_page_links_to_the_docs(client, make_tenant):
    login(client, make_tenant("Acme").admin)
    assert 'href="/api/docs"' in client.get("/profile").get_data(as_text=True)
