"""Where a scan writes: the files' names and side files, the checks before writing, the lock, atomic writes.

Every file a scan writes (output, errors file, summary, report) is built under a side name and renamed into
place at the end, so a file at the final path is always complete: ``OUT.partial`` for the output,
``ERRORS.partial`` for the errors file, ``NAME.tmp`` for the summary, the report and the checkpoint.
``OUT.lock`` keeps two scans from writing one output. (A stream, ``-o /dev/null`` or ``--summary /dev/stdout``,
has none of these: it is written in place, see :func:`pillscan.safefiles.in_place`.) :func:`check_targets`
refuses unusable or clashing paths before anything is written and returns every path the scan writes, so that a
directory walk never reads them back as posts.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pillscan.errors import OutputError
from pillscan.safefiles import IN_PLACE_TARGETS, exclusive_temp, in_place, unsafe_target

__all__ = [
    "LOCK_FRESH_S",
    "FileTargets",
    "Target",
    "check_output_file",
    "check_targets",
    "clean_stale_temporaries",
    "fsync_dir",
    "output_lock",
    "side_path",
    "write_json_atomic",
    "written_by_pillscan",
]

log = logging.getLogger(__name__)

LOCK_FRESH_S = 2.0  # an empty lock younger than this is being created (pid not written yet), not stale


def side_path(path: Path, suffix: str) -> Path:
    """``path`` with ``suffix`` appended to its name (``out.jsonl`` -> ``out.jsonl.partial``)."""
    return path.with_name(path.name + suffix)


@dataclass(frozen=True)
class Target:
    """One file a scan writes (``what`` names it in messages) and the side files written next to it."""

    what: str
    path: Path
    sides: tuple[Path, ...] = ()


@dataclass(frozen=True)
class FileTargets:
    """The files a local scan writes; ``output`` None means stdout (nothing on disk but the extras)."""

    output: Path | None
    errors: Path | None
    summary: Path | None
    report: Path | None
    accounts: Path | None = None
    label_sample: Path | None = None

    @property
    def partial(self) -> Path:
        """The output while it is being written (renamed to the output at the end)."""
        assert self.output is not None
        return side_path(self.output, ".partial")

    @property
    def checkpoint(self) -> Path:
        """Where an interrupted scan's state is saved for ``--resume``."""
        assert self.output is not None
        return side_path(self.output, ".checkpoint.json")

    @property
    def lock(self) -> Path:
        """Held while a scan writes the output."""
        assert self.output is not None
        return side_path(self.output, ".lock")

    @property
    def errors_partial(self) -> Path | None:
        """The errors file while it is being written."""
        return side_path(self.errors, ".partial") if self.errors is not None else None

    def locks(self) -> list[tuple[Path, Path]]:
        """(lock, file) for every file this scan writes: two scans sharing an errors file, a summary or a report
        are refused like two scans of one output."""
        files = (self.output, self.errors, self.summary, self.report, self.accounts, self.label_sample)
        streams = {f for f in (self.summary, self.report) if f is not None and in_place(f)}  # (no lock in /dev)
        return [
            (self.lock if f is self.output else side_path(f, ".lock"), f)
            for f in files
            if f is not None and f not in streams
        ]

    def targets(self) -> list[Target]:
        """Everything this scan writes, for :func:`check_targets`."""
        out: list[Target] = []
        if self.output is not None:
            sides = (self.partial, self.lock, self.checkpoint, side_path(self.checkpoint, ".tmp"))
            out.append(Target("output", self.output, sides))
        if self.errors is not None and self.errors_partial is not None:
            out.append(Target("errors file", self.errors, (self.errors_partial, side_path(self.errors, ".lock"))))
        extras = (
            ("summary", self.summary),
            ("report", self.report),
            ("accounts table", self.accounts),
            ("posts to label", self.label_sample),
        )
        for what, extra in extras:
            if extra is not None:
                out.append(Target(what, extra, (side_path(extra, ".tmp"), side_path(extra, ".lock"))))
        return out


def check_output_file(output: Path, inputs: Sequence[str]) -> None:
    """Refuse an output file that is a directory, is in a missing directory, or is one of the inputs."""
    if output.is_dir():
        raise OutputError(f"output {output} is a directory; give a file name")
    if not output.parent.exists():
        raise OutputError(f"output directory {output.parent} does not exist")
    resolved = output.resolve()
    if any(Path(p).resolve() == resolved for p in inputs if p != "-"):
        raise OutputError(f"output {output} is also an input; refusing to overwrite it")


