"""SQLite storage: connection settings, numbered migrations, and the change log."""

from qualcode.store.connection import open_database
from qualcode.store.migrations import SCHEMA_VERSION, migrate

__all__ = ["open_database", "migrate", "SCHEMA_VERSION"]
