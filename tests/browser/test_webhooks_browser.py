"""Webhooks in a real browser: an admin adds one, sees its secret, sends a test event and reads the log."""
import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_signup_browser import no_horizontal_scroll, sign_up
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.browser


def test_add_a_webhook_and_send_it_a_test_event(live_app, page):
    live_app.config.update(WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOW_PRIVATE=True)  # the receiver is on loopback
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    page.goto(f"{base}/settings")
    page.get_by_role("link", name="Webhooks").click()
    with Receiver() as receiver:
        page.get_by_label("Payload URL").fill(receiver.url())
        page.get_by_role("button", name="Add webhook").click()
        expect(page.get_by_text("Choose at least one event.")).to_be_visible()
        page.console_errors.clear()  # the browser reports the form's 422 answer; it was meant
        page.get_by_label("A person is added").check()
        page.get_by_label("A deal is won").check()
        page.get_by_role("button", name="Add webhook").click()
        expect(page.get_by_text("The webhook was added.")).to_be_visible()
        secret = page.locator("code.secret").inner_text()
        assert secret.startswith("whsec_") and page.locator("code.secret").is_visible()
        assert no_horizontal_scroll(page)

        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_role("cell", name="ping")).to_be_visible()
        expect(page.locator(".delivery-status")).to_have_text("200")
        [got] = receiver.received
        assert got.signed_with(secret) and json.loads(got.body)["event"] == "ping"

        page.get_by_role("button", name="Redeliver").click()
        expect(page.locator(".delivery-status")).to_have_count(2)
        assert len(receiver.received) == 2
        assert no_horizontal_scroll(page)

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("The webhook is paused: nothing is sent.")).to_be_visible()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete webhook").click()
    expect(page.get_by_text("No webhooks yet.")).to_be_visible()
    assert page.console_errors == []  # CSP violations would show here
