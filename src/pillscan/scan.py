"""The batch engine: read posts in chunks, score them in parallel, write them in input order, account for all.

Every record read is either scored (and written, unless ``flagged_only`` leaves a clean one out) or skipped
(and listed in the errors file), so ``read == written + skipped`` always holds; ``output_rows`` counts the rows
actually in the output. The output is built in ``OUT.partial`` and renamed at the end, so a file at the output
path is always complete; ``OUT.lock`` keeps two scans from writing the same output; ``OUT.checkpoint.json``
(written every few chunks and on SIGINT/SIGTERM) lets ``resume=True`` continue an interrupted scan and produce
the same bytes as an uninterrupted one (JSONL and CSV; Parquet output restarts from the beginning).

Files the scan writes (output, errors file, summary, report, and their ``.partial``/``.lock``/checkpoint/``.tmp``
side files) are checked before anything is written: one that is an input, or two that are one file under any
spelling, is refused with a one-line OutputError. Inside an input directory they are never read back as posts,
so ``scan export/ -o export/flagged.jsonl`` works and can be re-run; an existing file there that is not a
pillscan product (an input the user meant to scan) is refused rather than overwritten. Two scans of one output
are refused whether they run in two processes or two threads of one process.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import heapq
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from pillscan.errors import InputError, PillscanError, ScanInterrupted
from pillscan.records import ReadError, Result
from pillscan.writers import ChunkWriter, OutputError, encode_chunk, open_writer, out_format_for, result_row

__all__ = ["ScanInterrupted", "ScanProgress", "ScanSummary", "scan"]

log = logging.getLogger(__name__)

HIST_BINS = 20
TOP_K = 50  # flagged posts kept (bounded) for the report
TOP_TEXT_CHARS = 20_000  # a kept post's text is cut here so the checkpoint and report stay small
#: A checkpoint (fsync of the output, then of the checkpoint) every this many chunks or seconds, whichever comes
#: first: a scan killed outright (SIGKILL, power loss) redoes at most that much; SIGINT/SIGTERM checkpoint at once.
#: At 50,000 posts/s, 100 chunks of 2,000 posts are 4 s of work (20 chunks made it ~1 checkpoint per second).
CHECKPOINT_EVERY_CHUNKS = 100
CHECKPOINT_EVERY_S = 10.0
CHECKPOINT_VERSION = 1
#: Net allocations between two young-generation garbage collections while scanning (Python's default: 700). A
#: scan allocates and frees millions of short-lived objects and makes almost no reference cycles, and the model
#: loaded before it is never garbage, so it is frozen out of the collections (gc.freeze) for the scan's length.
SCAN_GC_THRESHOLD = 50_000


@dataclass(frozen=True)
class ScanProgress:
    """Where a running scan is: records read/scored/skipped so far, flags, and seconds since it started."""

    read: int
    written: int
    skipped: int
    flagged: int
    review: int
    elapsed_s: float


@dataclass(frozen=True)
class ScanSummary:
    """The account of a finished scan.

    ``read == written + skipped``: ``written`` counts records scored (each is in the output unless
    ``flagged_only`` left a clean one out), ``output_rows`` the rows in the output file, ``skipped`` records that
    could not be read (listed in the errors file). ``flagged`` counts ``offer`` decisions, ``review`` the band below.
    ``by_drug`` and ``by_signal`` count flagged (``offer``) posts; ``by_source`` has per-file counts.
    """

    read: int
    written: int
    skipped: int
    output_rows: int
    flagged: int
    review: int
    by_drug: dict[str, int]
    by_signal: dict[str, int]
    by_source: dict[str, dict[str, int]]
    score_hist: tuple[int, ...]
    thresholds: dict[str, float]
    model: str
    elapsed_s: float
    posts_per_s: float
    output: str
    errors: str | None = None
    resumed_at: int = 0
    skip_examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the summary."""
        d = asdict(self)
        d["score_hist"] = list(self.score_hist)
        d["skip_examples"] = list(self.skip_examples)
        return d


# --- per-chunk work (runs in worker processes) ----------------------------------------------------------


@dataclass
class _ChunkOut:
    """What a worker sends back for one chunk: the encoded output and the chunk's counts."""

    payload: Any
    rows: int
    scored: int
    offer: int
    review: int
    by_drug: dict[str, int]
    by_signal: dict[str, int]
    by_source: dict[str, list[int]]  # source -> [scored, offer, review]
    hist: list[int]
    top: list[dict[str, Any]]


