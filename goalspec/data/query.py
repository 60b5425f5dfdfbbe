"""Whether an SQL query only reads, judged on a real SQL parser's tree (sqlglot).

A query runs only when it parses as one SELECT (or WITH … SELECT, or a UNION of
them) with nothing anywhere inside it that writes (a data-modifying WITH, SELECT …
INTO, FOR UPDATE, any statement), and calls no function known to reach past the
read-only session: other sessions and servers (dblink, foreign data wrappers),
the server's files (pg_read_file, lo_import), query text the parser cannot see
into (query_to_xml), or the server's settings and other sessions (set_config,
pg_terminate_backend). This guard stands in front of the database's own: the
transaction is read-only, and the URL should name a role that can only read.
"""

from __future__ import annotations

import logging

# sqlglot's name for the dialect of each SQLAlchemy backend; others are read as generic SQL.
DIALECTS = {"postgresql": "postgres", "postgres": "postgres", "sqlite": "sqlite", "mysql": "mysql",
            "mariadb": "mysql", "mssql": "tsql", "oracle": "oracle", "snowflake": "snowflake",
            "bigquery": "bigquery", "redshift": "redshift", "duckdb": "duckdb", "trino": "trino"}

# Functions that reach past one read-only session, by name (any schema, any case).
REFUSED = frozenset({
    # PostgreSQL: the server's files and large objects
    "pg_read_file", "pg_read_binary_file", "pg_stat_file", "loread", "lowrite",
    # PostgreSQL: SQL given as text, which no parser in front of the server can judge
    "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
    "ts_stat", "connectby",
    # PostgreSQL: settings, other sessions, the server itself
    "set_config", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
    "pg_promote", "pg_switch_wal", "pg_create_restore_point", "pg_logical_emit_message",
    # SQLite: extensions and files
    "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
    # MySQL and SQL Server: files, commands, other servers
    "load_file", "sys_exec", "sys_eval", "openrowset", "opendatasource", "openquery",
})
REFUSED_PREFIXES = (
    "dblink",  # dblink, dblink_exec, dblink_connect, …: a session of its own, on any server
    "postgres_fdw", "pg_file_", "pg_ls_", "pg_read_",  # foreign servers; adminpack and the server's folders
    "lo_",  # large objects: lo_import and lo_export read and write the server's files
    "crosstab",  # tablefunc: runs SQL given as text
    "utl_", "dbms_", "xp_",  # Oracle's file and network packages, SQL Server's extended procedures
)

# Nodes that write or change state, anywhere in the tree (sqlglot's class names).
_WRITING = {
    "Insert": "INSERT", "Update": "UPDATE", "Delete": "DELETE", "Merge": "MERGE", "Create": "CREATE",
    "Drop": "DROP", "Alter": "ALTER", "TruncateTable": "TRUNCATE", "Copy": "COPY", "Set": "SET",
    "Pragma": "PRAGMA", "Use": "USE", "Transaction": "BEGIN", "Commit": "COMMIT", "Rollback": "ROLLBACK",
    "Into": "SELECT … INTO", "Lock": "FOR UPDATE / FOR SHARE, which locks rows", "LoadData": "LOAD DATA", "Grant": "GRANT",
    "Revoke": "REVOKE", "Attach": "ATTACH", "Detach": "DETACH", "Analyze": "ANALYZE", "Cache": "CACHE",
    "Uncache": "UNCACHE", "Refresh": "REFRESH", "Execute": "EXECUTE", "Comment": "COMMENT", "Kill": "KILL",
    "Declare": "DECLARE", "Command": "",
}

_FUNCTION_HINT = ("read the data with plain SELECTs; for data in another database, give the source a URL of "
                  "its own")


class QueryRefused(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def refuse(query: str, backend: str | None = None) -> None:
    """Raise QueryRefused unless ``query`` is one SELECT that only reads."""
    import sqlglot
    from sqlglot import exp

    try:
        # sqlglot logs a warning when it falls back to an opaque Command: refused below anyway.
        with _quiet("sqlglot"):
            trees = [t for t in sqlglot.parse(query, read=DIALECTS.get(backend or "")) if t is not None]
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        where = f" (line {first['line']}, column {first['col']})" if first.get("line") else ""
        reason = first.get("description") or str(exc).splitlines()[0]
        raise QueryRefused(f"the query cannot be read as SQL: {reason}{where}") from None
    except (sqlglot.errors.SqlglotError, RecursionError, ValueError) as exc:
        raise QueryRefused(f"the query cannot be read as SQL: {str(exc).splitlines()[0] if str(exc) else exc!r}") \
            from None
    if not trees:
        raise QueryRefused("the query is empty; give one SELECT")
    if len(trees) > 1:
        raise QueryRefused("the query holds more than one statement; give one SELECT")
    (tree,) = trees
    if not isinstance(tree, exp.Query):
        raise QueryRefused("the query must be a SELECT (or WITH … SELECT): goalspec only reads data")
    for node in tree.walk():
        what = _WRITING.get(type(node).__name__)
        if what is not None:
            if isinstance(node, exp.Command):
                what = str(node.this).upper()
            raise QueryRefused(f"the query would change data ({what}); goalspec only reads")
        if isinstance(node, exp.Func):
            name = function_name(node)
            if name in REFUSED or name.startswith(REFUSED_PREFIXES):
                raise QueryRefused(f"the query calls `{name}`, which reaches past a read-only session (other "
                                   "sessions, the server's files or its settings); goalspec refuses it", _FUNCTION_HINT)


def function_name(node) -> str:
    """A call's function name as written, lower-cased, without its schema."""
    from sqlglot import exp

    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


class _quiet:
    def __init__(self, logger: str):
        self.log = logging.getLogger(logger)

    def __enter__(self):
        self.level = self.log.level
        self.log.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.log.setLevel(self.level)
