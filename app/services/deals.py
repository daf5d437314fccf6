"""Deals: creating, editing, moving them through a pipeline's stages, winning and losing them, the board."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, union_all, update
from sqlalchemy.orm import selectinload

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import Activity, Attachment, Deal, Organization, Person, Pipeline, Stage, Tenant
from app.models.base import utcnow
from app.permissions import require
from app.services import audit, custom_fields, events, keyset, users
from app.services.contact_edits import Problems
from app.services.contact_lists import filter_common
from app.services.pipelines import PipelineSpec, StageSpec, get_stage, list_pipelines, pipeline_layout
from app.services.records import check_version, get_record, trash

PAGE_SIZE = 50
BOARD_ORDER = (Deal.position, Deal.id)  # a board column's order, top to bottom (also its keyset)


def _with_parties(stmt):
    """Load each deal's stage, person and organisation in the same round (no N+1)."""
    return stmt.options(selectinload(Deal.stage), selectinload(Deal.person), selectinload(Deal.organization))


def list_for(ctx, *, person_id=None, organization_id=None) -> list[Deal]:
    """A person's or an organisation's deals: open first, then by expected close (undated last)."""
    require(ctx, "deal:read")
    if person_id is None and organization_id is None:
        return []
    stmt = select(Deal)
    if person_id is not None:
        stmt = stmt.where(Deal.person_id == person_id)
    if organization_id is not None:
        stmt = stmt.where(Deal.organization_id == organization_id)
    stmt = stmt.order_by(
        case((Deal.status == "open", 0), else_=1),
        case((Deal.expected_close.is_(None), 1), else_=0),
        Deal.expected_close, func.lower(Deal.name), Deal.id,
    )
    return list(db.session.scalars(_with_parties(stmt)))


def get_deal(ctx, *, deal_id) -> Deal:
    """One deal of the tenant with its stage, person and organisation loaded."""
    require(ctx, "deal:read")
    deal = get_record(ctx, Deal, deal_id)
    # Load the relations the pages show (lazy="raise" on the model keeps N+1 out of templates).
    return db.session.scalar(_with_parties(select(Deal).where(Deal.id == deal.id)))


def _first_pipeline(ctx) -> Pipeline:
    pipelines = list_pipelines(ctx)
    if not pipelines:
        raise Invalid(_("There is no pipeline yet. Ask an admin to set one up under Settings."))
    return pipelines[0]


def _pipeline(ctx, pipeline_id) -> Pipeline:
    if pipeline_id is None:
        return _first_pipeline(ctx)
    pipeline = db.session.scalar(select(Pipeline).where(Pipeline.id == pipeline_id))
    if pipeline is None:
        raise Invalid(_("Please correct the marked fields."), fields={"pipeline_id": _("Choose a pipeline from the list.")})
    return pipeline


def _check_links(ctx, data: dict) -> None:
    """The person, organisation and owner a deal points to must be the tenant's own."""
    fields = {}
    for name, model, message in (("person_id", Person, _("Choose a person from the list.")),
                                 ("organization_id", Organization, _("Choose an organisation from the list."))):
        if data.get(name) is not None and db.session.scalar(select(model.id).where(model.id == data[name])) is None:
            fields[name] = message
    owner_id = data.get("owner_id")
    if owner_id is not None and not users.is_active_member(ctx, owner_id):
        fields["owner_id"] = _("Choose someone from your team.")
    if fields:
        raise Invalid(_("Please correct the marked fields."), fields=fields)


def _check_input(ctx, fields: dict, *, creating: bool, current_custom: dict | None = None) -> None:
    """Check the links and the custom field values together (a form shows every mistake at once).

    The submitted `custom` input in `fields` becomes the deal's validated custom dict; an update that sent
    none leaves the stored values alone.
    """
    problems = Problems()
    problems.check(_check_links, ctx, fields)
    raw = fields.pop("custom", None)
    if raw is not None or creating:
        fields["custom"] = problems.check(lambda: custom_fields.clean_values(
            ctx, entity="deal", raw=raw or {}, current=current_custom))
    problems.raise_any()


