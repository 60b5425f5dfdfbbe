"""Where templates come from, the jinja environment's lookup rule, and what a broken template
is reported as: its file and line, from whichever worker rendered it."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import jinja2
from markupsafe import _escape_inner  # its C escaper where built, else its Python one

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


def output_escape(value: Any) -> str:
    """What a template writes for ``{{ value }}``: markupsafe's escape, as text.

    markupsafe wraps every escaped value in a new Markup, which a page's output only joins
    into one string: a hundred values a page, ten thousand pages, an eighth of the rendering.
    The characters are markupsafe's own (its C escaper), and a value with ``__html__`` is
    written as it says, as markupsafe does."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class Template(jinja2.Template):
    """A compiled template whose output values are escaped by ``output_escape``.

    The compiled code names ``escape`` only where it writes an expression's value to the output
    (jinja's ``_output_child_pre``): into the page, or into a block, macro or call buffer that is
    joined and marked safe as a whole. Everything else (filters, ``Markup``) is jinja's own."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        namespace = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)
        namespace["escape"] = output_escape
        made = cls._from_namespace(environment, namespace, globals)
        made._uptodate = uptodate
        return made


class Environment(jinja2.Environment):
    """Contexts are plain dicts, so `goal.title` looks the key up first.

    jinja tries an attribute first and the key after the AttributeError; at a
    hundred lookups per page and ten thousand pages, those exceptions were a fifth
    of the build. A dict method (`d.items`) is still reached when no key has the name.
    """

    template_class = Template

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
