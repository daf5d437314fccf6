"""The first-run wizard at /welcome: (1) the first customer, (2) a spreadsheet, (3) the team; then home."""
from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.errors import Conflict, Invalid
from app.permissions import ROLE_LABELS, ROLES
from app.schemas.accounts import UserCreate
from app.schemas.onboarding import FirstCustomer
from app.services import onboarding, users
from app.web.rendering import FORM_ERROR, form_errors, parse, render
from app.web.settings import invite_url

bp = Blueprint("onboarding", __name__, url_prefix="/welcome")


@bp.before_request
@login_required
def _signed_in():
    """The wizard is for signed-in users; each step's service checks its permission."""


def _step(template: str, step: int, status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render(template, step=step, steps=3, status=status, **context)


@bp.route("", methods=["GET", "POST"])
def customer():
    """Step 1: add your first customer — a name and a phone number or email."""
    if request.method == "GET":
        return _step("onboarding/customer.html", 1)
    data, errors = parse(FirstCustomer, request.form)
    if not errors:
        try:
            person = onboarding.add_first_customer(g.ctx, data=data)
        except (Invalid, Conflict) as error:
            errors = form_errors(error)
        else:
            flash(_("%(name)s is your first customer.", name=person.name), "success")
            return redirect(url_for("onboarding.spreadsheet"))
    return _step("onboarding/customer.html", 1, status=FORM_ERROR, form=request.form, errors=errors)


@bp.get("/spreadsheet")
def spreadsheet():
    """Step 2 (skippable): bring the customers you keep in a spreadsheet."""
    return _step("onboarding/spreadsheet.html", 2)


@bp.route("/team", methods=["GET", "POST"])
def team():
    """Step 3 (skippable): invite the people you work with."""
    role_options = [(role, ROLE_LABELS[role]) for role in ROLES]
    if request.method == "GET":
        return _step("onboarding/team.html", 3, role_options=role_options, team=users.list_users(g.ctx))
    data, errors = parse(UserCreate, request.form)
    created = None
    if not errors:
        try:
            created = users.add_user(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
    return _step("onboarding/team.html", 3, status=FORM_ERROR if errors else 200, role_options=role_options,
                 form=request.form if errors else {}, errors=errors or {}, created=created,
                 invite_url=invite_url(created) if created else None,
                 team=users.list_users(g.ctx))


@bp.post("/finish")
def finish():
    """Finish (or skip the rest of) the wizard and go home; it is not shown again."""
    onboarding.finish(g.ctx)
    return redirect(url_for("home.index"))