def _cents(value) -> Decimal:
    """An amount as stored: two decimals, zero when not given."""
    return Decimal(value if value is not None else 0).quantize(Decimal("0.01"))


def _end_of_stage(stage_id) -> int:
    last = db.session.scalar(select(func.max(Deal.position)).where(Deal.stage_id == stage_id))
    return 0 if last is None else last + 1


def _enter_stage(deal: Deal, stage: Stage) -> dict:
    """Put the deal in `stage`; a won/lost stage closes it, an open one reopens it. Returns the changes."""
    changes = {}
    status = stage.kind if stage.kind in ("won", "lost") else "open"
    closed_at = deal.closed_at if status == deal.status and status != "open" else (utcnow() if status != "open" else None)
    updates = {"stage_id": stage.id, "status": status, "closed_at": closed_at}
    if status == "open":
        updates["lost_reason"] = None
    if deal.stage_id != stage.id:
        updates["probability"] = stage.probability
    for name, value in updates.items():
        before = getattr(deal, name)
        if before != value:
            setattr(deal, name, value)
            changes[name] = (before, value)
    return changes


def create_deal(ctx, *, data, lead_id=None) -> Deal:
    """Add a deal to a pipeline's stage (by default the first pipeline's first stage)."""
    require(ctx, "deal:write")
    pipeline_id = data.pipeline_id
    if pipeline_id is None and data.stage_id is not None:  # the stage says which pipeline
        pipeline_id = db.session.scalar(select(Stage.pipeline_id).where(Stage.id == data.stage_id))
    pipeline = _pipeline(ctx, pipeline_id)
    if data.stage_id is None:
        if not pipeline.stages:
            raise Invalid(_("This pipeline has no stages yet. Add one under Settings, Pipelines."))
        stage = pipeline.stages[0]
    else:
        stage = next((s for s in pipeline.stages if s.id == data.stage_id), None)
        if stage is None:
            raise Invalid(_("Please correct the marked fields."),
                          fields={"stage_id": _("Choose a stage of the %(pipeline)s pipeline.", pipeline=pipeline.name)})
    fields = data.model_dump(exclude={"pipeline_id", "stage_id"})
    _check_input(ctx, fields, creating=True)
    tenant = db.session.get(Tenant, ctx.tenant_id)
    deal = Deal(
        name=data.name, value=_cents(data.value),
        currency=data.currency or tenant.currency,
        probability=data.probability if data.probability is not None else stage.probability,
        expected_close=data.expected_close, pipeline_id=pipeline.id, stage_id=stage.id,
        position=_end_of_stage(stage.id), person_id=data.person_id, organization_id=data.organization_id,
        owner_id=data.owner_id or ctx.user_id, notes=data.notes, tags=data.tags, lead_id=lead_id,
        status=stage.kind if stage.kind in ("won", "lost") else "open",
        closed_at=utcnow() if stage.kind in ("won", "lost") else None, custom=fields["custom"],
    )
    db.session.add(deal)
    db.session.flush()
    audit.record(ctx, "deal.created", deal, {
        "name": (None, deal.name), "value": (None, deal.value), "currency": (None, deal.currency),
        "stage_id": (None, deal.stage_id), "owner_id": (None, deal.owner_id),
        **({"custom": (None, deal.custom)} if deal.custom else {})})
    events.emit(ctx, "deal.created", deal)
    return deal


def update_deal(ctx, *, deal_id, data, version: int | None) -> Deal:
    """Save an edit made on `version` of the deal; a stale version is refused with the current values."""
    require(ctx, "deal:write")
    deal = get_record(ctx, Deal, deal_id)
    check_version(deal, version)
    fields = data.model_dump(exclude_unset=True, exclude={"pipeline_id", "stage_id"})
    _check_input(ctx, fields, creating=False, current_custom=deal.custom)
    if "value" in fields:
        fields["value"] = _cents(fields["value"])
    if "currency" in fields and fields["currency"] is None:
        del fields["currency"]
    if "probability" in fields and fields["probability"] is None:
        del fields["probability"]
    # Decimal("1.5") and the stored 1.50 compare equal: not a change
    return audit.apply_changes(ctx, deal, fields, event="deal.updated", emit="deal.updated")


