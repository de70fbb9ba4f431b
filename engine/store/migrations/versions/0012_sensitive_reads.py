"""sensitive reads: who was sent which sensitive fields of a case in clear

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sensitive_read',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('instance_id', sa.String(length=36), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('via', sa.String(length=40), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_sensitive_read_instance_id'), 'sensitive_read', ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sensitive_read_instance_id'), table_name='sensitive_read')
    op.drop_table('sensitive_read')
