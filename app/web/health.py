"""/healthz: database and Redis status for load balancers and operators."""
from flask import Blueprint, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """{"status", "database", "redis"}: 200 when everything configured answers, else 503."""
    checks = {"database": _database(), "redis": _redis()}
    healthy = all(state in {"ok", "not configured"} for state in checks.values())
    return jsonify(status="ok" if healthy else "error", **checks), 200 if healthy else 503


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError:
        db.session.rollback()
        return "unreachable"


def _redis() -> str:
    url = current_app.config["REDIS_URL"]
    if not url:
        return "not configured"
    try:
        Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except RedisError:
        return "unreachable"
