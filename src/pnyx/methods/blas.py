"""BLAS limited to one thread while a computation runs.

The BLAS calls of ``pnyx.methods`` are small (matrix-vector products over a project's
supporters, Lanczos vectors, 2-D points): BLAS worker threads only cost wake-ups and spinning,
and make a computation several times slower on a loaded machine (MES+add1 on Budapest 2024:
14 s and 25 CPU seconds with OpenBLAS's own threads, against 10 s with one). Done with
``threadpoolctl`` (a dependency; imported on first use, and should an installation lack it,
BLAS keeps its own setting). Entering and leaving costs about 30 microseconds.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["single_threaded_blas"]

_BLAS_LOCK = threading.Lock()
_BLAS_STATE: dict[str, Any] = {"controller": None, "limiter": None, "users": 0}


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """BLAS limited to one thread while computations run (restored when the last one ends,
    whatever the threads that run them)."""
    with _BLAS_LOCK:
        if _BLAS_STATE["controller"] is None:
            try:
                module = importlib.import_module("threadpoolctl")
                _BLAS_STATE["controller"] = module.ThreadpoolController()
            except ImportError:
                _BLAS_STATE["controller"] = False
        if _BLAS_STATE["controller"] and _BLAS_STATE["users"] == 0:
            _BLAS_STATE["limiter"] = _BLAS_STATE["controller"].limit(limits=1, user_api="blas")
        _BLAS_STATE["users"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_STATE["users"] -= 1
            if _BLAS_STATE["users"] == 0 and _BLAS_STATE["limiter"] is not None:
                _BLAS_STATE["limiter"].restore_original_limits()
                _BLAS_STATE["limiter"] = None
