"""rate limit counters shared by every API process

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_counter',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index(op.f('ix_rate_counter_expires_at'), 'rate_counter', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rate_counter_expires_at'), table_name='rate_counter')
    op.drop_table('rate_counter')
