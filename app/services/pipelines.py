"""Pipelines and their stages."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import NotFound
from app.extensions import db
from app.models import Pipeline, Stage

# (name, colour, probability, kind): the pipeline every new tenant starts with.
DEFAULT_STAGES = (
    ("Lead", "#64748b", 10, "open"),
    ("Qualified", "#2563eb", 25, "open"),
    ("Proposal", "#7c3aed", 50, "open"),
    ("Negotiation", "#d97706", 75, "open"),
    ("Closed Won", "#15803d", 100, "won"),
    ("Closed Lost", "#b91c1c", 0, "lost"),
)


def create_default_pipeline(ctx) -> Pipeline:
    """The sales pipeline a new tenant gets (no permission check: part of creating the tenant)."""
    pipeline = Pipeline(name=_("Sales"), position=0)
    pipeline.stages = [Stage(name=name, color=color, probability=probability, kind=kind, position=position)
                       for position, (name, color, probability, kind) in enumerate(DEFAULT_STAGES)]
    db.session.add(pipeline)
    db.session.flush()
    return pipeline


def list_pipelines(ctx) -> list[Pipeline]:
    """The tenant's pipelines with their stages, in order."""
    return list(db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.name)))


def get_stage(ctx, stage_id, *, pipeline_id=None) -> Stage:
    """A stage of the tenant (of `pipeline_id` when given)."""
    stmt = select(Stage).where(Stage.id == stage_id)
    if pipeline_id is not None:
        stmt = stmt.where(Stage.pipeline_id == pipeline_id)
    stage = db.session.scalar(stmt)
    if stage is None:
        raise NotFound(_("This stage does not exist in the pipeline."))
    return stage
