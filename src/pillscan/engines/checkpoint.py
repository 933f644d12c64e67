"""The checkpoint of an interrupted scan: which inputs and options it belongs to, and the tally so far.

``OUT.checkpoint.json`` is written (through a synced temporary file) after the output and errors file are
synced, so the bytes it vouches for are on disk. A resume checks that the inputs (path, size, mtime of every
file) and the options (format, columns, model, chunk size...) are those of the interrupted scan before it
continues; anything else is a one-line error that says to scan again. The checkpoint carries the options
themselves (a refused resume names the first one that differs) and a sha256 of its canonical body: an edited or
damaged checkpoint (``consumed`` lowered, the tally emptied) is refused instead of resuming into duplicate rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pillscan.engines.accounting import Tally
from pillscan.engines.targets import write_json_atomic
from pillscan.errors import OutputError

__all__ = ["CHECKPOINT_VERSION", "Checkpoint", "body_digest", "fingerprint", "input_files", "options_hash"]

log = logging.getLogger(__name__)

#: 2: the tally keeps the report's rows and the skip examples with their place in the input.
#: 3: the options themselves (not a digest) and a sha256 of the body.
#: 4: output rows carry context columns (CSV and Parquet have them always): an older partial output differs.
CHECKPOINT_VERSION = 4
_COUNTS = ("part", "consumed", "read", "scored", "skipped", "rows", "offer", "review", "out_bytes", "err_bytes")
_MAPS = ("by_drug", "by_signal", "by_source")
_LISTS = ("hist", "top", "skip_examples")


def input_files(paths: Sequence[str], exclude: frozenset[str] = frozenset()) -> list[Path]:
    """The files ``paths`` name, directories walked (sorted); ``exclude``: real paths the scan writes."""
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            # the scan's own files (partial, lock, checkpoint...) change between runs and are not inputs
            files.extend(sorted(f for f in path.rglob("*") if f.is_file() and os.path.realpath(f) not in exclude))
        else:
            files.append(path)
    return files


def fingerprint(paths: Sequence[str], exclude: frozenset[str] = frozenset()) -> list[list[Any]]:
    """Inputs as (path, size, mtime) so a resume can tell the inputs changed (``exclude``: the scan's own files)."""
    out = []
    for f in input_files(paths, exclude):
        try:
            st = f.stat()
        except OSError:
            continue  # the reader reports a missing input with a proper message
        out.append([str(f.resolve()), st.st_size, st.st_mtime_ns])
    return out


def options_hash(options: dict[str, Any]) -> str:
    """A digest of everything that decides the output's bytes (a resume needs the same)."""
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()


def body_digest(body: dict[str, Any]) -> str:
    """The sha256 of a checkpoint's body in canonical form (sorted keys, no spaces)."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _tally_problem(state: Any) -> str | None:
    """What is wrong with a saved tally's shape, or None."""
    if not isinstance(state, dict):
        return "the tally is not an object"
    missing = [k for k in (*_COUNTS, *_MAPS, *_LISTS) if k not in state]
    if missing:
        return f"the tally has no {missing[0]!r}"
    for k in _COUNTS:
        if type(state[k]) is not int or state[k] < 0:
            return f"the tally's {k!r} is not a count"
    if state["read"] != state["scored"] + state["skipped"]:
        return "the tally's counts do not add up"
    for k in _MAPS:
        if not isinstance(state[k], dict):
            return f"the tally's {k!r} is not an object"
    for k in _LISTS:
        if not isinstance(state[k], list):
            return f"the tally's {k!r} is not a list"
    return None


def _first_difference(saved: Any, now: dict[str, Any]) -> str | None:
    """The first option (sorted by name) whose value differs, or None when all agree."""
    if not isinstance(saved, dict):
        return "options"
    for key in sorted(set(saved) | set(now)):
        if saved.get(key) != now.get(key):
            return key
    return None


@dataclass(frozen=True)
class Checkpoint:
    """The checkpoint file of one output, for inputs with ``fingerprint`` scanned with options ``options``."""

    path: Path
    output: Path
    fingerprint: list[list[Any]]
    options: dict[str, Any]

    def save(self, tally: Tally) -> None:
        """Write the checkpoint (the caller has synced the output and errors file it vouches for)."""
        data: dict[str, Any] = {
            "version": CHECKPOINT_VERSION,
            "inputs": self.fingerprint,
            "options": self.options,
            "output": str(self.output),
            "tally": tally.to_state(),
        }
        data["sha256"] = body_digest(data)
        write_json_atomic(self.path, data, sync=True, indent=None)

    def load(self) -> Tally | None:
        """The tally saved for these inputs and options; None (and a warning) when there is no checkpoint."""
        if not self.path.exists():
            log.warning("nothing to resume (no %s): scanning from the beginning", self.path.name)
            return None
        again = "scan again without --resume (it starts from the beginning)"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError(f"cannot resume: checkpoint {self.path} is unreadable ({exc}); {again}") from exc
        if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
            raise OutputError(f"cannot resume: checkpoint {self.path} is from another pillscan version; {again}")
        saved = data.pop("sha256", None)
        if saved != body_digest(data):
            raise OutputError(f"cannot resume: checkpoint {self.path} was edited or damaged (checksum); {again}")
        if (problem := _tally_problem(data.get("tally"))) is not None:
            raise OutputError(f"cannot resume: checkpoint {self.path} is not valid ({problem}); {again}")
        if data.get("inputs") != self.fingerprint:
            raise OutputError(f"cannot resume: the input files changed since the interrupted scan; {again}")
        if (key := _first_difference(data.get("options"), self.options)) is not None:
            was = data["options"].get(key) if isinstance(data.get("options"), dict) else None
            raise OutputError(
                f"cannot resume: option {key} differs from the interrupted scan ({was!r} then, "
                f"{self.options.get(key)!r} now); use the same options or {again}"
            )
        try:
            return Tally.from_state(data["tally"])
        except (TypeError, ValueError, KeyError) as exc:
            raise OutputError(f"cannot resume: checkpoint {self.path} is not valid ({exc}); {again}") from exc

    def discard(self) -> None:
        """Remove the checkpoint (a finished scan, or a fresh one that replaces an interrupted one)."""
        self.path.unlink(missing_ok=True)