def _score_texts(model: Any, texts: list[str], threshold: float | None) -> list[Result]:
    if threshold is None:
        return list(model.score(texts))
    return list(model.score(texts, threshold=threshold))


def _process_chunk(
    model: Any,
    records: list[tuple[str, str, str, int]],
    *,
    threshold: float | None,
    fmt: str,
    include_text: bool,
    flagged_only: bool,
) -> _ChunkOut:
    """Score one chunk, encode its output rows and count what the summary needs."""
    results = _score_texts(model, [r[1] for r in records], threshold) if records else []
    if len(results) != len(records):
        raise PillscanError(f"the model returned {len(results)} results for {len(records)} texts")
    payload, rows = encode_chunk(records, results, fmt, include_text=include_text, flagged_only=flagged_only)
    offer = review = 0
    by_drug: Counter[str] = Counter()
    by_signal: Counter[str] = Counter()
    hist = [0] * HIST_BINS
    for res in results:
        hist[min(int(res.score * HIST_BINS), HIST_BINS - 1)] += 1
    sources = [r[2] for r in records]
    by_source: dict[str, list[int]] = {source: [n, 0, 0] for source, n in Counter(sources).items()}
    flagged: list[tuple[float, int]] = []
    for i, res in enumerate(results):
        if res.decision == "clean":
            continue
        counts = by_source[sources[i]]
        if res.decision == "offer":
            offer += 1
            counts[1] += 1
            by_drug.update(res.drugs)
            by_signal.update({s.name for s in res.signals})
        elif res.decision == "review":
            review += 1
            counts[2] += 1
        else:
            continue  # (a custom model's own decision names are written, not counted)
        flagged.append((res.score, i))
    top = [_top_row(records[i], results[i]) for _, i in heapq.nlargest(TOP_K, flagged, key=lambda t: (t[0], -t[1]))]
    return _ChunkOut(payload, rows, len(records), offer, review, dict(by_drug), dict(by_signal), by_source, hist, top)


def _top_row(rec: tuple[str, str, str, int], res: Result) -> dict[str, Any]:
    row = result_row(rec, res, include_text=True)
    if len(row["text"]) > TOP_TEXT_CHARS:
        row["text"] = row["text"][:TOP_TEXT_CHARS]
        row["signals"] = [s for s in row["signals"] if s["end"] <= TOP_TEXT_CHARS]
    return row


_WORKER: dict[str, Any] = {}


