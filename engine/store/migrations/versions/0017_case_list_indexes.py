"""indexes for case lists: newest first per org unit and status or risk colour, a case's open tasks, ready tasks by due time; case search by text (pg_trgm on PostgreSQL, where it can be had)

Revision ID: 0017
Revises: 0016
"""
import logging

from alembic import op

log = logging.getLogger("alembic.runtime.migration")

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_text_index(op.get_bind())
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.create_index('ix_process_instance_listed', ['org_unit', 'status', 'created_at', 'case_no', 'id',
                                                             'risk_colour', 'process_key', 'channel'], unique=False)
        batch_op.create_index('ix_process_instance_by_risk', ['org_unit', 'risk_colour', 'created_at', 'case_no',
                                                              'id', 'status', 'process_key', 'channel'], unique=False)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_of_case', ['instance_id', 'state', 'due_at', 'id'], unique=False)
        batch_op.create_index('ix_human_task_due', ['state', 'due_at', 'instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_due')
        batch_op.drop_index('ix_human_task_of_case')
    op.execute('DROP INDEX IF EXISTS ix_process_instance_text')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instance_by_risk')
        batch_op.drop_index('ix_process_instance_listed')


def _create_text_index(bind) -> None:
    """ix_process_instance_text (models.OPTIONAL_INDEXES): the trigrams of the case number and
    summary on PostgreSQL, a plain index on SQLite, scanned instead of the table."""
    if bind.dialect.name != 'postgresql':
        with op.batch_alter_table('process_instance', schema=None) as batch_op:
            batch_op.create_index('ix_process_instance_text', ['case_no', 'summary'], unique=False)
        return
    ops = _trigram_ops(bind)
    if ops is None:
        log.warning('pg_trgm is not installed and this user may not create it: case search by text (q=) reads '
                    'the cases without an index; see docs/operator-guide.md, "Case search on PostgreSQL"')
        return
    op.create_index('ix_process_instance_text', 'process_instance', ['case_no', 'summary'], unique=False,
                    postgresql_using='gin', postgresql_ops={'case_no': ops, 'summary': ops})


def _trigram_ops(bind) -> str | None:
    """pg_trgm's GIN operator class, named with the schema the extension is in, so that it
    resolves whatever the search path; the extension is created in public where it is in none
    yet and this user may (pg_trgm is trusted: CREATE on the database suffices). None where it
    is missing and may not be created: the index is left out, and case search reads the cases."""
    schema = _trigram_schema(bind)
    if schema is None:
        try:
            with bind.begin_nested():
                bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public')
        except Exception as exc:  # no privilege, or contrib not installed: the index is optional
            log.warning('cannot create the extension pg_trgm: %s', str(exc).splitlines()[0])
        schema = _trigram_schema(bind)  # also where another migration created it meanwhile
    return None if schema is None else f'"{schema}".gin_trgm_ops'


def _trigram_schema(bind) -> str | None:
    return bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'").scalar()
