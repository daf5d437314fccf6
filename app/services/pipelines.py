"""Pipelines and their stages."""
import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Deal, Pipeline, Stage
from app.models.base import utcnow
from app.permissions import require
from app.services import audit, tenant_settings

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
    return _new_pipeline(_("Sales"), position=0)


def _new_pipeline(name: str, *, position: int) -> Pipeline:
    """A pipeline with the usual stages, to rename and change afterwards."""
    pipeline = Pipeline(name=name, position=position)
    pipeline.stages = [Stage(name=stage, color=color, probability=probability, kind=kind, position=index)
                       for index, (stage, color, probability, kind) in enumerate(DEFAULT_STAGES)]
    db.session.add(pipeline)
    db.session.flush()
    return pipeline


def list_pipelines(ctx) -> list[Pipeline]:
    """The tenant's pipelines with their stages, in order."""
    return list(db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.name)))


@dataclass(frozen=True)
class StageSpec:
    """A stage as the board and the dashboard show it: plain data a process may keep between requests."""

    id: uuid.UUID
    pipeline_id: uuid.UUID
    name: str
    color: str
    probability: int
    kind: str


@dataclass(frozen=True)
class PipelineSpec:
    id: uuid.UUID
    name: str
    stages: tuple[StageSpec, ...]


tenant_settings.watch(Pipeline)
tenant_settings.watch(Stage)


def pipeline_layout(ctx) -> tuple[PipelineSpec, ...]:
    """list_pipelines() for reading only (the board, the dashboard): in one statement, and kept per process
    until a pipeline or a stage changes."""
    def load():
        rows = db.session.execute(
            select(Pipeline.id, Pipeline.name, *tenant_settings.spec_columns(Stage, StageSpec))
            .outerjoin(Stage, Stage.pipeline_id == Pipeline.id)
            .order_by(Pipeline.position, Pipeline.name, Pipeline.id, Stage.position))
        layout: dict[uuid.UUID, tuple[str, list[StageSpec]]] = {}
        for pipeline_id, name, *stage in rows:
            stages = layout.setdefault(pipeline_id, (name, []))[1]
            if stage[0] is not None:  # a pipeline with no stages yet
                stages.append(StageSpec(*stage))
        return tuple(PipelineSpec(pipeline_id, name, tuple(stages)) for pipeline_id, (name, stages) in layout.items())
    return tenant_settings.read(ctx, "pipelines", load)


def get_stage(ctx, stage_id, *, pipeline_id=None) -> Stage:
    """A stage of the tenant (of `pipeline_id` when given)."""
    stmt = select(Stage).where(Stage.id == stage_id)
    if pipeline_id is not None:
        stmt = stmt.where(Stage.pipeline_id == pipeline_id)
    stage = db.session.scalar(stmt)
    if stage is None:
        raise NotFound(_("This stage does not exist in the pipeline."))
    return stage


# --- managing pipelines and stages (admins and heads) ---------------------------------------

def create_pipeline(ctx, *, data) -> Pipeline:
    """Add a pipeline after the others, starting with the usual stages."""
    require(ctx, "pipeline:manage")
    pipeline = _new_pipeline(data.name, position=db.session.scalar(select(func.count()).select_from(Pipeline)))
    audit.record(ctx, "pipeline.created", pipeline, {"name": (None, pipeline.name)})
    return pipeline


def rename_pipeline(ctx, *, pipeline_id, data) -> Pipeline:
    """Give a pipeline another name."""
    require(ctx, "pipeline:manage")
    return audit.apply_changes(ctx, get_pipeline(ctx, pipeline_id=pipeline_id), {"name": data.name},
                               event="pipeline.updated")


def delete_pipeline(ctx, *, pipeline_id) -> None:
    """Delete a pipeline that holds no deals (trashed ones count) and is not the last one."""
    require(ctx, "pipeline:manage")
    pipeline = get_pipeline(ctx, pipeline_id=pipeline_id)
    deals = db.session.scalar(select(func.count()).select_from(Deal).where(Deal.pipeline_id == pipeline.id)
                              .execution_options(include_deleted=True))
    if deals:
        raise Conflict(ngettext("%(pipeline)s still has %(num)d deal. Move it to another pipeline first.",
                                "%(pipeline)s still has %(num)d deals (some may be in the trash). "
                                "Move them to another pipeline first.", deals, pipeline=pipeline.name))
    if db.session.scalar(select(func.count()).select_from(Pipeline)) == 1:
        raise Conflict(_("There must be at least one pipeline."))
    audit.record(ctx, "pipeline.deleted", pipeline, {"name": (pipeline.name, None)})
    db.session.delete(pipeline)
    db.session.flush()


