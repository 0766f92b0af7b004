"""SQLite storage: connection settings, numbered migrations, and the change log."""

from qualcode.store.connection import open_database
from qualcode.store.migrations import SCHEMA_VERSION, migrate

__all__ = ["SCHEMA_VERSION", "migrate", "open_database"]
