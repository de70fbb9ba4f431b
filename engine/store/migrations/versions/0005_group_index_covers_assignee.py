"""group task index covers assignee

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_group')
        batch_op.create_index('ix_human_task_group', ['state', 'role', 'org_unit', 'due_at', 'assignee'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_group')
        batch_op.create_index('ix_human_task_group', ['state', 'role', 'org_unit', 'due_at'], unique=False)
