"""idempotent requests: what a request sent with an Idempotency-Key did, and its fingerprint

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'idempotent_request',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('instance_id', sa.String(length=36), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index(op.f('ix_idempotent_request_instance_id'), 'idempotent_request', ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_idempotent_request_instance_id'), table_name='idempotent_request')
    op.drop_table('idempotent_request')
