"""The local engine: read posts in chunks, score them in a process pool, write them in input order.

Every record read is either scored (and written, unless ``flagged_only`` leaves a clean one out) or skipped
(and listed in the errors file), so ``read == written + skipped`` always holds. The output is built in
``OUT.partial`` and renamed at the end; ``OUT.lock`` keeps two scans from writing the same output;
``OUT.checkpoint.json`` (every few chunks and on SIGINT/SIGTERM) lets ``resume=True`` continue an interrupted
scan and produce the same bytes as an uninterrupted one (JSONL and CSV; Parquet output restarts from the
beginning). See :mod:`pillscan.engines.targets` for the checks made before anything is written.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, replace
from pathlib import Path
from typing import IO, Any

from pillscan.engines.accounting import ScanSummary, Tally, error_lines, write_outputs
from pillscan.engines.checkpoint import Checkpoint, fingerprint
from pillscan.engines.chunks import ChunkOut, process_chunk, skip_items, split_items
from pillscan.engines.options import ScanOptions, model_id, model_name
from pillscan.engines.ranges import LineRange, read_range
from pillscan.engines.split import Task, plan_tasks, resume_tasks
from pillscan.engines.targets import (
    FileTargets,
    check_output_file,
    check_targets,
    clean_stale_temporaries,
    fsync_dir,
    output_lock,
)
from pillscan.errors import OutputError, PillscanError, ScanInterrupted
from pillscan.lifetime import exit_with_parent
from pillscan.progress import input_total_bytes
from pillscan.readers import InputMeter, ReadOptions, metering
from pillscan.records import ReadError
from pillscan.safefiles import fresh_no_follow, no_follow, open_in_place
from pillscan.writers import ChunkWriter, RecordTuple, open_writer, out_format_for

__all__ = ["SCAN_GC_THRESHOLD", "LocalScan", "start_method"]

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 10.0  # ... or after CHECKPOINT_EVERY_CHUNKS chunks (pillscan.engines.options)
#: Net allocations between two young-generation garbage collections while scanning (Python's default: 700). A
#: scan allocates and frees millions of short-lived objects and makes almost no reference cycles, and the model
#: loaded before it is never garbage, so it is frozen out of the collections (gc.freeze) for the scan's length.
SCAN_GC_THRESHOLD = 50_000

# A chunk handed back by the scorer: its output and counts, its read errors, how many input items it held.
Done = tuple[ChunkOut, list[ReadError], int]


# --- the worker processes -----------------------------------------------------------------------------------


def start_method() -> str:
    """How to start workers: fork on Linux when this process runs one thread (workers start at once and
    share the loaded model's memory: ~2 s less per scan); otherwise spawn, since forking a process with other
    threads running (pillscan used as a library) can deadlock on a lock held by one of them."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


_WORKER: dict[str, Any] = {}


def _init_worker(model: Any, options: dict[str, Any]) -> None:
    """Pool initializer: the model arrives once per worker process (pickled, already loaded and verified by the
    parent: unpickling takes tens of milliseconds, loading the bundle again over a second), never once per task."""
    # The parent handles Ctrl-C and SIGTERM sent to the whole process group (it stops at a chunk boundary,
    # checkpoints and shuts the pool down); a worker killed mid-chunk would only break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    exit_with_parent()  # so a parent killed outright (SIGKILL, OOM) does not leave workers behind forever
    _WORKER["model"] = model
    _WORKER["options"] = options
    _gc_for_scan()  # (a worker process only ever scans: never restored)


def _work(records: list[RecordTuple]) -> ChunkOut:
    return process_chunk(_WORKER["model"], records, **_WORKER["options"])


def _work_range(rng: LineRange, read_options: ReadOptions) -> tuple[Done, tuple[Any, ...] | None]:
    return range_chunk(_WORKER["model"], rng, read_options, _WORKER["options"])


def range_chunk(
    model: Any, rng: LineRange, read_options: ReadOptions, options: dict[str, Any]
) -> tuple[Done, tuple[Any, ...] | None]:
    """Read, score and encode one byte range of a file; also the field picker's state at its end."""
    items, state = read_range(rng, read_options)
    recs, errs = split_items(items, read_options.keep_cols)
    return (process_chunk(model, recs, **options), errs, len(items)), state


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


@contextlib.contextmanager
def _scan_gc() -> Iterator[None]:
    state = _gc_for_scan()
    try:
        yield
    finally:
        _gc_after_scan(state)


class _Scorer:
    """Scores chunks in this process (one worker) or in a pool, handing them back in input order.

    At most two chunks per worker are in flight, so memory stays bounded whatever the input's size.
    """

    def __init__(
        self, model: Any, options: dict[str, Any], workers: int, read_options: ReadOptions, meter: InputMeter | None
    ) -> None:
        self.model = model
        self.meter = meter  # (a range a worker read counts on it once finished)
        self.options = options
        self.read_options = read_options
        self.carry: tuple[Any, ...] | None = None  # the field picker's state at the end of the last range
        self.pending: deque[tuple[Future[Any], list[ReadError], int, LineRange | None]] = deque()
        self.max_in_flight = 2 * workers
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(start_method()),
                initializer=_init_worker,
                initargs=(model, options),
            )

    def submit(self, task: Task, stop: _Stop) -> Iterator[Done]:
        """Queue a task (a chunk of records, or a byte range a worker reads); yields the chunks finished
        meanwhile (all of them when scoring in this process)."""
        kind, what = task
        if kind == "range":
            assert self.pool is not None  # (ranges are planned only for a pool)
            self.pending.append((self.pool.submit(_work_range, what, self.read_options), [], 0, what))
        else:
            recs, errs = split_items(what, self.read_options.keep_cols)
            if self.pool is None:
                yield process_chunk(self.model, recs, **self.options), errs, len(what)
                return
            self.pending.append((self.pool.submit(_work, recs), errs, len(what), None))
        while len(self.pending) >= self.max_in_flight and not stop.signum:
            yield self._next()

    def drain(self, stop: _Stop) -> Iterator[Done]:
        """The chunks still in flight, in order (until a stop is asked for)."""
        while self.pending and not stop.signum:
            yield self._next()

    def _next(self) -> Done:
        fut, errs, n, rng = self.pending.popleft()
        try:
            result = fut.result()
        except BrokenProcessPool as exc:
            raise PillscanError("a worker process died (out of memory?); try fewer --workers") from exc
        if rng is None:
            return result, errs, n
        done, state = result
        if rng.start and rng.picker != self.carry:
            # The range was read from a guess of which fields hold the text and the id, and the lines before
            # it taught otherwise (a file whose records change shape): read it again from what they taught.
            done, state = range_chunk(self.model, replace(rng, picker=self.carry), self.read_options, self.options)
        self.carry = state
        if self.meter is not None:
            self.meter.add(rng.end - rng.start)
        return done

    def close(self, *, wait: bool = True) -> None:
        """Stop the pool (``wait=False``: at once, dropping queued chunks)."""
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=True)
            self.pool = None


