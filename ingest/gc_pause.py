"""Cyclic garbage collection paused around bulk work that builds many small objects."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for loops that build many small objects and no
    reference cycles (a feed's parse, bulk upserts), where collections would scan the growing
    heap again and again. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
