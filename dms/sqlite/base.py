"""The database wrapper: create the file 0600 before SQLite opens it; tighten an older one."""

import os
import stat

from django.db.backends.sqlite3 import base


def private_file(name) -> None:
    """Create ``name`` empty with mode 0600 if missing; take group and other rights away."""
    name = str(name)
    if not name or name == ":memory:" or name.startswith("file:"):
        return  # in memory, or a URI whose options SQLite interprets itself
    try:
        descriptor = os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileNotFoundError:
        return  # no such folder: SQLite reports it in its own words
    except FileExistsError:
        mode = stat.S_IMODE(os.stat(name).st_mode)
        if mode & 0o077:
            os.chmod(name, mode & 0o700)
    else:
        os.close(descriptor)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        private_file(conn_params["database"])
        return super().get_new_connection(conn_params)
