"""Importing a spreadsheet in the background, one committed batch at a time."""
import logging

from flask_babel import gettext as _

from app.errors import Conflict
from app.extensions import db
from app.services import imports

log = logging.getLogger("roost.jobs")


def run_import(ctx, *, run_id: str) -> None:
    """Import a queued run; each batch is committed so the user sees progress and keeps what was done."""
    try:
        for run in imports.import_batches(ctx, run_id=run_id):
            db.session.commit()
            log.info("import %s: %d of %d rows", run_id, run.processed, run.total)
    except Conflict:  # the run is not waiting (a job delivered twice): leave it as it is
        log.warning("import %s was not waiting to run", run_id)
    except Exception:
        # The run says it failed (the user sees it on its page); earlier batches stay imported.
        log.exception("import %s failed", run_id)
        db.session.rollback()
        imports.fail(ctx, run_id=run_id, message=_("The import stopped because of an error on our side. "
                                                   "The rows counted so far were imported."))
        db.session.commit()
