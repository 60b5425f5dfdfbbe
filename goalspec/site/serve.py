"""`goalspec serve`: build into a private folder, serve it on loopback, rebuild on every save.

A rebuild that fails leaves the last site in place but is not hidden: every request gets a
page saying what failed until a save makes the build work again. Only requests naming this
server by a loopback name (or the --host given) are answered, so a web page cannot reach the
preview by pointing a DNS name of its own at 127.0.0.1 (DNS rebinding).
"""

from __future__ import annotations

import errno
import html
import http.server
import os
import shutil
import signal
import socket
import socketserver
import tempfile
import threading
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from goalspec.spec.cache import FileCache, MemoryCache
from goalspec.site.build import BuildError, build
from goalspec.site.output import Reuse
from goalspec.site.templates import TemplateProblem

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class ServeError(Exception):
    """The server could not start: the address or port given cannot be listened on."""


def snapshot(tree: Path) -> tuple:
    """What changes when a spec or data file is saved: paths, sizes and modification times."""
    entries = []
    for folder, dirs, names in os.walk(tree):  # a folder removed while walked is skipped, not raised
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = Path(folder) / name
            try:
                stat = path.stat()
            except OSError:  # removed (or a dangling link) between listing and now
                continue
            if path.is_file():
                entries.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class Watcher(threading.Thread):
    """Polls the tree (no extra dependency, works on every file system) and rebuilds on change.

    ``also``: more folders whose saves rebuild, such as the templates."""

    def __init__(self, tree: Path, rebuild: Callable[[], None], interval: float = 0.1, also: Iterable[Path] = ()):
        super().__init__(daemon=True)
        self.folders = [tree, *also]
        self.rebuild, self.interval = rebuild, interval
        self.stop = threading.Event()
        self._wait = interval
        self._seen = self._snapshot()

    def _snapshot(self) -> tuple:
        started = time.perf_counter()
        seen = tuple(snapshot(folder) for folder in self.folders)
        # A save shows within a tenth of a second; a tree so large that looking costs more
        # is looked at less often, so that watching never takes more than a tenth of a core.
        self._wait = max(self.interval, 10 * (time.perf_counter() - started))
        return seen

    def run(self) -> None:
        while not self.stop.wait(self._wait):
            now = self._snapshot()
            if now != self._seen:
                self._seen = now
                try:
                    self.rebuild()
                except Exception:  # a bug in one rebuild must not stop the next save from rebuilding
                    try:
                        traceback.print_exc()
                    except Exception:  # nowhere to say it (the terminal went away): keep watching
                        pass


class Site:
    """What the server serves: the site's folder, and what failed when the last build did."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.error: str | None = None


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a Host header names this server: one of ``allowed``, with any port or none."""
    if not header:
        return False
    name = header.strip().lower()
    if name.startswith("["):  # an IPv6 address: [::1]:8000
        end = name.find("]")
        if end < 0:
            return False
        name, port = name[1:end], name[end + 1:]
        if port and not (port.startswith(":") and port[1:].isdigit()):
            return False
        return name in allowed and ":" in name
    name, _, port = name.partition(":")
    if port and not port.isdigit():
        return False
    return name in allowed and ":" not in name


