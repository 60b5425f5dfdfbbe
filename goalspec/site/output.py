"""Pages to files: the jinja environment every template renders in, and the writers that
render a site's pages, in forked workers for a large site (each file depends only on its
page, so the output is the same whatever the number of workers)."""

from __future__ import annotations

import multiprocessing
import os
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


def write(site_pages: list[Page], env: jinja2.Environment, dest: Path, jobs: int | None = None,
          progress: Callable[[int], None] | None = None, later: Callable[[], list[Page]] | None = None) -> int:
    """Render every page into dest; ``progress`` is told how many pages each finished chunk held.
    ``later`` makes more pages (the weekly updates, whose digests take a while to compute): with
    workers, one of them makes them while the others render, and they are rendered last. Returns
    the number of pages written.

    Each file depends only on its page, so the result is the same whatever the
    number of workers."""
    global _shared
    _folders(site_pages, dest)
    if jobs is None:
        jobs = spare_cores() if len(site_pages) >= PARALLEL_FROM else 1
    chunks = range(0, len(site_pages), CHUNK)
    done = progress or (lambda n: None)
    written = 0

    def finished(count: int) -> None:
        nonlocal written
        written += count
        done(count)

    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start in chunks:
            finished(_render(site_pages[start:start + CHUNK], env, dest))
        if later is not None:
            finished(render_pages(later(), env, dest))
    else:
        for name in sorted({p.template for p in site_pages}):
            with blame(env, name):
                env.get_template(name)  # compiled once, before the workers are forked
        _shared = (site_pages, env, dest, later)
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                # Queued first, so a worker starts on it at once; it renders what it made itself.
                making = pool.apply_async(_make_later) if later is not None else None
                for count in pool.imap_unordered(_render_chunk, chunks):
                    finished(count)
                if making is not None:
                    finished(making.get())
        finally:
            _shared = None
    return written


def _folders(site_pages: list[Page], dest: Path) -> None:
    for folder in sorted({str(Path(p.path).parent) for p in site_pages}):
        (dest / folder).mkdir(parents=True, exist_ok=True)


def _make_later() -> int:
    _, env, dest, later = _shared
    return render_pages(later(), env, dest)


def render_pages(site_pages: list[Page], env: jinja2.Environment, dest: Path) -> int:
    """Pages into ``dest`` in this process, their folders made; how many."""
    _folders(site_pages, dest)
    return _render(site_pages, env, dest)


def _render_chunk(start: int) -> int:
    site_pages, env, dest, _ = _shared
    return _render(site_pages[start:start + CHUNK], env, dest)


def _render(site_pages: list[Page], env: jinja2.Environment, dest: Path) -> int:
    for page in site_pages:
        # Paths as strings: pathlib's joins cost as much as writing the small files themselves.
        with open(os.path.join(dest, page.path), "wb") as fh:
            fh.write(render_page(page, env))
    return len(site_pages)


def render_page(page: Page, env: jinja2.Environment) -> bytes:
    """One page's file: what `goalspec build` writes and `goalspec serve` answers, byte for byte."""
    context = {**page.context, **page.more()} if page.more else page.context  # goalspec's code: not blamed
    with blame(env, page.template):
        text = env.get_template(page.template).render(root="../" * page.path.count("/"), page_path=page.path,
                                                      **context)
    return text.encode("utf-8")