def delete_deal(ctx, *, deal_id) -> None:
    """Move a deal to the trash with its activities and attachments."""
    require(ctx, "deal:delete")
    deal = get_record(ctx, Deal, deal_id)
    trash(ctx, deal, label=deal.name, linked=[(Activity, Activity.deal_id == deal.id),
                                              (Attachment, Attachment.deal_id == deal.id)])
    events.emit(ctx, "deal.deleted", deal)


def move_deal(ctx, *, deal_id, stage_id, position: int | None = None, before_id=None) -> Deal:
    """Move a deal to a stage of its pipeline, at `position` in that column (the end when None).

    `before_id`, when given, names the deal it now sits above; it wins over `position`, which
    counts only the cards a filtered board showed.
    """
    require(ctx, "deal:write")
    deal = get_record(ctx, Deal, deal_id)
    _move(ctx, deal, stage_id, position, before_id)
    return deal


def _move(ctx, deal: Deal, stage_id, position: int | None, before_id) -> None:
    stage = get_stage(ctx, stage_id, pipeline_id=deal.pipeline_id)
    before_stage = deal.stage_id
    # The place first: its queries would otherwise flush the stage change in an UPDATE of its own.
    _place(deal, stage.id, position, moved_in=before_stage != stage.id, before_id=before_id)
    changes = _enter_stage(deal, stage)
    db.session.flush()
    if before_stage != stage.id:
        audit.record(ctx, "deal.stage_changed", deal, changes)
        _emit_stage_events(ctx, deal, changes)
    elif changes or position is not None or before_id is not None:
        audit.record(ctx, "deal.reordered", deal, {"position": (None, deal.position), **changes})


def _place(deal: Deal, stage_id, position: int | None, *, moved_in: bool, before_id=None) -> None:
    """Put the deal above `before_id` (or at index `position`) in its column, the end when neither names a card.

    Only the cards below the new place move down one, in one UPDATE: a column of thousands of deals
    is never loaded to reorder it. Positions stay ordered, not necessarily 0..n.
    """
    if position is None and before_id is None:
        if moved_in:
            deal.position = _end_of_stage(stage_id)
        return
    column = select(Deal.position).where(Deal.stage_id == stage_id, Deal.id != deal.id)
    if before_id is not None:
        anchor = db.session.scalar(column.where(Deal.id == before_id))
    else:
        anchor = db.session.scalar(column.order_by(*BOARD_ORDER).offset(position).limit(1))
    if anchor is None:  # the card below it is gone (or was never there): the end
        deal.position = _end_of_stage(stage_id)
        return
    db.session.execute(update(Deal).where(Deal.stage_id == stage_id, Deal.id != deal.id, Deal.position >= anchor)
                       .values(position=Deal.position + 1))
    deal.position = anchor


def _closing_stage(deal: Deal, kind: str) -> Stage | None:
    stages = db.session.scalars(
        select(Stage).where(Stage.pipeline_id == deal.pipeline_id, Stage.kind == kind).order_by(Stage.position))
    return next(iter(stages), None)


def _close(ctx, deal: Deal, kind: str, action: str, extra: dict) -> Deal:
    stage = _closing_stage(deal, kind)
    before_stage = deal.stage_id
    if stage is not None:
        changes = _enter_stage(deal, stage)
        _place(deal, stage.id, None, moved_in=before_stage != stage.id)
    else:  # a pipeline without a won/lost stage: the deal stays where it is, closed
        changes = audit.diff(deal, {"status": kind, "closed_at": deal.closed_at if deal.status == kind else utcnow()})
    changes.update(audit.diff(deal, extra))
    db.session.flush()
    audit.record(ctx, action, deal, changes)
    if before_stage != deal.stage_id:
        events.emit(ctx, "deal.stage_changed", deal, changes=changes)
    events.emit(ctx, action, deal, changes=changes)
    return deal


