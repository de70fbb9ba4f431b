"""Persistence: the only part of the engine that knows SQLAlchemy."""
from engine.store.db import Store, database_url_from_env

__all__ = ["Store", "database_url_from_env"]
