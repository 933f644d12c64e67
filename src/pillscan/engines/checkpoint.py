"""The checkpoint of an interrupted scan: which inputs and options it belongs to, and the tally so far.

``OUT.checkpoint.json`` is written (through a synced temporary file) after the output and errors file are
synced, so the bytes it vouches for are on disk. A resume checks that the inputs (path, size, mtime of every
file) and the options (format, columns, model, chunk size...) are those of the interrupted scan before it
continues; anything else is a one-line error that says to scan again.
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

__all__ = ["CHECKPOINT_VERSION", "Checkpoint", "fingerprint", "input_files", "options_hash"]

log = logging.getLogger(__name__)

#: 2: the tally keeps the report's rows and the skip examples with their place in the input.
CHECKPOINT_VERSION = 2


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


@dataclass(frozen=True)
class Checkpoint:
    """The checkpoint file of one output, for inputs with ``fingerprint`` scanned with options ``options``."""

    path: Path
    output: Path
    fingerprint: list[list[Any]]
    options: str

    def save(self, tally: Tally) -> None:
        """Write the checkpoint (the caller has synced the output and errors file it vouches for)."""
        data = {
            "version": CHECKPOINT_VERSION,
            "inputs": self.fingerprint,
            "options": self.options,
            "output": str(self.output),
            "tally": tally.to_state(),
        }
        write_json_atomic(self.path, data, sync=True, indent=None)

    def load(self) -> Tally | None:
        """The tally saved for these inputs and options; None (and a warning) when there is no checkpoint."""
        if not self.path.exists():
            log.warning("nothing to resume (no %s): scanning from the beginning", self.path.name)
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            state = data["tally"]
            version = data.get("version")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OutputError(f"cannot resume: checkpoint {self.path} is unreadable ({exc}); scan again") from exc
        if version != CHECKPOINT_VERSION:
            raise OutputError(f"cannot resume: checkpoint {self.path} is from another pillscan version; scan again")
        if data.get("inputs") != self.fingerprint:
            raise OutputError("cannot resume: the input files changed since the interrupted scan; scan again")
        if data.get("options") != self.options:
            raise OutputError(
                "cannot resume: options differ from the interrupted scan (format, columns, model, output, "
                "chunk size...); use the same options or scan again"
            )
        try:
            return Tally.from_state(state)
        except (TypeError, ValueError) as exc:
            raise OutputError(f"cannot resume: checkpoint {self.path} is unreadable ({exc}); scan again") from exc

    def discard(self) -> None:
        """Remove the checkpoint (a finished scan, or a fresh one that replaces an interrupted one)."""
        self.path.unlink(missing_ok=True)
