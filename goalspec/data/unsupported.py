"""Why a lead-record source is evaluated in Python rather than in its database.

Apart from the modules that build SQL, so that a tree that needs no database never imports
SQLAlchemy or DuckDB to learn these names.
"""


class NotCompilable(Exception):
    """The criteria cannot run in this dialect with the Python evaluator's meaning."""


class Fallback(Exception):
    """The database cannot count this source; the message says why, once."""
