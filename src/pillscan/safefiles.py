"""Files a scan writes next to its targets, made so that nothing planted there is followed or replaced.

In a shared directory another user can plant ``out.jsonl.partial`` or ``s.json.tmp`` as a symlink to a file
of yours: writing "the side file" would then overwrite that file. And a target that is not a regular file
(``/dev/null``, a FIFO, a terminal, ``/dev/stdout``) must never be renamed over: as root that replaces
``/dev/null`` with a regular file. Temporaries here are created with exclusive, no-follow semantics
(``mkstemp``-style) and targets are checked for what they are before anything is written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import IO

__all__ = ["exclusive_temp", "non_regular_kind", "open_side_file"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def non_regular_kind(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (symlinks followed): ``"FIFO"``,
    ``"character device"``, ``"block device"``, ``"socket"``, ``"directory"``; None otherwise."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "directory"),
    ):
        if test(mode):
            return name
    return "special file"


def exclusive_temp(target: Path, suffix: str = ".tmp") -> tuple[IO[bytes], Path]:
    """A new, empty temporary file next to ``target`` with a random name (``O_EXCL``: never an existing file or
    a planted symlink); returns the open file and its path, to be renamed over ``target`` when complete."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    return os.fdopen(fd, "wb"), Path(name)


def open_side_file(path: Path, *, append: bool = False) -> IO[bytes]:
    """Open a side file with a fixed name (``OUT.partial``): a symlink there is never followed.

    ``append=False`` removes whatever is at ``path`` (a stale file, or a planted symlink: unlinking it leaves
    the file it points to alone) and creates it afresh with ``O_EXCL``; ``append=True`` (resume) opens the
    existing file, refusing a symlink.
    """
    if append:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | _NOFOLLOW | _CLOEXEC)
        return os.fdopen(fd, "ab")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
    return os.fdopen(fd, "wb")
