"""Worker processes that end with their parent.

A scan's pool workers ignore SIGINT and SIGTERM (the parent stops the scan at a chunk boundary), so when the
parent is killed outright (SIGKILL, the OOM killer) nothing would ever stop them. On Linux the kernel sends
them SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a watchdog thread notices that
the parent is gone and exits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

__all__ = ["exit_with_parent"]

_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 1.0


def exit_with_parent() -> str:
    """Make this (worker) process end when its parent does; returns how (``"pdeathsig"`` or ``"watchdog"``)."""
    parent = os.getppid()
    if sys.platform.startswith("linux") and _set_pdeathsig():
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return "pdeathsig"
    threading.Thread(target=_watch, args=(parent,), name="pillscan-parent-watch", daemon=True).start()
    return "watchdog"


def _set_pdeathsig() -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)  # (a worker mid-chunk has nothing to save: the parent's checkpoint is the record of the scan)
