"""`goalspec serve`: the site of the tree on loopback, built anew on every save (site/preview.py).

A rebuild that fails leaves the last site in place but is not hidden: every request gets a
page saying what failed until a save makes the build work again. Only requests naming this
server by a loopback name (or the --host given) are answered, so a web page cannot reach the
preview by pointing a DNS name of its own at 127.0.0.1 (DNS rebinding).
"""

from __future__ import annotations

import errno
import gc
import html
import http.server
import mimetypes
import os
import signal
import socket
import socketserver
import threading
import time
import traceback
import urllib.parse
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Protocol

from goalspec.report.weeks import Stopped
from goalspec.site.build import BuildError
from goalspec.site.preview import Preview
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
        started = time.thread_time()
        seen = tuple(snapshot(folder) for folder in self.folders)
        # A save shows within a tenth of a second; a tree so large that looking costs more
        # is looked at less often, so that watching never takes more than a tenth of a core.
        # The cost is this thread's CPU time, not the wall clock's: a look that waited for
        # another thread (or for the machine) made the next one wait ten times as long.
        self._wait = max(self.interval, 10 * (time.thread_time() - started))
        return seen

    def changed(self) -> bool:
        """Whether a file was saved since the last rebuild began (it starts the next one)."""
        return self._snapshot() != self._seen

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


class Site(Protocol):
    """What the server serves (a Preview): files by path, and what failed when the last build did."""

    error: str | None

    def get(self, path: str) -> bytes | None: ...


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


class _Handler(http.server.BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self):
        self._answer()

    def do_HEAD(self):
        self._answer()

    def _answer(self) -> None:
        with self.server.counting:
            self.server.busy += 1
        try:
            self._respond()
        finally:
            with self.server.counting:
                self.server.busy -= 1
                self.server.answered = time.monotonic()

    def _respond(self) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.allowed_hosts):
            self.send_error(400, "Host not allowed", "This server answers only to the names it listens on.")
            return
        site = self.server.site
        try:
            if site.error is not None:
                raise _Failed(site.error)
            path = site_path(self.path)
            body = site.get(path) if path is not None else None
            if body is not None:
                self._send(200, body, _content_type(path))
                return
            if path and not self.path.split("?", 1)[0].endswith("/") and site.get(f"{path}/index.html") is not None:
                self._moved(f"/{path}/")  # a folder named without its slash, as a static host answers it
                return
            page = site.get("404.html")
        except Exception as exc:  # a page its template fails on, or a bug: said on the page, the server goes on
            message = str(exc) if isinstance(exc, _Failed) else _failure(exc)
            self._send(500, ERROR_PAGE.format(error=html.escape(message)).encode("utf-8"))
            return
        if page is None:
            self.send_error(404)
            return
        # The site's links are relative to its root, but this page answers at any depth.
        self._send(404, page.replace(b"<head>", b'<head><base href="/">', 1))

    def _moved(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, code: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a preview: every reload shows the last save
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Failed(Exception):
    """The last rebuild failed: this says what, on every page."""


def site_path(target: str) -> str | None:
    """The site's file a request names (``/`` and folders: their index.html); None for a path that
    climbs out of the site."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
    if path.endswith("/"):
        path += "index.html"
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    return "/".join(parts)


def _content_type(path: str) -> str:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    text = kind.startswith("text/") or kind in ("application/javascript", "application/json", "application/xml",
                                                 "image/svg+xml")
    return f"{kind}; charset=utf-8" if text else kind


class _Server(http.server.ThreadingHTTPServer):
    site: Site
    allowed_hosts: frozenset[str]
    # Requests being answered, and when the last one was (time.monotonic), under ``counting``.
    busy = 0
    answered = float("-inf")
    counting = threading.Lock()

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
    """Serve until Ctrl-C or SIGTERM (or SIGHUP). Nothing is written: pages are rendered in memory."""
    site = Preview(tree, today, templates)
    server = make_server(site, host, port)

    def rebuild(jobs: int | None = 1) -> None:
        started = time.perf_counter()
        try:
            finish = site.rebuild(jobs)
        except Exception as exc:
            site.error = _failure(exc)
        else:
            shown = time.monotonic()
            gc.freeze()  # see _collect
            superseded = False
            try:
                site.error = None
                s = site.now.result.summary
                state = f"{s.errors} errors, {s.warnings} warnings" if s.errors or s.warnings else "no problems"
                echo(f"rebuilt in {time.perf_counter() - started:.2f}s ({site.pages} files): {state}")
                if finish is None:
                    return
                if superseded := _after_reload(server, shown, watcher.stop, watcher.changed):
                    # Saved again already: that save comes first; the updates follow it (the
                    # previous ones, and the pages they link to, stay until then).
                    echo("weekly updates left for the next save")
                    return
                started = time.perf_counter()
                try:
                    made = finish(stop=_every(0.25, watcher.changed))
                except Stopped:  # saved again while they were made: that save first, as above
                    superseded = True
                    echo("weekly updates left for the next save")
                    return
                except Exception as exc:
                    site.error = _failure(exc)
                else:
                    echo(f"weekly updates rebuilt in {time.perf_counter() - started:.2f}s ({made} pages)")
                    return
            finally:
                if not superseded:  # the next save's pages first: this one's collection waits for its updates
                    _collect()
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
                watcher.join(timeout=30)  # let a rebuild under way end before the process does
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
            pass
        finally:
            server.server_close()


def _after_reload(server: "_Server", shown: float, stop: threading.Event, changed: Callable[[], bool] = lambda: False,
                  quiet: float = 0.2, most: float = 2.0) -> bool:
    """Wait for the reload that follows a save: until a request made after the save's pages were
    ``shown`` has been answered, none is being answered and none came for ``quiet`` seconds; at
    most ``most`` seconds after ``shown`` (nobody may be looking). The weekly updates' digests that
    follow take the interpreter for seconds (one thread runs Python at a time). Returns True, at
    once, when the tree ``changed`` meanwhile: the next save is to be shown first."""
    while not stop.is_set():
        if changed():
            return True
        now = time.monotonic()
        with server.counting:
            busy, answered = server.busy, server.answered
        if now >= shown + most or (not busy and answered > shown and now - answered >= quiet):
            return False
        stop.wait(min(quiet, shown + most - now) if busy or answered <= shown else quiet - (now - answered))
    return False


def _every(seconds: float, ask: Callable[[], bool]) -> Callable[[], bool]:
    """``ask``, asked at most once in ``seconds`` (a look at a large tree costs a tenth of a second)."""
    last = [time.monotonic()]

    def asked() -> bool:
        now = time.monotonic()
        if now - last[0] < seconds:
            return False
        last[0] = now
        return ask()

    return asked


def _collect() -> None:
    """Collect what the last save left, then set every object alive aside from the cyclic collector.

    A save makes a whole tree's objects at once, with the collector paused (spec/memory.py); once
    it ran again, its first full pass over them took 0.1 s of the next request (the page the save
    was made to see). So a save's objects are frozen as soon as its pages are in place, and
    thawed and collected once the weekly updates are made (or failed), after that page is served."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


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
        if os.getpid() != owner:  # a forked parse worker, ended by its pool: die as it would have
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
