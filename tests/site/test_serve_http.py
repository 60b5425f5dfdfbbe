"""`goalspec serve` over real HTTP: 404s, no listings, the Host check, IPv6, failed rebuilds, stopping, bad addresses."""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from paths import SPECS

from goalspec.site.preview import Preview
from goalspec.site.serve import Site, Watcher, make_server
from goalspec.spec.cache import MemoryCache

TIMEOUT = 5


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")


@pytest.fixture(scope="module")
def built() -> Preview:
    """The example tree's site as serve shows it (module-wide: building it is the slow part)."""
    preview = Preview(SPECS, lambda: date(2027, 1, 15), cache=MemoryCache())
    preview.rebuild()
    return preview


@pytest.fixture
def served(built):
    built.error = None
    yield built
    built.error = None


def home(site) -> str:
    return site.get("index.html").decode()


@contextlib.contextmanager
def running(site: Site, host: str = "127.0.0.1"):
    server = make_server(site, host, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def get(port: int, path: str = "/", host: str = "127.0.0.1", headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(), response
    finally:
        conn.close()


def test_unknown_paths_get_the_site_s_404_page(served):
    with running(served) as port:
        assert get(port, "/index.html")[:2] == (200, home(served))
        status, body, _ = get(port, "/no/such/page.html")
        assert status == 404 and "This page does not exist" in body
        # its relative links are resolved from the site's root, however deep the unknown path
        assert body.startswith('<!doctype html>\n<html lang="en">\n<head><base href="/">')
        status, body, response = get(port, "/nope", method="HEAD")
        assert status == 404 and body == "" and int(response.getheader("Content-Length")) > 0


def test_a_folder_is_never_listed(served):
    with running(served) as port:
        for path in ("/goals/", "/assets/", "/goals"):
            status, body, _ = get(port, path)
            assert status == 404 and "Directory listing" not in body and "sales.msp-seats" not in body, path
        assert get(port, "/")[:2] == (200, home(served))


@pytest.mark.parametrize("header", ["localhost", "localhost:{port}", "LOCALHOST:{port}", "127.0.0.1:{port}",
                                    "127.0.0.1", "[::1]:{port}", "[::1]"])
def test_loopback_names_are_served(served, header):
    with running(served) as port:
        assert get(port, headers={"Host": header.format(port=port)})[0] == 200


@pytest.mark.parametrize("header", ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}",
                                    "127.0.0.1.nip.io:{port}", "127.0.0.2:{port}", "[::2]:{port}", "::1",
                                    "localhost:http", "localhost:{port}:1", "[::1", ""])
def test_other_host_names_are_refused_against_dns_rebinding(served, header):
    with running(served) as port:
        status, body, _ = get(port, headers={"Host": header.format(port=port)})
        assert status == 400 and "home" not in body


def test_a_request_without_a_host_is_refused(served):
    with running(served) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.putrequest("GET", "/", skip_host=True)
        conn.endheaders()
        assert conn.getresponse().status == 400
        conn.close()


def test_the_host_given_with_host_is_served_too(served):
    with running(served, host="127.0.0.2") as port:  # the whole of 127/8 is loopback on Linux
        assert get(port, host="127.0.0.2", headers={"Host": f"127.0.0.2:{port}"})[0] == 200
        assert get(port, host="127.0.0.2", headers={"Host": f"localhost:{port}"})[0] == 200
        assert get(port, host="127.0.0.2", headers={"Host": f"evil.example:{port}"})[0] == 400


@needs_ipv6
def test_ipv6_loopback(served):
    with running(served, host="::1") as port:
        status, body, _ = get(port, host="::1")  # http.client sends Host: [::1]:port
        assert (status, body) == (200, home(served))


def test_a_failed_build_shows_what_failed_until_the_next_one_works(served):
    site = served
    with running(site) as port:
        site.error = "templates/goal.html:2: unexpected '}' <script>"
        for path in ("/", "/goals/sales.msp-seats.html", "/nope"):
            status, body, response = get(port, path)
            assert status == 500 and response.getheader("Cache-Control") == "no-store"
            assert "templates/goal.html:2: unexpected &#x27;}&#x27; &lt;script&gt;" in body
            assert 'http-equiv="refresh"' in body  # reloads by itself once a save fixes it
        site.error = None
        assert get(port, "/")[:2] == (200, home(served))


def test_each_file_is_answered_with_its_type(served):
    with running(served) as port:
        for path, kind in (("/index.html", "text/html; charset=utf-8"), ("/assets/style.css", "text/css; charset=utf-8"),
                           ("/feed.xml", "application/xml; charset=utf-8"),
                           ("/assets/search-index.js", "text/javascript; charset=utf-8")):
            status, body, response = get(port, path)
            assert (status, response.getheader("Content-Type")) == (200, kind), path
            assert body.encode() == served.get(path[1:])
            assert response.getheader("Cache-Control") == "no-store"  # every reload shows the last save


