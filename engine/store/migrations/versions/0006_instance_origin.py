"""instance origin: the instance whose message started this one

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_instance_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_process_instance_origin_instance_id'), ['origin_instance_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_instance_origin_instance_id'))
        batch_op.drop_column('origin_instance_id')
