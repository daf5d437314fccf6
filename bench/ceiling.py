"""The ceiling: the least a Python web app can do to answer Roost's people list and name search.

Flask and SQLAlchemy Core, one query per request, JSON out, no templates, no sessions, no tenant guard.
bench/load.py serves it with the same gunicorn settings as Roost, over the same database, so each Roost
figure can be given as a share of what this stack can do at all on this machine.

    gunicorn bench.ceiling:app     # with DATABASE_URL; GET /people?tenant=<id>, /search?tenant=<id>&q=ann
"""
import os
import uuid

from flask import Flask, jsonify, request
from sqlalchemy import Column, MetaData, String, Table, Uuid, create_engine, func, literal_column, or_, select

people = Table("people", MetaData(), Column("id", Uuid), Column("tenant_id", Uuid), Column("first_name", String),
               Column("last_name", String),
               Column("email", String), Column("phone", String), Column("deleted_at", String), schema="tenant")
# Autocommit and no pre-ping: its one read needs neither BEGIN, ROLLBACK nor a ping, so none is sent (Roost
# skips them too: app/connections.py).
engine = create_engine(os.environ["DATABASE_URL"], isolation_level="AUTOCOMMIT")
app = Flask(__name__)
COLUMNS = (people.c.id, people.c.first_name, people.c.last_name, people.c.email, people.c.phone)
SPACE, BLANK = literal_column("' '"), literal_column("''")
# The same expression as Roost's trigram index (app.models.contacts.PERSON_SEARCH.sql), so it is used.
SEARCH = func.lower(people.c.first_name + SPACE + people.c.last_name + SPACE + func.coalesce(people.c.email, BLANK)
                    + SPACE + func.coalesce(people.c.phone, BLANK))


def _tenant():
    """?tenant=<uuid>: its schema, and its id for the indexes that lead with tenant_id (as Roost's queries)."""
    tenant_id = uuid.UUID(request.args["tenant"])
    return tenant_id, f"tenant_{tenant_id.hex}"


def _rows(statement, schema: str):
    with engine.connect().execution_options(schema_translate_map={"tenant": schema}) as connection:
        return [{"id": str(row.id), "first_name": row.first_name, "last_name": row.last_name, "email": row.email,
                 "phone": row.phone} for row in connection.execute(statement)]


@app.get("/people")
def list_people():
    """50 people of one tenant by name."""
    tenant_id, schema = _tenant()
    return jsonify(_rows(select(*COLUMNS).where(people.c.tenant_id == tenant_id, people.c.deleted_at.is_(None))
                         .order_by(func.lower(people.c.last_name), func.lower(people.c.first_name), people.c.id)
                         .limit(50), schema))


@app.get("/search")
def search_people():
    """Up to 50 people whose names, email or phone contain the fragment; one of one or two letters where a word
    starts, as Roost looks for it (no trigram is that short: the index serves a word's start, not `%sm%`)."""
    fragment = request.args.get("q", "").lower()
    tenant_id, schema = _tenant()
    found = (or_(SEARCH.like(f"{fragment}%"), SEARCH.like(f"% {fragment}%")) if len(fragment) < 3
             else SEARCH.like(f"%{fragment}%"))
    # Ordered as Roost orders a search (app/services/contact_lists.matches_first): the matches read through the
    # trigram index, then sorted, rather than a walk in name order that finds late matches after most of the tenant;
    # so, as Roost's, it may be planned once for any fragment (psycopg prepares it at its fifth run).
    last_name = func.lower(people.c.last_name)
    return jsonify(_rows(select(*COLUMNS).where(people.c.tenant_id == tenant_id, people.c.deleted_at.is_(None),
                                                found)
                         .order_by(func.coalesce(last_name, last_name), func.lower(people.c.first_name), people.c.id)
                         .limit(50), schema))
