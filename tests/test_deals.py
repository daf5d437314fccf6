"""Deals: the services (create, edit, move, win/lose, trash, list, board) and their pages."""
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Activity, AuditEvent, Deal, Organization, Person
from app.models.base import utcnow
from app.schemas.base import validate
from app.schemas.deals import DealCreate, DealUpdate
from app.schemas.accounts import TokenCreate
from app.services import deals, pipelines, tokens
from app.services.records import StaleEdit
from app.tenancy import tenant_context
from tests.conftest import login


def events(action, entity_id=None):
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    return list(db.session.scalars(stmt))


def stages_of(ctx):
    return {s.name: s for s in pipelines.list_pipelines(ctx)[0].stages}


def new_deal(ctx, name="Hens for Bob", **fields):
    return deals.create_deal(ctx, data=DealCreate(name=name, **fields))


@pytest.fixture
def acme(make_tenant):
    return make_tenant("Acme", roles=("rep", "support"))


def as_admin(app, tenant):
    return tenant_context(tenant.id, channel="cli", user_id=tenant.admin.id)


# --- services -------------------------------------------------------------------------------

def test_create_deal_defaults_to_first_stage_tenant_currency_and_stage_probability(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        deal = new_deal(ctx, value="1200.50")
        stage = stages_of(ctx)["Lead"]
        assert (deal.stage_id, deal.currency, deal.probability, deal.status) == (stage.id, "USD", 10, "open")
        assert deal.value == Decimal("1200.50") and deal.owner_id == acme.admin.id
        [event] = events("deal.created", deal.id)
        assert event.actor_id == acme.admin.id and event.changes["name"] == [None, "Hens for Bob"]


def test_create_deal_refuses_a_stage_of_another_pipeline_and_unknown_links(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        pipeline = pipelines.list_pipelines(ctx)[0]
        with pytest.raises(Invalid) as refused:
            deals.create_deal(ctx, data=DealCreate(name="X", pipeline_id=pipeline.id, stage_id=uuid.uuid4()))
        assert "stage_id" in refused.value.fields
        with pytest.raises(Invalid) as refused:
            new_deal(ctx, person_id=uuid.uuid4(), organization_id=uuid.uuid4(), owner_id=uuid.uuid4())
        assert set(refused.value.fields) == {"person_id", "organization_id", "owner_id"}
        assert db.session.scalar(select(Deal.id)) is None


def test_bad_input_gets_messages():
    with pytest.raises(Invalid) as blank:
        validate(DealCreate, {"name": ""})
    assert "name" in blank.value.fields
    with pytest.raises(Invalid) as refused:
        validate(DealCreate, {"name": "X", "value": "-3", "probability": "120", "currency": "EURO"})
    assert set(refused.value.fields) == {"value", "probability", "currency"}


def test_support_cannot_create_or_read_deals(app, acme):
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["support"].id) as ctx:
        with pytest.raises(Forbidden):
            new_deal(ctx)
        with pytest.raises(Forbidden):
            deals.list_deals(ctx)


def test_update_refuses_a_stale_version_and_audits_changes(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        deal = new_deal(ctx, value="100")
        version = deal.version
        deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name="Hens for Bobby", value="150"), version=version)
        db.session.flush()
        [event] = events("deal.updated", deal.id)
        assert event.changes["name"] == ["Hens for Bob", "Hens for Bobby"] and event.changes["value"] == ["100.00", "150.00"]
        with pytest.raises(StaleEdit) as stale:
            deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name="Late"), version=version)
        assert stale.value.current.name == "Hens for Bobby"


def test_update_with_the_same_amount_written_otherwise_is_not_a_value_change(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        deal = new_deal(ctx, value="100")
        deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name="Hens for Bobby", value="100.0"),
                          version=deal.version)
        db.session.flush()
        [event] = events("deal.updated", deal.id)
        assert "name" in event.changes and "value" not in event.changes


