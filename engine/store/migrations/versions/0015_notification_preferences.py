"""notification preferences: each person's quiet hours and what she does not want sent out

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification_preference',
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('quiet_start', sa.String(length=5), nullable=True),
        sa.Column('quiet_end', sa.String(length=5), nullable=True),
        sa.Column('outside', sa.Boolean(), nullable=False),
        sa.Column('muted', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('username'),
    )


def downgrade() -> None:
    op.drop_table('notification_preference')
