"""A PostgreSQL server on loopback for the tests that need one.

`.ci/run` installs and starts Debian's `postgresql` and says where in
GOALSPEC_PG_PORT; without that, the ``server`` fixture starts a throwaway cluster.
``MISSING`` names what is not installed (the tests are skipped then, except in CI).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
CI_PORT = os.environ.get("GOALSPEC_PG_PORT")
_missing = [what for what, ok in (("PostgreSQL server", bool(BINS) or bool(CI_PORT)),
                                  ("psycopg", importlib.util.find_spec("psycopg") is not None)) if not ok]
MISSING = _missing if not os.environ.get("CI") else []


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root; CI runs as root, a developer usually not.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _fill(port: int) -> None:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={port} user=goalspec dbname=postgres", autocommit=True) as conn:
        conn.execute("drop table if exists seats")
        conn.execute("create table seats (day date, n numeric)")
        conn.execute("insert into seats values ('2026-07-01', 300), ('2026-08-01', 350), ('2026-08-15', null)")


@pytest.fixture(scope="module")
def server():
    if CI_PORT:  # the server .ci/run started
        _fill(int(CI_PORT))
        yield int(CI_PORT)
        return
    bindir = Path(BINS[-1])
    # Not under pytest's private temp folder: the postgres user must be able to reach it.
    work = Path(tempfile.mkdtemp(prefix="goalspec-pg-"))
    data = work / "data"
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "goalspec"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(work / "log"),
                                 "-o", f"-h 127.0.0.1 -p {port} -k {work}", "start"]), check=True, capture_output=True)
    try:
        _fill(port)
        yield port
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


