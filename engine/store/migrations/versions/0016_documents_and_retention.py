"""case documents, legal holds, retention dates, and the audit event's erasable personal part

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('personal', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('personal_key', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('personal_digest', sa.String(length=64), nullable=True))
    with op.batch_alter_table('process_instance') as batch:
        batch.add_column(sa.Column('retain_until', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_process_instance_retain_until', ['retain_until'])
    op.create_table(
        'legal_hold',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('instance_id', sa.String(length=36), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('placed_by', sa.String(length=100), nullable=False),
        sa.Column('placed_at', sa.DateTime(), nullable=False),
        sa.Column('released_by', sa.String(length=100), nullable=True),
        sa.Column('released_at', sa.DateTime(), nullable=True),
        sa.Column('release_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_legal_hold_instance_id', 'legal_hold', ['instance_id'])
    op.create_table(
        'case_document',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('instance_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('template', sa.String(length=100), nullable=True),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('erased_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_document_instance_id', 'case_document', ['instance_id'])


def downgrade() -> None:
    op.drop_index('ix_case_document_instance_id', table_name='case_document')
    op.drop_table('case_document')
    op.drop_index('ix_legal_hold_instance_id', table_name='legal_hold')
    op.drop_table('legal_hold')
    with op.batch_alter_table('process_instance') as batch:
        batch.drop_index('ix_process_instance_retain_until')
        batch.drop_column('anonymised_at')
        batch.drop_column('retain_until')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_column('personal_digest')
        batch.drop_column('personal_key')
        batch.drop_column('personal')
