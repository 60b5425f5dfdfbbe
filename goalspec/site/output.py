"""Pages to files: the jinja environment every template renders in, and the writers that
render a site's pages, in forked workers for a large site (each file depends only on its
page, so the output is the same whatever the number of workers)."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup, escape

from goalspec.site.render import Page
from goalspec.spec.cores import spare_cores
from goalspec.site.templates import Environment, blame, template_dirs


def ref(root: str, r: dict | None) -> Markup:
    """A link to another object of the site, or its name marked as not defined.

    A template global rather than a macro: pages call it thousands of times."""
    if r is None:
        return Markup("")
    # An f-string, not Markup.format: string.Formatter is pure Python and this runs per link.
    if r.get("url"):
        return Markup(f'<a href="{escape(root + r["url"])}">{escape(r["label"])}</a>')
    return Markup(f'<span class="missing" title="not defined">{escape(r["label"])}</span>')


def environment(template_override: Path | None) -> jinja2.Environment:
    env = Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(template_override)]),
        autoescape=jinja2.select_autoescape(["html", "svg", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build renders thousands of pages; templates do not change during it
    )
    env.globals["ref"] = ref
    return env


# Rendering is most of a large build; forked workers share the pages without pickling.
PARALLEL_FROM = 400
_shared: tuple | None = None


CHUNK = 250  # pages per unit of work: small enough for a smooth progress bar, large enough to be cheap


@dataclass
class Reuse:
    """What the previous build of a site rendered, for the next one to keep (`goalspec serve`).

    A page's file depends only on its template and its context (plain data), so a
    page whose fingerprint, a hash of both, is the one it had last time is linked
    from the previous folder instead of rendered: a save re-renders only the pages
    whose inputs changed."""

    folder: Path | None = None            # where the previous build's files are
    prints: dict[str, bytes] = field(default_factory=dict)  # page path -> fingerprint
    templates: object = None              # what the template folders held (any change: render all)
    rendered: int = 0                     # pages the last build rendered rather than linked
    later: tuple[str, ...] = ()           # the paths of the pages ``write``'s ``later`` made
    stale: tuple[str, ...] = ()           # pages a save removed, kept until the updates are made anew
    weeks: dict = field(default_factory=dict)  # past weeks' digests (report.weeks.weekly's memo)


def fingerprint(template: str, context: dict) -> bytes:
    return hashlib.blake2b(pickle.dumps((template, context), protocol=5), digest_size=16).digest()


def write(site_pages: list[Page], env: jinja2.Environment, dest: Path, jobs: int | None = None,
          progress: Callable[[int], None] | None = None, reuse: Reuse | None = None,
          later: Callable[[], list[Page]] | None = None) -> int:
    """Render every page into dest; ``progress`` is told how many pages each finished chunk held.
    ``later`` makes more pages (the weekly updates, whose digests take a while to compute): with
    workers, one of them makes them while the others render, and they are rendered last. Returns
    the number of pages written.

    Each file depends only on its page, so the result is the same whatever the
    number of workers. With ``reuse``, pages unchanged since the build it describes
    are linked from its folder, and ``reuse`` then describes this build (its folder
    is for the caller to set, once the files are where they stay)."""
    global _shared
    _folders(site_pages, dest)
    if jobs is None:
        jobs = spare_cores() if len(site_pages) >= PARALLEL_FROM else 1
    chunks = range(0, len(site_pages), CHUNK)
    done = progress or (lambda n: None)
    previous = (reuse.folder, reuse.prints) if reuse is not None and reuse.folder is not None else None
    keep = reuse is not None
    prints: dict[str, bytes] = {}
    rendered = written = 0

    later_paths: tuple[str, ...] = ()

    def finished(part: tuple[list[tuple[str, bytes]], int], made_later: bool = False) -> None:
        nonlocal rendered, written, later_paths
        if made_later:
            later_paths = tuple(path for path, _ in part[0])
        prints.update(part[0])
        rendered += part[1]
        written += len(part[0])
        done(len(part[0]))

    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start in chunks:
            finished(_render(site_pages[start:start + CHUNK], env, dest, previous, keep))
        if later is not None:
            finished(render_pages(later(), env, dest, previous, keep), made_later=True)
    else:
        for name in sorted({p.template for p in site_pages}):
            with blame(env, name):
                env.get_template(name)  # compiled once, before the workers are forked
        _shared = (site_pages, env, dest, previous, keep, later)
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                # Queued first, so a worker starts on it at once; it renders what it made itself.
                making = pool.apply_async(_make_later) if later is not None else None
                for part in pool.imap_unordered(_render_chunk, chunks):
                    finished(part)
                if making is not None:
                    finished(making.get(), made_later=True)
        finally:
            _shared = None
    if reuse is not None:
        reuse.prints, reuse.rendered, reuse.folder = prints, rendered, None
        if later is not None:
            reuse.later = later_paths
    return written


def _folders(site_pages: list[Page], dest: Path) -> None:
    for folder in sorted({str(Path(p.path).parent) for p in site_pages}):
        (dest / folder).mkdir(parents=True, exist_ok=True)


def _make_later() -> tuple[list[tuple[str, bytes]], int]:
    _, env, dest, previous, keep, later = _shared
    return render_pages(later(), env, dest, previous, keep)


def render_pages(site_pages: list[Page], env: jinja2.Environment, dest: Path,
                 previous: tuple[Path, dict[str, bytes]] | None, keep: bool) -> tuple[list[tuple[str, bytes]], int]:
    """Pages into ``dest`` in this process, their folders made: (each page's path and fingerprint,
    how many were rendered rather than linked from ``previous``)."""
    _folders(site_pages, dest)
    return _render(site_pages, env, dest, previous, keep)


def _render_chunk(start: int) -> tuple[list[tuple[str, bytes]], int]:
    site_pages, env, dest, previous, keep, _ = _shared
    return _render(site_pages[start:start + CHUNK], env, dest, previous, keep)


def _render(site_pages: list[Page], env: jinja2.Environment, dest: Path,
            previous: tuple[Path, dict[str, bytes]] | None, keep: bool) -> tuple[list[tuple[str, bytes]], int]:
    """(each page's path and fingerprint (empty unless ``keep``), how many were rendered)."""
    prints, rendered = [], 0
    for page in site_pages:
        context = {**page.context, **page.more()} if page.more else page.context  # goalspec's code: not blamed
        mark = fingerprint(page.template, context) if keep else b""
        prints.append((page.path, mark))
        # Paths as strings: pathlib's joins cost as much as the links themselves (serve: 14k a save).
        target = os.path.join(dest, page.path)
        if previous is not None and previous[1].get(page.path) == mark:
            try:
                os.link(os.path.join(previous[0], page.path), target)
                continue
            except OSError:
                pass  # gone, or another file system: render it
        with blame(env, page.template):
            text = env.get_template(page.template).render(root="../" * page.path.count("/"), page_path=page.path,
                                                          **context)
        with open(target, "wb") as fh:
            fh.write(text.encode("utf-8"))
        rendered += 1
    return prints, rendered
