"""A new user's first minutes in a real browser, at desktop and phone sizes: the wizard, then the import."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_signup_browser import no_horizontal_scroll, sign_up
from tests.import_files import people_rows, workbook_bytes

pytestmark = pytest.mark.browser


def test_first_customer_in_four_interactions_after_sign_up(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base, skip_wizard=False)
    expect(page.get_by_role("heading", name="Add your first customer")).to_be_visible()
    assert no_horizontal_scroll(page)
    # After sign-up: 1 name, 2 phone, 3 add, 4 skip the rest. Nothing else is needed.
    page.get_by_label("Name").fill("Maria Lopez")
    page.get_by_label("Phone").fill("+44 20 7946 0101")
    page.get_by_role("button", name="Add customer").click()
    expect(page.get_by_text("Maria Lopez is your first customer.")).to_be_visible()
    page.get_by_role("button", name="Skip the rest and go to my home page").click()
    page.wait_for_url(f"{base}/")
    # The wizard ends on the dashboard, which lists the customer just added.
    expect(page.get_by_role("region", name="Today").get_by_role("link", name="Maria Lopez")).to_be_visible()
    page.get_by_role("link", name="Maria Lopez").click()
    expect(page.get_by_role("heading", name="Maria Lopez")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert page.console_errors == []


def test_import_shows_progress_then_the_bad_rows(live_app, page, tmp_path):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    file = tmp_path / "farm.xlsx"
    file.write_bytes(workbook_bytes(people_rows(30, bad_emails=1, empty_names=1, duplicates=1)))
    page.goto(f"{base}/import")
    page.get_by_label("File").set_input_files(str(file))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Check the columns")).to_be_visible()
    expect(page.get_by_label("Field for the column E-mail")).to_have_value("email")
    page.get_by_label("Field for the column Notes").select_option("")
    page.get_by_role("button", name="Import 30 rows").click()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.get_by_text("27 records added")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Same email as row"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bad rows (CSV)").click()
    assert download.value.suggested_filename == "farm-bad-rows.csv"
    assert page.console_errors == []
