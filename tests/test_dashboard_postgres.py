"""PostgreSQL: the dashboard's sums and counts read partial indexes (migrations 0013 and 0015), not the rows."""
import pytest

from app.extensions import db
from app.models import Tenant
from app.services import dashboard
from app.tenancy import tenant_context
from tests.conftest import build_app, statements_run
from tests.test_dashboard import fill

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(request, tmp_path):
    """Plans are PostgreSQL's: no SQLite run."""
    return build_app(request, "postgresql", tmp_path)


def plans_of_build_dashboard(ctx, **scope) -> dict[str, str]:
    """{statement: its plan} of every SELECT building the dashboard runs."""
    seen = statements_run(lambda: dashboard.build_dashboard(ctx, **scope))
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # tiny tables: make the planner show its options
    return {statement: "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", params))
            for statement, params in seen}


@pytest.mark.parametrize("whose", ["team", "one member"])
def test_deal_sums_and_new_people_read_their_partial_indexes_alone(app, make_tenant, whose):
    acme = make_tenant("Acme", roles=("rep",))
    fill(app, acme, acme.users["rep"].id, people_count=3)
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("deals", "people"):  # statistics and the visibility map, as autovacuum keeps them
            connection.exec_driver_sql(f'VACUUM ANALYZE "{Tenant.schema_for(acme.id)}".{table}')
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        plans = plans_of_build_dashboard(ctx, **({"user_id": acme.users["rep"].id} if whose == "one member" else {}))
    by_stage = next(plan for sql, plan in plans.items() if "sum(" in sql and "GROUP BY" in sql and "stage_id" in sql)
    by_month = next(plan for sql, plan in plans.items() if "sum(" in sql and "closed_at <" in sql)
    by_week = next(plan for sql, plan in plans.items() if "people.created_at <" in sql and "count(" in sql)
    assert "Index Only Scan using ix_deals_open_owner" in by_stage, by_stage
    assert "Index Only Scan using ix_deals_won_closed" in by_month, by_month
    assert "Index Only Scan using ix_people_live_created" in by_week, by_week
