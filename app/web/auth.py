"""Sign-up, login (with the second factor), logout and accepting an invitation."""
import uuid

from flask import Blueprint, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.errors import Invalid
from app.extensions import db, limiter
from app.models import User
from app.schemas.accounts import Code, Login, PasswordSet, SignUp
from app.services import auth, onboarding, tenants, users
from app.tenancy import open_context
from app.web.rendering import FORM_ERROR, form_errors, parse, render

bp = Blueprint("auth", __name__)

PENDING_MFA = "pending_mfa_user"


def _login_email() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _pending_user_key() -> str:
    return "mfa:" + str(session.get(PENDING_MFA, request.remote_addr))


def _failed(response) -> bool:
    """Only failed attempts count towards the login limits."""
    return g.get("login_failed", False)


def _redirect_home():
    target = request.args.get("next", "")
    # Only local paths: an absolute URL here would make an open redirect.
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    return redirect(target)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    """Create an organisation and its first admin, then sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if request.method == "GET":
        return render("auth/signup.html", form={}, errors={})
    data, errors = parse(SignUp, request.form)
    if not errors:
        try:
            admin = tenants.sign_up(data=data)
        except Invalid as error:
            errors = form_errors(error)
    if errors:
        return render("auth/signup.html", form=request.form, errors=errors, status=FORM_ERROR)
    login_user(admin)
    return redirect(url_for("onboarding.customer"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_email,
               methods=["POST"], deduct_when=_failed, scope="login-account")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
               methods=["POST"], deduct_when=_failed, scope="login-address")
def login():
    """Email and password; then the second factor when the user has one."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if request.method == "GET":
        return render("auth/login.html", form={}, errors={})
    data, errors = parse(Login, request.form)
    if not errors:
        try:
            user = auth.authenticate(email=data.email, password=data.password)
        except Invalid as error:
            errors = form_errors(error)
    if errors:
        g.login_failed = True
        return render("auth/login.html", form={"email": request.form.get("email", "")}, errors=errors,
                      status=FORM_ERROR)
    if user.mfa_enabled:
        session[PENDING_MFA] = str(user.id)
        return redirect(url_for("auth.login_mfa", next=request.args.get("next")))
    return _complete_login(user)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_pending_user_key,
               methods=["POST"], deduct_when=_failed, scope="login-code")
def login_mfa():
    """The second step for users with two-factor authentication."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return render("auth/login_code.html", errors={})
    data, errors = parse(Code, request.form)
    if not errors and not auth.verify_second_factor(user, data.code):
        errors = {"code": _("This code is not right. Enter the 6 digits your app shows now, or a recovery code.")}
    if errors:
        g.login_failed = True
        return render("auth/login_code.html", errors=errors, status=FORM_ERROR)
    session.pop(PENDING_MFA, None)
    return _complete_login(user)


def _pending_user() -> User | None:
    try:
        user_id = uuid.UUID(session.get(PENDING_MFA, ""))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def _complete_login(user: User):
    session.clear()  # a fresh session on privilege change (no fixation)
    auth.record_sign_in(user)
    login_user(user)
    ctx = open_context(db.session, user.tenant, channel="web", user=user)
    if not request.args.get("next") and onboarding.needs_wizard(ctx):
        return redirect(url_for("onboarding.customer"))  # an admin who left the wizard unfinished picks it up
    return _redirect_home()


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so no page can sign a user out)."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invite(token: str):
    """An invited user chooses a password and is signed in."""
    if current_user.is_authenticated:  # someone else's session in this browser: end it first
        logout_user()
        session.clear()
        return redirect(request.url)
    invited = users.user_for_invite(token)
    if request.method == "GET":
        return render("auth/invite.html", invited=invited, token=token, errors={})
    data, errors = parse(PasswordSet, request.form)
    if errors:
        return render("auth/invite.html", invited=invited, token=token, errors=errors, status=FORM_ERROR)
    user = users.accept_invite(token=token, data=data)
    session.clear()
    login_user(user)
    return redirect(url_for("home.index"))