def check_targets(inputs: Sequence[str], targets: Sequence[Target]) -> frozenset[str]:
    """Refuse unusable or clashing output paths before anything is written; return the real paths to skip.

    Refused, with one line: a target that is a directory or whose directory is missing, not writable or a file;
    two targets that are one file (under any spelling); a target that is an input; and an existing target inside
    an input directory that is not a pillscan product (it would be an input the user meant to scan). Everything the scan
    writes is returned so the directory walk never reads it back: an output inside an input directory is not
    scanned, and a re-run passes over the earlier run's output instead of scoring it.
    """
    owners: dict[str, str] = {}
    for t in targets:
        if t.what in IN_PLACE_TARGETS and in_place(t.path):
            _claim(owners, t.path, t.what)  # a stream (/dev/stdout, a FIFO): written in place at the end
            continue
        if (why := unsafe_target(t.path)) is not None:
            raise OutputError(_special_target_message(t, why))
        if t.path.is_dir():
            raise OutputError(f"{t.what} {t.path} is a directory; give a file name")
        parent = t.path.parent
        if not parent.exists():
            raise OutputError(f"{t.what} directory {parent} does not exist")
        if not parent.is_dir():
            raise OutputError(f"cannot write the {t.what} {t.path}: {os.strerror(errno.ENOTDIR)} ({parent})")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"{t.what} directory {parent} is not writable")
        for f in (t.path, *t.sides):
            _claim(owners, f, t.what)
    for p in inputs:
        if p == "-":
            continue
        real_input = os.path.realpath(p)
        if real_input in owners:
            raise OutputError(f"{owners[real_input]} {p} is also an input; refusing to overwrite it")
        if os.path.isdir(real_input):
            _refuse_inputs_inside(p, real_input, targets)
    return frozenset(owners)


def _claim(owners: dict[str, str], f: Path, what: str) -> None:
    real = os.path.realpath(f)
    if real in owners:
        raise OutputError(f"the {owners[real]} and the {what} are the same file ({f}); give different names")
    owners[real] = what


def _special_target_message(t: Target, why: str) -> str:
    """One line: why a FIFO, device or system file is refused as a target, and what to do instead."""
    if t.what == "output":
        instead = "for rows on stdout use -o - and redirect it (-o - > /dev/null, -o - | gzip > out.jsonl.gz)"
    elif t.what in IN_PLACE_TARGETS:
        instead = f"give a regular file, a FIFO, a terminal or /dev/stdout for the {t.what}"
    else:
        instead = f"write the {t.what} to a regular file and read it from there (cat, tail -f)"
    return (
        f"{t.what} {t.path} is {why}: a scan builds its files under a temporary name and renames them into place "
        f"(so that a failed scan never leaves half a file), which would replace it; {instead}"
    )


def _refuse_inputs_inside(given: str, real_dir: str, targets: Sequence[Target]) -> None:
    for t in targets:
        real = os.path.realpath(t.path)
        if real.startswith(real_dir.rstrip(os.sep) + os.sep) and t.path.is_file() and not written_by_pillscan(t.path):
            raise OutputError(
                f"{t.what} {t.path} is a file inside the input directory {given} and not a pillscan output; "
                "refusing to overwrite an input: write it elsewhere"
            )


