"""Per request: who is signed in, the tenant context, the transaction, and gates that must
be passed first (a temporary password to replace, MFA an admin must set up)."""
import uuid

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.util import LRUCache

from app.extensions import db, login_manager
from app.models import Tenant, User
from app.services import activities
from app.services.auth import mfa_requirement
from app.tenancy import bind_tenant, open_context
from app.transactions import finish
from app.web.tasks import shows_navigation

# Endpoints a user who must first change their password or set up MFA may still reach.
_GATE_OPEN = {"static", "auth.logout", "health.healthz", "profile.password", "profile.mfa_setup",
              "pwa.manifest", "pwa.service_worker", "pwa.offline"}


# A user's tenant never changes. Once a worker has loaded a user, it knows the schema their tasks are in, and
# loads the user with the navigation's overdue count in one statement: one of three on a list page.
_TENANT_OF = LRUCache(10_000)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(".")
    try:
        user = _load(uuid.UUID(user_id))
    except ValueError:
        return None
    if user is None or not user.active or str(user.session_epoch) != epoch:
        db.session.remove()  # nobody is signed in: drop the tenant binding _load may have made
        return None
    _TENANT_OF[user.id] = user.tenant_id
    return user


def _load(user_id: uuid.UUID) -> User | None:
    tenant_id = _TENANT_OF.get(user_id)
    if tenant_id is None or request.method != "GET" or not shows_navigation():
        return db.session.get(User, user_id)
    bind_tenant(db.session, tenant_id=tenant_id, schema_name=Tenant.schema_for(tenant_id))
    found = activities.user_and_overdue_count(user_id)
    if found is None:
        return None
    user, g.overdue_tasks = found
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself

    @app.before_request
    def open_tenant_context():
        g.ctx = None
        if request.blueprint == "api":  # the API's door reads a bearer token, never the session cookie
            return None
        if current_user.is_authenticated:
            user = current_user._get_current_object()  # the User itself: each read through the proxy costs calls
            g.ctx = open_context(db.session, user.tenant, channel="web", user=user, request_id=g.get("request_id"))
            return _gate(user)
        return None

    @app.after_request
    def end_transaction(response):
        # One transaction per request (the API's too): kept when the request succeeded, dropped otherwise.
        if response.status_code < 400:
            finish(db.session)
        else:
            db.session.rollback()
        return response


def _gate(user: User):
    if request.endpoint in _GATE_OPEN:
        return None
    if user.must_change_password:
        return redirect(url_for("profile.password"))
    if mfa_requirement(user).overdue:
        return redirect(url_for("profile.mfa_setup"))
    return None
