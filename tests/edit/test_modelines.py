"""Every document `init` writes and `fmt` formats names its schema where yaml-language-server looks.

The server takes a document's schema from a modeline among the comments heading that
document (docs/editors.md; tests/edit/test_yaml_language_server.py shows it in the real
server): one at the top of a file covers its first document only.
"""

import re
from datetime import date

from goalspec.edit.fmt import fmt, format_text
from goalspec.edit.init import SCHEMA_FILE, init

LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"


def _heads(text: str) -> list[list[str]]:
    """The comment lines heading each document, as the server collects them."""
    heads = []
    for chunk in re.split(r"(?m)^---[ \t]*$", text):
        lines = chunk.strip("\n").split("\n")
        heads.append([line for line in lines[:next((i for i, x in enumerate(lines) if x and not x.startswith("#")),
                                                    len(lines))] if line.startswith("#")])
    return heads


def test_init_heads_every_document_of_every_file_with_the_modeline(tmp_path):
    written = init(tmp_path, date(2026, 11, 22))
    documents = 0
    for path in written:
        if path.suffix == ".yaml":
            heads = _heads(path.read_text())
            assert all(LINE in head for head in heads), path
            documents += len(heads)
    assert documents == 9  # two teams, two goals and one of everything else: the later ones are covered too
    assert fmt(tmp_path, write=False).changed == []  # and fmt leaves init's files as they are


TOP_ONLY = f"""{LINE}
apiVersion: goalspec/v1
kind: Team
id: a
name: A
lead: ana
---
kind: Team
apiVersion: goalspec/v1
id: b
name: B
lead: ben
---
# about c

apiVersion: goalspec/v1
kind: Team
id: c
name: C
lead: cy
---
# yaml-language-server: $schema=../other.json
apiVersion: goalspec/v1
kind: Team
id: d
name: D
lead: dee
"""


def test_fmt_copies_the_first_documents_modeline_under_every_dash_line_without_one():
    new = format_text(TOP_ONLY)
    assert [head for head in _heads(new)] == [[LINE], [LINE], [LINE, "# about c"],
                                              ["# yaml-language-server: $schema=../other.json"]]
    assert "kind: Team\napiVersion" not in new  # and it still formats
    assert format_text(new) == new


def test_fmt_adds_nothing_where_the_first_document_names_no_schema_or_the_file_has_one_document():
    plain = TOP_ONLY.replace(LINE + "\n", "").replace("kind: Team\napiVersion: goalspec/v1\n",
                                                      "apiVersion: goalspec/v1\nkind: Team\n")
    assert "yaml-language-server" not in format_text(plain).split("---")[1]
    single = TOP_ONLY.split("---\n")[0]
    assert format_text(single) == single


def test_a_dash_line_that_starts_the_first_document_is_not_a_later_one():
    text = f"---\n{LINE}\napiVersion: goalspec/v1\nkind: Team\nid: a\nname: A\nlead: ana\n"
    assert format_text(text) == text
    both = text + "---\napiVersion: goalspec/v1\nkind: Team\nid: b\nname: B\nlead: ben\n"
    assert format_text(both) == text + f"---\n{LINE}\napiVersion: goalspec/v1\nkind: Team\nid: b\nname: B\nlead: ben\n"


def test_fmt_check_reports_a_file_whose_later_documents_lack_the_modeline_and_fmt_writes_it(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_bytes(TOP_ONLY.replace("\n", "\r\n").encode())
    (tmp_path / "goalspec.yaml").write_text(f"{LINE}\napiVersion: goalspec/v1\nkind: Organization\nname: X\n")
    assert fmt(tmp_path, write=False).changed == [path] and path.read_bytes() == TOP_ONLY.replace("\n", "\r\n").encode()
    assert fmt(tmp_path).changed == [path]
    written = path.read_bytes().decode()
    assert "\n" not in written.replace("\r\n", "") and written.count(LINE) == 3  # line endings kept
    assert fmt(tmp_path, write=False).changed == []
