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
from pathlib import Path

import pytest

from goalspec.site.serve import Site, Watcher, make_server
from paths import SPECS

TIMEOUT = 5


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")


@pytest.fixture
def folder(tmp_path) -> Path:
    site = tmp_path / "site"
    (site / "goals").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text("<!doctype html><html><head><title>home</title></head><body>home</body></html>")
    (site / "404.html").write_text('<!doctype html><html><head><link rel="stylesheet" href="assets/style.css">'
                                   "</head><body>This page does not exist</body></html>")
    (site / "goals" / "a.html").write_text("goal a")
    (site / "assets" / "style.css").write_text("body {}")
    return site


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


def test_unknown_paths_get_the_site_s_404_page(folder):
    with running(Site(folder)) as port:
        assert get(port, "/index.html")[:2] == (200, (folder / "index.html").read_text())
        status, body, _ = get(port, "/no/such/page.html")
        assert status == 404 and "This page does not exist" in body
        # its relative links are resolved from the site's root, however deep the unknown path
        assert body.startswith('<!doctype html><html><head><base href="/">')
        status, body, response = get(port, "/nope", method="HEAD")
        assert status == 404 and body == "" and int(response.getheader("Content-Length")) > 0


def test_a_folder_is_never_listed(folder):
    with running(Site(folder)) as port:
        for path in ("/goals/", "/assets/", "/goals"):
            status, body, _ = get(port, path)
            assert status in (301, 404) and "Directory listing" not in body and "a.html" not in body, path
        assert get(port, "/goals/")[0] == 404
        assert get(port, "/")[:2] == (200, (folder / "index.html").read_text())


@pytest.mark.parametrize("header", ["localhost", "localhost:{port}", "LOCALHOST:{port}", "127.0.0.1:{port}",
                                    "127.0.0.1", "[::1]:{port}", "[::1]"])
def test_loopback_names_are_served(folder, header):
    with running(Site(folder)) as port:
        assert get(port, headers={"Host": header.format(port=port)})[0] == 200


@pytest.mark.parametrize("header", ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}",
                                    "127.0.0.1.nip.io:{port}", "127.0.0.2:{port}", "[::2]:{port}", "::1",
                                    "localhost:http", "localhost:{port}:1", "[::1", ""])
def test_other_host_names_are_refused_against_dns_rebinding(folder, header):
    with running(Site(folder)) as port:
        status, body, _ = get(port, headers={"Host": header.format(port=port)})
        assert status == 400 and "home" not in body


def test_a_request_without_a_host_is_refused(folder):
    with running(Site(folder)) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.putrequest("GET", "/", skip_host=True)
        conn.endheaders()
        assert conn.getresponse().status == 400
        conn.close()


def test_the_host_given_with_host_is_served_too(folder):
    with running(Site(folder), host="127.0.0.2") as port:  # the whole of 127/8 is loopback on Linux
        assert get(port, host="127.0.0.2", headers={"Host": f"127.0.0.2:{port}"})[0] == 200
        assert get(port, host="127.0.0.2", headers={"Host": f"localhost:{port}"})[0] == 200
        assert get(port, host="127.0.0.2", headers={"Host": f"evil.example:{port}"})[0] == 400


@needs_ipv6
def test_ipv6_loopback(folder):
    with running(Site(folder), host="::1") as port:
        status, body, _ = get(port, host="::1")  # http.client sends Host: [::1]:port
        assert (status, body) == (200, (folder / "index.html").read_text())


def test_a_failed_build_shows_what_failed_until_the_next_one_works(folder):
    site = Site(folder)
    with running(site) as port:
        site.error = "templates/goal.html:2: unexpected '}' <script>"
        for path in ("/", "/goals/a.html", "/nope"):
            status, body, response = get(port, path)
            assert status == 500 and response.getheader("Cache-Control") == "no-store"
            assert "templates/goal.html:2: unexpected &#x27;}&#x27; &lt;script&gt;" in body
            assert 'http-equiv="refresh"' in body  # reloads by itself once a save fixes it
        site.error = None
        assert get(port, "/")[:2] == (200, (folder / "index.html").read_text())


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
def test_stopping_removes_the_temporary_folder(tree, tmp_path, sig):
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc, url = start(tree, env={"TMPDIR": str(temp)})
    try:
        assert fetch(url + "index.html")[0] == 200
        assert [p.name.startswith("goalspec-serve-") for p in temp.iterdir()] == [True]
    finally:
        code = stop(proc, sig)
    assert code == 0
    assert list(temp.iterdir()) == []


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
