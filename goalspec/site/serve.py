"""`goalspec serve`: build into a private folder, serve it on loopback, rebuild on every save."""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Callable

from goalspec.site.build import BuildError, build


def snapshot(tree: Path) -> tuple:
    """What changes when a spec or data file is saved: paths, sizes and modification times."""
    entries = []
    for path in sorted(tree.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(tree).parts):
            stat = path.stat()
            entries.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class Watcher(threading.Thread):
    """Polls the tree (no extra dependency, works on every file system) and rebuilds on change."""

    def __init__(self, tree: Path, rebuild: Callable[[], None], interval: float = 0.5):
        super().__init__(daemon=True)
        self.tree, self.rebuild, self.interval = tree, rebuild, interval
        self.stop = threading.Event()
        self._seen = snapshot(tree)

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            now = snapshot(self.tree)
            if now != self._seen:
                self._seen = now
                self.rebuild()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


def make_server(folder: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_Quiet, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(tree: Path, today: Callable[[], date], host: str, port: int, templates: Path | None,
          echo: Callable[[str], None]) -> None:
    work = Path(tempfile.mkdtemp(prefix="goalspec-serve-"))
    site = work / "site"

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            built = build(tree, site, today(), allow_errors=True, templates=templates)
        except BuildError as exc:
            echo(f"not rebuilt: {exc}")
            return
        s = built.result.summary
        state = f"{s.errors} errors, {s.warnings} warnings" if s.errors or s.warnings else "no problems"
        echo(f"rebuilt in {time.perf_counter() - started:.2f}s: {state}")

    rebuild()
    server = make_server(site, host, port)
    watcher = Watcher(tree, rebuild)
    watcher.start()
    echo(f"serving {tree} at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop.set()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)
