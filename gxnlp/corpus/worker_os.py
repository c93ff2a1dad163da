"""What a batch worker process needs from the OS: to die with its parent (even by kill -9), a cap on
its memory, and the per-file outcome when the cap is hit (issue 18)."""
from __future__ import annotations

import os
import sys
import time
from typing import Optional


def memory_outcome() -> dict:
    limit = os.environ.get("GXNLP_MAX_MEMORY_MB")
    return {"ok": False, "kind": "memory",
            "reason": f"exceeded the worker memory limit ({limit} MB, --max-memory)" if limit
            else "out of memory"}


def die_with_parent() -> None:
    """Make this (worker) process die when its parent does, even by kill -9: Linux's parent-death
    signal (prctl PR_SET_PDEATHSIG); elsewhere a thread that watches the parent's pid."""
    import signal

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the signal was armed
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="gxnlp-parent-watch").start()


def cap_memory(max_memory_mb: Optional[int]) -> None:
    """Cap this worker's address space (RLIMIT_AS): an allocation past it raises MemoryError,
    which parse_to_result turns into this file's error."""
    if not max_memory_mb:
        return
    import resource

    limit = int(max_memory_mb) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    os.environ["GXNLP_MAX_MEMORY_MB"] = str(max_memory_mb)
