"""Webhooks: hooks admins manage, the events services emit, signed deliveries and SSRF refusals.

Without REDIS_URL (these tests) deliveries run inline, once; retries on a real worker are in
tests/test_webhooks_redis.py.
"""
import ipaddress
import json
import socket
import subprocess
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import AuditEvent, WebhookDelivery
from app.models.base import utcnow
from app.schemas.activities import ActivityCreate
from app.schemas.base import validate
from app.schemas.contacts import PersonInput
from app.schemas.deals import DealCreate
from app.schemas.webhooks import WebhookInput
from app.services import activities, deals, people, pipelines, webhooks
from app.services.webhook_urls import is_internal
from app.tenancy import tenant_context
from jobs.webhooks import purge_deliveries
from tests.conftest import login
from tests.webhook_receiver import Receiver

PUBLIC_URL = "https://93.184.215.14/hooks/roost"  # a public address, never contacted: no event is sent to it


def allow_local(app):
    """Let hooks point at the receiver on 127.0.0.1 over plain HTTP, as development and tests do."""
    app.config.update(WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOW_PRIVATE=True)


def add_hook(app, tenant, url, events):
    with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
        hook = webhooks.create_webhook(ctx, data=WebhookInput(url=url, events=events))
        return hook.id, hook.secret


def deliveries(app, tenant, hook_id):
    with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
        return [(d.event, d.attempt, d.status_code, d.error)
                for d in webhooks.list_deliveries(ctx, webhook_id=hook_id)[0]]


def test_hooks_are_added_changed_paused_and_deleted(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        hook = webhooks.create_webhook(ctx, data=WebhookInput(
            url=PUBLIC_URL, events=["deal.won", "contact.created", "contact.created"]))
        assert hook.events == ["contact.created", "deal.won"]  # once each, in the listed order
        assert hook.secret.startswith("whsec_") and len(hook.secret) > 40 and hook.created_by == acme.admin.id
        first_secret, hook_id = hook.secret, hook.id
        webhooks.update_webhook(ctx, webhook_id=hook_id, data=WebhookInput(url=PUBLIC_URL, events=["deal.lost"]))
        webhooks.set_active(ctx, webhook_id=hook_id, active=False)
        assert webhooks.roll_secret(ctx, webhook_id=hook_id).secret != first_secret
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        [saved] = webhooks.list_webhooks(ctx)
        assert (saved.events, saved.active, saved.url) == (["deal.lost"], False, PUBLIC_URL)
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "webhook")).all()
        assert set(actions) == {"webhook.created", "webhook.updated", "webhook.paused", "webhook.secret_rolled"}
        logged = json.dumps([e.changes for e in db.session.scalars(select(AuditEvent))])
        assert first_secret not in logged and saved.secret not in logged  # secrets stay out of the audit log
        webhooks.delete_webhook(ctx, webhook_id=hook_id)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        with pytest.raises(NotFound):
            webhooks.get_webhook(ctx, webhook_id=hook_id)
        with pytest.raises(NotFound):
            webhooks.get_webhook(ctx, webhook_id="not-a-uuid")


def test_events_must_be_chosen_from_the_list(app):
    with app.app_context():
        for events, message in (([], "Choose at least one event."),
                                (["contact.exploded"], "Choose events from the list.")):
            with pytest.raises(Invalid) as refused:
                validate(WebhookInput, {"url": PUBLIC_URL, "events": events})
            assert refused.value.fields == {"events": message}


def test_only_admins_manage_webhooks(app, make_tenant):
    acme = make_tenant("Acme", roles=("head", "rep"))
    for role in ("head", "rep"):
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.users[role].id) as ctx:
            with pytest.raises(Forbidden):
                webhooks.create_webhook(ctx, data=WebhookInput(url=PUBLIC_URL, events=["contact.created"]))
            with pytest.raises(Forbidden):
                webhooks.list_webhooks(ctx)


