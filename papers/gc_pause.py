"""Cyclic garbage collection paused around bulk work that builds many small objects."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside, then the collector as it was (also when the block
    raises): for work that builds many small objects and no reference cycles (a feed's parse,
    bulk upserts, the institution registry's ~300,000 records and index entries), where full
    collections would walk the growing heap and the whole process again and again (about 40 %
    of the registry load's CPU time, bench/notes.md). Reference counting still frees
    everything as usual; only the search for cycles waits until the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
