"""Compliance inspections of facilities, their violations, and inspection plans

Revision ID: e1f2a3b4c5d6
Revises: e4f5a6b7c8d9
Create Date: 2026-12-09 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import registry.core.types

# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'e4f5a6b7c8d9'
branch_labels = None
depends_on = None

UTC = registry.core.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('compliance_inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('performed_at', UTC, nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('soc_release_prevention', sa.Boolean(), nullable=False),
    sa.Column('soc_release_detection', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_compliance_inspection_facility_id_facility')),
    sa.ForeignKeyConstraint(['inspector_id'], ['user_account.id'], name=op.f('fk_compliance_inspection_inspector_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_inspection')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_compliance_inspection_client_uuid')),
    sa.UniqueConstraint('number', name=op.f('uq_compliance_inspection_number'))
    )
    with op.batch_alter_table('compliance_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_inspection_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_inspection_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_inspection_performed_on'), ['performed_on'], unique=False)
        batch_op.create_index('ix_compliance_inspection_facility_on', ['facility_id', 'performed_on'], unique=False)

    op.create_table('compliance_inspection_asset_inspection',
    sa.Column('compliance_inspection_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['compliance_inspection_id'], ['compliance_inspection.id'], name=op.f('fk_compliance_inspection_asset_inspection_compliance_inspection_id_compliance_inspection')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_compliance_inspection_asset_inspection_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('compliance_inspection_id', 'inspection_id', name=op.f('pk_compliance_inspection_asset_inspection'))
    )

    op.create_table('violation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compliance_inspection_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('soc', sa.Boolean(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('citation', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('corrected_on_site', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('corrected_on', sa.Date(), nullable=True),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.Column('correction_notes', sa.Text(), nullable=True),
    sa.Column('evidence_path', sa.String(length=255), nullable=True),
    sa.Column('evidence_type', sa.String(length=100), nullable=True),
    sa.Column('evidence_name', sa.String(length=255), nullable=True),
    sa.Column('verified_at', UTC, nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['compliance_inspection_id'], ['compliance_inspection.id'], name=op.f('fk_violation_compliance_inspection_id_compliance_inspection')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_violation_facility_id_facility')),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_violation_asset_id_asset')),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['user_account.id'], name=op.f('fk_violation_corrected_by_id_user_account')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'], name=op.f('fk_violation_verified_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation'))
    )
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_compliance_inspection_id'), ['compliance_inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_status'), ['status'], unique=False)

    op.create_table('inspection_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('due_only', sa.Boolean(), nullable=False),
    sa.Column('inspectors_per_facility', sa.Integer(), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('facilities', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_inspection_plan_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plan'))
    )


def downgrade():
    op.drop_table('inspection_plan')
    with op.batch_alter_table('violation', schema=None) as batch_op:
        for name in ('status', 'due_on', 'asset_id', 'facility_id', 'compliance_inspection_id'):
            batch_op.drop_index(batch_op.f(f'ix_violation_{name}'))
    op.drop_table('violation')
    op.drop_table('compliance_inspection_asset_inspection')
    with op.batch_alter_table('compliance_inspection', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_inspection_facility_on')
        for name in ('performed_on', 'inspector_id', 'facility_id'):
            batch_op.drop_index(batch_op.f(f'ix_compliance_inspection_{name}'))
    op.drop_table('compliance_inspection')