def _start_method() -> str:
    """How to start workers: fork on Linux when this process runs one thread (workers start at once and
    share the loaded model's memory: ~2 s less per scan); otherwise spawn, since forking a process with other
    threads running (pillscan used as a library) can deadlock on a lock held by one of them."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _init_worker(spec: tuple[Any, ...], options: dict[str, Any]) -> None:
    """Pool initializer: load the model once per worker process (never once per task)."""
    # The parent handles Ctrl-C and SIGTERM sent to the whole process group (it stops at a chunk boundary,
    # checkpoints and shuts the pool down); a worker killed mid-chunk would only break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _WORKER["model"] = _model_from_spec(spec)
    _WORKER["options"] = options
    _gc_for_scan()  # (a worker process only ever scans: never restored)


def _gc_for_scan() -> tuple[tuple[int, int, int], bool]:
    """Freeze what is loaded (the model) out of garbage collection and collect less often; returns what
    :func:`_gc_after_scan` restores. A disabled collector (threshold 0) stays disabled, and a program that froze
    objects itself keeps its own frozen set (pillscan then freezes nothing, so that it unfreezes nothing)."""
    saved = gc.get_threshold()
    froze = gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    if saved[0]:
        gc.set_threshold(max(saved[0], SCAN_GC_THRESHOLD), saved[1], saved[2])
    return saved, froze


def _gc_after_scan(state: tuple[tuple[int, int, int], bool]) -> None:
    saved, froze = state
    gc.set_threshold(*saved)
    if froze:
        gc.unfreeze()


def _work(records: list[tuple[str, str, str, int]]) -> _ChunkOut:
    return _process_chunk(_WORKER["model"], records, **_WORKER["options"])


def _model_from_spec(spec: tuple[Any, ...]) -> Any:
    if spec[0] == "path":
        from pillscan.model import load_model

        return load_model(spec[1], trust=spec[2])
    return spec[1]


def _worker_spec(model: Any) -> tuple[Any, ...]:
    """How a worker gets the model: pickled once per worker, already loaded and verified by the parent.

    Unpickling the parent's object takes a few tens of milliseconds; loading a bundle again with joblib (its
    Python-level unpickler) takes over a second per worker, which is most of a short scan's wall time.
    """
    return ("object", model)


def _resolve_model(model: Any, trust_model: bool) -> Any:
    if model is None or isinstance(model, (str, Path)):
        from pillscan.model import load_model

        return load_model(model, trust=trust_model)
    if not hasattr(model, "score"):
        raise PillscanError(f"not a model: {type(model).__name__} has no score() method")
    return model


def _model_id(model: Any) -> str:
    card = getattr(model, "card", None) or {}
    if card.get("sha256"):
        return f"{card.get('name', 'model')}:{card['sha256']}"
    return f"{type(model).__module__}.{type(model).__qualname__}:{getattr(model, 'path', '')}"


def _model_name(model: Any) -> str:
    card = getattr(model, "card", None) or {}
    return str(card.get("name") or getattr(model, "name", None) or type(model).__name__)


# --- accounting -----------------------------------------------------------------------------------------


@dataclass
class _Tally:
    """Running counts; saved in checkpoints so a resumed scan reports the whole run."""

    consumed: int = 0
    read: int = 0
    scored: int = 0
    skipped: int = 0
    rows: int = 0
    offer: int = 0
    review: int = 0
    out_bytes: int = 0
    err_bytes: int = 0
    by_drug: dict[str, int] = field(default_factory=dict)
    by_signal: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    hist: list[int] = field(default_factory=lambda: [0] * HIST_BINS)
    top: list[dict[str, Any]] = field(default_factory=list)
    skip_examples: list[str] = field(default_factory=list)

    def source(self, name: str) -> dict[str, int]:
        s = self.by_source.get(name)
        if s is None:
            s = self.by_source[name] = {"read": 0, "scored": 0, "skipped": 0, "flagged": 0, "review": 0}
        return s

    def add(self, out: _ChunkOut, errors: list[ReadError], n_items: int) -> None:
        self.consumed += n_items
        self.read += out.scored + len(errors)
        self.scored += out.scored
        self.skipped += len(errors)
        self.rows += out.rows
        self.offer += out.offer
        self.review += out.review
        for k, v in out.by_drug.items():
            self.by_drug[k] = self.by_drug.get(k, 0) + v
        for k, v in out.by_signal.items():
            self.by_signal[k] = self.by_signal.get(k, 0) + v
        for name, (n, offer, review) in out.by_source.items():
            s = self.source(name)
            s["read"] += n
            s["scored"] += n
            s["flagged"] += offer
            s["review"] += review
        for err in errors:
            s = self.source(err.source)
            s["read"] += 1
            s["skipped"] += 1
            if len(self.skip_examples) < 3:
                self.skip_examples.append(f"{err.source}:{err.position}: {err.reason}")
        self.hist = [a + b for a, b in zip(self.hist, out.hist, strict=True)]
        if out.top:
            self.top = heapq.nlargest(TOP_K, self.top + out.top, key=lambda r: r["score"])

    def summary(
        self,
        *,
        thresholds: dict[str, float],
        model_name: str,
        elapsed: float,
        posts: int,
        output: str,
        errors: str | None,
        resumed_at: int = 0,
    ) -> ScanSummary:
        """The run's summary (``posts``: records read by this run, for posts/s); checks the accounting."""
        if self.read != self.scored + self.skipped:  # pragma: no cover - an accounting bug, never user error
            raise PillscanError(f"accounting error: read {self.read} != {self.scored} + {self.skipped}")
        summary = ScanSummary(
            read=self.read,
            written=self.scored,
            skipped=self.skipped,
            output_rows=self.rows,
            flagged=self.offer,
            review=self.review,
            by_drug=_sorted_counts(self.by_drug),
            by_signal=_sorted_counts(self.by_signal),
            by_source=dict(sorted(self.by_source.items())),
            score_hist=tuple(self.hist),
            thresholds=thresholds,
            model=model_name,
            elapsed_s=round(elapsed, 3),
            posts_per_s=round(posts / elapsed, 1) if elapsed > 0 else 0.0,
            output=output,
            errors=errors,
            resumed_at=resumed_at,
            skip_examples=tuple(self.skip_examples),
        )
        if summary.skipped and errors is None:
            example = summary.skip_examples[0] if summary.skip_examples else "?"
            log.warning("%d records skipped (e.g. %s); pass --errors FILE to list them all", summary.skipped, example)
        return summary