def test_move_into_won_closes_and_back_reopens_with_audit(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        stages = stages_of(ctx)
        deal = new_deal(ctx)
        deals.move_deal(ctx, deal_id=deal.id, stage_id=stages["Closed Won"].id)
        assert deal.status == "won" and deal.closed_at is not None and deal.probability == 100
        [event] = events("deal.stage_changed", deal.id)
        assert event.changes["stage_id"] == [str(stages["Lead"].id), str(stages["Closed Won"].id)]
        assert event.changes["status"] == ["open", "won"]
        deals.move_deal(ctx, deal_id=deal.id, stage_id=stages["Proposal"].id)
        assert deal.status == "open" and deal.closed_at is None
        assert len(events("deal.stage_changed", deal.id)) == 2


def test_move_places_the_deal_within_the_column(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        stages = stages_of(ctx)
        a, b, c = (new_deal(ctx, name=n) for n in "ABC")
        deals.move_deal(ctx, deal_id=c.id, stage_id=stages["Lead"].id, position=0)
        column = deals.board(ctx).columns[0]
        assert [d.name for d in column.cards] == ["C", "A", "B"]
        assert events("deal.reordered", c.id)
        deals.move_deal(ctx, deal_id=a.id, stage_id=stages["Qualified"].id, position=0)
        board = deals.board(ctx)
        assert [d.name for d in board.columns[0].cards] == ["C", "B"]
        assert [d.name for d in board.columns[1].cards] == ["A"]


def test_move_refuses_a_stage_of_another_pipeline(app, acme, make_tenant):
    other = make_tenant("Other")
    with app.app_context(), tenant_context(other.id, channel="cli") as ctx:
        foreign_stage = pipelines.list_pipelines(ctx)[0].stages[1].id
    with app.app_context(), as_admin(app, acme) as ctx:
        deal = new_deal(ctx)
        with pytest.raises(NotFound):
            deals.move_deal(ctx, deal_id=deal.id, stage_id=foreign_stage)


def test_mark_won_and_lost(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        stages = stages_of(ctx)
        deal = new_deal(ctx)
        with pytest.raises(Invalid):
            deals.mark_lost(ctx, deal_id=deal.id, reason="  ")
        deals.mark_lost(ctx, deal_id=deal.id, reason="Went with a cheaper farm")
        assert (deal.status, deal.stage_id, deal.lost_reason) == ("lost", stages["Closed Lost"].id, "Went with a cheaper farm")
        assert events("deal.lost", deal.id)[0].changes["lost_reason"] == [None, "Went with a cheaper farm"]
        deals.mark_won(ctx, deal_id=deal.id)
        assert (deal.status, deal.stage_id, deal.lost_reason) == ("won", stages["Closed Won"].id, None)
        assert events("deal.won", deal.id)


def test_delete_trashes_the_deal_and_its_activities(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        deal = new_deal(ctx)
        db.session.add(Activity(kind="note", subject="Called", occurred_at=utcnow(), channel="cli", deal_id=deal.id))
        db.session.flush()
        deal_id = deal.id
        deals.delete_deal(ctx, deal_id=deal_id)
        assert events("deal.deleted", deal_id)
        with pytest.raises(NotFound):
            deals.get_deal(ctx, deal_id=deal.id)
        assert db.session.scalar(select(Activity.id)) is None
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["rep"].id) as ctx:
        with pytest.raises(Forbidden):
            deals.delete_deal(ctx, deal_id=deal_id)


def test_list_for_orders_open_first_then_by_close(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        org = Organization(name="Bob's Farm")
        person = Person(first_name="Bob", last_name="Hen")
        db.session.add_all([org, person])
        db.session.flush()
        late = new_deal(ctx, name="Late", organization_id=org.id, expected_close=date(2027, 5, 1))
        soon = new_deal(ctx, name="Soon", organization_id=org.id, expected_close=date(2026, 12, 1))
        undated = new_deal(ctx, name="Undated", organization_id=org.id, person_id=person.id)
        won = new_deal(ctx, name="Won", organization_id=org.id, expected_close=date(2026, 1, 1))
        deals.mark_won(ctx, deal_id=won.id)
        new_deal(ctx, name="Elsewhere")
        assert [d.name for d in deals.list_for(ctx, organization_id=org.id)] == ["Soon", "Late", "Undated", "Won"]
        assert [d.name for d in deals.list_for(ctx, person_id=person.id)] == ["Undated"]
        assert late and soon and undated


def test_list_deals_search_filters_sort_and_keyset(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        org = Organization(name="Featherworks")
        db.session.add(org)
        db.session.flush()
        for index in range(7):
            new_deal(ctx, name=f"Deal {index}", value=str(index * 100), expected_close=date(2026, 1, 1 + index))
        new_deal(ctx, name="Coops", organization_id=org.id, owner_id=acme.users["rep"].id)
        found, _ = deals.list_deals(ctx, filters=deals.DealFilter(q="feather"))
        assert [d.name for d in found] == ["Coops"]
        found, _ = deals.list_deals(ctx, filters=deals.DealFilter(owner_id=acme.users["rep"].id))
        assert [d.name for d in found] == ["Coops"]
        found, _ = deals.list_deals(ctx, filters=deals.DealFilter(close_from=date(2026, 1, 3), close_to=date(2026, 1, 4)))
        assert sorted(d.name for d in found) == ["Deal 2", "Deal 3"]
        for sort, expected in (("value", ["Deal 6", "Deal 5", "Deal 4", "Deal 3", "Deal 2", "Deal 1", "Deal 0", "Coops"]),
                               ("name", ["Coops"] + [f"Deal {i}" for i in range(7)]),
                               ("close", [f"Deal {i}" for i in range(7)] + ["Coops"])):
            seen, cursor = [], None
            while True:
                page, cursor = deals.list_deals(ctx, sort=sort, after=cursor, limit=3)
                seen += [d.name for d in page]
                if cursor is None:
                    break
            # value ties (Deal 0 and Coops are both 0) fall back to the id: compare the distinct part
            assert len(seen) == 8 and seen[:6] == expected[:6], (sort, seen)
            if sort != "value":
                assert seen == expected, (sort, seen)
        seen, cursor = [], None
        while True:
            page, cursor = deals.list_deals(ctx, sort="updated", after=cursor, limit=3)
            seen += [d.id for d in page]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 8


def test_board_totals_and_filters_in_fixed_queries(app, acme):
    from sqlalchemy import event
    with app.app_context(), as_admin(app, acme) as ctx:
        stages = stages_of(ctx)
        for index in range(5):
            org = Organization(name=f"Org {index}")
            db.session.add(org)
            db.session.flush()
            new_deal(ctx, name=f"D{index}", value="100", organization_id=org.id, expected_close=date(2026, 3, 1 + index))
        new_deal(ctx, name="Rep's", value="50", stage_id=stages["Proposal"].id, owner_id=acme.users["rep"].id)
        db.session.flush()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            board = deals.board(ctx)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        names = [d.party for c in board.columns for d in c.cards if d.party]
        assert sorted(names) == [f"Org {index}" for index in range(5)] and len(statements) <= 5
        lead, proposal = board.columns[0], board.columns[2]
        assert (lead.count, lead.totals) == (5, {"USD": Decimal("500")})
        assert (proposal.count, proposal.totals) == (1, {"USD": Decimal("50")})
        mine = deals.board(ctx, owner_id=acme.users["rep"].id)
        assert [c.count for c in mine.columns] == [0, 0, 1, 0, 0, 0]
        soon = deals.board(ctx, close_before=date(2026, 3, 2))
        assert soon.columns[0].count == 2


def test_a_card_names_the_organisation_else_the_person(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        person = Person(first_name="Ann", last_name="")
        org, gone = Organization(name="Coop Ltd"), Organization(name="Gone")
        db.session.add_all([person, org, gone])
        db.session.flush()
        new_deal(ctx, name="Both", person_id=person.id, organization_id=org.id)
        new_deal(ctx, name="Person", person_id=person.id)
        new_deal(ctx, name="Trashed organisation", person_id=person.id, organization_id=gone.id)
        new_deal(ctx, name="Neither")
        gone.deleted_at = utcnow()
        db.session.flush()
        cards = deals.board(ctx).columns[0].cards
        assert {c.name: c.party for c in cards} == {
            "Both": "Coop Ltd", "Person": "Ann", "Trashed organisation": "Ann", "Neither": None}


def test_a_long_column_pages_in_board_order_with_totals_over_all_its_deals(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        for index in range(7):
            new_deal(ctx, name=f"D{index}", value="10")
        db.session.flush()
        column = deals.board(ctx, per_column=3).columns[0]
        assert [d.name for d in column.cards] == ["D0", "D1", "D2"]
        assert (column.count, column.totals) == (7, {"USD": Decimal("70")})
        seen, cursor, next_id = [d.name for d in column.cards], column.next_cursor, column.next_deal_id
        while cursor:
            _view, page = deals.board_column(ctx, stage_id=column.stage.id, after=cursor, limit=3)
            assert page.cards[0].id == next_id  # "Show more" names the first card it brings
            seen += [d.name for d in page.cards]
            cursor, next_id = page.next_cursor, page.next_deal_id
        assert seen == [f"D{index}" for index in range(7)]


# --- pages ----------------------------------------------------------------------------------

def test_deal_pages_create_edit_and_show(app, client, acme):
    login(client, acme.users["rep"])
    assert "No deals yet" in client.get("/deals").get_data(as_text=True)
    assert "No deals here yet" in client.get("/deals/board").get_data(as_text=True)
    bad = client.post("/deals/new", data={"name": "", "value": "lots"})
    assert bad.status_code == 422
    assert "Please fill this in." in bad.get_data(as_text=True) and "Enter an amount" in bad.get_data(as_text=True)
    made = client.post("/deals/new", data={"name": "Eggs for Ann", "value": "2500", "currency": "", "probability": ""})
    assert made.status_code == 302
    with app.app_context(), as_admin(app, acme):
        deal = db.session.scalar(select(Deal))
        deal_id = deal.id
        assert (deal.name, deal.value, deal.owner_id) == ("Eggs for Ann", Decimal("2500.00"), acme.users["rep"].id)
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "Eggs for Ann" in page and "$2,500.00" in page and "Mark as won" in page
    assert "Eggs for Ann" in client.get("/deals?q=eggs").get_data(as_text=True)
    assert "No deals match" in client.get("/deals?q=zebra").get_data(as_text=True)
    board = client.get("/deals/board").get_data(as_text=True)
    assert "Eggs for Ann" in board and f'id="move-{deal_id}"' in board
    edit = client.get(f"/deals/{deal_id}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in edit
    saved = client.post(f"/deals/{deal_id}/edit", data={"name": "Eggs for Anna", "value": "3000", "version": "1",
                                                         "owner_id": str(acme.users["rep"].id)})
    assert saved.status_code == 302
    stale = client.post(f"/deals/{deal_id}/edit", data={"name": "Old tab", "value": "1", "version": "1"})
    assert stale.status_code == 409 and "Someone else changed" in stale.get_data(as_text=True)
    assert "Eggs for Anna" in stale.get_data(as_text=True)
    lost = client.post(f"/deals/{deal_id}/lost", data={"reason": ""})
    assert lost.status_code == 422 and "Please fill this in." in lost.get_data(as_text=True)
    assert client.post(f"/deals/{deal_id}/lost", data={"reason": "Too far"}).status_code == 302
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "Too far" in page and "Lost" in page


def test_move_from_the_board_returns_the_two_columns_it_changed(app, client, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        stages = stages_of(ctx)
        deal_id = new_deal(ctx, name="Hens for Bob", value="40").id
        new_deal(ctx, name="Stays", value="7")
        new_deal(ctx, name="Elsewhere", stage_id=stages["Negotiation"].id)
        lead, proposal = stages["Lead"].id, stages["Proposal"].id
    login(client, acme.users["rep"])
    answer = client.post(f"/deals/{deal_id}/move", data={"stage_id": str(proposal)}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    # First what #board-status says, then the column it left and the one it entered, each swapped out of band.
    assert html.lstrip().startswith("Hens for Bob moved to Proposal.")
    columns = dict(re.findall(r'<section class="board-column" id="column-([0-9a-f-]+)"[^>]*hx-swap-oob="true"'
                              r'(.*?)</section>', html, re.S))
    assert sorted(columns) == sorted([str(lead), str(proposal)])
    left, entered = columns[str(lead)], columns[str(proposal)]
    assert "Stays" in left and "1 deal" in left and "$7.00" in left and "Hens for Bob" not in left
    assert "Hens for Bob" in entered and "1 deal" in entered and "$40.00" in entered
    assert "Elsewhere" not in html
    with app.app_context(), as_admin(app, acme):
        assert db.session.get(Deal, deal_id).stage_id == proposal
    within = client.post(f"/deals/{deal_id}/move", data={"stage_id": str(proposal), "position": "0"},
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.findall(r'id="column-([0-9a-f-]+)"', within) == [str(proposal)]
    bad = client.post(f"/deals/{deal_id}/move", data={"stage_id": "nonsense"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "Choose a stage" in bad.get_data(as_text=True)
    assert bad.headers["HX-Retarget"] == "#board" and bad.get_data(as_text=True).lstrip().startswith('<div id="board"')
    assert client.post(f"/deals/{deal_id}/move", data={"stage_id": str(uuid.uuid4())}).status_code == 404


def _lose_the_race(monkeypatch):
    """Someone else's save of the same deal commits between this request's read and its write: the row's
    version moves on under the session (which still holds the old one), as a concurrent request does."""
    place = deals._place

    def raced(deal, *args, **kwargs):
        db.session.execute(update(Deal).where(Deal.id == deal.id).values(version=Deal.version + 1)
                           .execution_options(synchronize_session=False))
        place(deal, *args, **kwargs)
    monkeypatch.setattr(deals, "_place", raced)


def test_a_move_that_lost_a_race_redraws_the_board_and_changes_nothing(app, client, acme, monkeypatch):
    with app.app_context(), as_admin(app, acme) as ctx:
        stages = stages_of(ctx)
        deal_id = new_deal(ctx, name="Hens for Bob").id
        lead, proposal = stages["Lead"].id, stages["Proposal"].id
    login(client, acme.users["rep"])
    _lose_the_race(monkeypatch)
    lost = client.post(f"/deals/{deal_id}/move", data={"stage_id": str(proposal)}, headers={"HX-Request": "true"})
    assert lost.status_code == 422 and lost.headers["HX-Retarget"] == "#board"
    assert "Someone else moved this deal at the same moment" in lost.get_data(as_text=True)
    without_htmx = client.post(f"/deals/{deal_id}/move", data={"stage_id": str(proposal)})
    assert without_htmx.status_code == 409 and "Someone else changed this" in without_htmx.get_data(as_text=True)
    with app.app_context(), as_admin(app, acme):
        deal = db.session.get(Deal, deal_id)
        assert (deal.stage_id, deal.version) == (lead, 1) and not events("deal.stage_changed", deal_id)
    monkeypatch.undo()
    assert client.post(f"/deals/{deal_id}/move", data={"stage_id": str(proposal)},
                       headers={"HX-Request": "true"}).status_code == 200


def test_the_api_answers_a_lost_race_with_409(app, acme, monkeypatch):
    with app.app_context(), as_admin(app, acme) as ctx:
        deal_id = new_deal(ctx).id
        proposal = stages_of(ctx)["Proposal"].id
        secret = tokens.create_token(ctx, data=TokenCreate(name="race"))[1]
    _lose_the_race(monkeypatch)
    answer = app.test_client().post(f"/api/v1/deals/{deal_id}/move", json={"stage_id": str(proposal)},
                                    headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "conflict"
    assert "Someone else changed this" in answer.get_json()["error"]["message"]


def test_support_gets_403_on_deal_pages(client, acme):
    login(client, acme.users["support"])
    assert client.get("/deals").status_code == 403
    assert client.get("/deals/board").status_code == 403
    assert client.get("/deals/new").status_code == 403


def test_detail_stage_menu_and_trash_from_the_page(app, client, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        deal_id = new_deal(ctx).id
        won = stages_of(ctx)["Closed Won"].id
    login(client, acme.admin)
    moved = client.post(f"/deals/{deal_id}/move", data={"stage_id": str(won), "back": "detail"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/deals/{deal_id}")
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "Won" in page and "Mark as won" not in page
    assert client.post(f"/deals/{deal_id}/delete").status_code == 302
    assert client.get(f"/deals/{deal_id}").status_code == 404
    with app.app_context(), as_admin(app, acme):
        assert events("deal.deleted", deal_id)


def test_move_above_a_named_card_counts_cards_a_filter_hid(app, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        lead = stages_of(ctx)["Lead"].id
        a = new_deal(ctx, name="A")
        new_deal(ctx, name="Hidden", owner_id=acme.users["rep"].id)
        c = new_deal(ctx, name="C")
        # The board filtered to the admin shows A, C; C dropped above A...
        deals.move_deal(ctx, deal_id=c.id, stage_id=lead, position=0, before_id=a.id)
        assert [d.name for d in deals.board(ctx).columns[0].cards] == ["C", "A", "Hidden"]
        # ...and A dropped at the end (no card below it) goes after the hidden one too.
        deals.move_deal(ctx, deal_id=a.id, stage_id=lead, position=1000000)
        assert [d.name for d in deals.board(ctx).columns[0].cards] == ["C", "Hidden", "A"]


def test_show_more_loads_the_next_rows_as_a_fragment(app, client, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        for index in range(deals.PAGE_SIZE + 3):
            new_deal(ctx, name=f"Deal {index:02d}")
    login(client, acme.admin)
    first = client.get("/deals?sort=name").get_data(as_text=True)
    assert "Deal 49" in first and "Deal 50" not in first and "Show more" in first
    cursor = first.split('hx-get="/deals?after=')[1].split('"')[0].replace("&amp;", "&")
    more = client.get(f"/deals?after={cursor}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert more.lstrip().startswith("<tr>") and "Deal 50" in more and "Deal 52" in more and "Deal 49" not in more
    assert "Show more" not in more



def test_the_board_shows_a_page_of_each_column_and_loads_the_rest_on_request(app, client, acme):
    with app.app_context(), as_admin(app, acme) as ctx:
        for index in range(deals.BOARD_CARDS + 2):
            new_deal(ctx, name=f"Order {index:03d}", value="5")
    login(client, acme.admin)
    board = client.get("/deals/board").get_data(as_text=True)
    last, hidden, total = (f"Order {n:03d}" for n in (deals.BOARD_CARDS - 1, deals.BOARD_CARDS, deals.BOARD_CARDS + 1))
    assert last in board and hidden not in board and total not in board
    assert f"{deals.BOARD_CARDS + 2} deals" in board and f"${5 * (deals.BOARD_CARDS + 2)}.00" in board
    more = re.search(r'<li class="board-more" data-deal-id="[^"]+">\s*<a href="([^"]+)"', board).group(1)
    rest = client.get(more.replace("&amp;", "&"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert hidden in rest and total in rest and last not in rest and "board-more" not in rest
