"""Each user's own profile: name, password, two-factor authentication, API tokens, the Telegram link."""
from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user

from app.errors import Invalid
from app.schemas.accounts import Code, PasswordChange, ProfileUpdate, TokenCreate
from app.services import auth, telegram_bots, telegram_links, tokens, users
from app.web.rendering import FORM_ERROR, form_errors, parse, render

bp = Blueprint("profile", __name__, url_prefix="/profile")
ENROLLING = "mfa_enrolment_secret"


@bp.before_request
@login_required
def _signed_in():
    """Every profile page needs a signed-in user."""


def _page(status=200, **context):
    me = users.current_user(g.ctx)
    context.setdefault("errors", {})
    return render("profile/index.html", me=me, mfa=auth.mfa_requirement(me), status=status,
                  tokens=tokens.list_tokens(g.ctx),
                  telegram=telegram_links.link_of(g.ctx),
                  bot_username=telegram_bots.username_for_token(current_app.config["TELEGRAM_BOT_TOKEN"]),
                  **context)


@bp.get("")
def index():
    """The profile page."""
    return _page()


@bp.post("")
def update():
    """Change my name."""
    data, errors = parse(ProfileUpdate, request.form)
    if errors:
        return _page(status=FORM_ERROR, errors=errors, form=request.form)
    users.update_profile(g.ctx, data=data)
    flash(_("Your name was saved."), "success")
    return redirect(url_for("profile.index"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change my password (also where a temporary password must be replaced)."""
    me = users.current_user(g.ctx)
    if request.method == "GET":
        return render("profile/password.html", me=me, errors={})
    data, errors = parse(PasswordChange, request.form)
    if not errors:
        try:
            users.change_password(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
    if errors:
        return render("profile/password.html", me=me, errors=errors, status=FORM_ERROR)
    login_user(me)  # the password change ended every session, this one included: sign in again
    flash(_("Your password was changed. Other devices have been signed out."), "success")
    return redirect(url_for("profile.index"))


@bp.route("/mfa", methods=["GET", "POST"])
def mfa_setup():
    """Set up an authenticator app: scan the QR code, then confirm with a code."""
    me = users.current_user(g.ctx)
    if me.mfa_enabled:
        return redirect(url_for("profile.index"))
    secret = session.get(ENROLLING) or auth.new_mfa_secret()
    session[ENROLLING] = secret
    errors = {}
    if request.method == "POST":
        data, errors = parse(Code, request.form)
        if not errors:
            try:
                codes = auth.enable_mfa(g.ctx, secret=secret, code=data.code)
            except Invalid as error:
                errors = form_errors(error)
            else:
                session.pop(ENROLLING, None)
                return render("profile/recovery_codes.html", codes=codes)
    return render("profile/mfa_setup.html", me=me, secret=secret, qr=auth.enrolment_qr(me, secret),
                  mfa=auth.mfa_requirement(me), errors=errors, status=FORM_ERROR if errors else 200)


@bp.post("/mfa/disable")
def mfa_disable():
    """Turn two-factor authentication off (needs the password)."""
    try:
        auth.disable_mfa(g.ctx, password=request.form.get("password", ""))
    except Invalid as error:
        return _page(status=FORM_ERROR, errors=form_errors(error))
    flash(_("Two-factor authentication is off."), "success")
    return redirect(url_for("profile.index"))


@bp.post("/mfa/recovery-codes")
def recovery_codes():
    """Replace my recovery codes with new ones, shown once."""
    codes = auth.regenerate_recovery_codes(g.ctx)
    return render("profile/recovery_codes.html", codes=codes)


@bp.post("/tokens")
def create_token():
    """Make a personal access token; its secret is on this one page and nowhere else."""
    data, errors = parse(TokenCreate, request.form)
    if errors:
        return _page(status=FORM_ERROR, token_errors=errors, token_form=request.form)
    token, secret = tokens.create_token(g.ctx, data=data)
    return _page(new_token=token, new_secret=secret)


@bp.post("/tokens/<uuid:token_id>/revoke")
def revoke_token(token_id):
    """Revoke one of my tokens: programs using it are refused from now on."""
    token = tokens.revoke_token(g.ctx, token_id=token_id)
    flash(_("The token “%(name)s” was revoked.", name=token.name), "success")
    return redirect(url_for("profile.index"))


@bp.post("/telegram/code")
def telegram_code():
    """A one-time code linking a Telegram chat to me; shown once, on the page this answers with."""
    return _page(link_code=telegram_links.issue_code(g.ctx))


@bp.post("/telegram/unlink")
def telegram_unlink():
    """Disconnect my Telegram chat from Roost."""
    if telegram_links.unlink(g.ctx):
        flash(_("Telegram is disconnected. The bot no longer acts for you."), "success")
    return redirect(url_for("profile.index"))