def write_outputs(
    summary: ScanSummary,
    top: list[dict[str, Any]],
    summary_path: str | Path | None,
    report_path: str | Path | None,
) -> None:
    """Write the summary JSON and the HTML report (top flagged rows), where asked: the last step of a scan."""
    if summary_path is not None:
        try:
            _write_json_atomic(Path(summary_path), summary.to_dict())
        except OSError as exc:
            raise OutputError(f"cannot write the summary {summary_path}: {exc.strerror or exc}") from exc
    if report_path is not None:
        from pillscan.report import write_report

        write_report(top, summary, report_path)


def _sorted_counts(d: dict[str, int]) -> dict[str, int]:
    return dict(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))


# --- files: lock, checkpoint, fingerprints ----------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Locks this process holds (real paths). A lock file holding our own pid is stale only if no scan of this process
# holds it: another thread of a library user may be scanning into the same output right now.
_HELD_LOCKS: set[str] = set()
_HELD_LOCKS_MUTEX = threading.Lock()
LOCK_FRESH_S = 2.0  # an empty lock younger than this is being created (pid not written yet), not stale


def _acquire_lock(lock: Path, output: Path) -> None:
    """Create ``OUT.lock`` holding our pid; refuse if a live scan holds it, take over a dead one's lock.

    A live scan is another running process, or another thread of this one (tracked in ``_HELD_LOCKS``); a lock
    with our pid that no thread holds is left over from an earlier scan (or a recycled pid) and is taken over.
    """
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
        try:
            pid = int(lock.read_text().strip() or "0")
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            continue  # released meanwhile: try again
        except (OSError, ValueError):
            pid, age = 0, LOCK_FRESH_S
        if held_here or (pid and pid != os.getpid() and _pid_alive(pid)):
            raise OutputError(
                f"another scan (pid {pid or os.getpid()}) is writing {output}; wait for it, or remove {lock} "
                "if it is stale"
            )
        if not pid and age < LOCK_FRESH_S:
            time.sleep(0.05)  # another scan has just created it and is writing its pid
            continue
        log.warning("taking over the stale lock %s (pid %s is not running)", lock, pid or "?")
        lock.unlink(missing_ok=True)
    raise OutputError(f"could not take the lock {lock}")


def _release_lock(lock: Path) -> None:
    """Remove ``OUT.lock`` (never raises: it runs in cleanup, where the scan's own error must win)."""
    with _HELD_LOCKS_MUTEX:
        _HELD_LOCKS.discard(os.path.realpath(lock))
        try:
            lock.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the lock %s: %s", lock, exc.strerror or exc)


def _input_files(paths: Sequence[str], exclude: frozenset[str] = frozenset()) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            # the scan's own files (partial, lock, checkpoint...) change between runs and are not inputs
            files.extend(sorted(f for f in path.rglob("*") if f.is_file() and os.path.realpath(f) not in exclude))
        else:
            files.append(path)
    return files


def _fingerprint(paths: Sequence[str], exclude: frozenset[str] = frozenset()) -> list[list[Any]]:
    """Inputs as (path, size, mtime) so a resume can tell the inputs changed (``exclude``: the scan's own files)."""
    out = []
    for f in _input_files(paths, exclude):
        try:
            st = f.stat()
        except OSError:
            continue  # the reader reports a missing input with a proper message
        out.append([str(f.resolve()), st.st_size, st.st_mtime_ns])
    return out


def _written_by_pillscan(path: Path) -> bool:
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


