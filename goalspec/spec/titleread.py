"""Every goal title read once, by the workers that parse the tree.

What GS101, GS103 and GS306 read of a title (vague: its quantities, the numbers it states
as something else, its verdict; when: where it states a time) depends on the title alone,
and is most of the rules' time on a large tree, on one core. The parse workers read each
goal title of the files they parse (load.py), on every core; the check hands what they read
to vague and when (tell), which answer from it instead of reading the title again. The
findings are the same either way (tests/test_check.py).
"""

from __future__ import annotations

from typing import Iterable, Mapping

from goalspec.spec import vague, when


def goal_titles(documents: Iterable) -> list[str]:
    """The titles of the goal documents among ``documents``, each once, in their order."""
    return list(dict.fromkeys(d.data["title"] for d in documents if isinstance(d.data, dict)
                              and d.data.get("kind") == "Goal" and isinstance(d.data.get("title"), str)))


def read(titles: list[str]) -> list[tuple]:
    """Each title's (verdict, reading, times): what tell() takes, keyed by the title."""
    return [(*vague.read_title(title), when.find_times(title)) for title in titles]


def tell(readings: Mapping[str, tuple]) -> None:
    vague.tell(readings)
    when.tell(readings)