ERROR_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="2">
<title>Not rebuilt · goalspec serve</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
pre{{white-space:pre-wrap;background:#fdecea;border-left:.3rem solid #a4161a;padding:1rem}}</style>
</head>
<body>
<main>
<h1>The site could not be rebuilt</h1>
<pre>{error}</pre>
<p>Fix it and save: the site is rebuilt, and this page reloads by itself.</p>
</main>
</body>
</html>
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: "_Server"

    def __init__(self, request, client_address, server):
        super().__init__(request, client_address, server, directory=str(server.site.folder))

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self):
        if self._answered():
            return
        super().do_GET()

    def do_HEAD(self):
        if self._answered():
            return
        super().do_HEAD()

    def _answered(self) -> bool:
        """Answer here what is not a file of the site: a foreign Host, or a failed build."""
        if not host_allowed(self.headers.get("Host"), self.server.allowed_hosts):
            self.send_error(400, "Host not allowed", "This server answers only to the names it listens on.")
            return True
        error = self.server.site.error
        if error is not None:
            self._send(500, ERROR_PAGE.format(error=html.escape(error)).encode("utf-8"))
            return True
        return False

    def list_directory(self, path):
        # A folder of the site is not a page: no listing, as on a static host.
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        # The site's links are relative to its root, but this page answers at any depth.
        body = body.replace(b"<head>", b'<head><base href="/">', 1)
        self._send(404, body)

    def _send(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    site: Site
    allowed_hosts: frozenset[str]

    def server_bind(self):
        # HTTPServer's own looks the address up in DNS (getfqdn), which can hang; nothing uses it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(site: Site, host: str, port: int) -> _Server:
    """A server for ``site`` on ``host`` (a name, an IPv4 or an IPv6 address) and ``port``.

    Raises ServeError, with a sentence for the user, when it cannot listen there."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot listen on {host}: {host} is not a host name or address ({_reason(exc)})") from None
    family = infos[0][0]
    try:
        server = (_Server6 if family == socket.AF_INET6 else _Server)((host, port), _Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"cannot listen on {host} port {port}: the port is in use; "
                             "choose another with --port (0: any free port)") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"cannot listen on {host}: {host} is not an address of this machine") from None
        raise ServeError(f"cannot listen on {host} port {port}: {_reason(exc)}") from None
    server.site = site
    server.allowed_hosts = LOOPBACK_NAMES | {host.lower().strip("[]")} if host else LOOPBACK_NAMES
    return server


def _reason(exc: Exception) -> str:
    return (getattr(exc, "strerror", None) or str(exc)).rstrip(".")


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(tree: Path, today: Callable[[], date], host: str, port: int, templates: Path | None,
          echo: Callable[[str], None]) -> None:
    """Serve until Ctrl-C or SIGTERM (or SIGHUP); either way the temporary folder is removed."""
    work = Path(tempfile.mkdtemp(prefix="goalspec-serve-"))
    site = Site(work / "site")
    try:
        server = make_server(site, host, port)
    except ServeError:
        shutil.rmtree(work, ignore_errors=True)
        raise

    # Kept across rebuilds: a save re-parses the files it changed and re-renders the pages they change.
    cache, reuse = MemoryCache(FileCache.default()), Reuse()

    def rebuild(jobs: int | None = 1) -> None:
        started = time.perf_counter()
        try:
            # The weekly updates last: their eight digests take longer than the rest of a save's work.
            built = build(tree, site.folder, today(), allow_errors=True, templates=templates, cache=cache,
                          reuse=reuse, jobs=jobs, later_apart=True)
            cache.keep_used()
        except Exception as exc:
            site.error = _failure(exc)
        else:
            site.error = None
            s = built.result.summary
            state = f"{s.errors} errors, {s.warnings} warnings" if s.errors or s.warnings else "no problems"
            echo(f"rebuilt in {time.perf_counter() - started:.2f}s ({reuse.rendered} of {built.pages} pages rendered): {state}")
            if built.finish is None:
                return
            started = time.perf_counter()
            try:
                rendered = built.finish()
            except Exception as exc:
                site.error = _failure(exc)
            else:
                echo(f"weekly updates rebuilt in {time.perf_counter() - started:.2f}s ({rendered} pages rendered)")
                return
        echo(f"not rebuilt: {site.error}")

    watcher = Watcher(tree, rebuild, also=[templates] if templates is not None and templates.is_dir() else [])
    restore = _stop_on_signals()
    try:
        rebuild(None)  # before any thread starts: forked workers are safe, and the first build needs them
        watcher.start()
        echo(f"serving {tree} at {url(host, server.server_address[1])} (Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        restore()
        watcher.stop.set()
        try:
            if watcher.is_alive():
                watcher.join(timeout=30)  # a rebuild under way would write into the folder being removed
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting, still clean up
            pass
        finally:
            server.server_close()
            shutil.rmtree(work, ignore_errors=True)


def _failure(exc: Exception) -> str:
    """What a failed rebuild shows on every page and says after `not rebuilt:`."""
    if isinstance(exc, (BuildError, TemplateProblem)):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"  # a bug, but the next save may still build


def _stop_on_signals() -> Callable[[], None]:
    """Make SIGTERM and SIGHUP stop the server as Ctrl-C does; returns what undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signal handlers can only be set from the main thread

    owner = os.getpid()

    def stop(signum, frame):
        if os.getpid() != owner:  # a forked render worker, ended by its pool: die as it would have
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            previous[sig] = signal.signal(sig, stop)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
