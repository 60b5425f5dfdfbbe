"""Where templates come from, the jinja environment's lookup rule, and what a broken template
is reported as: its file and line, from whichever worker rendered it."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import jinja2

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[1] / "site_templates"
REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "site_templates"


def template_dirs(override: Path | None) -> list[Path]:
    """Templates in the company's folder win over the built-in ones, file by file."""
    builtin = BUILTIN_TEMPLATES if BUILTIN_TEMPLATES.is_dir() else REPO_TEMPLATES
    return ([override] if override else []) + [builtin]


def template_files(override: Path | None) -> tuple:
    """Every template file with its size and modification time: what tells serve a template was saved."""
    seen = []
    for folder in template_dirs(override):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = path.stat()
                seen.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(seen)


class Environment(jinja2.Environment):
    """Contexts are plain dicts, so `goal.title` looks the key up first.

    jinja tries an attribute first and the key after the AttributeError; at a
    hundred lookups per page and ten thousand pages, those exceptions were a fifth
    of the build. A dict method (`d.items`) is still reached when no key has the name.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class TemplateProblem(Exception):
    """A template that does not compile or render: the file, the line, and what went wrong there.

    Made from jinja's exception where it is raised, in whichever worker renders, because the
    template frames of a traceback do not survive the pickling back to the parent."""

    def __init__(self, file: str, line: int | None, message: str):
        super().__init__(file, line, message)
        self.file, self.line, self.message = file, line, message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


def problem_of(exc: Exception, env: jinja2.Environment, template: str) -> TemplateProblem | None:
    """Where in the templates ``exc`` was raised, or None when no template is to blame."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateProblem(exc.filename or exc.name or template, exc.lineno, exc.message or str(exc))
    folders = [os.path.abspath(d) + os.sep for d in getattr(env.loader, "searchpath", [])]
    # jinja rewrites a render's traceback so that template code shows as frames of the template file
    # at its own line numbers; the innermost such frame is the line that failed.
    where = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if os.path.abspath(name).startswith(tuple(folders)):
            where = (name, tb.tb_lineno)
        tb = tb.tb_next
    if where is None:
        return None
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"no template {exc.name!r}"
    elif isinstance(exc, jinja2.TemplateError):
        message = exc.message or str(exc)
    else:
        message = f"{type(exc).__name__}: {exc}"
    return TemplateProblem(where[0], where[1], message)


@contextmanager
def blame(env: jinja2.Environment, template: str) -> Iterator[None]:
    """Turn what a template raises into a TemplateProblem; anything else goes on as it is."""
    try:
        yield
    except Exception as exc:
        problem = problem_of(exc, env, template)
        if problem is None:
            raise
        raise problem from None
