"""The pipeline board in a real browser: drag a deal with the mouse, move one with the keyboard."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Deal, Tenant, User
from app.schemas.deals import DealCreate
from app.services import deals, pipelines
from app.tenancy import tenant_context
from tests.browser.test_signup_browser import no_horizontal_scroll, sign_up

pytestmark = pytest.mark.browser


def seed(live_app):
    """Two deals in the first stage; returns the stage ids by name."""
    with live_app.app_context():
        tenant = db.session.scalars(select(Tenant)).one()
        user = db.session.scalars(select(User)).one()
        tenant_id, user_id = tenant.id, user.id
    with live_app.app_context(), tenant_context(tenant_id, channel="cli", user_id=user_id) as ctx:
        deals.create_deal(ctx, data=DealCreate(name="Layers for Ann", value="1200"))
        deals.create_deal(ctx, data=DealCreate(name="Coop for Bob", value="300"))
        stages = {s.name: str(s.id) for s in pipelines.list_pipelines(ctx)[0].stages}
    return tenant_id, stages


def stage_of(live_app, tenant_id, name):
    with live_app.app_context(), tenant_context(tenant_id, channel="cli"):
        return str(db.session.scalar(select(Deal.stage_id).where(Deal.name == name)))


def column(page, stage_id):
    return page.locator(f'.board-cards[data-stage-id="{stage_id}"]')


def drag(page, source, target, *, dx=20, dy=10):
    """Press on `source`, move in steps (so SortableJS sees a drag) to (dx, dy) inside `target`, release."""
    page.evaluate("window.scrollTo(0, 0)")
    source.scroll_into_view_if_needed()  # the mouse only reaches what is inside the viewport
    box, goal = source.bounding_box(), target.bounding_box()
    start_x, start_y = box["x"] + 20, box["y"] + 10
    goal_x, goal_y = goal["x"] + dx, goal["y"] + dy
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(start_x + (goal_x - start_x) * step / 15, start_y + (goal_y - start_y) * step / 15)
        page.wait_for_timeout(20)
    page.mouse.move(goal_x + 2, goal_y - 2)  # a last nudge: SortableJS swaps on movement over the target
    page.wait_for_timeout(50)
    page.mouse.up()


def test_drag_a_deal_to_another_stage_and_it_stays(live_app, desktop_page):
    page = desktop_page  # dragging is the desktop gesture; phones move deals with the stage menu
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    tenant_id, stages = seed(live_app)
    page.goto(f"{base}/deals/board")
    drag(page, page.locator(".deal-card", has_text="Layers for Ann"), column(page, stages["Proposal"]), dx=30, dy=20)
    # The server answers with the board: the Proposal column now counts one deal worth £1,200.00
    # (the tenant's currency was guessed from the browser's en-GB).
    proposal_head = page.locator(f"#stage-{stages['Proposal']}-name").locator("xpath=../p")
    proposal_head.filter(has_text="1 deal · £1,200.00").wait_for()
    assert stage_of(live_app, tenant_id, "Layers for Ann") == stages["Proposal"]
    # Only the two columns changed were replaced, and the new one takes the next drag at once.
    drag(page, column(page, stages["Proposal"]).locator(".deal-card", has_text="Layers for Ann"),
         column(page, stages["Negotiation"]), dx=30, dy=20)
    page.locator(f"#stage-{stages['Negotiation']}-name").locator("xpath=../p").filter(
        has_text="1 deal · £1,200.00").wait_for()
    proposal_head.filter(has_text="0 deals").wait_for()
    assert stage_of(live_app, tenant_id, "Layers for Ann") == stages["Negotiation"]
    page.reload()
    assert column(page, stages["Negotiation"]).get_by_role("link", name="Layers for Ann").is_visible()
    assert column(page, stages["Lead"]).get_by_role("link", name="Layers for Ann").count() == 0
    assert page.console_errors == []


def test_drag_a_deal_within_its_column_and_the_order_stays(live_app, desktop_page):
    page = desktop_page  # dragging is the desktop gesture; phones move deals with the stage menu
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    _tenant_id, stages = seed(live_app)
    page.goto(f"{base}/deals/board")
    lead = column(page, stages["Lead"])
    with page.expect_response(lambda r: "/move" in r.url and r.status == 200):
        drag(page, lead.locator(".deal-card", has_text="Coop for Bob"), lead.locator(".deal-card").first, dy=30)
    page.reload()
    names = column(page, stages["Lead"]).locator(".deal-card-name").all_inner_texts()
    assert names == ["Coop for Bob", "Layers for Ann"]
    assert page.console_errors == []


def test_move_a_deal_with_the_keyboard(live_app, page):
    base = live_app.config["LIVE_URL"]
    sign_up(page, base)
    tenant_id, stages = seed(live_app)
    page.goto(f"{base}/deals/board")
    menu = page.get_by_label("Stage of Coop for Bob")
    menu.focus()
    menu.select_option(label="Negotiation")  # what arrow keys + Enter do in a native select
    column(page, stages["Negotiation"]).get_by_role("link", name="Coop for Bob").wait_for()
    # Focus comes back to the moved card's menu, so the keyboard user can go on.
    page.wait_for_function("() => document.activeElement && document.activeElement.id.startsWith('move-')")
    assert page.evaluate("document.activeElement.closest('.deal-card').textContent").find("Coop for Bob") >= 0
    assert page.get_by_role("status").filter(has_text="Coop for Bob moved to Negotiation").count() == 1
    page.reload()
    assert column(page, stages["Negotiation"]).get_by_role("link", name="Coop for Bob").is_visible()
    assert stage_of(live_app, tenant_id, "Coop for Bob") == stages["Negotiation"]
    assert no_horizontal_scroll(page)
    assert page.console_errors == []