def written_by_pillscan(path: Path) -> bool:
    """Whether an existing file looks like a pillscan output, errors list, summary or report (or is empty)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    if not head.strip():
        return True
    if head.startswith(b"PAR1"):
        try:
            import pyarrow.parquet as pq

            return {"score", "decision"} <= set(pq.read_schema(path).names)
        except Exception:  # not readable as Parquet: not ours
            return False
    if head.startswith(b"id,source,position,score,decision"):
        return True
    lowered = head[:2048].lower()
    if b"<!doctype html" in lowered or b"<html" in lowered:
        return True
    return _json_written_by_pillscan(head)


def _json_written_by_pillscan(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    try:
        row = json.loads(first)
    except ValueError:
        row = None
    if row is None and head.lstrip().startswith(b"{") and len(head) < (1 << 16):
        try:  # a summary: one small indented JSON document
            row = json.loads(head)
        except ValueError:
            return False
    if not isinstance(row, dict):
        return False
    keys = set(row)
    return {"score", "decision"} <= keys or {"source", "position", "reason"} <= keys or {"read", "written"} <= keys


# --- the lock -------------------------------------------------------------------------------------------------

# Locks this process holds (real paths). A lock file holding our own pid is stale only if no scan of this process
# holds it: another thread of a library user may be scanning into the same output right now.
_HELD_LOCKS: set[str] = set()
_HELD_LOCKS_MUTEX = threading.Lock()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def output_lock(lock: Path, output: Path | str) -> Iterator[None]:
    """Hold ``lock`` (a file with our pid) while the block runs; refuse if a live scan holds it.

    A live scan is another running process, or another thread of this one; a lock with our pid that no thread
    holds is left over from an earlier scan (or a recycled pid) and is taken over, as is a dead process's.
    """
    _acquire_lock(lock, output)
    try:
        yield
    finally:
        _release_lock(lock)


def _acquire_lock(lock: Path, output: Path | str) -> None:
    key = os.path.realpath(lock)
    for _ in range(50):
        with _HELD_LOCKS_MUTEX:
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                fd = -1
                held_here = key in _HELD_LOCKS
            except OSError as exc:
                raise OutputError(f"cannot write to {lock.parent}: {exc.strerror or exc}") from exc
            else:
                _HELD_LOCKS.add(key)
        if fd >= 0:
            try:
                with os.fdopen(fd, "w") as fh:
                    fh.write(f"{os.getpid()}\n")
            except OSError as exc:
                _release_lock(lock)
                raise OutputError(f"cannot write the lock {lock}: {exc.strerror or exc}") from exc
            return
        if not _lock_is_stale(lock, output, held_here):
            continue
        lock.unlink(missing_ok=True)
    raise OutputError(f"could not take the lock {lock}")


def _lock_is_stale(lock: Path, output: Path | str, held_here: bool) -> bool:
    """Whether an existing lock may be taken over (False: look again); raises if a live scan holds it."""
    try:
        pid = int(lock.read_text().strip() or "0")
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return False  # released meanwhile: try again
    except (OSError, ValueError):
        pid, age = 0, LOCK_FRESH_S
    if held_here or (pid and pid != os.getpid() and _pid_alive(pid)):
        raise OutputError(
            f"another scan (pid {pid or os.getpid()}) is writing {output}; wait for it, or remove {lock} if it is stale"
        )
    if not pid and age < LOCK_FRESH_S:
        time.sleep(0.05)  # another scan has just created it and is writing its pid
        return False
    log.warning("taking over the stale lock %s (pid %s is not running)", lock, pid or "?")
    return True


def _release_lock(lock: Path) -> None:
    """Remove the lock (never raises: it runs in cleanup, where the scan's own error must win)."""
    with _HELD_LOCKS_MUTEX:
        _HELD_LOCKS.discard(os.path.realpath(lock))
        try:
            lock.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the lock %s: %s", lock, exc.strerror or exc)


def clean_stale_temporaries(targets: Sequence[Path]) -> list[Path]:
    """Remove the temporaries a killed scan left next to ``targets`` (call with their locks held); return them.

    Only what this module makes is removed: a regular file (not a symlink) of ours (same uid) named exactly as
    :func:`~pillscan.safefiles.exclusive_temp` names one for that target (``.NAME.XXXXXXXX.tmp``). With the
    target's lock held no live scan is writing one, so each is a leftover.
    """
    removed: list[Path] = []
    for target in targets:
        pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]{{8}}\.tmp")
        try:
            names = os.listdir(target.parent)
        except OSError:
            continue
        for name in names:
            if not pattern.fullmatch(name):
                continue
            path = target.parent / name
            try:
                st = path.lstat()
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                    path.unlink()
                    removed.append(path)
            except OSError as exc:
                log.debug("could not remove the stale temporary %s: %s", path, exc)
    return removed


# --- atomic writes --------------------------------------------------------------------------------------------


def write_json_atomic(path: Path, data: Any, *, sync: bool = False, indent: int | None = 1) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file (``indent=None``: one line, by the C encoder,
    which json.dump and any indent bypass: ~10x faster for a checkpoint)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent).encode("utf-8")
    fh, tmp = exclusive_temp(path)  # (a random name, O_EXCL: a symlink planted at NAME.tmp is never followed)
    try:
        with fh:
            fh.write(text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # a full disk must not leave a half-written .tmp behind
            tmp.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Make renames in directory ``path`` durable (best effort: not every file system can)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
