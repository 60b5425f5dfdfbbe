"""Memory settings for work over a whole tree, shared by every stage that loads one
(check, diff, build); it lives in the lowest stage so that each can import it."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc():
    # A tree of 100k goals allocates millions of small acyclic objects; the cyclic
    # collector would rescan them all again and again (over half the run time).
    # Reference counting frees everything here, so the collector waits until the end.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
