"""notifications: each user's in-app inbox, written with the change that caused it, and
where each open task stands in its deadline reminders

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('instance_id', sa.String(length=36), nullable=True),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notification_inbox', 'notification', ['username', 'read_at', 'created_at'], unique=False)
    op.create_table(
        'task_reminder',
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('rounds', sa.Integer(), nullable=False),
        sa.Column('next_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('task_id'),
    )
    op.create_index(op.f('ix_task_reminder_next_at'), 'task_reminder', ['next_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_task_reminder_next_at'), table_name='task_reminder')
    op.drop_table('task_reminder')
    op.drop_index('ix_notification_inbox', table_name='notification')
    op.drop_table('notification')
