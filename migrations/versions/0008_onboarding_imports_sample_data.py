"""onboarding: the wizard's done mark on tenants, spreadsheet import runs, sample data markers

Tenants that exist before this revision have long since started: they are marked onboarded
so the first-run wizard is only shown to organisations that sign up from now on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('onboarded_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE tenants SET onboarded_at = CURRENT_TIMESTAMP")


def downgrade_shared():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('onboarded_at')


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade_tenant():
    op.create_table('import_runs',
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('headers', _json(), nullable=False),
    sa.Column('rows', _json(), nullable=False),
    sa.Column('mapping', _json(), nullable=False),
    sa.Column('duplicates', sa.String(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('bad_rows', _json(), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.create_index('ix_import_runs_tenant_created', ['tenant_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_runs_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sample_records',
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_records'))
    )
    with op.batch_alter_table('sample_records', schema=None) as batch_op:
        batch_op.create_index('ix_sample_records_tenant_entity', ['tenant_id', 'entity_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_sample_records_tenant_id'), ['tenant_id'], unique=False)


def downgrade_tenant():
    op.drop_table('sample_records')
    op.drop_table('import_runs')
