"""A YAML parse error said in words, at the place the mistake is (GS001), and what a file that
cannot be parsed appears to define (so that its objects are not reported missing elsewhere).

The parser stops where it can go no further, which is often far from the mistake: an
unclosed quote or bracket is found at the end of the file, or at the next document. The
mistake is where the quote or bracket opened, so that is where the finding points. A
position is never past the file's last line.
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

from goalspec.diagnostics import Pos

_CLOSERS = {"{": "}", "[": "]"}


def explain_yaml_error(exc: MarkedYAMLError, text: str) -> tuple[Pos, str, str]:
    """Where the mistake is, what it is, and how to fix that case."""
    pos, message, hint = _explain(exc, text)
    return pos, f"YAML cannot be parsed: {message}", hint


def _explain(exc: MarkedYAMLError, text: str) -> tuple[Pos, str, str]:
    problem, context = exc.problem or "", exc.context or ""
    pm, cm = exc.problem_mark, exc.context_mark
    at_problem = _pos(pm, text)
    at_context = _pos(cm, text) if cm is not None else at_problem
    char = _char(text, pm)
    if "tab" in problem or char == "\t":
        line = at_problem.line
        column = _tab_column(text, line) or at_problem.column
        return (Pos(line, column), f"a tab is used for indentation on line {line}; YAML indents with spaces only",
                "replace the tab with spaces, as many as the lines around it use")
    if "quoted scalar" in context and cm is not None:
        quote = _char(text, cm) or '"'
        return (at_context, f"the {quote} opened here is never closed: the value runs on to "
                            f"{'the next document' if 'document' in problem else 'the end of the file'}",
                f"add the closing {quote} at the end of the value (inside a \"...\" value write \\\" for a quote)")
    if "flow mapping" in context or "flow sequence" in context:
        opener = _char(text, cm) or ("{" if "mapping" in context else "[")
        closer = _CLOSERS.get(opener, "}")
        if pm is not None and cm is not None and pm.line == cm.line:
            return (at_problem, f"a ',' or '{closer}' is missing here, inside the {opener} … {closer} opened at "
                                f"column {at_context.column}",
                    f"separate the entries with a comma (`{{a: 1, b: 2}}`), or close it with '{closer}'")
        return (at_context, f"the '{opener}' opened here is never closed",
                f"add the closing '{closer}' at the end of the {'mapping' if opener == '{' else 'list'}")
    if "flow node" in context or (pm is not None and pm.line + 1 > _last_line(text)):
        opened = _unclosed(text)
        if opened is not None:  # the parser ran to the end of the file looking for its close
            line, column, opener = opened
            closer = _CLOSERS.get(opener, opener)
            return (Pos(line, column), f"the {opener if opener in _CLOSERS else opener} opened here is never closed",
                    f"add the closing {closer} at the end of the value")
    if "mapping values are not allowed" in problem:
        return (at_problem, "a ': ' inside a value (or a line indented under a plain value) reads as a new key here",
                "quote the value (title: \"Close 5 deals: the big ones\"), or indent the line as its siblings")
    if "could not find expected ':'" in problem and cm is not None:
        return (at_context, "this line is neither `key: value` nor a list item",
                "add ': ' after the key, or indent the line as the continuation of the value above")
    if "expected key" in problem or "expected <block end>" in problem:
        return (at_problem, "this line's indentation does not match the lines above it",
                "indent the line with spaces to the same depth as its siblings")
    what = " ".join(x for x in (context, problem) if x) or "invalid YAML"
    return at_problem, what, "fix the YAML syntax at this position"


def _pos(mark, text: str) -> Pos:
    """A 1-based position, moved back onto the file's last line when the parser ran past it."""
    if mark is None:
        return Pos(1, 1)
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    last = max(len(lines), 1)
    line = mark.line + 1
    if line > last:
        while last > 1 and not lines[last - 1].strip():
            last -= 1
        return Pos(last, len(lines[last - 1]) + 1 if lines else 1)
    return Pos(line, mark.column + 1)


def _last_line(text: str) -> int:
    lines = text.split("\n")
    return max(len(lines) - (1 if text.endswith("\n") else 0), 1)


def _unclosed(text: str) -> tuple[int, int, str] | None:
    """The innermost bracket or quote left open at the end of the text (1-based line and column),
    skipping comments and what is inside quotes."""
    stack: list[tuple[int, int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        i = 0
        while i < len(line):
            char = line[i]
            if stack and stack[-1][2] in "\"'":
                quote = stack[-1][2]
                if char == quote and not (quote == '"' and line[i - 1] == "\\"):
                    if quote == "'" and line[i + 1: i + 2] == "'":
                        i += 2  # '' is a quote inside a single-quoted value
                        continue
                    stack.pop()
            elif char == "#" and (i == 0 or line[i - 1] in " \t"):
                break
            elif char in "{[":
                stack.append((number, i + 1, char))
            elif char in "}]" and stack:
                stack.pop()
            elif char in "\"'" and (i == 0 or line[i - 1] in " \t:[{,-?"):
                stack.append((number, i + 1, char))
            i += 1
    return stack[-1] if stack else None


def _char(text: str, mark) -> str:
    if mark is None or mark.index is None or not 0 <= mark.index < len(text):
        return ""
    return text[mark.index]


def _tab_column(text: str, line: int) -> int | None:
    lines = text.split("\n")
    if 0 < line <= len(lines):
        at = lines[line - 1].find("\t")
        return at + 1 if at >= 0 else None
    return None


_ID = re.compile(r"(?:^|[\s{,])id:\s*[\"']?([^\s\"',}\]#]+)", re.M)
_KIND = re.compile(r"^kind:\s*[\"']?(\w+)", re.M)


def salvage(text: str) -> frozenset[str]:
    """What a file that cannot be parsed appears to define: every `id:` value (objects and team
    members) and `kind:X` for each kind it names. Empty when nothing can be read."""
    return frozenset(_ID.findall(text)) | frozenset(f"kind:{k}" for k in _KIND.findall(text))