@pytest.mark.parametrize("url, message", [
    ("http://93.184.215.14/hook", "Use an address that starts with https://."),
    ("ftp://93.184.215.14/hook", "Use an address that starts with https://."),
    ("https:///hook", "Enter a full address"),
    ("https://user:secret@93.184.215.14/hook", "Leave the user name and password out"),
    ("https://93.184.215.14:99999/hook", "The port number in this address is not valid."),
    ("https://no-such-host.invalid/hook", "We could not find no-such-host.invalid"),
    ("https://127.0.0.1/hook", "private or local address (127.0.0.1)"),
    ("https://localhost:8443/hook", "private or local address"),
    ("https://10.1.2.3/hook", "private or local address (10.1.2.3)"),
    ("https://192.168.0.10/hook", "private or local address"),
    ("https://169.254.169.254/latest/meta-data", "private or local address (169.254.169.254)"),
    ("https://[::1]/hook", "private or local address (::1)"),
    ("https://[::ffff:10.0.0.1]/hook", "private or local address"),
    ("https://[fe80::1]/hook", "private or local address"),
    ("https://224.0.0.1/hook", "private or local address"),
    ("https://0.0.0.0/hook", "private or local address"),
    ("https://240.0.0.1/hook", "private or local address"),
    ("https://100.64.0.1/hook", "private or local address"),
])
def test_unsafe_urls_are_refused_with_a_clear_message(app, make_tenant, url, message):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        with pytest.raises(Invalid) as refused:
            webhooks.create_webhook(ctx, data=WebhookInput(url=url, events=["contact.created"]))
        assert message in refused.value.fields["url"]
        assert webhooks.list_webhooks(ctx) == []


def test_internal_addresses():
    for address in ("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "::1", "fe80::1",
                    "fc00::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::", "240.0.0.1", "100.64.0.1", "::ffff:127.0.0.1"):
        assert is_internal(ipaddress.ip_address(address)), address
    for address in ("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"):
        assert not is_internal(ipaddress.ip_address(address)), address


def test_configuration_allows_loopback_and_http_for_development(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        app.config["WEBHOOK_ALLOW_PRIVATE"] = True
        with pytest.raises(Invalid):  # private allowed, plain http still not
            webhooks.create_webhook(ctx, data=WebhookInput(url="http://127.0.0.1:9/hook", events=["deal.won"]))
        assert webhooks.create_webhook(ctx, data=WebhookInput(url="https://127.0.0.1:9/hook", events=["deal.won"]))
        app.config["WEBHOOK_ALLOW_HTTP"] = True
        assert webhooks.create_webhook(ctx, data=WebhookInput(url="http://localhost:9/hook", events=["deal.won"]))


def test_subscribed_events_arrive_signed_with_the_record(app, make_tenant):
    """Inline (no Redis): a person added through a service reaches the receiver, signed, as plain JSON."""
    allow_local(app)
    acme = make_tenant("Acme")
    with Receiver() as receiver:
        hook_id, secret = add_hook(app, acme, receiver.url(), ["contact.created", "contact.updated"])
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            person = people.create_person(ctx, data=PersonInput(first_name="Ann", last_name="Hen",
                                                                email="ann@farm.example", tags=["eggs"]))
            person_id = person.id
        [got] = receiver.received
        assert got.path == "/hooks/roost" and got.signed_with(secret)
        assert not got.signed_with("whsec_someone_else")
        assert got.headers["Content-Type"] == "application/json" and got.headers["X-Roost-Event"] == "contact.created"
        body = json.loads(got.body)
        assert (body["event"], body["tenant"], body["channel"]) == ("contact.created", str(acme.id), "web")
        uuid.UUID(body["id"])
        assert body["data"]["id"] == str(person_id)
        fields = ("first_name", "last_name", "email", "tags", "custom_fields", "owner_id")
        assert {k: body["data"][k] for k in fields} == {
            "first_name": "Ann", "last_name": "Hen", "email": "ann@farm.example", "tags": ["eggs"],
            "custom_fields": {}, "owner_id": str(acme.admin.id)}
        [logged] = deliveries(app, acme, hook_id)
        assert logged == ("contact.created", 1, 200, None)
        with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
            delivery_id = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0][0].id
        assert got.headers["X-Roost-Delivery"] == str(delivery_id)

        with app.app_context(), tenant_context(acme.id, channel="api", user_id=acme.admin.id) as ctx:
            people.update_person(ctx, person_id=person_id, data=PersonInput(title="Owner"), version=None)
            people.update_person(ctx, person_id=person_id, data=PersonInput(title="Owner"), version=None)  # no change
        assert len(receiver.received) == 2
        updated = json.loads(receiver.received[1].body)
        assert (updated["event"], updated["channel"], updated["data"]["title"]) == ("contact.updated", "api", "Owner")
        assert updated["changes"] == {"title": {"before": None, "after": "Owner"}}


