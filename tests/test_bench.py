"""The benchmark's own parts stay honest: the generator writes what it reports through the real tenancy,
and the load runner's page scraping still finds what it needs in today's pages."""
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, Deal, Person
from app.services import tokens
from app.tenancy import tenant_context
from tests.conftest import build_app

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
import board  # noqa: E402
import generate  # noqa: E402
import pages  # noqa: E402


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_generate_fills_each_tenant_with_what_it_reports(request, tmp_path, backend):
    app = build_app(request, backend, tmp_path)
    report = generate.generate("tiny", app.config["SQLALCHEMY_DATABASE_URI"])
    assert [t["people"] for t in report["tenants"]] == generate.sizes()["tiny"].people
    assert len(report["users"]) == 10 + generate.sizes()["tiny"].team and {u["role"] for u in report["users"]} == {
        "admin", "head", "rep", "support", "marketing"}
    with app.app_context():
        for tenant in report["tenants"]:
            with tenant_context(uuid.UUID(tenant["id"]), channel="cli"):
                assert db.session.scalar(select(func.count()).select_from(Person)) == tenant["people"]
                assert db.session.scalar(select(func.count()).select_from(Deal)) == tenant["deals"]
                activities = db.session.scalar(select(func.count()).select_from(Activity))
                assert activities == tenant["activities"] and 3 * tenant["people"] <= activities <= 7 * tenant["people"]
        user = report["users"][-1]
        assert str(tokens.authenticate(user["token"]).user_id) == user["id"]

    # What the load runner scrapes from the pages: people links, a next-page cursor, deal cards and stages.
    client = app.test_client()
    admin = report["users"][0]
    login_page = client.get("/login").get_data(as_text=True)
    assert pages.first(pages.CSRF, login_page)
    client.post("/login", data={"email": admin["email"], "password": report["password"]})
    people_page = client.get("/people").get_data(as_text=True)
    assert len(pages.PERSON_LINK.findall(people_page)) >= 25 and pages.first(pages.NEXT_PAGE, people_page)
    board = client.get("/deals/board").get_data(as_text=True)
    assert pages.DEAL_CARD.findall(board)
    assert len(pages.stage_ids(board)) == 6


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_board_bench_fills_its_tenant_and_times_the_board(request, tmp_path, backend, capsys):
    # The page benchmarks fill their tenant through throwaway.add_rows: the guard must let those rows in
    # (a bulk INSERT it refuses broke board.py, api.py, dashboard.py, search.py and telegram.py unnoticed).
    board.measure(build_app(request, backend, tmp_path), open_deals=40, runs=1)
    out = capsys.readouterr().out
    assert "board with 40 open deals" in out and "40 cards shown" in out
