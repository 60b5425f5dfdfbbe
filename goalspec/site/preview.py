"""What `goalspec serve` shows: the site of the tree as last saved, each page rendered when asked for.

A save checks the tree again (a file is parsed again only when its content changed) and then
replaces the whole set of pages at once; nothing is written to disk. A page is rendered the
first time a browser asks for it after a save, by the function that renders `goalspec
build`'s files, so it is byte for byte the file a build writes. Rendering every page of a
large tree took longer than everything else a save does; a person looks at a few of them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Callable

import jinja2

from goalspec.check import Result, run
from goalspec.site.build import Assembled, BuildError, assemble, assets
from goalspec.site.output import environment, render_page
from goalspec.site.render import Page
from goalspec.site.templates import template_files
from goalspec.spec.cache import FileCache, MemoryCache
from goalspec.spec.memory import no_cyclic_gc


@dataclass(frozen=True)
class Generation:
    """The pages shown between two saves, and those of them rendered so far."""
    result: Result
    pages: dict[str, Page]
    env: jinja2.Environment
    assets: dict[str, bytes]
    later: frozenset[str]  # the weekly updates and reviews among ``pages``
    rendered: dict[str, bytes] = field(default_factory=dict)


class Preview:
    """The site serve answers with: ``get(path)`` gives a file's bytes (None: no such file), and
    ``error`` says what failed when the last rebuild did."""

    def __init__(self, tree: Path, today: Callable[[], date], templates: Path | None = None,
                 cache: FileCache | None = None):
        self.tree, self.today, self.templates = tree, today, templates
        # Kept across saves: files parsed, documents validated, past weeks' digests.
        self.cache = MemoryCache(cache if cache is not None else FileCache.default())
        self.weeks: dict = {}
        self.error: str | None = None
        self.renders = 0  # pages rendered since the server started
        self.now: Generation | None = None
        self._lock = threading.Lock()
        self._seen: tuple | None = None  # the template files the environment in use was made from

    def get(self, path: str) -> bytes | None:
        """The file at ``path`` (relative to the site's root), rendered now if it was not yet.

        Raises TemplateProblem when its template fails on it."""
        now = self.now
        if now is None:
            return None
        if path.startswith("assets/") and path[len("assets/"):] in now.assets:
            return now.assets[path[len("assets/"):]]
        page = now.pages.get(path)
        if page is None:
            return None
        data = now.rendered.get(path)  # rendered already: no waiting behind another page's rendering
        if data is not None:
            return data
        with self._lock:  # one page at a time: the chart and digest caches are shared
            data = now.rendered.get(path)
            if data is None:
                data = now.rendered[path] = render_page(page, now.env)
                self.renders += 1
        return data

    def rebuild(self, jobs: int | None = 1) -> Callable[[], int] | None:
        """Check the tree and put its pages in place. Returns what then makes the weekly updates and
        reviews anew (their digests take longer than the rest of a save's work), or None when they
        were made now: on the first build, after a template was saved, and when a goal page links
        to a review the previous pages do not have (no link may lead nowhere).

        Meanwhile the previous updates and reviews are shown, and so are the pages the save
        removed, which they may link to. ``jobs=1``: nothing is forked (the server's threads run)."""
        if self.templates is not None and not self.templates.is_dir():
            raise BuildError(f"templates folder {self.templates} does not exist")
        with no_cyclic_gc():
            result = run(self.tree, self.today(), self.cache, remote_data=True, jobs=jobs)
            self.cache.keep_used()
            seen = template_files(self.templates)
            before = self.now
            fresh = before is None or seen != self._seen
            env, files = (environment(self.templates), assets(self.templates)) if fresh else (before.env, before.assets)
            made = assemble(result, self.tree, cache=self.cache, weeks=self.weeks, deferred=True)
            pages = {page.path: page for page in made.pages}
            if not fresh and made.reviews <= before.later:
                kept = {path: page for path, page in before.pages.items() if path not in pages}
                with self._lock:
                    rendered = {path: before.rendered[path] for path in kept if path in before.rendered}
                now = Generation(result, {**kept, **pages}, env, files, before.later, rendered)
                self.now = now
                return partial(self._finish, now, made)
            later = made.later()
            now = Generation(result, {**pages, **{page.path: page for page in later}}, env, files,
                             frozenset(page.path for page in later))
            if fresh:
                # A saved template shows what it breaks at once, on every page, as a failed build
                # would: each template renders its first page now. (A template that fails only on
                # some pages' data says so on those pages.)
                first: dict[str, str] = {}
                for path, page in now.pages.items():
                    first.setdefault(page.template, path)
                with self._lock:
                    for path in first.values():
                        now.rendered[path] = render_page(now.pages[path], env)
                    self.renders += len(first)
            self.now, self._seen = now, seen
            return None

    def _finish(self, now: Generation, made: Assembled, stop: Callable[[], bool] | None = None) -> int:
        """The weekly updates and reviews made anew, and the pages a save removed gone; how many
        updates and reviews there are now. ``stop``: see report.weeks.weekly (raises Stopped; the
        pages shown stay as they are)."""
        with no_cyclic_gc():
            later = made.later(stop=stop)
        pages = {page.path: page for page in made.pages}
        pages.update((page.path, page) for page in later)
        with self._lock:
            rendered = {path: data for path, data in now.rendered.items() if path in pages and path not in now.later}
        if self.now is now:  # no later save has replaced these pages meanwhile
            self.now = Generation(now.result, pages, now.env, now.assets, frozenset(page.path for page in later),
                                  rendered)
        return len(later)

    @property
    def pages(self) -> int:
        return len(self.now.pages) + len(self.now.assets) if self.now is not None else 0