def test_only_active_hooks_get_the_events_they_chose(app, make_tenant):
    allow_local(app)
    acme = make_tenant("Acme")
    with Receiver() as deals_hook, Receiver() as paused_hook, Receiver() as tasks_hook:
        add_hook(app, acme, deals_hook.url(), ["deal.created", "deal.stage_changed", "deal.won"])
        paused_id, _secret = add_hook(app, acme, paused_hook.url(), ["deal.created", "activity.created"])
        add_hook(app, acme, tasks_hook.url(), ["activity.created", "task.completed"])
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            webhooks.set_active(ctx, webhook_id=paused_id, active=False)
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            deal = deals.create_deal(ctx, data=DealCreate(name="Eggs for the winter", value="1200"))
            stages = pipelines.list_pipelines(ctx)[0].stages
            first_stage, second_stage = stages[0].id, stages[1].id
            deals.move_deal(ctx, deal_id=deal.id, stage_id=second_stage)
            won = next(stage for stage in stages if stage.kind == "won")
            deals.move_deal(ctx, deal_id=deal.id, stage_id=won.id)
            task = activities.log_activity(ctx, data=ActivityCreate(kind="task", subject="Call back",
                                                                    due_at="2030-01-01T09:00", deal_id=deal.id))
            activities.complete_task(ctx, activity_id=task.id)
            activities.complete_task(ctx, activity_id=task.id)  # already done: no second event
        got = [json.loads(r.body) for r in deals_hook.received]
        assert [p["event"] for p in got] == ["deal.created", "deal.stage_changed", "deal.stage_changed", "deal.won"]
        assert got[0]["data"]["value"] == "1200.00" and got[0]["data"]["name"] == "Eggs for the winter"
        assert got[1]["changes"]["stage_id"] == {"before": str(first_stage), "after": str(second_stage)}
        assert got[3]["data"]["status"] == "won"
        assert [json.loads(r.body)["event"] for r in tasks_hook.received] == ["activity.created", "task.completed"]
        assert json.loads(tasks_hook.received[1].body)["data"]["done_at"] is not None
        assert paused_hook.received == []


def test_failed_delivery_is_logged_without_a_queue_to_retry(app, make_tenant):
    """Inline there is no scheduler: one attempt, logged with the status; Redeliver sends it again."""
    allow_local(app)
    acme = make_tenant("Acme")
    with Receiver(statuses=(503, 200)) as receiver:
        hook_id, _secret = add_hook(app, acme, receiver.url(), ["contact.created"])
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            people.create_person(ctx, data=PersonInput(first_name="Bo"))
        [failed] = deliveries(app, acme, hook_id)
        assert failed[:3] == ("contact.created", 1, 503) and "503" in failed[3]
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            [row] = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0]
            assert row.next_attempt_at is None and row.response_excerpt == "receiver is down"
            webhooks.redeliver(ctx, webhook_id=hook_id, delivery_id=row.id)
        assert [d[2] for d in deliveries(app, acme, hook_id)] == [200, 503]  # newest first
        first, again = (json.loads(r.body) for r in receiver.received)
        assert first["id"] == again["id"]  # the same event, so a receiver can tell it already has it
        assert receiver.received[0].headers["X-Roost-Delivery"] != receiver.received[1].headers["X-Roost-Delivery"]


