from alembic import context

import engine.store.org_models  # noqa: F401  (its tables belong in the metadata)
from engine.store.models import OPTIONAL_INDEXES, Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["connection_engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by dropping it, which the rows pointing at it refuse
            # while foreign keys are on; SQLite's own recipe switches them off outside the
            # transaction and checks them afterwards (https://sqlite.org/lang_altertable.html).
            _foreign_keys(connection, "OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                include_object=modelled,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
            if sqlite:
                _check_foreign_keys(connection)
        finally:
            if sqlite:
                _foreign_keys(connection, "ON")


def modelled(obj, name, type_, reflected, compare_to) -> bool:
    """Whether a schema comparison takes in this object: not the optional indexes."""
    return not (type_ == "index" and name in OPTIONAL_INDEXES)


def _foreign_keys(connection, state: str) -> None:
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={state}")


def _check_foreign_keys(connection) -> None:
    broken = connection.connection.driver_connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"a migration left rows pointing nowhere: {broken[:5]}")


run_migrations_online()
