"""Settings page where admins register webhooks, try them and read their delivery logs."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.errors import Invalid
from app.models.webhooks import EVENTS
from app.permissions import require
from app.schemas.webhooks import WebhookInput
from app.services import webhooks
from app.web.rendering import FORM_ERROR, form_errors, parse, render

bp = Blueprint("webhooks", __name__, url_prefix="/settings/webhooks")

EVENT_LABELS = {
    "contact.created": _l("A person is added"),
    "contact.updated": _l("A person is changed"),
    "contact.deleted": _l("A person is deleted"),
    "organization.created": _l("An organisation is added"),
    "organization.updated": _l("An organisation is changed"),
    "organization.deleted": _l("An organisation is deleted"),
    "lead.created": _l("A lead is added"),
    "lead.updated": _l("A lead is changed"),
    "lead.converted": _l("A lead is converted"),
    "deal.created": _l("A deal is added"),
    "deal.updated": _l("A deal is changed"),
    "deal.stage_changed": _l("A deal moves to another stage"),
    "deal.won": _l("A deal is won"),
    "deal.lost": _l("A deal is lost"),
    "deal.deleted": _l("A deal is deleted"),
    "activity.created": _l("A call, email, meeting, note or task is logged"),
    "task.completed": _l("A task is done"),
}
EVENT_GROUPS = (
    (_l("People"), "contact."), (_l("Organisations"), "organization."), (_l("Leads"), "lead."),
    (_l("Deals"), "deal."), (_l("Activities and tasks"), ("activity.", "task.")),
)


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in admin; the services check the permission."""


def _event_groups():
    """(heading, [(event, label)]) for the form's checkboxes."""
    return [(heading, [(name, EVENT_LABELS[name]) for name in EVENTS if name.startswith(prefix)])
            for heading, prefix in EVENT_GROUPS]


def _form_input(form) -> dict:
    """The form as the schema reads it: the ticked event boxes are many values of one name."""
    return {"url": form.get("url", ""), "events": form.getlist("events")}


def _index(status=200, **context):
    context.setdefault("errors", {})
    context.setdefault("form", {"url": "", "events": []})
    return render("webhooks/index.html", hooks=webhooks.list_webhooks(g.ctx), latest=webhooks.latest_deliveries(g.ctx),
                  event_groups=_event_groups(), status=status, **context)


@bp.get("")
def index():
    """The tenant's webhooks, with a form to add one."""
    return _index()


@bp.post("")
def create():
    """Add a webhook; its page then shows the signing secret."""
    require(g.ctx, "webhook:manage")
    form = _form_input(request.form)
    data, errors = parse(WebhookInput, form)
    if not errors:
        try:
            hook = webhooks.create_webhook(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("The webhook was added. Use its signing secret to check that deliveries come from Roost."),
                  "success")
            return redirect(url_for("webhooks.detail", webhook_id=hook.id, new=1))
    return _index(status=FORM_ERROR, errors=errors, form=form)


def _detail(hook, status=200, **context):
    deliveries, cursor = webhooks.list_deliveries(g.ctx, webhook_id=hook.id, before=request.args.get("before"))
    context.setdefault("errors", {})
    context.setdefault("form", {"url": hook.url, "events": list(hook.events)})
    return render("webhooks/detail.html", fragment="webhooks/_deliveries.html", hook=hook, deliveries=deliveries,
                  next_cursor=cursor, event_groups=_event_groups(), status=status, **context)


@bp.get("/<uuid:webhook_id>")
def detail(webhook_id: uuid.UUID):
    """One webhook: its settings, signing secret and delivery log (newest first)."""
    return _detail(webhooks.get_webhook(g.ctx, webhook_id=webhook_id), show_secret=request.args.get("new") == "1")


@bp.post("/<uuid:webhook_id>")
def update(webhook_id: uuid.UUID):
    """Change where a webhook sends and which events."""
    hook = webhooks.get_webhook(g.ctx, webhook_id=webhook_id)
    form = _form_input(request.form)
    data, errors = parse(WebhookInput, form)
    if not errors:
        try:
            webhooks.update_webhook(g.ctx, webhook_id=webhook_id, data=data)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("The webhook was saved."), "success")
            return redirect(url_for("webhooks.detail", webhook_id=webhook_id))
    return _detail(hook, status=FORM_ERROR, errors=errors, form=form)


@bp.post("/<uuid:webhook_id>/active")
def set_active(webhook_id: uuid.UUID):
    """Pause or resume a webhook."""
    active = request.form.get("active") == "true"
    webhooks.set_active(g.ctx, webhook_id=webhook_id, active=active)
    flash(_("The webhook sends events again.") if active else _("The webhook is paused: nothing is sent."),
          "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))


@bp.post("/<uuid:webhook_id>/test")
def send_test(webhook_id: uuid.UUID):
    """Send the webhook a test event."""
    try:
        webhooks.send_test(g.ctx, webhook_id=webhook_id)
    except Invalid as refused:
        flash(refused.message, "error")
    else:
        flash(_("A test event is on its way; its delivery shows in the log below."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))


@bp.post("/<uuid:webhook_id>/secret")
def roll_secret(webhook_id: uuid.UUID):
    """Replace the signing secret (the old one stops working at once)."""
    webhooks.roll_secret(g.ctx, webhook_id=webhook_id)
    flash(_("The webhook has a new signing secret. Update the receiving end with it."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id, new=1))


@bp.route("/<uuid:webhook_id>/delete", methods=["GET", "POST"])
def delete(webhook_id: uuid.UUID):
    """Confirm, then delete a webhook with its delivery log."""
    hook = webhooks.get_webhook(g.ctx, webhook_id=webhook_id)
    if request.method == "GET":
        return render("webhooks/delete.html", hook=hook)
    webhooks.delete_webhook(g.ctx, webhook_id=webhook_id)
    flash(_("The webhook was deleted."), "success")
    return redirect(url_for("webhooks.index"))


@bp.get("/<uuid:webhook_id>/deliveries/<uuid:delivery_id>")
def delivery(webhook_id: uuid.UUID, delivery_id: uuid.UUID):
    """One delivery attempt: what was sent and what came back."""
    found = webhooks.get_delivery(g.ctx, webhook_id=webhook_id, delivery_id=delivery_id)
    return render("webhooks/delivery.html", hook=webhooks.get_webhook(g.ctx, webhook_id=webhook_id), delivery=found)


@bp.post("/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver")
def redeliver(webhook_id: uuid.UUID, delivery_id: uuid.UUID):
    """Send a logged event again."""
    try:
        webhooks.redeliver(g.ctx, webhook_id=webhook_id, delivery_id=delivery_id)
    except Invalid as refused:
        flash(refused.message, "error")
    else:
        flash(_("The event is sent again; the new attempt shows in the log."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id))