def test_delivery_checks_the_address_again(app, make_tenant):
    """A hook saved while private addresses were allowed is refused when they no longer are: nothing is sent."""
    allow_local(app)
    acme = make_tenant("Acme")
    with Receiver() as receiver:
        hook_id, _secret = add_hook(app, acme, receiver.url(), ["contact.created"])
        app.config["WEBHOOK_ALLOW_PRIVATE"] = False
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            people.create_person(ctx, data=PersonInput(first_name="Cy"))
        assert receiver.received == []
        [(event, attempt, status, error)] = deliveries(app, acme, hook_id)
        assert (event, attempt, status) == ("contact.created", 1, None) and "private or local address" in error


def test_redirects_are_not_followed(app, make_tenant):
    allow_local(app)
    acme = make_tenant("Acme")
    with Receiver(statuses=(302,)) as receiver:
        hook_id, _secret = add_hook(app, acme, receiver.url(), ["contact.created"])
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            people.create_person(ctx, data=PersonInput(first_name="Di"))
        assert len(receiver.received) == 1
        assert deliveries(app, acme, hook_id)[0][2] == 302


def test_unreachable_slow_and_untrusted_receivers_are_logged(app, make_tenant, tmp_path):
    """No connection, no answer in time, a certificate that does not verify: each is a logged failure."""
    allow_local(app)
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.5
    acme = make_tenant("Acme")
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    with Receiver(delay=2) as slow, Receiver(tls=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))) as untrusted:
        hooks = {name: add_hook(app, acme, url, ["contact.created"])[0] for name, url in (
            ("closed", closed_url), ("slow", slow.url()), ("untrusted", untrusted.url(host="localhost")))}
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            people.create_person(ctx, data=PersonInput(first_name="Eve"))
        assert untrusted.received == []  # the handshake failed before anything was sent
    errors = {name: deliveries(app, acme, hook_id)[0] for name, hook_id in hooks.items()}
    assert errors["closed"][2:] == (None, "Could not connect.")
    assert errors["slow"][2:] == (None, "No answer in time.")
    assert errors["untrusted"][2] is None and "The secure connection failed" in errors["untrusted"][3]


