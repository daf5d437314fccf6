"""/api/v1/pipelines with their stages; admins and heads manage both."""
from flask import g

from app.api.operations import operation
from app.schemas import api_outputs as out
from app.schemas.api_inputs import api_input
from app.schemas.deals import PipelineInput, StageInput
from app.services import pipelines

StageCreate = api_input(StageInput, "StageCreate")
StageUpdate = api_input(StageInput, "StageUpdate", partial=True)
TAG = "Pipelines"


@operation("GET", "/pipelines", summary="List pipelines", tag=TAG, response=out.Page[out.Pipeline])
def list_pipelines():
    """Every pipeline with its stages in order (one page: next_cursor is always null)."""
    return pipelines.list_pipelines(g.ctx), None


@operation("GET", "/pipelines/<uuid:pipeline_id>", summary="Get a pipeline", tag=TAG, response=out.Pipeline)
def get_pipeline(pipeline_id):
    """A pipeline with its stages in order."""
    return pipelines.get_pipeline(g.ctx, pipeline_id=pipeline_id)


@operation("POST", "/pipelines", summary="Create a pipeline", tag=TAG, permission="pipeline:manage",
           body=PipelineInput, response=out.Pipeline, status=201)
def create_pipeline(data, version):
    """A new pipeline after the others, starting with the usual stages (change them with /stages)."""
    return pipelines.create_pipeline(g.ctx, data=data)


@operation("PATCH", "/pipelines/<uuid:pipeline_id>", summary="Rename a pipeline", tag=TAG,
           permission="pipeline:manage", body=PipelineInput, response=out.Pipeline)
def rename_pipeline(pipeline_id, data, version):
    """A pipeline has only its name to change; its stages change with /stages."""
    return pipelines.rename_pipeline(g.ctx, pipeline_id=pipeline_id, data=data)


@operation("DELETE", "/pipelines/<uuid:pipeline_id>", summary="Delete a pipeline", tag=TAG,
           permission="pipeline:manage")
def delete_pipeline(pipeline_id):
    """Only a pipeline without deals (trashed ones count), and not the last one: otherwise 409."""
    pipelines.delete_pipeline(g.ctx, pipeline_id=pipeline_id)


@operation("POST", "/pipelines/<uuid:pipeline_id>/stages", summary="Add a stage", tag=TAG,
           permission="pipeline:manage", body=StageCreate, response=out.Stage, status=201)
def add_stage(pipeline_id, data, version):
    """An open stage goes before the won and lost stages, a closing one at the end."""
    return pipelines.add_stage(g.ctx, pipeline_id=pipeline_id, data=data)


@operation("PATCH", "/stages/<uuid:stage_id>", summary="Update a stage", tag=TAG, permission="pipeline:manage",
           body=StageUpdate, response=out.Stage)
def update_stage(stage_id, data, version):
    """Only the settings sent change; changing `kind` closes or reopens the stage's deals."""
    return pipelines.update_stage(g.ctx, stage_id=stage_id, data=data)


@operation("DELETE", "/stages/<uuid:stage_id>", summary="Delete a stage", tag=TAG, permission="pipeline:manage")
def delete_stage(stage_id):
    """Only a stage without deals (trashed ones count), and not a pipeline's last: otherwise 409."""
    pipelines.delete_stage(g.ctx, stage_id=stage_id)
