"""Declarative base, column types and the mixins shared by all models."""
import uuid
import weakref
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import JSON, DateTime, Index, MetaData, TypeDecorator, Uuid, func, literal_column, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Tenant-owned tables carry this placeholder schema. On PostgreSQL the session's
# schema_translate_map turns it into the tenant's own schema; on SQLite into none.
TENANT_SCHEMA = "tenant"

def json_type():
    """JSON, as JSONB on PostgreSQL. A new instance each time: Mutable* wrappers bind to the instance."""
    return JSON().with_variant(JSONB(), "postgresql")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: store times in UTC with tzinfo")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


# Per statement object, the statements made of it (by the do_orm_execute hooks of app/tenancy.py and
# app/models/records.py, and by keyset pages), kept while the statement lives.
_DERIVED = weakref.WeakKeyDictionary()


def derived(statement, key, make):
    """`make(statement)`, made once per statement object and `key`.

    Each new statement object makes SQLAlchemy walk the whole of it for its cache key: a sixth of running a
    statement built once (a module's constant). Given the same statement object, this returns the same
    statement made of it, whose cache key is already made."""
    made = _DERIVED.get(statement)
    if made is None:
        made = _DERIVED[statement] = {}
    result = made.get(key)
    if result is None:
        result = made[key] = make(statement)
    return result


def with_option(statement, option):
    """`statement.options(option)`, made once per statement object and option (derived)."""
    return derived(statement, option, lambda made_from: made_from.options(option))


class Base(DeclarativeBase):
    """Every model's base; constraint names are fixed so migrations stay stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    """A UUID primary key: exports restore anywhere and ids reveal nothing."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    """created_at / updated_at in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class TenantOwned(IdMixin):
    """A row that belongs to one tenant: lives in the tenant's schema and is guarded by tenancy.py.

    Subclasses set `__table_args__ = tenant_table_args(...)` so the table lands in the
    placeholder schema; composite indexes lead with tenant_id.
    """

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)


def tenant_table_args(*constraints) -> tuple:
    """__table_args__ for a tenant-owned table: its constraints plus the placeholder schema."""
    return (*constraints, {"schema": TENANT_SCHEMA})


# The statistics ANALYZE keeps of a searched expression (an index's `info["statistics"]`; PostgreSQL's default
# is 100). From 100 values PostgreSQL guessed that 2% of 10,000 people match "smi" where 15 do, so it read the
# whole tenant in name order for a first page of 50 (19 ms) instead of asking the trigram index (0.7 ms).
SEARCH_STATISTICS = 1000
# A GIN index keeps new rows in a pending list until a vacuum merges them or the list outgrows this limit, and
# every search reads the whole list. At PostgreSQL's default of 4 MB the search index of a tenant of 10,000 people
# held 2,625 new ones after a load run, and each search took 30–45 ms instead of 3–10. 64 kB, the least allowed,
# keeps a few dozen rows waiting; the insert that fills it merges them.
SEARCH_INDEX_OPTIONS = {"gin_pending_list_limit": 64}


def trigram_index(table: str, column: str) -> Index:
    """A PostgreSQL trigram index on lower(column): `lower(column) LIKE '%fragment%'` uses it.
    SQLite gets none (it has no pg_trgm); the extension lives in the public schema."""
    return trigram_index_on(f"ix_{table}_trgm_{column}", f"lower({column})")


def trigram_index_on(name: str, expression: str) -> Index:
    """A PostgreSQL trigram index named `name` on an SQL expression; every search index shares
    these options, so a search reads a bounded pending list (see SEARCH_INDEX_OPTIONS)."""
    return Index(name, text(f"{expression} gin_trgm_ops"),
                 postgresql_using="gin", postgresql_with=SEARCH_INDEX_OPTIONS,
                 info={"statistics": SEARCH_STATISTICS}).ddl_if(dialect="postgresql")


class SearchText(NamedTuple):
    """What a record's search box matches: its columns as one lower-cased text, `always` (never NULL) then `maybe`
    (NULL read as ''), a space between. One trigram index holds it (`index`), and a query compares the same
    expression (`of`): a condition per search word that the index serves, where a condition per column made
    PostgreSQL read the whole table as soon as one column had no index of its own."""
    always: tuple[str, ...]
    maybe: tuple[str, ...]

    @property
    def sql(self) -> str:
        """The expression in SQL, as the index (and a migration creating it) writes it."""
        return "lower(" + " || ' ' || ".join((*self.always, *(f"coalesce({c}, '')" for c in self.maybe))) + ")"

    def index(self, table: str) -> Index:
        return trigram_index_on(f"ix_{table}_trgm_search", self.sql)

    def of(self, model):
        """The expression over `model`'s columns; it renders as `sql`, so PostgreSQL matches it to the index."""
        space, blank = literal_column("' '"), literal_column("''")
        first, *rest = (*(getattr(model, c) for c in self.always),
                        *(func.coalesce(getattr(model, c), blank) for c in self.maybe))
        joined = first
        for part in rest:
            joined = joined + space + part
        return func.lower(joined)


class Searchable:
    """A record with a search box; `__search__` (a SearchText) says what its words are looked for in."""

    __search__: SearchText

    @classmethod
    def search_text(cls):
        """What a search word must occur in: the `__search__` columns as one lower-cased text."""
        return cls.__search__.of(cls)


def partial_index(name: str, *columns, where: str) -> Index:
    """An index over the rows matching `where` (SQL text) only, on PostgreSQL and SQLite alike.
    A query uses it when its own conditions include `where` written the same way, as literals."""
    return Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))


def tags_index(table: str) -> Index:
    """A PostgreSQL GIN index on a record's tags: the tag filter (`tags @> '["vip"]'`) looks it up
    instead of reading every record of the tenant. SQLite has no JSON index of this kind."""
    return Index(f"ix_{table}_tags", "tags", postgresql_using="gin",
                 postgresql_ops={"tags": "jsonb_path_ops"}).ddl_if(dialect="postgresql")


def tenant_fk(table_column: str) -> str:
    """A foreign key target inside the tenant's schema, e.g. tenant_fk("contacts.id")."""
    return f"{TENANT_SCHEMA}.{table_column}"