def _emit_stage_events(ctx, deal: Deal, changes: dict) -> None:
    """A stage move raises deal.stage_changed; into a won or lost stage also deal.won or deal.lost."""
    events.emit(ctx, "deal.stage_changed", deal, changes=changes)
    if "status" in changes and deal.status in ("won", "lost"):
        events.emit(ctx, f"deal.{deal.status}", deal, changes=changes)


def mark_won(ctx, *, deal_id) -> Deal:
    """Close a deal as won (it moves to the pipeline's won stage)."""
    require(ctx, "deal:write")
    deal = get_record(ctx, Deal, deal_id)
    return _close(ctx, deal, "won", "deal.won", {"lost_reason": None})


def mark_lost(ctx, *, deal_id, reason: str) -> Deal:
    """Close a deal as lost, saying why (it moves to the pipeline's lost stage)."""
    require(ctx, "deal:write")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please say why the deal was lost."), fields={"reason": _("Please say why the deal was lost.")})
    deal = get_record(ctx, Deal, deal_id)
    return _close(ctx, deal, "lost", "deal.lost", {"lost_reason": reason[:2000]})


# --- the list -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DealFilter:
    """What the deal list filters on; every field optional."""

    q: str | None = None
    owner_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    status: str | None = None
    close_from: date | None = None
    close_to: date | None = None
    tag: str | None = None
    updated_since: datetime | None = None


_FAR = date(9999, 12, 31)
# sort name -> (key expression, descending?, how to read a cursor's key back)
SORTS = {
    "updated": (Deal.updated_at, True, datetime.fromisoformat),
    "name": (func.lower(Deal.name), False, str),
    "value": (Deal.value, True, Decimal),
    "close": (func.coalesce(Deal.expected_close, _FAR), False, date.fromisoformat),
}


def _filtered(stmt, filters: DealFilter):
    terms = (filters.q or "").lower().split()
    if terms:
        stmt = (stmt.outerjoin(Organization, Organization.id == Deal.organization_id)
                .outerjoin(Person, Person.id == Deal.person_id))
    for term in terms:  # each word somewhere: in the deal's name, its organisation's or its person's
        stmt = stmt.where(or_(*(func.lower(column).contains(term, autoescape=True) for column in (
            Deal.name, Organization.name, Person.first_name, Person.last_name))))
    if filters.owner_id:
        stmt = stmt.where(Deal.owner_id == filters.owner_id)
    if filters.stage_id:
        stmt = stmt.where(Deal.stage_id == filters.stage_id)
    if filters.status:
        stmt = stmt.where(Deal.status == filters.status)
    if filters.close_from:
        stmt = stmt.where(Deal.expected_close >= filters.close_from)
    if filters.close_to:
        stmt = stmt.where(Deal.expected_close <= filters.close_to)
    return filter_common(stmt, Deal, tag=filters.tag, updated_since=filters.updated_since)


def list_deals(ctx, *, filters: DealFilter = DealFilter(), sort: str = "updated", after: str | None = None,
               limit: int = PAGE_SIZE) -> tuple[list[Deal], str | None]:
    """A page of deals and the cursor of the next page (None at the end); keyset, never OFFSET."""
    require(ctx, "deal:read")
    sort = sort if sort in SORTS else "updated"
    key, descending, read_key = SORTS[sort]
    stmt = keyset.ordered_after(_filtered(select(Deal), filters), key, Deal.id, keyset.read_cursor(after, read_key),
                                descending=descending)
    deals, last = keyset.cut(db.session.scalars(_with_parties(stmt.limit(limit + 1))), limit)
    return deals, keyset.write_cursor(_key_of(last, sort), last.id) if last else None