def _check_targets(inputs: Sequence[str], targets: list[tuple[str, Path, list[Path]]]) -> frozenset[str]:
    """Refuse unusable or clashing output paths before anything is written; return the real paths to skip.

    ``targets`` are (what, path, its side files such as ``.partial``/``.lock``). Refused, with one line: a
    target that is a directory or whose directory is missing or a file; two targets that are one file (under
    any spelling); a target that is an input; and an existing target inside an input directory that is not a
    pillscan product (it would be an input the user meant to scan). Everything the scan writes is returned so
    the directory walk never reads it back: an output inside an input directory is not scanned, and a re-run
    passes over the earlier run's output instead of scoring it.
    """
    owners: dict[str, str] = {}
    for what, path, sides in targets:
        if path.is_dir():
            raise OutputError(f"{what} {path} is a directory; give a file name")
        parent = path.parent
        if not parent.exists():
            raise OutputError(f"{what} directory {parent} does not exist")
        if not parent.is_dir():
            raise OutputError(f"cannot write the {what} {path}: {os.strerror(errno.ENOTDIR)} ({parent})")
        for f in (path, *sides):
            real = os.path.realpath(f)
            if real in owners:
                raise OutputError(f"the {owners[real]} and the {what} are the same file ({f}); give different names")
            owners[real] = what
    for p in inputs:
        if p == "-":
            continue
        real_input = os.path.realpath(p)
        if real_input in owners:
            raise OutputError(f"{owners[real_input]} {p} is also an input; refusing to overwrite it")
        if not os.path.isdir(real_input):
            continue
        for what, path, _ in targets:
            real = os.path.realpath(path)
            if (
                real.startswith(real_input.rstrip(os.sep) + os.sep)
                and path.is_file()
                and not _written_by_pillscan(path)
            ):
                raise OutputError(
                    f"{what} {path} is a file inside the input directory {p} and not a pillscan output; "
                    "refusing to overwrite an input: write it elsewhere"
                )
    return frozenset(owners)


