"""a process version's content may repeat an earlier one's (redeploying it is a roll back)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

COLUMNS = {"process_key", "content_hash"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # The constraint has no name there: batch mode names what it reflects by this convention.
        convention = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
        with op.batch_alter_table('process_version', naming_convention=convention) as batch_op:
            batch_op.drop_constraint('uq_process_version_process_key_content_hash', type_='unique')
        return
    for constraint in sa.inspect(bind).get_unique_constraints('process_version'):
        if set(constraint["column_names"]) == COLUMNS:
            op.drop_constraint(constraint["name"], 'process_version', type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_process_version_process_key_content_hash', ['process_key', 'content_hash'])
