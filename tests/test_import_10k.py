"""The promise of the import: a 10,000-row .xlsx with 20 bad rows, imported by a real RQ worker on Redis.

9,980 people arrive, exactly the 20 bad rows are listed with their reasons, and importing the same
file again adds nobody. Runs on SQLite and on PostgreSQL; the upload and start go through the pages.
"""
import io
import re

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import func, select

import jobs
from app.extensions import db
from app.models import AuditEvent, ImportRun, Person
from app.tenancy import tenant_context
from tests.conftest import build_app, login
from tests.import_files import people_rows, workbook_bytes

pytestmark = pytest.mark.redis


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, redis_url, monkeypatch):
    """The app with jobs on Redis; the in-process worker runs them in this very app."""
    app = build_app(request, request.param, tmp_path, REDIS_URL=redis_url)
    monkeypatch.setattr(jobs, "worker_app", lambda: app)
    return app


def import_file(client, redis_url, content: bytes) -> str:
    """Upload and start an import through the pages, let a real worker run the job; the run's page URL."""
    uploaded = client.post("/import", data={"entity": "person", "file": (io.BytesIO(content), "farm.xlsx")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    run_url = uploaded.headers["Location"]
    preview = client.get(run_url).get_data(as_text=True)
    mapping = dict(re.findall(r'<select id="(map\.\d+)".*?<option value="([^"]*)" selected>', preview, re.S))
    assert mapping == {"map.0": "name", "map.1": "email", "map.2": "phone", "map.3": "organization",
                       "map.4": "title", "map.5": "notes"}  # guessed from the headers
    assert client.post(f"{run_url}/start", data={**mapping, "duplicates": "skip"}).status_code == 302
    waiting = client.get(f"{run_url}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in waiting  # queued: the page polls
    queue = jobs.queue(redis_url)
    assert queue.count == 1
    SimpleWorker([queue], connection=Redis.from_url(redis_url)).work(burst=True)
    assert queue.count == 0 and queue.failed_job_registry.count == 0
    return run_url


def test_ten_thousand_rows_with_twenty_bad_ones(app, client, make_tenant, redis_url):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    content = workbook_bytes(people_rows(10_000, bad_emails=8, empty_names=6, duplicates=6))

    run_url = import_file(client, redis_url, content)
    result = client.get(f"{run_url}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "9980 records added" in result and "20 bad rows not imported" in result
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalar(select(func.count()).select_from(Person)) == 9_980
        run = db.session.scalars(select(ImportRun)).one()
        assert (run.status, run.created, run.skipped, run.processed) == ("done", 9_980, 0, 10_000)
        reasons = [bad["reason"] for bad in run.bad_rows]
        assert len(reasons) == 20
        assert reasons.count("Email: Enter an email address like name@example.com.") == 8
        assert reasons.count("Name: Give at least a first or a last name.") == 6
        duplicates = [r for r in reasons if r.startswith("Same email as row ")]
        assert len(duplicates) == 6
        assert [bad["row"] for bad in run.bad_rows] == sorted(bad["row"] for bad in run.bad_rows)
        audited = db.session.scalars(select(AuditEvent.channel).where(AuditEvent.action == "person.created")).all()
        assert len(audited) == 9_980 and set(audited) == {"job"}
    csv_text = client.get(f"{run_url}/bad-rows.csv").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 21  # the header and the 20 rows

    again = import_file(client, redis_url, content)
    assert "0 records added" in client.get(f"{again}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalar(select(func.count()).select_from(Person)) == 9_980
        second = db.session.scalars(select(ImportRun).order_by(ImportRun.created_at.desc())).first()
        assert (second.created, second.skipped, len(second.bad_rows)) == (0, 9_980, 20)
