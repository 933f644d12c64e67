"""Files a scan writes next to its targets, made so that nothing planted there is followed or replaced.

In a shared directory another user can plant ``out.jsonl.partial`` or ``s.json.tmp`` as a symlink to a file
of yours: writing "the side file" would then overwrite that file. And a target that is not a regular file
(``/dev/null``, a FIFO, a terminal, ``/dev/stdout``) must never be renamed over: as root that replaces
``/dev/null`` with a regular file, and a FIFO's reader waits forever. Temporaries here are created with
exclusive, no-follow semantics (``mkstemp``-style) and targets are checked for what they are first: a stream
(:func:`in_place`) is written in place, anything else that is not a regular file is refused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import IO

__all__ = [
    "IN_PLACE_TARGETS",
    "exclusive_temp",
    "fresh_no_follow",
    "in_place",
    "no_follow",
    "unsafe_target",
    "write_target",
]

log = logging.getLogger(__name__)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_SYSTEM_TREES = ("/dev/", "/proc/", "/sys/")
#: Targets written once, at the end of a scan, that may be a stream: a character device or a FIFO (``/dev/null``,
#: a terminal, a pipe) or an open descriptor (``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``) is written in
#: place, appended to, never renamed over. (The output may be a stream too: it is then written like ``-o -``,
#: see ``ScanOptions.to_stream``. The errors file, resumable and removed after a failure, may not.)
IN_PLACE_TARGETS = ("summary", "report")
_DESCRIPTOR = re.compile(r"/dev/std(?:out|err)|/dev/fd/\d+|/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd/\d+")


def unsafe_target(path: Path) -> str | None:
    """Why a scan must not build ``path`` by writing a temporary file and renaming it over it, or None.

    It exists and is not a regular file (a FIFO, a device, a socket), or it is or leads into ``/dev``,
    ``/proc`` or ``/sys`` (``/dev/stdout``, a symlink to ``/proc/self/fd/1``).
    """
    for hop in _link_chain(path):
        if (hop + "/").startswith(_SYSTEM_TREES):
            return f"a system file ({hop})"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return None


def in_place(path: Path) -> bool:
    """Whether ``path`` is a stream to write in place: it leads to a character device or a FIFO, or names an open
    descriptor (``/dev/stdout``, ``/proc/self/fd/1``) whatever it is open on (not a directory)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return True
    return not stat.S_ISDIR(mode) and any(_DESCRIPTOR.fullmatch(hop) for hop in _link_chain(path))


def open_in_place(path: Path) -> IO[bytes]:
    """Open a stream target for writing: appended to, never created, truncated or renamed over."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | _CLOEXEC), "wb")


def write_target(path: Path, data: bytes, what: str) -> None:
    """Write a finished file: in place when :func:`in_place` (appended, said once on stderr), else to a fresh
    temporary next to it (:func:`exclusive_temp`) renamed over it, so that it appears complete or not at all."""
    if in_place(path):
        log.warning("writing the %s to %s in place (not a regular file: no temporary file, no lock)", what, path)
        with open_in_place(path) as stream:
            stream.write(data)
        return
    fh, tmp = exclusive_temp(path)  # (a random name, O_EXCL: a symlink planted at NAME.tmp is never followed)
    try:
        with fh:
            fh.write(data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):  # a full disk must not leave a half-written temporary behind
            tmp.unlink(missing_ok=True)
        raise


def _link_chain(path: Path) -> list[str]:
    """``path`` (absolute) and every path its symlinks lead through, in order (at most 40 hops)."""
    hops = [os.path.abspath(path)]
    for _ in range(40):
        try:
            target = os.readlink(hops[-1])
        except OSError:  # not a symlink (or missing): the end of the chain
            break
        hops.append(os.path.normpath(os.path.join(os.path.dirname(hops[-1]), target)))
    return [*hops, os.path.realpath(path)]  # (and where it really is, through symlinked directories too)


def exclusive_temp(target: Path, suffix: str = ".tmp") -> tuple[IO[bytes], Path]:
    """A new, empty temporary file next to ``target`` with a random name (``O_EXCL``: never an existing file or
    a planted symlink); returns the open file and its path, to be renamed over ``target`` when complete."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    return os.fdopen(fd, "wb"), Path(name)


def fresh_no_follow(path: str, flags: int) -> int:
    """An ``opener`` for ``open(path, "wb", opener=...)`` of a side file with a fixed name (``OUT.partial``):
    whatever is at ``path`` is removed first (a stale file, or a planted symlink: unlinking it leaves the file it
    points to alone) and the file is created afresh with ``O_EXCL`` and ``O_NOFOLLOW``."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    return os.open(path, flags | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)


def no_follow(path: str, flags: int) -> int:
    """An ``opener`` that refuses a symlink at ``path`` (OSError ELOOP), for reopening a side file to resume."""
    return os.open(path, flags | _NOFOLLOW | _CLOEXEC)
