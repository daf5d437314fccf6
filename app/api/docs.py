"""/api/docs: the API's reference, rendered on the server from the same OpenAPI document."""
import json

from flask import Blueprint, render_template, request

from app.api.openapi import document
from app.api.operations import OPERATIONS
from app.extensions import limiter
from app.permissions import PERMISSIONS

bp = Blueprint("api_docs", __name__)


def _schema_name(schema: dict | None) -> str | None:
    ref = (schema or {}).get("$ref", "")
    return ref.rsplit("/", 1)[1] if ref else None


@bp.get("/api/docs")
@limiter.exempt
def index():
    """Every endpoint by resource with its parameters, body, answers, permission and a curl example."""
    spec = document()
    permissions_of = {op.endpoint: op.permissions for op in OPERATIONS}
    groups: dict[str, list] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            body = content.get("schema")
            success = next(code for code in op["responses"] if code.startswith("2"))
            answer = op["responses"][success].get("content", {}).get("application/json", {}).get("schema")
            groups.setdefault(op["tags"][0], []).append({
                "method": method.upper(), "path": path, "op": op, "body": _schema_name(body),
                "success": success, "answer": _schema_name(answer),
                "example": json.dumps(content["example"]) if "example" in content else None,
                "permissions": permissions_of[op["operationId"]]})
    return render_template("api/docs.html", spec=spec, groups=groups, schemas=spec["components"]["schemas"],
                           base_url=request.host_url.rstrip("/"), permissions=PERMISSIONS)
