"""The MCP tools: each call acts as the token's user, in one transaction, through the services.

A tool turns its arguments into an input schema of app/schemas, calls a service inside
`tenant_context(..., channel="mcp")` (committed when the call succeeds, rolled back when it
fails) and returns plain JSON. Domain errors become tool errors with the human message.
"""
import inspect
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from flask import Flask
from flask_babel import gettext as _
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from app.errors import DomainError, Invalid
from app.mcp import results
from app.models import Stage
from app.models.activities import ACTIVITY_KINDS
from app.permissions import can, require
from app.schemas.activities import ActivityCreate
from app.schemas.base import validate
from app.schemas.contacts import PersonInput
from app.schemas.deals import DealCreate
from app.services import activities, deals, organizations, people, pipelines, users
from app.services.people import DuplicatePerson
from app.tenancy import TenantContext, tenant_context

# Services name a person `person`; the tools, like the issue and the API, call them contacts.
PARAMETER_NAMES = {"person_id": "contact_id", "custom": "custom_fields"}

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
# MCP assumes a writing tool is destructive unless it says otherwise.
ADD = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
CHANGE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
DESTROY = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


@dataclass(frozen=True)
class Caller:
    """Who calls the tools: the user (and tenant) of a personal access token."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID


Id = Annotated[str, Field(description="A record's id (a UUID, as other tools return it).")]
OptionalId = Annotated[str | None, Field(description="A record's id (a UUID), or leave out.")]
Text = Annotated[str | None, Field(description="Leave out to keep; an empty string clears it.")]
Moment = Annotated[str | None, Field(
    description="ISO 8601, e.g. 2026-01-31T09:30 (the organisation's time zone) or 2026-01-31T09:30:00Z.")]
Confirm = Annotated[bool, Field(description="Must be true: the person using the assistant has agreed to this.")]


class Tools:
    """The tools of one Flask app; `identify(context)` tells which Caller a request comes from."""

    def __init__(self, app: Flask, identify: Callable[[Context], Caller]):
        self.app = app
        self.identify = identify

    @contextmanager
    def acting(self, context: Context) -> Iterator[TenantContext]:
        """One unit of work as the caller, through the mcp door; domain errors become tool errors."""
        caller = self.identify(context)
        try:
            with self.app.app_context(), tenant_context(caller.tenant_id, channel="mcp",
                                                        user_id=caller.user_id) as ctx:
                yield ctx
        except DomainError as error:
            raise ToolError(error.summary(PARAMETER_NAMES)) from None

    # --- contacts ---------------------------------------------------------------------------------

    def search_contacts(
        self, context: Context,
        query: Annotated[str, Field(description="Words found in a name, email or phone number; "
                                                "empty lists everyone by name.")] = "",
        tag: Annotated[str | None, Field(description="Only contacts with this tag.")] = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> dict[str, Any]:
        """Find contacts (people) by name, email or phone; returns their ids for the other tools."""
        with self.acting(context) as ctx:
            found, more = people.list_people(ctx, q=query, tag=tag or None, limit=limit)
            return {"contacts": _contacts(ctx, found), "more": more is not None}

    def get_contact(
        self, context: Context, contact_id: Id,
        timeline_limit: Annotated[int, Field(ge=0, le=100, description="How many recent timeline entries.")] = 20,
    ) -> dict[str, Any]:
        """One contact with all their fields, their deals and their recent timeline (calls, emails, notes, tasks)."""
        with self.acting(context) as ctx:
            person = people.get_person(ctx, person_id=contact_id)
            result = _contacts(ctx, [person], details=True)[0]
            if timeline_limit:
                page = activities.timeline_of(ctx, person, limit=timeline_limit)
                result["timeline"] = [results.activity(item, users=page.names, link=page.link_of(item))
                                      for item in page.items]
                result["older_timeline"] = page.next_cursor is not None
            if can(ctx, "deal:read"):
                result["deals"] = [results.deal(item) for item in deals.list_for(ctx, person_id=person.id)]
            return result

    def create_contact(
        self, context: Context,
        first_name: str = "", last_name: str = "",
        email: str | None = None, phone: str | None = None, title: str | None = None,
        organization_id: OptionalId = None,
        owner_id: Annotated[str | None, Field(description="The user who owns the contact; default: you.")] = None,
        tags: list[str] | None = None, notes: str | None = None,
        custom_fields: Annotated[dict[str, Any] | None, Field(
            description="Custom field values by key, as get_contact shows them.")] = None,
        create_anyway: Annotated[bool, Field(
            description="Add the contact even though one with the same email or phone exists.")] = False,
    ) -> dict[str, Any]:
        """Add a contact (a person; give at least a first or a last name). A known email or phone is refused
        unless create_anyway is true, naming the existing contact."""
        given = _given(first_name=first_name, last_name=last_name, email=email, phone=phone, title=title,
                       organization_id=organization_id, owner_id=owner_id, tags=tags, notes=notes,
                       custom=custom_fields, create_anyway=create_anyway)
        with self.acting(context) as ctx:
            try:
                person = people.create_person(ctx, data=validate(PersonInput, given))
            except DuplicatePerson as duplicate:
                raise ToolError(_("%(message)s Its id is %(id)s; use it, or pass create_anyway: true.",
                                  message=duplicate.message, id=duplicate.existing.id)) from None
            return _contacts(ctx, [person], details=True)[0]

    def update_contact(
        self, context: Context, contact_id: Id,
        first_name: str | None = None, last_name: str | None = None,
        email: Text = None, phone: Text = None, title: Text = None,
        organization_id: Annotated[str | None, Field(description="An organisation's id; empty string: none.")] = None,
        owner_id: Annotated[str | None, Field(description="A user's id; empty string: nobody.")] = None,
        tags: Annotated[list[str] | None, Field(description="Replaces all the tags.")] = None,
        notes: Text = None,
        custom_fields: Annotated[dict[str, Any] | None, Field(
            description="Custom field values to change, by key; others stay.")] = None,
    ) -> dict[str, Any]:
        """Change some fields of a contact; only the fields given change."""
        given = _given(first_name=first_name, last_name=last_name, email=email, phone=phone, title=title,
                       organization_id=organization_id, owner_id=owner_id, tags=tags, notes=notes,
                       custom=custom_fields)
        with self.acting(context) as ctx:
            person = people.update_person(ctx, person_id=contact_id, data=validate(PersonInput, given), version=None)
            return _contacts(ctx, [person], details=True)[0]

    def delete_contact(self, context: Context, contact_id: Id, confirm: Confirm = False) -> dict[str, Any]:
        """Move a contact, with their activities and files, to the trash (restorable from the trash for 30 days).
        Destructive: refused unless confirm is true."""
        with self.acting(context) as ctx:
            person = people.get_person(ctx, person_id=contact_id)
            require(ctx, "contact:delete")  # refuse before asking for a confirmation that cannot help
            if not confirm:
                raise Invalid(_("Nothing was deleted. This would move %(name)s, with their activities and files, "
                                "to the trash. Ask the user, then call again with confirm: true.", name=person.name))
            people.delete_person(ctx, person_id=person.id)
            return {"deleted": str(person.id), "name": person.name,
                    "message": _("%(name)s was moved to the trash.", name=person.name)}

    # --- activities and tasks ---------------------------------------------------------------------

    def log_activity(
        self, context: Context,
        kind: Literal[ACTIVITY_KINDS],  # type: ignore[valid-type]
        subject: Annotated[str, Field(description="A one-line summary, e.g. 'Called about the renewal'.")],
        contact_id: OptionalId = None, organization_id: OptionalId = None,
        deal_id: OptionalId = None, lead_id: OptionalId = None,
        body: str | None = None,
        occurred_at: Annotated[Moment, Field(description="When it happened; default: now.")] = None,
        duration_minutes: Annotated[int | None, Field(ge=0)] = None,
        outcome: Annotated[str | None, Field(description="e.g. 'Left a voicemail'.")] = None,
        due_at: Annotated[Moment, Field(description="Tasks only, required for them: when it is due.")] = None,
        assignee_id: Annotated[str | None, Field(description="Tasks only: who must do it; default: you.")] = None,
    ) -> dict[str, Any]:
        """Log a call, email, meeting or note on a contact, organisation, deal or lead, or set a task.
        It shows on that record's timeline as logged by you through MCP."""
        given = _given(kind=kind, subject=subject, person_id=contact_id, organization_id=organization_id,
                       deal_id=deal_id, lead_id=lead_id, body=body, occurred_at=occurred_at,
                       duration_minutes=duration_minutes, outcome=outcome, due_at=due_at, assignee_id=assignee_id)
        with self.acting(context) as ctx:
            item = activities.log_activity(ctx, data=validate(ActivityCreate, given))
            link = next(((kind, record_id, name) for (kind, record_id), name
                         in activities.record_labels(ctx, [item]).items()), None)
            names = users.names_by_id(ctx, {item.user_id, item.assignee_id})
            return results.activity(item, users=names, link=_as_contact(link))

    def list_my_tasks(
        self, context: Context,
        include_done: Annotated[bool, Field(description="Also the last few tasks you completed.")] = False,
    ) -> dict[str, Any]:
        """Your open tasks: overdue, due today and upcoming, the first 50 of each soonest first, with their ids,
        and how many each group holds (totals); optionally the last few you completed."""
        with self.acting(context) as ctx:
            tasks = activities.my_tasks(ctx)
            groups = {"overdue": tasks.overdue, "today": tasks.today, "upcoming": tasks.upcoming}
            if include_done:
                groups["done"] = tasks.done
            names = users.names_by_id(ctx, {ctx.user_id})
            return {**{group: [results.activity(t, users=names, link=_as_contact(tasks.link_of(t))) for t in items]
                       for group, items in groups.items()}, "totals": tasks.totals}

    def complete_task(self, context: Context, task_id: Id) -> dict[str, Any]:
        """Mark a task done (a task already done stays as it is)."""
        with self.acting(context) as ctx:
            task = activities.complete_task(ctx, activity_id=task_id)
            names = users.names_by_id(ctx, {task.user_id, task.assignee_id})
            return results.activity(task, users=names)

    # --- deals ------------------------------------------------------------------------------------

    def create_deal(
        self, context: Context,
        name: str,
        value: Annotated[float | str | None, Field(description="Amount, e.g. 1200.50; default 0.")] = None,
        currency: Annotated[str | None, Field(description="Three letters, e.g. EUR; default: the "
                                                          "organisation's currency.")] = None,
        contact_id: OptionalId = None, organization_id: OptionalId = None,
        pipeline_id: Annotated[str | None, Field(description="Default: the first pipeline.")] = None,
        stage: Annotated[str | None, Field(description="A stage's name or id; default: the first stage.")] = None,
        expected_close: Annotated[str | None, Field(description="A date like 2026-03-31.")] = None,
        owner_id: Annotated[str | None, Field(description="A user's id; default: you.")] = None,
        notes: str | None = None,
    ) -> dict[str, Any]:
        """Add a deal to a pipeline, linked to a contact and/or an organisation."""
        with self.acting(context) as ctx:
            chosen = _stage(pipelines.list_pipelines(ctx), pipeline_id, stage) if stage else None
            given = _given(name=name, value=value, currency=currency, person_id=contact_id,
                           organization_id=organization_id, pipeline_id=pipeline_id, stage_id=chosen and chosen.id,
                           expected_close=expected_close, owner_id=owner_id, notes=notes)
            created = deals.create_deal(ctx, data=validate(DealCreate, given))
            return results.deal(deals.get_deal(ctx, deal_id=created.id))

    def move_deal_stage(
        self, context: Context, deal_id: Id,
        stage: Annotated[str, Field(description="The stage's name (e.g. 'Proposal', 'Closed Won') or id.")],
    ) -> dict[str, Any]:
        """Move a deal to another stage of its pipeline; a won or lost stage closes it, an open one reopens it."""
        with self.acting(context) as ctx:
            deal = deals.get_deal(ctx, deal_id=deal_id)
            pipeline = pipelines.get_pipeline(ctx, pipeline_id=deal.pipeline_id)
            target = _stage([pipeline], pipeline.id, stage)
            # the deal's loaded stage is the one it left: show the one it entered
            return results.deal(deals.move_deal(ctx, deal_id=deal.id, stage_id=target.id), stage=target)


