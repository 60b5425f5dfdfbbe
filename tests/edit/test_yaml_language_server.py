"""The schema in the real editor server: yaml-language-server (VS Code's YAML extension) over stdio.

A minimal LSP client (Content-Length framed JSON-RPC) opens spec files in a workspace and
reads what an editor would show: diagnostics and completion. It proves what docs/editors.md
promises: every document of an `init` or `fmt` file is covered, the settings.json snippet and
the SchemaStore entry cover the example tree, and bad periods are flagged with our message.
`.ci/run` installs the server from npm into .ci/node; elsewhere these tests are skipped
when node or the package is missing.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from goalspec.edit.fmt import format_text
from goalspec.edit.init import init
from goalspec.edit.schema import render
from paths import ROOT, SPECS

SERVER = Path(os.environ.get("GOALSPEC_YAML_LANGUAGE_SERVER", ROOT / ".ci" / "node" / "node_modules"
                             / "yaml-language-server" / "bin" / "yaml-language-server"))
NODE = shutil.which("node")
TIMEOUT = 30.0  # seconds for any one answer; the server answers in well under one

_missing = [what for what, ok in (("node", NODE is not None), ("yaml-language-server (npm)", SERVER.exists()))
            if not ok]
if _missing and not os.environ.get("CI"):
    pytest.skip(f"editor tests need {', '.join(_missing)} (bash .ci/run installs them)", allow_module_level=True)

EDITORS = (ROOT / "docs" / "editors.md").read_text()


def _json_block(marker: str) -> dict:
    """The ```json block of docs/editors.md that holds marker: the tests use what users copy."""
    blocks = re.findall(r"```json\n(.*?)```", EDITORS, re.S)
    return json.loads(next(b for b in blocks if marker in b))


class Server:
    """yaml-language-server on stdio, answering its configuration pulls with `settings`."""

    def __init__(self, workspace: Path, yaml_settings: dict):
        self.settings = {"yaml": {"validate": True, "completion": True, "hover": True,
                                  "schemaStore": {"enable": False}, **yaml_settings}}
        self.proc = subprocess.Popen([NODE, str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        self.versions: dict[str, int] = {}
        threading.Thread(target=self._read, daemon=True).start()
        root = workspace.as_uri()
        self.request("initialize", {"processId": os.getpid(), "rootUri": root,
                                    "workspaceFolders": [{"uri": root, "name": workspace.name}],
                                    "capabilities": {"workspace": {"configuration": True},
                                                     "textDocument": {"completion": {}, "publishDiagnostics": {}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                self.inbox.put(None)
                return
            self.inbox.put(json.loads(out.read(length)))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict):
        self.next_id += 1
        sent = self.next_id
        self._send({"id": sent, "method": method, "params": params})
        return self._wait(lambda m: m.get("id") == sent and "method" not in m)["result"]

    def _wait(self, wanted, deadline: float | None = None) -> dict:
        deadline = deadline or time.monotonic() + TIMEOUT
        while True:
            try:
                message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("yaml-language-server did not answer in time") from None
            if message is None:
                raise EOFError("yaml-language-server exited")
            if "method" in message and "id" in message:  # the server asks: settings, or a registration
                items = message["params"].get("items", []) if message["method"] == "workspace/configuration" else None
                result = [self.settings.get(i.get("section"), {}) for i in items] if items is not None else None
                self._send({"id": message["id"], "result": result})
            elif wanted(message):
                return message

    def diagnostics(self, path: Path, text: str, until=lambda found: True) -> list[dict]:
        """Open (or change) the file and return the first diagnostics published for it that `until`
        accepts; the last ones published when none does within the timeout."""
        uri = path.as_uri()
        version = self.versions.get(uri, 0) + 1
        self.versions[uri] = version
        if version == 1:
            self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml",
                                                                  "version": 1, "text": text}})
        else:
            self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                   "contentChanges": [{"text": text}]})
        deadline, last = time.monotonic() + TIMEOUT, None
        while True:
            try:
                found = self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                   and m["params"]["uri"] == uri, deadline)["params"]["diagnostics"]
            except TimeoutError:
                if last is None:
                    raise
                return last
            if until(found):
                return found
            last = found

    def completion(self, path: Path, line: int, character: int) -> dict[str, str]:
        """What the editor offers there: each item's label and the text it inserts."""
        result = self.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()},
                                                          "position": {"line": line, "character": character}})
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return {item["label"]: item.get("insertText", item["label"]) for item in items}

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=TIMEOUT)
        except (OSError, TimeoutError, EOFError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def _lines(found: list[dict]) -> dict[int, list[str]]:
    """Diagnostics by (0-based) line: what an editor underlines where."""
    out: dict[int, list[str]] = {}
    for d in found:
        out.setdefault(d["range"]["start"]["line"], []).append(d["message"])
    return out


def _line_of(text: str, needle: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(text.split("\n")) if needle in line][nth]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace as a user has it: an `init` tree in goals/ (modelines), the example tree in
    specs/ (none) with the schema beside it, as docs/editors.md says to set it up."""
    root = tmp_path_factory.mktemp("workspace")
    init(root / "goals", date(2026, 11, 22))
    shutil.copytree(SPECS, root / "specs")
    (root / "specs" / "goalspec.schema.json").write_text(render())
    return root


@pytest.fixture(scope="module")
def server(workspace):
    """The server with docs/editors.md's settings.json, its settings in force before any test opens a file."""
    settings = _json_block('"yaml.schemas"')
    server = Server(workspace, {"schemas": settings["yaml.schemas"]})
    probe = workspace / "specs" / "probe.yaml"
    assert server.diagnostics(probe, "apiVersion: goalspec/v1\nkind: Gaol\n", until=bool), "settings never applied"
    yield server
    server.close()


def test_every_document_init_writes_is_checked_as_it_is_typed(server, workspace):
    path = workspace / "goals" / "goals.yaml"
    text = path.read_text().replace("deadline: 2027-Q1", "deadline: 2027-Q5")  # in both documents
    found = _lines(server.diagnostics(path, text, until=lambda ds: len(ds) >= 2))
    first, second = _line_of(text, "deadline:", 0), _line_of(text, "deadline:", 1)
    assert second > _line_of(text, "---")
    period = "Not a date or period: use 2026-09-30, 2026-09, 2026-Q3, 2026-H2, 2026, FY2027-Q1, FY2027-H1 or FY2027."
    assert found == {first: [period], second: [period]}


def test_a_modeline_at_the_top_covers_the_first_document_only_and_fmt_fixes_that(server, workspace):
    """Why init writes a modeline under every `---`: the server reads one only where its document starts."""
    path = workspace / "goals" / "teams.yaml"
    typo = re.sub(r"(?m)^(name: .*)$", r"\1\ncolour: blue", path.read_text())  # in both documents
    top_only = re.sub(r"\n---\n# yaml-language-server: [^\n]*\n", "\n---\n", typo)
    assert top_only.count("yaml-language-server") == 1 and top_only.count("colour:") == 2
    first, second = _line_of(top_only, "colour:", 0), _line_of(top_only, "colour:", 1)
    found = _lines(server.diagnostics(path, top_only, until=bool))
    assert list(found) == [first] and second not in found  # the second document is not checked at all

    fixed = format_text(top_only)
    assert fixed.count("# yaml-language-server: $schema=goalspec.schema.json") == 2
    found = _lines(server.diagnostics(path, fixed, until=lambda ds: len(_lines(ds)) >= 2))
    assert found == {_line_of(fixed, "colour:", n): ["Property colour is not allowed."] for n in (0, 1)}


def test_completion_offers_the_goal_fields_in_a_later_document(server, workspace):
    path = workspace / "goals" / "goals.yaml"
    text = (workspace / "goals" / "goals.yaml").read_text() + "\n"
    server.diagnostics(path, text)
    last = len(text.split("\n")) - 1  # the empty line at the end of the second document
    offered = server.completion(path, last, 0)
    labels = set(offered)
    assert {"start", "status", "weight", "plan", "revisions", "tags", "description"} <= labels
    assert offered["start"] == "start: "  # not `start: null`: an optional field has no null default
    assert not labels & {"fiscal_year_start", "members", "cadence", "pays_on", "criteria"}  # other kinds' fields
    assert not labels & {"id", "title", "deadline"}  # there already

    text = text + "status: \n"
    server.diagnostics(path, text)
    assert set(server.completion(path, last, len("status: "))) == {"draft", "active", "achieved", "missed", "cancelled"}


def test_hover_shows_the_field_description(server, workspace):
    path = workspace / "goals" / "incentives.yaml"
    text = path.read_text()
    server.diagnostics(path, text)
    hover = server.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                  "position": {"line": _line_of(text, "period:"), "character": 2}})
    assert "Period the incentive covers." in hover["contents"]["value"]


@pytest.mark.parametrize("bad,message", [
    ("deadline: 2027-02-30", "Not a date or period"),
    ("deadline: next quarter", "Not a date or period"),
    ("start: 2026-13", "Not a date or period"),
    ("plan: {2026-Q5: 10}", "Not a date or period"),
    ("target: {value: lots}", "Incorrect type. Expected"),
])
def test_a_bad_value_is_flagged_at_its_line_in_a_tree_covered_by_settings(server, workspace, bad, message):
    path = workspace / "specs" / "goals" / "sales.yaml"
    clean = path.read_text()
    field = bad.split(":")[0]
    # In the last document, which the settings cover as they cover every other.
    head, sep, last = clean.rpartition("\n---\n")
    last = re.sub(rf"(?m)^{field}:.*$", bad, last) if re.search(rf"(?m)^{field}:", last) else last + bad + "\n"
    text = head + sep + last
    found = _lines(server.diagnostics(path, text, until=bool))
    assert list(found) == [_line_of(text, bad)] and message in found[_line_of(text, bad)][0], found


def test_the_example_tree_is_clean_in_the_editor(server, workspace):
    """The server reads the patterns (ECMA-262) as the tests read them (Python): no false alarm on a real tree."""
    for path in sorted((workspace / "specs").rglob("*.yaml")):
        if path.name != "probe.yaml":
            assert server.diagnostics(path, path.read_text()) == [], path


def test_the_schemastore_entry_covers_the_example_tree_and_nothing_else(workspace):
    entry = _json_block('"fileMatch"')
    assert entry["url"] == json.loads(render())["$id"]
    schema = workspace / "specs" / "goalspec.schema.json"
    server = Server(workspace, {"schemas": {str(schema): entry["fileMatch"]}})
    try:
        for path in sorted((workspace / "specs").rglob("*.yaml")):
            if path.name != "probe.yaml":
                found = server.diagnostics(path, path.read_text() + "bogus: 1\n", until=bool)
                assert [d["message"] for d in found] == ["Property bogus is not allowed."], path
        other = workspace / "specs" / "openapi.yaml"  # another tool's YAML beside the tree: not claimed
        assert server.diagnostics(other, "openapi: 3.1.0\ninfo: {title: API, version: '1'}\n") == []
    finally:
        server.close()
