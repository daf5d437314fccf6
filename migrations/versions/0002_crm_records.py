"""crm records: people, organisations, leads, deals, pipelines, activities, files, custom fields, trash

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))



def downgrade_shared():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('country')



def upgrade_tenant():
    op.create_table('custom_fields',
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('show_in_list', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_fields'))
    )
    with op.batch_alter_table('custom_fields', schema=None) as batch_op:
        batch_op.create_index('ix_custom_fields_tenant_entity_key', ['tenant_id', 'entity', 'key'], unique=True)
        batch_op.create_index(batch_op.f('ix_custom_fields_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('leads',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('phone_e164', sa.String(length=20), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('estimated_value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('converted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('converted_person_id', sa.Uuid(), nullable=True),
    sa.Column('converted_organization_id', sa.Uuid(), nullable=True),
    sa.Column('converted_deal_id', sa.Uuid(), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('custom', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_deletion_id'), ['deletion_id'], unique=False)
        batch_op.create_index('ix_leads_tenant_email', ['tenant_id', 'email'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_leads_tenant_owner', ['tenant_id', 'owner_id'], unique=False)
        batch_op.create_index('ix_leads_tenant_status', ['tenant_id', 'status'], unique=False)
        batch_op.create_index('ix_leads_tenant_updated', ['tenant_id', 'updated_at', 'id'], unique=False)

    op.create_table('organizations',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('domain', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('phone_e164', sa.String(length=20), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('industry', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('custom', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_deletion_id'), ['deletion_id'], unique=False)
        batch_op.create_index('ix_organizations_tenant_domain', ['tenant_id', 'domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_organizations_tenant_updated', ['tenant_id', 'updated_at', 'id'], unique=False)
    # Expression indexes for sorting by name (autogenerate does not compare these).
    op.create_index('ix_organizations_tenant_name', 'organizations', ['tenant_id', sa.text('lower(name)')])

    op.create_table('pipelines',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipelines'))
    )
    with op.batch_alter_table('pipelines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipelines_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_pipelines_tenant_position', ['tenant_id', 'position'], unique=False)

    op.create_table('trash_entries',
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_by', sa.Uuid(), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trash_entries'))
    )
    with op.batch_alter_table('trash_entries', schema=None) as batch_op:
        batch_op.create_index('ix_trash_entries_tenant_deleted', ['tenant_id', 'deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_trash_entries_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('people',
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('phone_e164', sa.String(length=20), nullable=True),
    sa.Column('other_emails', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('other_phones', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('custom', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_people_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_deletion_id'), ['deletion_id'], unique=False)
        batch_op.create_index('ix_people_tenant_created', ['tenant_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_people_tenant_email', ['tenant_id', 'email'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_people_tenant_organization', ['tenant_id', 'organization_id'], unique=False)
        batch_op.create_index('ix_people_tenant_owner', ['tenant_id', 'owner_id'], unique=False)
        batch_op.create_index('ix_people_tenant_phone', ['tenant_id', 'phone_e164'], unique=False)
        batch_op.create_index('ix_people_tenant_updated', ['tenant_id', 'updated_at', 'id'], unique=False)
    op.create_index('ix_people_tenant_last_first', 'people',
                    ['tenant_id', sa.text('lower(last_name)'), sa.text('lower(first_name)'), 'id'])

    op.create_table('stages',
    sa.Column('pipeline_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('color', sa.String(length=7), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['pipeline_id'], ['pipelines.id'], name=op.f('fk_stages_pipeline_id_pipelines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stages'))
    )
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stages_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_stages_tenant_pipeline', ['tenant_id', 'pipeline_id', 'position'], unique=False)

    op.create_table('deals',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('pipeline_id', sa.Uuid(), nullable=False),
    sa.Column('stage_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('lead_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('lost_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('custom', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_deals_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_deals_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pipeline_id'], ['pipelines.id'], name=op.f('fk_deals_pipeline_id_pipelines')),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_deals_stage_id_stages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals'))
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deals_deletion_id'), ['deletion_id'], unique=False)
        batch_op.create_index('ix_deals_tenant_close', ['tenant_id', 'expected_close'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_deals_tenant_organization', ['tenant_id', 'organization_id'], unique=False)
        batch_op.create_index('ix_deals_tenant_owner', ['tenant_id', 'owner_id'], unique=False)
        batch_op.create_index('ix_deals_tenant_person', ['tenant_id', 'person_id'], unique=False)
        batch_op.create_index('ix_deals_tenant_stage_position', ['tenant_id', 'stage_id', 'position'], unique=False)
        batch_op.create_index('ix_deals_tenant_updated', ['tenant_id', 'updated_at', 'id'], unique=False)

    op.create_table('activities',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('lead_id', sa.Uuid(), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_activities_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_activities_lead_id_leads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_activities_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_activities_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_deletion_id'), ['deletion_id'], unique=False)
        batch_op.create_index('ix_activities_tenant_assignee_due', ['tenant_id', 'assignee_id', 'done_at', 'due_at'], unique=False)
        batch_op.create_index('ix_activities_tenant_deal_when', ['tenant_id', 'deal_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_activities_tenant_lead_when', ['tenant_id', 'lead_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_activities_tenant_organization_when', ['tenant_id', 'organization_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_activities_tenant_person_when', ['tenant_id', 'person_id', 'occurred_at'], unique=False)

    op.create_table('attachments',
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.Uuid(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('lead_id', sa.Uuid(), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_attachments_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_attachments_lead_id_leads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_attachments_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attachments_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_deletion_id'), ['deletion_id'], unique=False)
        batch_op.create_index('ix_attachments_tenant_deal', ['tenant_id', 'deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_attachments_tenant_lead', ['tenant_id', 'lead_id'], unique=False)
        batch_op.create_index('ix_attachments_tenant_organization', ['tenant_id', 'organization_id'], unique=False)
        batch_op.create_index('ix_attachments_tenant_person', ['tenant_id', 'person_id'], unique=False)



def downgrade_tenant():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_tenant_person')
        batch_op.drop_index('ix_attachments_tenant_organization')
        batch_op.drop_index('ix_attachments_tenant_lead')
        batch_op.drop_index(batch_op.f('ix_attachments_tenant_id'))
        batch_op.drop_index('ix_attachments_tenant_deal')
        batch_op.drop_index(batch_op.f('ix_attachments_deletion_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_tenant_person_when')
        batch_op.drop_index('ix_activities_tenant_organization_when')
        batch_op.drop_index('ix_activities_tenant_lead_when')
        batch_op.drop_index(batch_op.f('ix_activities_tenant_id'))
        batch_op.drop_index('ix_activities_tenant_deal_when')
        batch_op.drop_index('ix_activities_tenant_assignee_due')
        batch_op.drop_index(batch_op.f('ix_activities_deletion_id'))

    op.drop_table('activities')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_tenant_updated')
        batch_op.drop_index('ix_deals_tenant_stage_position')
        batch_op.drop_index('ix_deals_tenant_person')
        batch_op.drop_index('ix_deals_tenant_owner')
        batch_op.drop_index('ix_deals_tenant_organization')
        batch_op.drop_index(batch_op.f('ix_deals_tenant_id'))
        batch_op.drop_index('ix_deals_tenant_close')
        batch_op.drop_index(batch_op.f('ix_deals_deletion_id'))

    op.drop_table('deals')
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_index('ix_stages_tenant_pipeline')
        batch_op.drop_index(batch_op.f('ix_stages_tenant_id'))

    op.drop_table('stages')
    op.drop_index('ix_people_tenant_last_first', table_name='people')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_tenant_updated')
        batch_op.drop_index('ix_people_tenant_phone')
        batch_op.drop_index('ix_people_tenant_owner')
        batch_op.drop_index('ix_people_tenant_organization')
        batch_op.drop_index(batch_op.f('ix_people_tenant_id'))
        batch_op.drop_index('ix_people_tenant_email')
        batch_op.drop_index('ix_people_tenant_created')
        batch_op.drop_index(batch_op.f('ix_people_deletion_id'))

    op.drop_table('people')
    with op.batch_alter_table('trash_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trash_entries_tenant_id'))
        batch_op.drop_index('ix_trash_entries_tenant_deleted')

    op.drop_table('trash_entries')
    with op.batch_alter_table('pipelines', schema=None) as batch_op:
        batch_op.drop_index('ix_pipelines_tenant_position')
        batch_op.drop_index(batch_op.f('ix_pipelines_tenant_id'))

    op.drop_table('pipelines')
    op.drop_index('ix_organizations_tenant_name', table_name='organizations')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index('ix_organizations_tenant_updated')
        batch_op.drop_index(batch_op.f('ix_organizations_tenant_id'))
        batch_op.drop_index('ix_organizations_tenant_domain')
        batch_op.drop_index(batch_op.f('ix_organizations_deletion_id'))

    op.drop_table('organizations')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_tenant_updated')
        batch_op.drop_index('ix_leads_tenant_status')
        batch_op.drop_index('ix_leads_tenant_owner')
        batch_op.drop_index(batch_op.f('ix_leads_tenant_id'))
        batch_op.drop_index('ix_leads_tenant_email')
        batch_op.drop_index(batch_op.f('ix_leads_deletion_id'))

    op.drop_table('leads')
    with op.batch_alter_table('custom_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custom_fields_tenant_id'))
        batch_op.drop_index('ix_custom_fields_tenant_entity_key')

    op.drop_table('custom_fields')
