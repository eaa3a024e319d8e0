"""Django's SQLite backend, keeping the database file readable by its owner only (0600).

The file holds every document's metadata and the audit trail; SQLite would create it with
the process's umask (usually world-readable). SQLite gives its journal and WAL files the
database file's permissions, so they follow.
"""
