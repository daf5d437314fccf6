"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
import gc

from app import create_app

app = create_app()

# What start-up made (~250k objects: modules, the app, SQLAlchemy's and Jinja's caches) lives as long as
# the process. Frozen, the collector's full passes skip it: unfrozen, each one paused a request for
# 120-150 ms. Young collections every 10,000 allocations instead of 700 halve their count on a page of
# 50 rows. Both measured in bench/README.md.
gc.freeze()
gc.set_threshold(10_000, 10, 10)