def get_pipeline(ctx, *, pipeline_id) -> Pipeline:
    """One pipeline of the tenant with its stages."""
    pipeline = db.session.scalar(select(Pipeline).where(Pipeline.id == pipeline_id))
    if pipeline is None:
        raise NotFound(_("This pipeline does not exist."))
    return pipeline


def update_stage(ctx, *, stage_id, data) -> Stage:
    """Rename a stage, or change its colour, usual probability or kind."""
    require(ctx, "pipeline:manage")
    stage = get_stage(ctx, stage_id)
    changes = audit.diff(stage, data.model_dump(exclude_unset=True))
    if "kind" in changes:
        changes["deals_changed"] = (None, _follow_kind(ctx, stage))
    if changes:
        db.session.flush()
        audit.record(ctx, "stage.updated", stage, changes)
    return stage


def _follow_kind(ctx, stage: Stage) -> int:
    """The deals of a stage whose kind changed take its status (won, lost or open again); returns how many."""
    status = stage.kind if stage.kind in ("won", "lost") else "open"
    changed = 0
    for deal in db.session.scalars(select(Deal).where(Deal.stage_id == stage.id, Deal.status != status)):
        deal.status = status
        deal.closed_at = utcnow() if status != "open" else None
        if status == "open":
            deal.lost_reason = None
        changed += 1
    return changed


def add_stage(ctx, *, pipeline_id, data) -> Stage:
    """Add a stage: an open one goes before the closing (won/lost) stages, a closing one at the end."""
    require(ctx, "pipeline:manage")
    pipeline = get_pipeline(ctx, pipeline_id=pipeline_id)
    stages = list(pipeline.stages)
    index = len(stages)
    if data.kind == "open":
        index = next((i for i, s in enumerate(stages) if s.kind != "open"), len(stages))
    stage = Stage(pipeline_id=pipeline.id, **data.model_dump())
    stages.insert(index, stage)
    db.session.add(stage)
    _renumber(stages)
    db.session.flush()
    audit.record(ctx, "stage.created", stage, {"name": (None, stage.name), "position": (None, stage.position)})
    return stage


def move_stage(ctx, *, stage_id, offset: int) -> Stage:
    """Move a stage up (offset -1) or down (+1) in its pipeline."""
    require(ctx, "pipeline:manage")
    stage = get_stage(ctx, stage_id)
    stages = list(db.session.scalars(select(Stage).where(Stage.pipeline_id == stage.pipeline_id)
                                     .order_by(Stage.position, Stage.created_at)))
    index = stages.index(stage)
    target = max(0, min(len(stages) - 1, index + offset))
    if target == index:
        return stage
    before = stage.position
    stages.insert(target, stages.pop(index))
    _renumber(stages)
    db.session.flush()
    audit.record(ctx, "stage.moved", stage, {"position": (before, stage.position)})
    return stage


def delete_stage(ctx, *, stage_id) -> None:
    """Delete a stage that holds no deals (trashed ones count: restoring them needs their stage)."""
    require(ctx, "pipeline:manage")
    stage = get_stage(ctx, stage_id)
    in_stage = db.session.scalar(select(func.count()).select_from(Deal).where(Deal.stage_id == stage.id)
                                 .execution_options(include_deleted=True))
    if in_stage:
        raise Conflict(ngettext("%(stage)s still has %(num)d deal. Move it to another stage first.",
                                "%(stage)s still has %(num)d deals (some may be in the trash). "
                                "Move them to another stage first.", in_stage, stage=stage.name))
    siblings = list(db.session.scalars(select(Stage).where(Stage.pipeline_id == stage.pipeline_id, Stage.id != stage.id)
                                       .order_by(Stage.position, Stage.created_at)))
    if not siblings:
        raise Conflict(_("A pipeline needs at least one stage."))
    audit.record(ctx, "stage.deleted", stage, {"name": (stage.name, None)})
    db.session.delete(stage)
    _renumber(siblings)
    db.session.flush()


def _renumber(stages) -> None:
    for position, stage in enumerate(stages):
        if stage.position != position:
            stage.position = position