def _key_of(deal: Deal, sort: str) -> str:
    if sort == "name":
        return deal.name.lower()
    if sort == "value":
        return str(deal.value)
    if sort == "close":
        return (deal.expected_close or _FAR).isoformat()
    return deal.updated_at.isoformat()


# --- the board ------------------------------------------------------------------------------

BOARD_CARDS = 20  # cards per column at first (a screenful and more); the rest page in with "Show more"


class Card(NamedTuple):
    """What a board card shows of a deal: a few columns, not whole rows of deals, people and organisations."""

    id: uuid.UUID
    name: str
    value: Decimal
    currency: str
    expected_close: date | None
    owner_id: uuid.UUID | None
    stage_id: uuid.UUID
    position: int
    party: str | None  # the organisation's name, else the person's; None when it has neither


_CARD_COLUMNS = (Deal.id, Deal.name, Deal.value, Deal.currency, Deal.expected_close, Deal.owner_id, Deal.stage_id,
                 Deal.position)


def _card_select(*where):
    """The cards' columns of the deals matching `where`, with the names of their organisation and person looked
    up by primary key (subqueries, not joins: the planner hash-joined all of a tenant's people to a page of cards)."""
    organization = select(Organization.name).where(Organization.id == Deal.organization_id)
    person = select(Person.first_name + " " + Person.last_name).where(Person.id == Deal.person_id)
    return select(*_CARD_COLUMNS, organization.scalar_subquery(), person.scalar_subquery()).where(*where)


def _cards(stmt) -> list[Card]:
    return [Card(*row, party=org if org is not None else person and person.strip())
            for *row, org, person in db.session.execute(stmt)]


@dataclass
class Column:
    """One stage on the board: its first cards, how many deals it holds in all, their totals (value per
    currency), and where the next page starts (the cursor, and the first card not shown) when it has more."""

    stage: Stage | StageSpec
    cards: list[Card] = field(default_factory=list)
    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    next_cursor: str | None = None
    next_deal_id: uuid.UUID | None = None

    def cut(self, fetched: list[Card], limit: int) -> None:
        """Keep `limit` of the `limit` + 1 cards fetched; the extra one says where the next page starts."""
        self.cards = fetched[:limit]
        if len(fetched) > limit:
            last = self.cards[-1]
            self.next_cursor, self.next_deal_id = keyset.write_cursor(str(last.position), last.id), fetched[limit].id


@dataclass
class Board:
    pipeline: PipelineSpec | None
    pipelines: tuple[PipelineSpec, ...]
    columns: list[Column]


def _board_conditions(pipeline_id, owner_id, close_before) -> list:
    conditions = [Deal.pipeline_id == pipeline_id]
    if owner_id:
        conditions.append(Deal.owner_id == owner_id)
    if close_before:
        conditions.append(Deal.expected_close <= close_before)
    return conditions


def board(ctx, *, pipeline_id=None, owner_id=None, close_before: date | None = None,
          per_column: int = BOARD_CARDS, stage_ids=None) -> Board:
    """The stages of a pipeline with their first deals (in board order), counts and totals, in a fixed
    number of queries however many deals there are: totals are summed by the database, cards are paged.
    `stage_ids` keeps only those columns (what a move changed)."""
    require(ctx, "deal:read")
    pipelines = pipeline_layout(ctx)
    pipeline = next((p for p in pipelines if p.id == pipeline_id), None) if pipeline_id else None
    if pipeline_id and pipeline is None:
        raise NotFound(_("This pipeline does not exist."))
    pipeline = pipeline or (pipelines[0] if pipelines else None)
    if pipeline is None:
        return Board(None, (), [])
    columns = {stage.id: Column(stage) for stage in pipeline.stages if stage_ids is None or stage.id in stage_ids}
    conditions = _board_conditions(pipeline.id, owner_id, close_before)
    if stage_ids is not None:
        conditions.append(Deal.stage_id.in_(columns))
    sums = select(Deal.stage_id, Deal.currency, func.count(), func.sum(Deal.value)).where(*conditions)
    for stage_id, currency, count, total in db.session.execute(sums.group_by(Deal.stage_id, Deal.currency)):
        if stage_id in columns:
            columns[stage_id].count += count
            columns[stage_id].totals[currency] = _cents(total)
    # Each column's first cards through its own index range (stage, position), in one UNION ALL (a window
    # over the pipeline read every deal of it). Each branch is a subquery: SQLite takes no LIMIT in a UNION.
    tops = [_card_select(Deal.stage_id == stage_id, *conditions).order_by(*BOARD_ORDER).limit(per_column + 1)
            .subquery() for stage_id in columns]
    fetched: dict[uuid.UUID, list[Card]] = {}
    cards = union_all(*(select(top) for top in tops))
    for card in _cards(cards.order_by(cards.selected_columns.position, cards.selected_columns.id)):
        fetched.setdefault(card.stage_id, []).append(card)
    for stage_id, column in columns.items():
        column.cut(fetched.get(stage_id, []), per_column)
    return Board(pipeline, pipelines, list(columns.values()))


