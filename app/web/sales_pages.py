"""What the deal and lead pages share: reading filter values, the add and edit form flow, the timeline."""
import uuid
from datetime import date

from flask import current_app, flash, g, redirect, request
from jinja2 import TemplateNotFound

from app.errors import Invalid
from app.extensions import db
from app.services import activities, users
from app.services.records import StaleEdit
from app.web.rendering import FORM_ERROR, form_errors, parse


def optional_uuid(raw):
    """An id from a query or form value; None when empty or not an id."""
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def optional_day(raw):
    """A date from a query value (2026-01-31); None when empty or not a date."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def form_version(raw):
    """The record version an edit form was loaded with; None when missing or garbled."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def team():
    """The tenant's active users as (id, name) choices for owner fields and filters."""
    return [(user.id, user.name) for user in users.list_users(g.ctx) if user.active]


def more_args() -> dict:
    """The list's query arguments for its "Show more" link, without the old cursor."""
    return {k: v for k, v in request.args.items() if k != "after" and v}


def create_from_form(schema, create, *, show_form, added):
    """Add a record from the posted form; on success flash and redirect, else show the form again (422).

    `create(data)` saves; `added(record)` gives (message, url to go to); `show_form(**page)` renders the form.
    """
    data, errors = parse(schema, request.form)
    if not errors:
        try:
            record = create(data)
        except Invalid as error:
            errors = form_errors(error)
        else:
            message, url = added(record)
            flash(message, "success")
            return redirect(url)
    return show_form(form=request.form, errors=errors, status=FORM_ERROR)


def edit_from_form(schema, record, *, update, reload, values, show_form, saved, back):
    """Save the posted edit of `record`; a stale version shows the current values (409), bad input the form (422).

    `update(data, version)` saves, `reload()` fetches the record again, `values(record)` gives the form's
    values, `show_form(record, **page)` renders the form; on success `saved` is flashed and we go `back`.
    """
    data, errors = parse(schema, request.form)
    version = form_version(request.form.get("version"))
    if not errors:
        try:
            update(data, version)
        except StaleEdit as stale:
            db.session.rollback()
            current = reload()
            return show_form(current, form=values(current), errors={"__all__": stale.message}, status=409)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(saved, "success")
            return redirect(back)
    form = request.form.to_dict()
    form["version"] = version if version is not None else record.version
    return show_form(record, form=form, errors=errors, status=FORM_ERROR)


def timeline(subject_type: str, subject_id) -> dict:
    """The template variables of a record's activity timeline, or {} when the activities feature has no partial."""
    try:
        current_app.jinja_env.get_template("activities/_timeline.html")
    except TemplateNotFound:
        return {}
    found = activities.timeline(g.ctx, **{f"{subject_type}_id": subject_id})
    return {"timeline": found, "subject_type": subject_type, "subject_id": subject_id}
