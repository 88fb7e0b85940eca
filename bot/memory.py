"""Keep the long-running server's native heap compact.

glibc gives each thread that allocates its own malloc arena (up to eight per core); the
worker threads that run the core each fill one with SQLite and SQLAlchemy buffers, and the
freed memory stays resident in every arena. Two arenas are plenty for a process whose
threads mostly wait on the database or the network, and save several MB of warm-up.
"""

import ctypes
import ctypes.util
import logging
import os

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas (before the worker threads start); False elsewhere."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False  # the operator chose
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_ARENA_MAX, arenas))
    log.debug("malloc arenas capped at %d: %s", arenas, done)
    return done