@pytest.mark.parametrize("path", ["/../goalspec.yaml", "/goals/../../goalspec.yaml", "/%2e%2e/goalspec.yaml",
                                  "/goalspec.yaml", "/.goalspec-site"])
def test_nothing_but_the_site_is_answered(served, path):
    with running(served) as port:
        status, body, _ = get(port, path)
        assert status == 404 and "apiVersion" not in body


def test_a_folder_named_without_its_slash_is_sent_to_its_index(served):
    with running(served) as port:
        status, _, response = get(port, "/updates")
        assert (status, response.getheader("Location")) == (301, "/updates/")
        assert get(port, "/updates/")[0] == 200
        assert get(port, "/goals")[0] == 404  # a folder without an index is no page


def test_a_query_or_a_fragment_names_the_same_page(served):
    with running(served) as port:
        assert get(port, "/index.html?utm=x")[:2] == (200, home(served))


def test_a_page_its_template_fails_on_answers_what_failed(tmp_path):
    (tmp_path / "goal.html").write_text("{% extends 'base.html' %}{% block main %}\n"
                                        "{% if goal.id == 'sales.msp-seats' %}{{ nope }}{% endif %}{% endblock %}")
    site = Preview(SPECS, lambda: date(2027, 1, 15), tmp_path, cache=MemoryCache())
    site.rebuild()  # the first goal page renders: the template is not broken on every page
    with running(site) as port:
        status, body, _ = get(port, "/goals/sales.msp-seats.html")
        assert status == 500 and "goal.html:2: &#x27;nope&#x27; is undefined" in body
        assert get(port, "/goals/company.msp-seats.html")[0] == 200  # the other pages are served


def test_the_watcher_survives_a_rebuild_that_raises(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n")
    calls = []

    def rebuild():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the first rebuild fails")

    watcher = Watcher(tmp_path, rebuild, interval=0.05)
    watcher.start()
    try:
        (tmp_path / "a.yaml").write_text("x: 22\n")
        wait_for(lambda: calls, timeout=5)
        (tmp_path / "a.yaml").write_text("x: 333\n")
        wait_for(lambda: len(calls) == 2, timeout=5)
        assert watcher.is_alive()
    finally:
        watcher.stop.set()
        watcher.join(TIMEOUT)


def test_the_watcher_sees_template_saves(tmp_path):
    tree, templates = tmp_path / "specs", tmp_path / "templates"
    tree.mkdir()
    templates.mkdir()
    calls = []
    watcher = Watcher(tree, lambda: calls.append(1), interval=0.05, also=[templates])
    watcher.start()
    try:
        (templates / "goal.html").write_text("x")
        wait_for(lambda: calls, timeout=5)
    finally:
        watcher.stop.set()
        watcher.join(TIMEOUT)


# --- the command, in a subprocess -----------------------------------------------------------------

def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def start(tree: Path, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "goalspec", "serve", str(tree), "--port", "0",
                             "--today", "2027-01-15", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, **(env or {})})
    lines = []
    timer = threading.Timer(60, proc.kill)  # a server that never says where it listens must not hang the test
    timer.start()
    try:
        while True:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("".join(lines))
            lines.append(line)
            m = re.search(r"at (http://\S+/) ", line)
            if m:
                return proc, m.group(1)
    finally:
        timer.cancel()


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def fetch(url: str) -> tuple[int, str]:
    m = re.match(r"http://(\[[^\]]+\]|[^:/]+):(\d+)(/.*)", url)
    return get(int(m.group(2)), m.group(3), host=m.group(1).strip("[]"))[:2]


@pytest.fixture
def tree(tmp_path) -> Path:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    return specs


def test_a_failed_rebuild_shows_an_error_page_and_the_next_save_recovers(tree, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    proc, url = start(tree, "--templates", str(templates))
    try:
        assert "Increase seats sold" in fetch(url + "index.html")[1]
        # a broken template, then a spec save: the rebuild raises
        (templates / "index.html").write_text("{% extends 'base.html' %}{% block main %}\n{{ nope }}{% endblock %}")
        company = tree / "goals" / "company.yaml"
        company.write_text(company.read_text().replace("Increase seats sold", "Grow seats sold"))
        status, body = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(url + "index.html")))
        assert "index.html:2: &#x27;nope&#x27; is undefined" in body
        assert fetch(url + "goals/company.msp-seats.html")[0] == 500
        # the next save (of the template itself) recovers
        (templates / "index.html").unlink()
        wait_for(lambda: (lambda r: r[0] == 200 and "Grow seats sold" in r[1])(fetch(url + "index.html")))
        status, body = fetch(url + "no-such-page.html")
        assert status == 404 and "This page does not exist" in body
    finally:
        stop(proc)
    output = proc.stdout.read()
    assert "not rebuilt: " in output and "Traceback" not in output


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_writes_nothing_and_stops_cleanly(tree, tmp_path, sig):
    temp = tmp_path / "tmp"
    temp.mkdir()
    before = sorted(p for p in tree.rglob("*"))
    proc, url = start(tree, env={"TMPDIR": str(temp)})
    try:
        assert fetch(url + "index.html")[0] == 200
        assert fetch(url + "goals/sales.msp-seats.html")[0] == 200
        assert list(temp.iterdir()) == []  # pages are rendered in memory
    finally:
        code = stop(proc, sig)
    assert code == 0
    assert list(temp.iterdir()) == [] and sorted(p for p in tree.rglob("*")) == before


