"""Serve latency: a spec file saved → the served page shows the change."""

from __future__ import annotations

import re
import signal
import statistics
import subprocess
import threading
import time
import urllib.request
from pathlib import Path


def _goal_file(tree: Path, goal: str) -> Path:
    for path in sorted((tree / "goals").rglob("*.yaml")):
        if f"id: {goal}\n" in path.read_text():
            return path
    raise LookupError(goal)


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


def _settle(lines: list[str], timeout: float, quiet: float = 5.0) -> None:
    """Wait until every save's rebuild has finished: as many lines saying the weekly updates are done
    (or a rebuild failed) as lines saying a save's pages are in place, after the first build; or,
    for a save built whole at once (no such line), until serve has said nothing for ``quiet`` s."""
    started = last_change = time.perf_counter()
    seen = len(lines)
    while time.perf_counter() - started < timeout:
        saves = sum(line.startswith("rebuilt in") for line in lines) - 1
        done = sum(line.startswith(("weekly updates rebuilt", "weekly updates left", "not rebuilt")) for line in lines)
        if done >= saves:
            return
        if len(lines) != seen:
            seen, last_change = len(lines), time.perf_counter()
        elif time.perf_counter() - last_change > quiet:
            return
        time.sleep(0.05)


def serve_latency(goalspec: list[str], tree: Path, today: str, edits: int, env: dict[str, str],
                  goal: str = "team-0001.l1-0", timeout: float = 120.0) -> dict:
    """Start `goalspec serve`, then ``edits`` times: change the goal's title in its file and time
    until its page, polled every 50 ms, shows the new title. (Polled every 10 ms, the requests'
    own handling, in the server's threads, took a third of the rebuild's time from it: a person
    reloads a page, not a hundred a second.)"""
    proc = subprocess.Popen([*goalspec, "serve", str(tree), "--port", "0", "--today", today], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if "serving " in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(timeout):
            raise RuntimeError("serve did not start: " + "".join(lines)[-2000:])
        base = re.search(r"(http://\S+?)/?\s", next(x for x in lines if "serving " in x)).group(1)
        page, path = f"{base}/goals/{goal}.html", _goal_file(tree, goal)
        latencies = []
        for i in range(edits):
            # The watcher settles, and the previous save's weekly updates (made after its pages are
            # in place) are done: an edit is never timed against a rebuild under way.
            _settle(lines, timeout)
            time.sleep(1.5)
            text = path.read_text()
            title = re.search(rf"id: {re.escape(goal)}\ntitle: (.*)\n", text).group(1)
            marker = f"edit{i}x"
            new = re.sub(r" edit\d+x$", "", title) + f" {marker}"
            started = time.perf_counter()
            path.write_text(text.replace(f"title: {title}\n", f"title: {new}\n", 1))
            while marker not in _get(page):
                if time.perf_counter() - started > timeout:
                    raise RuntimeError("the page never showed the change: " + "".join(lines)[-2000:])
                time.sleep(0.05)
            latencies.append(round(time.perf_counter() - started, 3))
            # The page can be seen before serve's line saying so is read here: wait for that line,
            # so that _settle waits for this save's updates (an edit during them waits for them).
            while sum(line.startswith("rebuilt in") for line in lines) < i + 2:
                if time.perf_counter() - started > timeout:
                    raise RuntimeError("serve never said it rebuilt: " + "".join(lines)[-2000:])
                time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    return {"latencies": latencies, "median_s": statistics.median(latencies)}
