"""a case's earliest ready due time on its row (process_instance.ready_due_at), filled in from its ready tasks; on the case list indexes, and an index of its own for lists by due time

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

LISTED = ['org_unit', 'status', 'created_at', 'case_no', 'id', 'risk_colour', 'process_key', 'channel']
BY_RISK = ['org_unit', 'risk_colour', 'created_at', 'case_no', 'id', 'status', 'process_key', 'channel']
DUE = ['org_unit', 'status', 'ready_due_at', 'created_at', 'case_no', 'id', 'risk_colour', 'process_key', 'channel']


def upgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ready_due_at', sa.DateTime(), nullable=True))
    # before the indexes, so that the backfill writes no index entries twice
    op.execute("UPDATE process_instance SET ready_due_at = (SELECT min(human_task.due_at) FROM human_task "
               "WHERE human_task.instance_id = process_instance.id AND human_task.state = 'ready')")
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instance_listed')
        batch_op.drop_index('ix_process_instance_by_risk')
        batch_op.create_index('ix_process_instance_listed', [*LISTED, 'ready_due_at'], unique=False)
        batch_op.create_index('ix_process_instance_by_risk', [*BY_RISK, 'ready_due_at'], unique=False)
        batch_op.create_index('ix_process_instance_due', DUE, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instance_due')
        batch_op.drop_index('ix_process_instance_by_risk')
        batch_op.drop_index('ix_process_instance_listed')
        batch_op.create_index('ix_process_instance_listed', LISTED, unique=False)
        batch_op.create_index('ix_process_instance_by_risk', BY_RISK, unique=False)
        batch_op.drop_column('ready_due_at')
