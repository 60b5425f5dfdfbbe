"""Text from specs and data as a terminal may show it.

A title, id or CSV cell can hold control characters: ESC starts sequences that
recolour, move the cursor, retitle the window or (OSC 52) write the clipboard,
and bidirectional overrides make a line read differently from what it holds
("Trojan Source"). Every text output passes what it quotes through
``printable()``, which writes such characters as escapes (``\\x1b``, ``\\u202e``)
so that what a reader sees is what the file holds. Line breaks and tabs stay:
the renderers that need one line per finding fold them themselves.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, and the Unicode format characters that
# reorder or hide text (bidi embeddings, overrides and isolates, marks, zero-width joiners).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