def _contacts(ctx, found: list, *, details: bool = False) -> list[dict]:
    """People as results, with their organisations' and owners' names in one query each."""
    organization_names = organizations.names_by_id(ctx, {p.organization_id for p in found})
    owner_names = users.names_by_id(ctx, {p.owner_id for p in found})
    shape = results.contact_details if details else results.contact
    return [shape(p, organizations=organization_names, owners=owner_names) for p in found]


def _given(**arguments) -> dict:
    """The arguments the assistant passed (None means left out), for an input schema's `model_fields_set`."""
    return {name: value for name, value in arguments.items() if value is not None}


def _as_contact(link: tuple | None) -> tuple | None:
    """A (kind, id, name) link in the tools' words."""
    if link is None:
        return None
    kind, record_id, name = link
    return ("contact" if kind == "person" else kind), record_id, name


def _stage(pipeline_list: list, pipeline_id, stage: str) -> Stage | None:
    """The stage named (or identified) by `stage` in the given pipeline (the first when None)."""
    pipeline = next((p for p in pipeline_list if pipeline_id is None or str(p.id) == str(pipeline_id)), None)
    if pipeline is None:
        return None  # the service says what is wrong with the pipeline
    wanted = stage.strip().lower()
    for candidate in pipeline.stages:
        if wanted in (str(candidate.id), candidate.name.lower()):
            return candidate
    names = ", ".join(s.name for s in pipeline.stages)
    raise Invalid(_("Please correct the marked fields."),
                  fields={"stage": _("Choose one of the stages of %(pipeline)s: %(names)s.",
                                     pipeline=pipeline.name, names=names)})


