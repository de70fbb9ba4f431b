"""indexes for the supervised and done task lists; the offered-task count index by org unit first

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_offered')
        batch_op.create_index('ix_human_task_offered', ['state', 'org_unit', 'role', 'assignee'], unique=False)
        batch_op.create_index('ix_human_task_supervised', ['state', 'org_unit', 'due_at'], unique=False)
        batch_op.create_index('ix_human_task_done', ['state', 'ended_by', 'ended_at'], unique=False)
        batch_op.create_index('ix_human_task_ended_by', ['state', 'ended_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_ended_by')
        batch_op.drop_index('ix_human_task_done')
        batch_op.drop_index('ix_human_task_supervised')
        batch_op.drop_index('ix_human_task_offered')
        batch_op.create_index('ix_human_task_offered', ['state', 'role', 'org_unit', 'assignee'], unique=False)
