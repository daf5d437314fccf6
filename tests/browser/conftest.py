"""Browser fixtures: the app served on loopback, and Debian's headless Chromium through Playwright."""
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import CI, build_app
from tests.serving import serve_in_thread

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_app(request, tmp_path):
    """The app with CSRF on, as a browser meets it, served from a thread on 127.0.0.1."""
    app = build_app(request, "sqlite", tmp_path, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_thread(server)
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is missing (make test installs it)"
        if CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield playwright, browser
        browser.close()


def _superseded_request(text: str) -> bool:
    """htmx's own note that it aborted a request a newer keystroke replaced (hx-sync="...:replace").
    A request that really failed still shows: the browser logs its status as an error of its own."""
    return text.startswith(("htmx:sendAbort", "htmx:afterRequest"))


def _open_page(chromium, form_factor: str):
    playwright, browser = chromium
    options = {"locale": "en-GB", "timezone_id": "America/New_York"}
    if form_factor == "phone":
        options.update(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                       device_scale_factor=3)
    context = browser.new_context(**options)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and not _superseded_request(message.text)
            and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


@pytest.fixture(params=["desktop", "phone"])
def page(request, chromium):
    """A fresh browser context per test, at a desktop and at a phone viewport (390×844, touch)."""
    context, page = _open_page(chromium, request.param)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium):
    """A phone only (390×844, touch), for what only a phone shows, such as the folded menu."""
    context, page = _open_page(chromium, "phone")
    yield page
    context.close()


@pytest.fixture
def desktop_page(chromium):
    """A desktop browser only, for mouse gestures such as drag and drop (phones use other controls)."""
    context, page = _open_page(chromium, "desktop")
    yield page
    context.close()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
_saved: list[Path] = []


def save_screenshot(page, name: str) -> Path:
    """A full-page PNG in test-results/screenshots/ for a reviewer; the run's summary prints the folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    _saved.append(path)
    return path


def pytest_terminal_summary(terminalreporter):
    """Say where this run's screenshots are."""
    if _saved:
        terminalreporter.section("screenshots")
        terminalreporter.write_line(f"{len(_saved)} screenshots in {SCREENSHOTS}")
