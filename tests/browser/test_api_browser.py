"""The API from the outside: a token made on the profile page works for a real HTTP client on loopback,
and the docs page reads well on a desktop and a phone."""
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_signup_browser import no_horizontal_scroll, sign_up

pytestmark = pytest.mark.browser


def test_a_token_from_the_profile_page_drives_the_api(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    page.goto(f"{base}/profile")
    page.get_by_label("Token name, to recognise it later").fill("Script")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("code.secret").inner_text()

    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {secret}"
    created = api.post(f"{base}/api/v1/contacts", json={"first_name": "Api", "last_name": "Made"},
                       headers={"Idempotency-Key": "browser-1"}, timeout=10)
    assert created.status_code == 201, created.text
    again = api.post(f"{base}/api/v1/contacts", json={"first_name": "Api", "last_name": "Made"},
                     headers={"Idempotency-Key": "browser-1"}, timeout=10)
    assert again.json() == created.json()
    assert requests.get(f"{base}/api/v1/contacts", timeout=10).status_code == 401

    page.goto(f"{base}/people")
    expect(page.get_by_role("link", name="Api Made")).to_have_count(1)
    page.goto(f"{base}/profile")
    expect(page.get_by_role("cell", name="Script", exact=True)).to_be_visible()
    assert "Never" not in page.get_by_role("row", name="Script").inner_text()  # last use is shown
    assert page.console_errors == []


def test_the_docs_page_reads_on_any_screen(live_app, page):
    base = live_app.config["LIVE_URL"]
    page.goto(f"{base}/api/docs")
    expect(page.get_by_role("heading", name="Roost API v1")).to_be_visible()
    page.get_by_text("POST /api/v1/contacts", exact=True).click()
    expect(page.locator("#op-create_contact pre")).to_contain_text('"first_name": "Ann"')
    page.get_by_text("ContactCreate", exact=True).first.click()
    expect(page.locator("#schema-ContactCreate")).to_contain_text("custom_fields")
    assert no_horizontal_scroll(page)
    assert page.console_errors == []