def _logged(tasks: Iterator[Task], in_flight: deque[Task]) -> Iterator[Task]:
    """``tasks``, each noted in ``in_flight`` as it is handed out (the scorer finishes them in that order)."""
    for task in tasks:
        in_flight.append(task)
        yield task


def _tuples(value: Any) -> Any:
    """``value`` with its lists made tuples again (a field picker's state after a JSON round trip)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


# --- signals ------------------------------------------------------------------------------------------------


class _Stop:
    """Set by the SIGINT/SIGTERM handler; the scan stops at the next chunk boundary."""

    def __init__(self) -> None:
        self.signum = 0

    def handler(self, signum: int, frame: Any) -> None:
        if self.signum:  # a second signal: stop right now (the last periodic checkpoint still holds)
            raise KeyboardInterrupt
        self.signum = signum
        log.warning("stopping: finishing the current chunk and saving a checkpoint (again to abort now)")

    @contextlib.contextmanager
    def installed(self, wanted: bool) -> Iterator[None]:
        """Handle SIGINT/SIGTERM while the block runs (only in the main thread, and only if ``wanted``)."""
        old: dict[signal.Signals, Any] = {}
        if wanted and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                old[sig] = signal.signal(sig, self.handler)
        try:
            yield
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# --- the scan -----------------------------------------------------------------------------------------------


def _output_format(o: ScanOptions) -> str:
    if o.to_stdout and o.out_format not in (None, "jsonl"):
        raise OutputError("only JSONL can be written to stdout (-o -)")
    fmt = "jsonl" if o.to_stdout else out_format_for(o.output, o.out_format)
    if fmt == "parquet" and o.to_stream:
        raise OutputError(f"Parquet cannot be written to {o.output} (not a regular file); write JSONL or CSV there")
    return fmt


class LocalScan:
    """One scan by the local engine: checks the targets when built, then :meth:`run` scans."""

    def __init__(self, options: ScanOptions) -> None:
        self.started = time.perf_counter()
        o = self.opts = options
        self.fmt = _output_format(o)
        self.model = o.model_obj()
        self.chunk_options: dict[str, Any] = {
            "threshold": o.threshold,
            "fmt": self.fmt,
            "include_text": o.include_text,
            "flagged_only": o.flagged_only,
            "keep": o.keep_names,
        }
        out = None if o.to_stream else Path(o.output)  # (a stream is written like stdout: in place, as it comes)
        self.stream: IO[bytes] | None = None
        if out is not None:
            check_output_file(out, o.inputs)
        self.checkpointing = out is not None and "-" not in o.inputs
        if o.resume and not self.checkpointing:
            raise OutputError("--resume needs file inputs and a file output (not stdin/stdout)")
        errors = Path(o.errors_path) if o.errors_path is not None else None
        summary = Path(o.summary_path) if o.summary_path is not None else None
        report = Path(o.report_path) if o.report_path is not None else None
        accounts = Path(o.accounts_path) if o.accounts_path is not None else None
        to_label = Path(o.label_sample_path) if o.label_sample_path is not None else None
        self.files = FileTargets(out, errors, summary, report, accounts, to_label)
        self.own_files = check_targets(o.inputs, self.files.targets())
        self.checkpoint = self._checkpoint() if self.checkpointing else None
        self.tally = Tally()
        self.writer: ChunkWriter | None = None
        self.err_fh: IO[bytes] | None = None
        self.resumed_at = self.session_start_read = 0
        self.last_ckpt, self.chunks_since_ckpt = time.monotonic(), 0
        self.stop = _Stop()
        # Bytes of input read, for a progress display's % and ETA (only when there is a display to feed).
        self.meter = InputMeter() if o.progress is not None else None
        self.bytes_total = input_total_bytes(o.inputs) if o.progress is not None else None

    def _checkpoint(self) -> Checkpoint:
        o, files = self.opts, self.files
        assert files.output is not None
        options = json.loads(
            json.dumps(
                {
                    "format": o.format,
                    "text_col": o.text_col,
                    "id_col": o.id_col,
                    "chunk_size": o.chunk_size,
                    "max_text_chars": o.max_text_chars,
                    **({"encoding": o.encoding} if o.encoding else {}),
                    **{k: v for k, v in asdict(self._read_options()).items() if k.endswith("_col") and v},
                    **({"keep_cols": o.keep_cols} if o.keep_cols else {}),
                    "model": model_id(self.model),
                    "errors": str(files.errors.resolve()) if files.errors else None,
                    **self.chunk_options,
                }
            )
        )  # (as JSON gives it back: a resume compares it with the saved one)
        return Checkpoint(files.checkpoint, files.output, fingerprint(self.opts.inputs, self.own_files), options)

    def run(self) -> ScanSummary:
        """Scan, write the output, errors file, summary and report; return the summary."""
        with contextlib.ExitStack() as held:  # every file written is locked (summary and report too) until written
            for lock, path in self.files.locks():
                held.enter_context(output_lock(lock, path))
            self._clean_stale()
            with self.stop.installed(self.opts.handle_signals), _scan_gc():
                self._scan_to_files()
            return self._write_extras()

    def _clean_stale(self) -> None:
        """Remove what a killed scan left of our files (said once); their locks are held."""
        files = self.files
        stale = clean_stale_temporaries([f for _, f in files.locks()] + ([files.checkpoint] if files.output else []))
        if not self.opts.resume:
            for partial in (files.partial if files.output is not None else None, files.errors_partial):
                if partial is not None and os.path.lexists(partial):
                    partial.unlink()
                    stale.append(partial)
        if stale:
            log.warning(
                "removed %d stale file(s) of an earlier killed scan: %s", len(stale), ", ".join(map(str, stale))
            )

    def _write_extras(self) -> ScanSummary:
        summary = self.tally.summary(
            thresholds=self.opts.thresholds(self.model),
            model_name=model_name(self.model),
            elapsed=time.perf_counter() - self.started,
            posts=self.tally.read - self.session_start_read,
            output=str(self.opts.output),
            errors=str(self.files.errors) if self.files.errors is not None else None,
            resumed_at=self.resumed_at,
        )
        write_outputs(
            summary,
            self.tally.top_rows(),
            self.opts.summary_path,
            self.opts.report_path,
            output=None if self.opts.to_stream else self.opts.output,
            out_format=self.fmt,
            include_text=self.opts.include_text,
            group_by=self.opts.group_by,
            accounts_path=self.opts.accounts_path,
            label_sample=(self.opts.label_sample, self.opts.label_sample_path),
        )
        return summary

    def _scan_to_files(self) -> None:
        completed = False
        scorer: _Scorer | None = None
        try:
            self._open_outputs(self._resume_state())
            scorer = _Scorer(self.model, self.chunk_options, self.opts.n_workers, self._read_options(), self.meter)
            with metering(self.meter):
                self._score_all(scorer)
            self._finish_files()
            completed = True
        except _Interrupted as exc:
            if scorer is not None:
                scorer.close(wait=False)
            resumable = self.checkpointing and self.fmt != "parquet"
            if resumable:
                self._save_checkpoint()
            raise ScanInterrupted(exc.signum, resumable=resumable) from None
        except OSError as exc:
            raise OutputError(f"{exc.filename or self.opts.output}: {exc.strerror or exc}") from exc
        finally:
            if scorer is not None:
                scorer.close()
            if not completed:
                self._clean_up()
            if self.stream is not None:
                with contextlib.suppress(OSError):  # (flushed by the writer when complete)
                    self.stream.close()

    def _resume_state(self) -> Tally | None:
        """The checkpoint's tally when resuming (checked against the partial files), else None."""
        files, ckpt = self.files, self.checkpoint
        state = ckpt.load() if self.opts.resume and ckpt is not None else None
        if state is not None and self.fmt == "parquet":
            log.warning("Parquet output cannot be resumed in place: scanning again from the beginning")
            state = None
        elif state is not None and (not files.partial.exists() or files.partial.stat().st_size < state.out_bytes):
            raise OutputError(f"cannot resume: {files.partial} is missing or shorter than its checkpoint; scan again")
        elif (
            state is not None
            and (err := files.errors_partial) is not None
            and (not err.exists() or err.stat().st_size < state.err_bytes)
        ):
            raise OutputError(f"cannot resume: {err} is missing or short; scan again without --resume")
        if not self.opts.resume and files.output is not None and files.checkpoint.exists():
            log.warning("discarding the checkpoint of an earlier interrupted scan of %s (use --resume)", files.output)
            files.checkpoint.unlink()
        return state

    def _open_outputs(self, state: Tally | None) -> None:
        files, o = self.files, self.opts
        try:
            if files.output is None:
                self.writer = ChunkWriter(self._stream(), self.fmt, o.include_text, owns_file=False, keep=o.keep_names)
            elif state is not None:
                self.tally = state
                self.resumed_at, self.session_start_read = state.consumed, state.read
                self.writer = open_writer(
                    files.partial, self.fmt, o.include_text, resume_bytes=state.out_bytes, keep=o.keep_names
                )
                log.info("resuming %s after %d records", files.output, state.consumed)
            else:
                self.writer = open_writer(files.partial, self.fmt, o.include_text, keep=o.keep_names)
            if (err := files.errors_partial) is not None:
                if state is not None:
                    # closed by _finish_files or _clean_up; a symlink planted there is never followed
                    self.err_fh = open(err, "r+b", opener=no_follow)  # noqa: SIM115
                    self.err_fh.truncate(state.err_bytes)
                    self.err_fh.seek(state.err_bytes)
                else:
                    self.err_fh = open(err, "wb", opener=fresh_no_follow)  # noqa: SIM115
        except OSError as exc:
            raise OutputError(f"cannot write {exc.filename or files.output}: {exc.strerror or exc}") from exc

    def _stream(self) -> IO[bytes]:
        """Where the rows go when the output is no regular file: stdout, or the stream named (said once)."""
        if self.opts.to_stdout:
            return sys.stdout.buffer
        log.warning(
            "writing the output to %s in place (not a regular file: no .partial, lock or --resume)", self.opts.output
        )
        self.stream = open_in_place(Path(self.opts.output))
        return self.stream

    def _read_options(self) -> ReadOptions:
        return self.opts.read_options()

    def _score_all(self, scorer: _Scorer) -> None:
        from pillscan.readers import read_records

        o = self.opts
        # The parent's reader and the workers' range readers get the same options from one ReadOptions.
        chunks = read_records(list(o.inputs), format=o.format, exclude=self.own_files, **asdict(scorer.read_options))
        if self.resumed_at:
            chunks = skip_items(chunks, self.resumed_at)
        tasks: Iterator[Task] = (("chunk", chunk) for chunk in chunks)
        in_flight: deque[Task] | None = None  # the tasks handed out, when they are the split engine's
        split = self._split_tasks(scorer) if scorer.pool is not None and self.fmt != "parquet" else None
        if split is not None:
            in_flight = deque()
            tasks = _logged(split, in_flight)
        else:
            self.tally.cursor = None  # (a cursor this scan does not move on would be stale in its checkpoints)
        for task in tasks:
            if self.stop.signum:
                break
            for done in scorer.submit(task, self.stop):
                self._note_cursor(in_flight, scorer)
                self._finish_chunk(*done)
        for done in scorer.drain(self.stop):
            self._note_cursor(in_flight, scorer)
            self._finish_chunk(*done)
        if self.stop.signum:
            raise _Interrupted(self.stop.signum)

    def _split_tasks(self, scorer: _Scorer) -> Iterator[Task] | None:
        """Work for workers that read plain JSONL, CSV and text files themselves: all of it, or what a split scan
        that stopped after a range has left (its checkpoint's cursor). None: a resumed scan whose checkpoint has
        no cursor reads here and skips the items handled before (the same count however they were read).
        Parquet output is never split: it keeps row groups of chunk_size rows."""
        o = self.opts
        args = (list(o.inputs), scorer.read_options, o.format, self.own_files)
        if not self.resumed_at:
            return plan_tasks(*args)
        cursor = self.tally.cursor
        if not (isinstance(cursor, list) and len(cursor) == 4 and isinstance(cursor[0], str)):
            return None
        name, end, lines, carry = cursor
        if type(end) is not int or type(lines) is not int:
            return None
        tasks = resume_tasks(*args, (name, end, lines, carry))
        if tasks is not None:
            scorer.carry = _tuples(carry)  # (JSON gave back lists)
            log.info("resuming %s in ranges after byte %d of %s", o.output, end, name)
        return tasks

    def _note_cursor(self, in_flight: deque[Task] | None, scorer: _Scorer) -> None:
        """Where a split scan is, for its checkpoint: after the range just finished (None after a chunk read
        here: a scan resumed from there skips the items handled)."""
        if in_flight is not None:
            kind, what = in_flight.popleft()
            self.tally.cursor = [what.source.name, what.end, what.end_lines, scorer.carry] if kind == "range" else None

    def _finish_chunk(self, out: ChunkOut, errors: list[ReadError], n_items: int) -> None:
        """Write a scored chunk and its read errors, count it, report progress, checkpoint when due."""
        assert self.writer is not None
        try:
            self.writer.write(out.payload)
            if self.err_fh is not None and errors:
                blob = error_lines(errors)
                self.err_fh.write(blob)
                self.tally.err_bytes += len(blob)
        except OSError as exc:
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from exc
        self.tally.add(out, errors, n_items)
        self.tally.out_bytes = self.writer.bytes_written
        self.chunks_since_ckpt += 1
        if self.opts.progress is not None and self.meter is not None:
            elapsed = time.perf_counter() - self.started
            self.opts.progress(self.tally.progress(elapsed, self.meter.bytes_read(), self.bytes_total))
        if (
            self.checkpointing
            and self.fmt != "parquet"
            and (
                self.chunks_since_ckpt >= self.opts.checkpoint_every
                or time.monotonic() - self.last_ckpt >= CHECKPOINT_EVERY_S
            )
        ):
            self._save_checkpoint()

    def _save_checkpoint(self) -> None:
        assert self.writer is not None and self.checkpoint is not None
        self.writer.sync()
        if self.err_fh is not None:
            self.err_fh.flush()
            os.fsync(self.err_fh.fileno())
        self.checkpoint.save(self.tally)
        self.last_ckpt, self.chunks_since_ckpt = time.monotonic(), 0

    def _finish_files(self) -> None:
        """Close the outputs and rename them into place (a file at a final path is always complete)."""
        assert self.writer is not None
        self.writer.close()
        if self.err_fh is not None:
            self.err_fh.close()
        files = self.files
        if files.output is not None:
            os.replace(files.partial, files.output)
            fsync_dir(files.output.parent)
        if files.errors_partial is not None and files.errors is not None:
            os.replace(files.errors_partial, files.errors)  # (with -o - too: the errors file is a file)
            fsync_dir(files.errors.parent)
        if self.checkpoint is not None:
            self.checkpoint.discard()

    def _clean_up(self) -> None:
        """After a failure: close the files, and remove the partial ones unless a checkpoint makes them resumable.

        Cleanup must never raise: closing a file flushes its buffer, which fails again on a full disk, and that
        second error would replace the one that explains what went wrong.
        """
        files = self.files
        for fh in (self.writer.fh if self.writer is not None and files.output else None, self.err_fh):
            if fh is not None and not fh.closed:
                try:
                    fh.close()
                except OSError as exc:
                    log.debug("closing %s after an error: %s", getattr(fh, "name", fh), exc)
        if files.output is not None and files.checkpoint.exists():
            return
        for leftover in (files.partial if files.output is not None else None, files.errors_partial):
            if leftover is not None:
                try:
                    leftover.unlink(missing_ok=True)
                except OSError as exc:
                    log.debug("removing %s after an error: %s", leftover, exc)