def create_server(app: Flask, identify: Callable[[Context], Caller]) -> MCPServer:
    """The MCP server with Roost's tools, acting for whoever `identify` names on each call."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    server = MCPServer(
        "Roost", title="Roost CRM", version="1",
        instructions="Roost is a CRM. Find a contact with search_contacts before changing it; ids come from "
                     "the tools' results. delete_contact needs the user's explicit agreement (confirm: true).",
    )
    # The SDK sets up the root logger for a server on its own; inside Roost that doubled every log line.
    root.handlers[:], root.level = handlers, level
    tools = Tools(app, identify)
    for tool, title, annotations in (
        (tools.search_contacts, "Search contacts", READ),
        (tools.get_contact, "Get a contact with their timeline", READ),
        (tools.create_contact, "Create a contact", ADD),
        (tools.update_contact, "Update a contact", CHANGE),
        (tools.delete_contact, "Delete a contact (to the trash)", DESTROY),
        (tools.log_activity, "Log a call, email, meeting, note or task", ADD),
        (tools.list_my_tasks, "List my tasks", READ),
        (tools.complete_task, "Complete a task", CHANGE),
        (tools.create_deal, "Create a deal", ADD),
        (tools.move_deal_stage, "Move a deal to another stage", CHANGE),
    ):
        server.add_tool(tool, title=title, description=inspect.getdoc(tool),
                        annotations=annotations.model_copy(update={"title": title}))
    return server