def _write_json_atomic(path: Path, data: Any, *, sync: bool = False, indent: int | None = 1) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file (``indent=None``: one line, by the C encoder,
    which json.dump and any indent bypass: ~10x faster for a checkpoint)."""
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # a full disk must not leave a half-written .tmp behind
            tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(path: Path) -> None:
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


def _as_paths(paths: str | Path | Iterable[str | Path]) -> list[str]:
    if isinstance(paths, (str, Path)):
        return [str(paths)]
    return [str(p) for p in paths]


def _skip_items(chunks: Iterable[list[Any]], skip: int) -> Iterator[list[Any]]:
    """Drop the first ``skip`` items (records and read errors) already handled before an interruption."""
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        if skip:
            chunk = chunk[skip:]
            skip = 0
        yield chunk


class _Stop:
    """Set by the SIGINT/SIGTERM handler; the loop stops at the next chunk boundary."""

    def __init__(self) -> None:
        self.signum = 0

    def handler(self, signum: int, frame: Any) -> None:
        if self.signum:  # a second signal: stop right now (the last periodic checkpoint still holds)
            raise KeyboardInterrupt
        self.signum = signum
        log.warning("stopping: finishing the current chunk and saving a checkpoint (again to abort now)")


# --- the engine -----------------------------------------------------------------------------------------


def scan(
    paths: str | Path | Iterable[str | Path],
    *,
    output: str | Path,
    model: Any = None,
    format: str = "auto",
    text_col: str | None = None,
    id_col: str | None = None,
    out_format: str | None = None,
    flagged_only: bool = False,
    include_text: bool = True,
    errors_path: str | Path | None = None,
    summary_path: str | Path | None = None,
    workers: int | None = None,
    chunk_size: int = 2000,
    resume: bool = False,
    threshold: float | None = None,
    progress: Callable[[ScanProgress], None] | None = None,
    report_path: str | Path | None = None,
    trust_model: bool = False,
    max_text_chars: int = 1_000_000,
    handle_signals: bool = True,
    checkpoint_every: int = CHECKPOINT_EVERY_CHUNKS,
    engine: str = "local",
    scheduler: Any = None,
) -> ScanSummary:
    """Score every post in ``paths`` and write one row per post to ``output`` (``"-"``: JSONL on stdout).

    ``engine="dask"`` runs the same scan on a Dask cluster (``scheduler``: an address, a Client, or None for a
    local cluster of ``workers`` processes); see :func:`pillscan.engines.dask.scan_dask`.

    ``model`` is a loaded model, a model path, or None for the bundled default. ``workers`` processes score
    chunks in parallel (default: one per CPU; 1 scores in this process); output keeps the input order.
    Raises :class:`ScanInterrupted` after SIGINT/SIGTERM (a checkpoint is saved: call again with
    ``resume=True``) and other :class:`PillscanError` subclasses for unusable input or output.
    """
    if engine == "dask":
        try:
            from pillscan.engines.dask import scan_dask
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in ("dask", "distributed"):
                raise PillscanError("the dask engine needs dask: pip install 'pillscan[dask]'") from exc
            raise PillscanError("the dask engine is not available in this installation") from exc
        return scan_dask(
            paths,
            output=output,
            model=model,
            scheduler=scheduler,
            workers=workers,
            format=format,
            text_col=text_col,
            id_col=id_col,
            out_format=out_format,
            flagged_only=flagged_only,
            include_text=include_text,
            threshold=threshold,
            errors_path=errors_path,
            summary_path=summary_path,
            report_path=report_path,
            chunk_size=chunk_size,
            max_text_chars=max_text_chars,
            trust_model=trust_model,
            progress=progress,
            resume=resume,
        )
    if engine != "local":
        raise PillscanError(f"unknown engine {engine!r}: use local or dask")
    started = time.perf_counter()
    inputs = _as_paths(paths)
    if not inputs:
        raise InputError("no input given")
    if chunk_size < 1:
        raise InputError("chunk size must be at least 1")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise PillscanError(f"threshold must be between 0 and 1, got {threshold}")
    to_stdout = str(output) == "-"
    if to_stdout and out_format not in (None, "jsonl"):
        raise OutputError("only JSONL can be written to stdout (-o -)")
    fmt = "jsonl" if to_stdout else out_format_for(output, out_format)
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))

    model_obj = _resolve_model(model, trust_model)
    thresholds = {k: float(v) for k, v in dict(model_obj.thresholds).items()}
    if threshold is not None:
        thresholds = {"offer": threshold, "review": min(thresholds.get("review", threshold), threshold)}
    options: dict[str, Any] = {
        "threshold": threshold,
        "fmt": fmt,
        "include_text": include_text,
        "flagged_only": flagged_only,
    }

    out_path = Path(output)
    if not to_stdout:
        if out_path.is_dir():
            raise OutputError(f"output {out_path} is a directory; give a file name")
        if not out_path.parent.exists():
            raise OutputError(f"output directory {out_path.parent} does not exist")
        resolved_out = out_path.resolve()
        if any(Path(p).resolve() == resolved_out for p in inputs if p != "-"):
            raise OutputError(f"output {out_path} is also an input; refusing to overwrite it")
    checkpointing = not to_stdout and "-" not in inputs
    if resume and not checkpointing:
        raise OutputError("--resume needs file inputs and a file output (not stdin/stdout)")

    partial = out_path.with_name(out_path.name + ".partial")
    ckpt_path = out_path.with_name(out_path.name + ".checkpoint.json")
    lock = out_path.with_name(out_path.name + ".lock")
    err_final = Path(errors_path) if errors_path is not None else None
    err_partial = err_final.with_name(err_final.name + ".partial") if err_final is not None else None
    targets: list[tuple[str, Path, list[Path]]] = []
    if not to_stdout:
        targets.append(("output", out_path, [partial, lock, ckpt_path, ckpt_path.with_name(ckpt_path.name + ".tmp")]))
    if err_final is not None and err_partial is not None:
        targets.append(("errors file", err_final, [err_partial]))
    for what, extra in (("summary", summary_path), ("report", report_path)):
        if extra is not None:
            targets.append((what, Path(extra), [Path(str(extra) + ".tmp")]))
    own_files = _check_targets(inputs, targets)

    from pillscan.readers import read_records

    fingerprint = _fingerprint(inputs, own_files) if checkpointing else []
    options_hash = hashlib.sha256(
        json.dumps(
            {
                "format": format,
                "text_col": text_col,
                "id_col": id_col,
                "chunk_size": chunk_size,
                "max_text_chars": max_text_chars,
                "model": _model_id(model_obj),
                "errors": str(err_final.resolve()) if err_final else None,
                **options,
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()

    if not to_stdout:
        _acquire_lock(lock, out_path)
    stop = _Stop()
    old_handlers: dict[signal.Signals, Any] = {}
    if handle_signals and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            old_handlers[sig] = signal.signal(sig, stop.handler)

    tally = _Tally()
    writer: ChunkWriter | None = None
    err_fh: IO[bytes] | None = None
    executor: ProcessPoolExecutor | None = None
    resumed_at = 0
    session_start_read = 0
    last_ckpt = time.monotonic()
    chunks_since_ckpt = 0

    def save_checkpoint() -> None:
        nonlocal last_ckpt, chunks_since_ckpt
        assert writer is not None
        writer.sync()
        if err_fh is not None:
            err_fh.flush()
            os.fsync(err_fh.fileno())
        _write_json_atomic(
            ckpt_path,
            {
                "version": CHECKPOINT_VERSION,
                "inputs": fingerprint,
                "options": options_hash,
                "output": str(out_path),
                "tally": dict(vars(tally)),  # (json.dumps only reads it: no deep copy)
            },
            sync=True,
            indent=None,
        )
        last_ckpt = time.monotonic()
        chunks_since_ckpt = 0

    def finish_chunk(out: _ChunkOut, errors: list[ReadError], n_items: int) -> None:
        nonlocal chunks_since_ckpt
        assert writer is not None
        try:
            writer.write(out.payload)
            if err_fh is not None and errors:
                blob = "".join(
                    json.dumps(
                        {"source": e.source, "position": e.position, "id": e.id, "reason": e.reason},
                        ensure_ascii=False,
                    )
                    + "\n"
                    for e in errors
                ).encode("utf-8", "backslashreplace")
                err_fh.write(blob)
                tally.err_bytes += len(blob)
        except OSError as exc:
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from exc
        tally.add(out, errors, n_items)
        tally.out_bytes = writer.bytes_written
        chunks_since_ckpt += 1
        if progress is not None:
            progress(
                ScanProgress(
                    tally.read, tally.scored, tally.skipped, tally.offer, tally.review, time.perf_counter() - started
                )
            )
        if (
            checkpointing
            and fmt != "parquet"
            and (chunks_since_ckpt >= checkpoint_every or time.monotonic() - last_ckpt >= CHECKPOINT_EVERY_S)
        ):
            save_checkpoint()

    completed = False
    gc_saved = _gc_for_scan()
    try:
        state = _load_checkpoint(ckpt_path, fingerprint, options_hash) if resume else None
        if resume and state is not None and fmt == "parquet":
            log.warning("Parquet output cannot be resumed in place: scanning again from the beginning")
            state = None
        elif resume and state is not None and (not partial.exists() or partial.stat().st_size < state["out_bytes"]):
            raise OutputError(f"cannot resume: {partial} is missing or shorter than its checkpoint; scan again")
        elif (
            resume
            and state is not None
            and err_partial is not None
            and (not err_partial.exists() or err_partial.stat().st_size < state["err_bytes"])
        ):
            raise OutputError(f"cannot resume: {err_partial} is missing or short; scan again without --resume")
        if not resume and ckpt_path.exists():
            log.warning("discarding the checkpoint of an earlier interrupted scan of %s (use --resume)", out_path)
            ckpt_path.unlink()
        try:
            if to_stdout:
                import sys

                writer = ChunkWriter(sys.stdout.buffer, fmt, include_text, owns_file=False)
            elif state is not None:
                tally = _Tally(**state)
                resumed_at = tally.consumed
                session_start_read = tally.read
                writer = open_writer(partial, fmt, include_text, resume_bytes=tally.out_bytes)
                log.info("resuming %s after %d records", out_path, tally.consumed)
            else:
                writer = open_writer(partial, fmt, include_text)
            if err_partial is not None:
                if state is not None:
                    err_fh = open(err_partial, "r+b")  # noqa: SIM115 - closed below
                    err_fh.truncate(tally.err_bytes)
                    err_fh.seek(tally.err_bytes)
                else:
                    err_fh = open(err_partial, "wb")  # noqa: SIM115
        except OSError as exc:
            raise OutputError(f"cannot write {exc.filename or out_path}: {exc.strerror or exc}") from exc

        chunks = read_records(
            inputs,
            format=format,
            text_col=text_col,
            id_col=id_col,
            chunk_size=chunk_size,
            max_text_chars=max_text_chars,
            exclude=own_files,
        )
        if resumed_at:
            chunks = _skip_items(chunks, resumed_at)

        if workers > 1:
            executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(_start_method()),
                initializer=_init_worker,
                initargs=(_worker_spec(model_obj), options),
            )
        pending: deque[tuple[Future[_ChunkOut], list[ReadError], int]] = deque()
        max_in_flight = 2 * workers

        def drain_one() -> None:
            fut, errs, n = pending.popleft()
            try:
                out = fut.result()
            except BrokenProcessPool as exc:
                raise PillscanError("a worker process died (out of memory?); try fewer --workers") from exc
            finish_chunk(out, errs, n)

        for chunk in chunks:
            if stop.signum:
                break
            recs: list[tuple[str, str, str, int]] = []
            errs: list[ReadError] = []
            for item in chunk:
                if isinstance(item, ReadError):
                    errs.append(item)
                else:
                    recs.append((item.id, item.text, item.source, item.position))
            if executor is None:
                finish_chunk(_process_chunk(model_obj, recs, **options), errs, len(chunk))
                continue
            pending.append((executor.submit(_work, recs), errs, len(chunk)))
            while len(pending) >= max_in_flight and not stop.signum:
                drain_one()
        while pending and not stop.signum:
            drain_one()
        if stop.signum:
            raise _Interrupted(stop.signum)

        writer.close()
        if err_fh is not None:
            err_fh.close()
        if not to_stdout:
            os.replace(partial, out_path)
            if err_partial is not None and err_final is not None:
                os.replace(err_partial, err_final)
            _fsync_dir(out_path.parent)
            ckpt_path.unlink(missing_ok=True)
        completed = True
    except _Interrupted as exc:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
            executor = None
        resumable = checkpointing and fmt != "parquet"
        if resumable:
            save_checkpoint()
        raise ScanInterrupted(exc.signum, resumable=resumable) from None
    except OSError as exc:
        raise OutputError(f"{exc.filename or output}: {exc.strerror or exc}") from exc
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        _gc_after_scan(gc_saved)
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        try:
            if not completed:
                # Cleanup must never raise: closing a file flushes its buffer, which fails again on a full disk,
                # and that second error would replace the one that explains what went wrong.
                for fh in (writer.fh if writer is not None and not to_stdout else None, err_fh):
                    if fh is not None and not fh.closed:
                        try:
                            fh.close()
                        except OSError as exc:
                            log.debug("closing %s after an error: %s", getattr(fh, "name", fh), exc)
                # Keep partial files only when a checkpoint makes them resumable.
                if not to_stdout and not ckpt_path.exists():
                    for leftover in (partial, err_partial):
                        if leftover is not None:
                            try:
                                leftover.unlink(missing_ok=True)
                            except OSError as exc:
                                log.debug("removing %s after an error: %s", leftover, exc)
        finally:
            if not to_stdout:
                _release_lock(lock)

    elapsed = time.perf_counter() - started
    summary = tally.summary(
        thresholds=thresholds,
        model_name=_model_name(model_obj),
        elapsed=elapsed,
        posts=tally.read - session_start_read,
        output=str(output),
        errors=str(err_final) if err_final is not None else None,
        resumed_at=resumed_at,
    )
    write_outputs(summary, tally.top, summary_path, report_path)
    return summary


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _load_checkpoint(path: Path, fingerprint: list[list[Any]], options_hash: str) -> dict[str, Any] | None:
    """The tally saved in a checkpoint, after checking it belongs to the same inputs and options."""
    if not path.exists():
        log.warning("nothing to resume (no %s): scanning from the beginning", path.name)
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tally = data["tally"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"cannot resume: checkpoint {path} is unreadable ({exc}); scan again") from exc
    if data.get("version") != CHECKPOINT_VERSION:
        raise OutputError(f"cannot resume: checkpoint {path} is from another pillscan version; scan again")
    if data.get("inputs") != fingerprint:
        raise OutputError("cannot resume: the input files changed since the interrupted scan; scan again")
    if data.get("options") != options_hash:
        raise OutputError(
            "cannot resume: options differ from the interrupted scan (format, columns, model, output, "
            "chunk size...); use the same options or scan again"
        )
    tally["hist"] = list(tally["hist"])
    return dict(tally)
