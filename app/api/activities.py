"""/api/v1/activities: calls, emails, meetings, notes and tasks on a contact, organization, lead or deal."""
from flask import g

from app.api.operations import operation
from app.schemas import api_outputs as out
from app.schemas.activities import ActivityCreate, ActivityUpdate
from app.schemas.api_inputs import ActivityQuery, api_input
from app.services import activities, activity_lists

ActivityChange = api_input(ActivityUpdate, "ActivityChange", partial=True)
TAG = "Activities"


@operation("GET", "/activities", summary="List activities", tag=TAG, permission="contact:read",
           query=ActivityQuery, response=out.Page[out.Activity])
def list_activities(args):
    """Most recent first; filter by the record they are on, kind, assignee or change time.
    Activities on deals and leads show only to roles that may read those."""
    return activity_lists.list_activities(g.ctx, filters=activity_lists.ActivityFilter(
        person_id=args.person_id, organization_id=args.organization_id, lead_id=args.lead_id,
        deal_id=args.deal_id, kind=args.kind, assignee_id=args.assignee_id, updated_since=args.updated_since),
        after=args.cursor, limit=args.limit)


@operation("POST", "/activities", summary="Log an activity or set a task", tag=TAG, permission="activity:write",
           body=ActivityCreate, response=out.Activity, status=201,
           example={"kind": "call", "subject": "Intro call", "person_id": "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
                    "duration_minutes": 15})
def log_activity(data, version):
    """Give at least one of person_id, organization_id, lead_id, deal_id (a task may have none); a task needs
    due_at and goes to assignee_id (default: you). Times without a zone are in the organization's time zone."""
    return activities.log_activity(g.ctx, data=data)


@operation("GET", "/activities/<uuid:activity_id>", summary="Get an activity", tag=TAG, permission="contact:read",
           response=out.Activity)
def get_activity(activity_id):
    """One activity, if your role may read the records it is on."""
    return activities.read_activity(g.ctx, activity_id=activity_id)


@operation("PATCH", "/activities/<uuid:activity_id>", summary="Update an activity", tag=TAG,
           permission="activity:write", body=ActivityChange, response=out.Activity)
def update_activity(activity_id, data, version):
    """Only the fields sent change; its kind and the records it is on stay."""
    activities.read_activity(g.ctx, activity_id=activity_id)
    return activities.update_activity(g.ctx, activity_id=activity_id, data=data)


@operation("DELETE", "/activities/<uuid:activity_id>", summary="Delete an activity", tag=TAG,
           permission="activity:write")
def delete_activity(activity_id):
    """The activity goes to the trash (restorable for 30 days)."""
    activities.read_activity(g.ctx, activity_id=activity_id)
    activities.delete_activity(g.ctx, activity_id=activity_id)


@operation("POST", "/activities/<uuid:activity_id>/complete", summary="Mark a task done", tag=TAG,
           permission="activity:write", response=out.Activity)
def complete_task(activity_id):
    """Only tasks can be done (422 otherwise); marking a done task again changes nothing."""
    activities.read_activity(g.ctx, activity_id=activity_id)
    return activities.complete_task(g.ctx, activity_id=activity_id)
