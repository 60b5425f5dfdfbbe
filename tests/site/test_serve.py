"""`goalspec serve`: loopback by default, rebuilds on save, says clearly when the tree is broken."""

import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from goalspec.site.serve import Watcher, snapshot
from paths import SPECS



def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path):
    tree = tmp_path / "specs"
    shutil.copytree(SPECS, tree)
    proc = subprocess.Popen([sys.executable, "-m", "goalspec", "serve", str(tree), "--port", "0",
                             "--today", "2027-01-15"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if m:
                break
        yield tree, m.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serves_on_loopback_and_rebuilds_on_save(server):
    tree, url = server
    assert url.startswith("http://127.0.0.1:")
    assert "Increase seats sold through MSPs" in fetch(url + "index.html")
    company = tree / "goals" / "company.yaml"
    company.write_text(company.read_text().replace("Increase seats sold", "Grow seats sold"))
    wait_for(lambda: "Grow seats sold through MSPs" in fetch(url + "index.html"))


def test_a_broken_tree_is_served_with_its_findings(server):
    tree, url = server
    sales = tree / "goals" / "sales.yaml"
    sales.write_text(sales.read_text().replace("deadline: 2026-Q4", "deadline: soon"))
    page = wait_for(lambda: (lambda text: text if 'role="alert"' in text else None)(fetch(url + "index.html")))
    assert "1 error" in page
    assert "GS302" in fetch(url + "findings.html")


def test_watcher_sees_changes_but_not_hidden_files(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n")
    before = snapshot(tmp_path)
    (tmp_path / ".editor.swp").write_text("noise")
    assert snapshot(tmp_path) == before
    calls = []
    watcher = Watcher(tmp_path, lambda: calls.append(1), interval=0.05)
    watcher.start()
    try:
        (tmp_path / "a.yaml").write_text("x: 22\n")
        wait_for(lambda: calls, timeout=5)
    finally:
        watcher.stop.set()
        watcher.join()


def test_the_watcher_keeps_watching_when_its_terminal_goes_away(tmp_path, monkeypatch):
    class Gone:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    (tmp_path / "a.yaml").write_text("x: 1\n")
    calls = []

    def rebuild():
        calls.append(1)
        raise BrokenPipeError(32, "Broken pipe")  # what echoing "rebuilt in ..." raises then

    monkeypatch.setattr(sys, "stderr", Gone())
    watcher = Watcher(tmp_path, rebuild, interval=0.05)
    watcher.start()
    try:
        (tmp_path / "a.yaml").write_text("x: 22\n")
        wait_for(lambda: len(calls) == 1, timeout=5)
        (tmp_path / "a.yaml").write_text("x: 333\n")
        wait_for(lambda: len(calls) == 2, timeout=5)  # the next save still rebuilds
        assert watcher.is_alive()
    finally:
        watcher.stop.set()
        watcher.join()


def test_the_watcher_spaces_its_looks_by_their_cost_in_cpu_not_in_waiting(tmp_path, monkeypatch):
    import goalspec.site.serve as serve_module

    monkeypatch.setattr(serve_module, "snapshot", lambda folder: time.sleep(0.05) or ())  # waits, costs nothing
    watcher = Watcher(tmp_path, lambda: None, interval=0.1)
    assert watcher._wait == 0.1  # a look slowed by other threads or the machine is no costlier

    def costly(folder):
        started = time.thread_time()
        while time.thread_time() - started < 0.03:
            pass
        return ()

    monkeypatch.setattr(serve_module, "snapshot", costly)
    assert Watcher(tmp_path, lambda: None, interval=0.1)._wait >= 0.3  # a tenth of a core at most
