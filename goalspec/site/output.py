"""Pages to files: the jinja environment every template renders in, and the writers that
render a site's pages, in forked workers for a large site (each file depends only on its
page, so the output is the same whatever the number of workers)."""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import traceback
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
CHUNK = 250  # pages per unit of work: small enough for a smooth progress bar, large enough to be cheap
# A worker only reads the parent's pages, but reading an object writes its reference count, and
# the write copies the memory page it sits on: a worker that renders long enough holds a copy of
# most of the parent (at 100,000 goals, two workers held 2.2 GB of copies). A worker therefore
# stops once its own memory has grown by this much, and a fresh one is forked in its place.
COPY_BUDGET = 128 * 2**20
_shared: tuple | None = None


class WorkerLost(Exception):
    """A render worker ended without saying why (killed, or out of memory)."""


def write(site_pages: list[Page], env: jinja2.Environment, dest: Path, jobs: int | None = None,
          progress: Callable[[int], None] | None = None, later: Callable[[], list[Page]] | None = None,
          alone: int = 0) -> int:
    """Render every page into dest; ``progress`` is told how many pages each finished chunk held.
    ``later`` makes more pages (the weekly updates, whose digests take a while to compute): with
    workers, one of them makes them while the others render, and they are rendered last. The
    first ``alone`` pages are rendered here before any worker is forked: each reads the whole site
    (the home page, the map, the search index), and a worker rendering them would copy most of
    this process's memory at once. Returns the number of pages written.

    Each file depends only on its page, so the result is the same whatever the
    number of workers."""
    global _shared
    _folders(site_pages, dest)
    if jobs is None:
        jobs = spare_cores() if len(site_pages) >= PARALLEL_FROM else 1
    done = progress or (lambda n: None)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        chunks = list(range(0, len(site_pages), CHUNK))
        written = 0
        for start in chunks:
            count = _render(site_pages[start:start + CHUNK], env, dest)
            written += count
            done(count)
        if later is not None:
            count = render_pages(later(), env, dest)
            written += count
            done(count)
        return written
    for name in sorted({p.template for p in site_pages}):
        with blame(env, name):
            env.get_template(name)  # compiled once, before the workers are forked
    first = _render(site_pages[:alone], env, dest)
    if first:
        done(first)
    # Queued first, so a worker starts on it at once; it renders what it made itself.
    tasks = ([_LATER] if later is not None else []) + list(range(alone, len(site_pages), CHUNK))
    _shared = (site_pages, env, dest, later)
    try:
        return first + _in_workers(tasks, jobs, done)
    finally:
        _shared = None


_LATER = -1  # the task that makes and renders the ``later`` pages


def _in_workers(tasks: list[int], jobs: int, done: Callable[[int], None]) -> int:
    """Run the tasks in forked workers, each taking the next one when it is free; a worker over its
    COPY_BUDGET ends after its task and another is forked. Raises what a task raised."""
    context = multiprocessing.get_context("fork")
    queue = collections.deque(tasks)
    workers: dict = {}  # the parent's end of a worker's pipe -> the worker
    written = 0

    def start(task: int) -> None:
        mine, theirs = context.Pipe()
        worker = context.Process(target=_work, args=(theirs, task), daemon=True)
        worker.start()
        theirs.close()
        workers[mine] = worker

    try:
        while queue or workers:
            while queue and len(workers) < jobs:
                start(queue.popleft())
            for conn in multiprocessing.connection.wait(list(workers)):
                try:
                    what, value = conn.recv()
                except EOFError:
                    worker = workers.pop(conn)
                    worker.join()
                    raise WorkerLost(f"a page-rendering worker ended without finishing its pages "
                                     f"(exit code {worker.exitcode}); was it killed, or out of memory?") from None
                if what == "error":
                    raise value
                written += value
                done(value)
                if what == "done" and queue:
                    conn.send(queue.popleft())
                    continue
                conn.send(None)  # over its budget (it ends itself), or nothing is left
                workers.pop(conn).join()
                conn.close()
    finally:
        for conn, worker in workers.items():
            worker.terminate()
            worker.join()
            conn.close()
    return written


def _work(conn, task: int) -> None:
    """A worker: tasks from the parent until it says None, or until the worker is over its budget."""
    import resource  # POSIX, as fork is

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the workers
    started = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    page = resource.getpagesize()
    while task is not None:
        try:
            count = _make_later() if task == _LATER else _render_chunk(task)
        except BaseException as exc:  # noqa: BLE001 - the parent raises it; this process only ends
            conn.send(("error", _picklable(exc)))
            return
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - started) * page
        conn.send(("over" if grown > COPY_BUDGET else "done", count))
        task = conn.recv()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 - any exception that cannot cross: its text does
        return RuntimeError("".join(traceback.format_exception(exc)))


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
