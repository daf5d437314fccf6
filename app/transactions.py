"""How a door ends its transaction: commit what it wrote; close one that wrote nothing, without a commit.

A commit expires every loaded object and runs the after-commit hooks: for a request that only read,
both are waste, and closing the session ends its transaction (the connection rolls back) as surely.

A transaction counts as having written when any of these holds:
- a statement other than a plain SELECT ran on its connection: ORM flushes, ORM or Core DML, text()
  or driver SQL, DDL, savepoints, a SELECT with a data-modifying CTE. Seen at the cursor, so SQL sent
  on the session's connection directly counts too. SELECT ... FOR UPDATE does not count: a rollback
  releases its locks as a commit does; nor does nextval(): sequences ignore both.
- the session holds changes not flushed yet;
- work waits for the commit in `session.info` (jobs to enqueue, files to delete): modules that queue
  such work name its key with `waits_for_commit`.

On PostgreSQL the app's connections run in autocommit (app/connections.py) and a unit of work opens
its database transaction only at its first statement that needs one: anything but a plain SELECT, and a
SELECT that locks rows. Plain reads before it each run alone, which READ COMMITTED gives them anyway
(every statement of a transaction takes its own snapshot), so a unit that only reads costs neither
BEGIN nor ROLLBACK, and what a unit writes, or locks, still commits or rolls back as one.
"""
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, scoped_session

WRITE_LOG = "write_log"  # session.info and connection execution option: this transaction's WriteLog
# Engine execution option of an engine whose connections run in autocommit: open a transaction before the
# first statement that needs one. A connection that names its own isolation level gets just that.
BEGIN_AT_FIRST_WRITE = "begin_at_first_write"
_AFTER_COMMIT_KEYS: set[str] = set()


class WriteLog:
    """Whether a transaction sent anything but plain SELECTs; one per transaction."""

    __slots__ = ("wrote",)

    def __init__(self):
        self.wrote = False


def waits_for_commit(info_key: str) -> None:
    """Declare a `session.info` key under which a module queues work for its after-commit hook."""
    _AFTER_COMMIT_KEYS.add(info_key)


def wrote(session: Session) -> bool:
    """Whether ending `session`'s transaction needs a commit."""
    log = session.info.get(WRITE_LOG)
    return bool((log is not None and log.wrote) or session.new or session.dirty or session.deleted
                or any(session.info.get(key) for key in _AFTER_COMMIT_KEYS))


def finish(session) -> None:
    """End a successful unit of work: commit if it wrote, otherwise close the session."""
    session = session() if isinstance(session, scoped_session) else session
    if wrote(session):
        session.commit()
    else:
        session.close()


@event.listens_for(Session, "after_begin")
def _start_log(session, transaction, connection):
    log = session.info.setdefault(WRITE_LOG, WriteLog())
    connection.execution_options(write_log=log)  # in place: every statement of this transaction sees it


@event.listens_for(Session, "after_transaction_end")
def _drop_log(session, transaction):
    if transaction.parent is None:  # a savepoint's end leaves its transaction's log alone
        session.info.pop(WRITE_LOG, None)


# Dialect events, not the engine's: an engine listener switches on event dispatch at every step of
# every execution (about fifty Python calls a statement); these three are the only ones dispatched.
@event.listens_for(Dialect, "do_execute")
@event.listens_for(Dialect, "do_executemany")
def _note_write(cursor, statement, parameters, context):
    _note(cursor, context)


@event.listens_for(Dialect, "do_execute_no_params")
def _note_write_no_params(cursor, statement, context):
    _note(cursor, context)


def _note(cursor, context) -> None:
    options, compiled = context.execution_options, context.compiled
    reads_only = _reads_only(compiled)
    if options.get(BEGIN_AT_FIRST_WRITE) and "isolation_level" not in options:
        locks = reads_only and getattr(compiled.statement, "_for_update_arg", None) is not None
        if (locks or not reads_only) and cursor.connection.info.transaction_status == TransactionStatus.IDLE:
            cursor.execute("BEGIN")
    log = options.get(WRITE_LOG)
    if log is not None and not log.wrote and not reads_only:
        log.wrote = True


def _reads_only(compiled) -> bool:
    if compiled is None or not getattr(compiled.statement, "is_select", False):
        return False
    return not any(cte.element.is_dml for cte in compiled.ctes or ())