def serve_fails(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "goalspec", "serve", str(SPECS), *args], capture_output=True,
                          text=True, timeout=60)


def test_a_port_in_use_is_a_one_line_usage_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = serve_fails("--port", str(port))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: cannot listen on 127.0.0.1 port {port}: the port is in use; "
                      "choose another with --port (0: any free port)"]


@pytest.mark.parametrize("host, says", [("no-such-host.invalid", "no-such-host.invalid is not a host name or address"),
                                        ("192.0.2.1", "192.0.2.1 is not an address of this machine")])
def test_a_bad_host_is_a_one_line_usage_error(host, says):
    proc = serve_fails("--host", host, "--port", "0")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: cannot listen on {host}") and says in errors[0]


@needs_ipv6
def test_serve_on_ipv6_loopback(tree):
    proc, url = start(tree, "--host", "::1")
    try:
        assert url.startswith("http://[::1]:")
        status, body = fetch(url + "index.html")
        assert status == 200 and "Increase seats sold" in body
    finally:
        stop(proc)


def test_the_updates_wait_for_the_reload_that_follows_a_save(monkeypatch):
    """On a clock of its own: how long it waits, not how fast this machine is."""
    from types import SimpleNamespace

    import goalspec.site.serve as serve_module

    clock = [100.0]
    monkeypatch.setattr(serve_module.time, "monotonic", lambda: clock[0])

    class Stop:
        def __init__(self, during=None):
            self.during, self.waited = during, 0.0

        def is_set(self):
            return False

        def wait(self, seconds):
            assert seconds > 0
            self.waited += seconds
            clock[0] += seconds
            if self.during is not None:
                self.during()

    def server(busy=0, answered=float("-inf")):
        return SimpleNamespace(busy=busy, answered=answered, counting=threading.Lock())

    def waited(site, stop, **kw):
        shown = clock[0]
        serve_module._after_reload(site, shown, stop, **kw)
        return round(clock[0] - shown, 3)

    assert waited(server(), Stop(), most=2.0) == 2.0  # nobody reloads: two seconds, then the updates
    site = server()
    clock[0] += 0.5

    def reload_once():
        if site.answered == float("-inf"):
            site.answered = clock[0]  # the reload came and was answered
    assert waited(site, Stop(reload_once), quiet=0.2, most=2.0) == 0.4  # 0.2 s for it, 0.2 s quiet after
    assert site.answered > float("-inf")
    stuck = server(busy=1)  # a page being rendered: wait for it, but not past ``most``
    assert waited(stuck, Stop(), most=2.0) == 2.0
    polled = server()

    def poll():
        polled.answered = clock[0]  # a request every time it looks: never quiet
    assert waited(polled, Stop(poll), quiet=0.2, most=1.0) == 1.0
    old = server(answered=clock[0] - 5)  # a request before the save does not count as its reload
    assert waited(old, Stop(), most=1.5) == 1.5
    saves = iter([False, False, True])  # saved again while waiting: the next save goes first
    shown = clock[0]
    assert serve_module._after_reload(server(), shown, Stop(), lambda: next(saves), most=2.0) is True
    assert round(clock[0] - shown, 3) == 0.4


def test_a_save_made_while_the_updates_wait_is_shown_first(tree):
    proc, url = start(tree)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        company = tree / "goals" / "company.yaml"
        company.write_text(company.read_text().replace("Increase seats sold", "Grow seats sold"))
        wait_for(lambda: any(line.startswith("rebuilt in") for line in lines))
        # Nobody asks for a page: the updates wait up to two seconds for a reload, and this save
        # comes within them.
        company.write_text(company.read_text().replace("Grow seats sold", "Double seats sold"))
        wait_for(lambda: "Double seats sold" in fetch(url + "index.html")[1])
        wait_for(lambda: any(line.startswith("weekly updates rebuilt") for line in lines))
    finally:
        stop(proc)
        reader.join(10)
    said = [line.split(" in ")[0] for line in lines if "rebuilt" in line or "weekly updates" in line]
    assert said[:3] == ["rebuilt", "weekly updates left for the next save\n", "rebuilt"], lines
    assert "Traceback" not in "".join(lines)
