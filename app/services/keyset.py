"""Keyset pagination: the rows after the last one shown, in (sort key, id) order; never OFFSET."""
import uuid

from sqlalchemy import and_, or_


def ordered_after(stmt, key, id_column, last=None, *, descending: bool):
    """`stmt` ordered by (key, id) and, when `last` = (key, id) is given, starting after that row."""
    if last is not None:
        last_key, last_id = last
        if descending:
            stmt = stmt.where(or_(key < last_key, and_(key == last_key, id_column < last_id)))
        else:
            stmt = stmt.where(or_(key > last_key, and_(key == last_key, id_column > last_id)))
    return stmt.order_by(*((key.desc(), id_column.desc()) if descending else (key.asc(), id_column.asc())))


def cut(rows, limit: int):
    """(the page, its last row when more follow, else None) from the `limit` + 1 rows a query fetched."""
    rows = list(rows)
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]
    return rows, None


def read_cursor(raw: str | None, read_key) -> tuple | None:
    """The (key, id) of a "key|id" cursor from a URL; None when missing or garbled."""
    if not raw:
        return None
    raw_key, _sep, raw_id = raw.rpartition("|")
    try:
        return read_key(raw_key), uuid.UUID(raw_id)
    except (ValueError, ArithmeticError):
        return None


def write_cursor(key: str, row_id) -> str:
    """The "key|id" cursor of the last row shown, for the "Show more" link."""
    return f"{key}|{row_id}"
