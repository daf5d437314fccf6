"""Installable and offline in a real browser: the service worker is registered, the manifest validates
and its icons load; recently viewed pages open offline with a notice, and a form sent offline says it failed."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import Person
from app.tenancy import tenant_context
from tests.browser.seeding import seed_business
from tests.browser.test_signup_browser import open_menu, sign_up

pytestmark = pytest.mark.browser

REQUIRED_MEMBERS = ("name", "short_name", "start_url", "display", "theme_color", "icons")

READ_MANIFEST = """async () => {
  const href = document.querySelector('link[rel=manifest]').href;
  const answer = await fetch(href);
  const manifest = await answer.json();
  const icons = await Promise.all(manifest.icons.map(icon => new Promise(done => {
    const image = new Image();
    image.onload = () => done({sizes: icon.sizes, type: icon.type,
                               width: image.naturalWidth, height: image.naturalHeight});
    image.onerror = () => done({sizes: icon.sizes, type: icon.type, width: 0, height: 0});
    image.src = new URL(icon.src, href).href;
  })));
  return {type: answer.headers.get('content-type'), manifest, icons};
}"""


def wait_for_service_worker(page) -> str:
    """The scope of the service worker once it controls the page."""
    scope = page.evaluate("navigator.serviceWorker.ready.then(registration => registration.scope)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return scope


def test_the_service_worker_is_registered_and_the_manifest_validates(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    assert wait_for_service_worker(page) == f"{base}/"
    found = page.evaluate(READ_MANIFEST)
    manifest = found["manifest"]
    assert found["type"].startswith("application/manifest+json")
    assert all(manifest.get(member) for member in REQUIRED_MEMBERS), manifest
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    assert {(icon["sizes"], icon["type"]) for icon in found["icons"]} == {
        ("192x192", "image/png"), ("512x512", "image/png")}
    for icon in found["icons"]:  # each icon loads, at the size the manifest says
        assert f"{icon['width']}x{icon['height']}" == icon["sizes"]
    assert page.console_errors == []


def people_count(live_app, tenant_id) -> int:
    with live_app.app_context(), tenant_context(tenant_id, channel="cli"):
        return db.session.scalar(select(func.count(Person.id)))


def test_recent_pages_open_offline_read_only_and_nothing_is_sent(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    ids = seed_business(live_app)
    wait_for_service_worker(page)
    page.goto(f"{base}/people")
    page.goto(f"{base}/people/new")
    before = people_count(live_app, ids["tenant"])

    page.context.set_offline(True)
    page.goto(f"{base}/people")  # viewed a moment ago: the saved copy, with the notice
    expect(page.locator("#offline-notice")).to_be_visible()
    expect(page.get_by_role("link", name="Ann Lee")).to_be_visible()

    page.goto(f"{base}/people/new")
    page.get_by_label("First name").fill("Offline")
    page.get_by_label("Last name").fill("Olive")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("alert").filter(has_text="Not sent")).to_be_visible()
    assert page.url == f"{base}/people/new"

    page.goto(f"{base}/organizations")  # never opened on this device: the offline page says so
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    # With its looks: the stylesheets (linked by version, kept without one at install) come from the device.
    assert page.evaluate("() => document.styleSheets.length > 0 && [...document.styleSheets].every("
                         "sheet => sheet.cssRules.length > 0)")

    page.context.set_offline(False)
    page.goto(f"{base}/people")
    expect(page.locator("#offline-notice")).to_be_hidden()
    assert people_count(live_app, ids["tenant"]) == before  # nothing was written while offline


KEPT_PAGES = """async () => {
  const names = await caches.keys();
  const kept = [];
  for (const name of names.filter(n => n.startsWith('roost-pages'))) {
    kept.push(...(await (await caches.open(name)).keys()).map(request => new URL(request.url).pathname));
  }
  return kept;
}"""


def test_logging_out_forgets_the_pages_kept_for_offline(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    seed_business(live_app)
    wait_for_service_worker(page)
    page.goto(f"{base}/people")
    page.wait_for_function(f"() => ({KEPT_PAGES})().then(kept => kept.includes('/people'))")
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login**")
    page.wait_for_function(f"() => ({KEPT_PAGES})().then(kept => !kept.includes('/people'))")
    page.context.set_offline(True)
    page.goto(f"{base}/people")  # the next person at this device finds nothing of the last user's
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