def move_on_board(ctx, *, deal_id, stage_id, position: int | None = None, before_id=None, owner_id=None,
                  close_before: date | None = None) -> tuple[Deal, Board]:
    """Move a deal as move_deal does; with the board's columns the move changed (the one it left, the one
    it entered), filtered as the board is, so the board redraws only those."""
    require(ctx, "deal:write")
    deal = get_record(ctx, Deal, deal_id)
    left = deal.stage_id
    _move(ctx, deal, stage_id, position, before_id)
    return deal, board(ctx, pipeline_id=deal.pipeline_id, owner_id=owner_id, close_before=close_before,
                       stage_ids={left, deal.stage_id})


def board_column(ctx, *, stage_id, after: str | None, owner_id=None, close_before: date | None = None,
                 limit: int = BOARD_CARDS) -> tuple[Board, Column]:
    """The next cards of one column of the board, after the cursor of the last card shown."""
    require(ctx, "deal:read")
    stage = get_stage(ctx, stage_id)
    pipeline = next((p for p in pipeline_layout(ctx) if p.id == stage.pipeline_id), None)
    column = Column(stage)
    last = keyset.read_cursor(after, int)
    stmt = _card_select(Deal.stage_id == stage.id, *_board_conditions(stage.pipeline_id, owner_id, close_before))
    stmt = keyset.ordered_after(stmt, Deal.position, Deal.id, last, descending=False)
    column.cut(_cards(stmt.limit(limit + 1)), limit)
    return Board(pipeline, (pipeline,), [column]), column


# --- choices for forms ----------------------------------------------------------------------

PARTY_CHOICES = 1000


def party_options(ctx, *, include=()) -> tuple[list[tuple], list[tuple]]:
    """(people, organisations) as (id, label) pairs for a deal's form, by name; `include` keeps given ids."""
    require(ctx, "contact:read")
    people = db.session.execute(
        select(Person.id, Person.first_name, Person.last_name)
        .order_by(func.lower(Person.last_name), func.lower(Person.first_name), Person.id).limit(PARTY_CHOICES)).all()
    orgs = db.session.execute(
        select(Organization.id, Organization.name)
        .order_by(func.lower(Organization.name), Organization.id).limit(PARTY_CHOICES)).all()
    person_pairs = [(pid, f"{first} {last}".strip()) for pid, first, last in people]
    org_pairs = [(oid, name) for oid, name in orgs]
    wanted = {i for i in include if i is not None}
    missing = wanted - {p[0] for p in person_pairs} - {o[0] for o in org_pairs}
    if missing:
        person_pairs += [(p.id, f"{p.first_name} {p.last_name}".strip())
                         for p in db.session.scalars(select(Person).where(Person.id.in_(missing)))]
        org_pairs += [(o.id, o.name) for o in db.session.scalars(select(Organization).where(Organization.id.in_(missing)))]
    return person_pairs, org_pairs