def test_settings_page(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert "Webhooks" in client.get("/settings/users").get_data(as_text=True)  # in the settings menu
    refused = client.post("/settings/webhooks", data={"url": "https://10.0.0.7/hook", "events": "contact.created"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="url-error"' in page and "private or local address" in page
    assert 'value="contact.created" checked' in page  # the form keeps what was ticked
    none_ticked = client.post("/settings/webhooks", data={"url": PUBLIC_URL})
    assert none_ticked.status_code == 422 and "Choose at least one event." in none_ticked.get_data(as_text=True)
    allow_local(app)
    with Receiver() as receiver:
        added = client.post("/settings/webhooks", data={"url": receiver.url(),
                                                        "events": ["contact.created", "deal.won"]})
        assert added.status_code == 302
        detail_url = added.headers["Location"]
        page = client.get(detail_url).get_data(as_text=True)
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            [hook] = webhooks.list_webhooks(ctx)
            hook_id, secret = hook.id, hook.secret
        assert secret in page and "<details open>" in page.replace(" >", ">")
        base = f"/settings/webhooks/{hook_id}"

        assert client.post(f"{base}/test").status_code == 302
        [ping] = receiver.received
        assert ping.headers["X-Roost-Event"] == "ping" and ping.signed_with(secret)
        log = client.get(base).get_data(as_text=True)
        assert "<code>ping</code>" in log and '<span class="delivery-status">200</span>' in log
        assert '<span class="delivery-ok">200</span>' in client.get("/settings/webhooks").get_data(as_text=True)
        fragment = client.get(base, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert fragment.lstrip().startswith('<div id="deliveries"') and "<html" not in fragment

        with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
            delivery_id = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0][0].id
        shown = client.get(f"{base}/deliveries/{delivery_id}").get_data(as_text=True)
        assert "This is a test event from Roost." in shown and "{&#34;ok&#34;: true}" in shown
        assert client.post(f"{base}/deliveries/{delivery_id}/redeliver").status_code == 302
        assert len(receiver.received) == 2

        edited = client.post(base, data={"url": "https://no-such-host.invalid/x", "events": "deal.lost"})
        assert edited.status_code == 422 and "We could not find" in edited.get_data(as_text=True)
        assert client.post(base, data={"url": receiver.url("/other"), "events": "deal.lost"}).status_code == 302
        assert client.post(f"{base}/active", data={"active": "false"}).status_code == 302
        assert "Paused" in client.get("/settings/webhooks").get_data(as_text=True)
        client.post(f"{base}/test")
        assert len(receiver.received) == 2  # paused: the test is refused with a message
        assert client.post(f"{base}/secret").status_code == 302
        assert secret not in client.get(base).get_data(as_text=True)

    assert "Delete this webhook?" in client.get(f"{base}/delete").get_data(as_text=True)
    assert client.post(f"{base}/delete").status_code == 302
    assert client.get(base).status_code == 404
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalars(select(WebhookDelivery)).all() == []  # the log went with the hook


def test_a_rep_cannot_open_webhook_settings(client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.users["rep"])
    assert client.get("/settings/webhooks").status_code == 403
    assert client.post("/settings/webhooks", data={"url": PUBLIC_URL, "events": "contact.created"}).status_code == 403
    assert "/settings/webhooks" not in client.get("/settings/users").get_data(as_text=True)


def test_old_deliveries_are_purged_by_the_daily_job(app, make_tenant):
    allow_local(app)
    acme = make_tenant("Acme")
    with Receiver() as receiver:
        hook_id, _secret = add_hook(app, acme, receiver.url(), ["contact.created"])
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            people.create_person(ctx, data=PersonInput(first_name="Old"))
            people.create_person(ctx, data=PersonInput(first_name="New"))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        old = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0][-1]
        old.created_at = utcnow() - timedelta(days=31)
    with app.app_context(), tenant_context(acme.id, channel="job") as ctx:
        assert purge_deliveries(ctx) == 1
    assert len(deliveries(app, acme, hook_id)) == 1


def test_another_tenants_hooks_are_not_found(app, client, make_tenant):
    """Tenant A's admin cannot see, try, pause, redeliver or delete tenant B's hook: each is a 404."""
    allow_local(app)
    a, b = make_tenant("Alpha"), make_tenant("Bravo")
    with Receiver() as receiver:
        hook_id, _secret = add_hook(app, b, receiver.url(), ["contact.created"])
        with app.app_context(), tenant_context(b.id, channel="web", user_id=b.admin.id) as ctx:
            webhooks.send_test(ctx, webhook_id=hook_id)
        with app.app_context(), tenant_context(b.id, channel="cli") as ctx:
            delivery_id = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0][0].id
        login(client, a.admin)
        base = f"/settings/webhooks/{hook_id}"
        for url, data in ((base, {"url": receiver.url(), "events": "deal.won"}), (f"{base}/test", {}),
                          (f"{base}/active", {"active": "false"}), (f"{base}/secret", {}), (f"{base}/delete", {}),
                          (f"{base}/deliveries/{delivery_id}/redeliver", {})):
            assert client.post(url, data=data).status_code == 404, url
        assert len(receiver.received) == 1  # only B's own test event
    with app.app_context(), tenant_context(b.id, channel="cli") as ctx:
        hook = webhooks.get_webhook(ctx, webhook_id=hook_id)
        assert (hook.active, hook.events) == (True, ["contact.created"])
    with app.app_context(), tenant_context(a.id, channel="web", user_id=a.admin.id) as ctx:
        with pytest.raises(NotFound):
            webhooks.get_delivery(ctx, webhook_id=hook_id, delivery_id=delivery_id)
