"""What a scan is asked to do (:class:`ScanOptions`, checked once for every engine) and the model it uses."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pillscan.engines.accounting import ScanProgress
from pillscan.errors import InputError, PillscanError

__all__ = [
    "CHECKPOINT_EVERY_CHUNKS",
    "DEFAULT_BLOCKSIZE",
    "ENGINES",
    "ScanOptions",
    "as_paths",
    "model_id",
    "model_name",
    "resolve_model",
]

ENGINES = ("local", "dask")
#: A checkpoint (fsync of the output, then of the checkpoint) every this many chunks or seconds, whichever comes
#: first: a scan killed outright (SIGKILL, power loss) redoes at most that much; SIGINT/SIGTERM checkpoint at once.
#: At 50,000 posts/s, 100 chunks of 2,000 posts are 4 s of work (20 chunks made it ~1 checkpoint per second).
CHECKPOINT_EVERY_CHUNKS = 100
DEFAULT_BLOCKSIZE = 32 * 2**20  # Dask: bytes of input per partition (uncompressed Parquet bytes for row groups)


def as_paths(paths: str | Path | Iterable[str | Path]) -> tuple[str, ...]:
    """One path or many, as strings."""
    if isinstance(paths, (str, Path)):
        return (str(paths),)
    return tuple(str(p) for p in paths)


@dataclass(frozen=True)
class ScanOptions:
    """A scan's inputs, output and settings, checked when built; see :func:`pillscan.scan.scan` for each.

    ``workers`` None means one per CPU; ``blocksize`` is used by the Dask engine only, ``handle_signals`` and
    ``checkpoint_every`` by the local one. Paths are kept as given (they are printed as given).
    """

    inputs: tuple[str, ...]
    output: str | Path
    model: Any = None
    format: str = "auto"
    text_col: str | None = None
    id_col: str | None = None
    out_format: str | None = None
    flagged_only: bool = False
    include_text: bool = True
    errors_path: str | Path | None = None
    summary_path: str | Path | None = None
    report_path: str | Path | None = None
    workers: int | None = None
    chunk_size: int = 2000
    resume: bool = False
    threshold: float | None = None
    progress: Callable[[ScanProgress], None] | None = None
    trust_model: bool = False
    max_text_chars: int = 1_000_000
    handle_signals: bool = True
    checkpoint_every: int = CHECKPOINT_EVERY_CHUNKS
    engine: str = "local"
    scheduler: Any = None
    blocksize: int | None = DEFAULT_BLOCKSIZE
    encoding: str | None = None  # the inputs' text encoding instead of the detected one
    decoder_memory: int = 0  # bytes a decompressor may use (0: the readers' default cap)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise PillscanError(f"unknown engine {self.engine!r}: use {' or '.join(ENGINES)}")
        if not self.inputs:
            raise InputError("no input given")
        if self.chunk_size < 1:
            raise InputError("chunk size must be at least 1")
        if self.blocksize is not None and self.blocksize < 1:
            raise InputError("blocksize must be at least 1 byte")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise PillscanError(f"threshold must be between 0 and 1, got {self.threshold}")

    @classmethod
    def of(cls, paths: str | Path | Iterable[str | Path], **options: Any) -> ScanOptions:
        """Options for scanning ``paths`` (one path or many), the rest by keyword as :func:`pillscan.scan.scan`."""
        return cls(inputs=as_paths(paths), **options)

    @property
    def to_stdout(self) -> bool:
        """Whether the output goes to stdout (``-o -``)."""
        return str(self.output) == "-"

    @property
    def n_workers(self) -> int:
        """Worker processes: as asked, else one per CPU."""
        return max(1, self.workers if self.workers is not None else (os.cpu_count() or 1))

    def thresholds(self, model: Any) -> dict[str, float]:
        """The thresholds the scan applies: the model's, or ``threshold`` as the offer threshold (the review
        band then starts at the model's review threshold or the offer threshold, whichever is lower)."""
        thresholds = {k: float(v) for k, v in dict(model.thresholds).items()}
        if self.threshold is not None:
            return {"offer": self.threshold, "review": min(thresholds.get("review", self.threshold), self.threshold)}
        return thresholds

    def model_obj(self) -> Any:
        """The model to score with, loaded (and verified) if given as a path or left to the default."""
        return resolve_model(self.model, self.trust_model)


def resolve_model(model: Any, trust_model: bool) -> Any:
    """A loaded model: ``model`` itself, or the bundle at that path (None: the bundled default)."""
    if model is None or isinstance(model, (str, Path)):
        from pillscan.model import load_model

        return load_model(model, trust=trust_model)
    if not hasattr(model, "score"):
        raise PillscanError(f"not a model: {type(model).__name__} has no score() method")
    return model


def model_id(model: Any) -> str:
    """What identifies a model across runs (its card's sha256, else its class and path): part of a resume key."""
    card = getattr(model, "card", None) or {}
    if card.get("sha256"):
        return f"{card.get('name', 'model')}:{card['sha256']}"
    return f"{type(model).__module__}.{type(model).__qualname__}:{getattr(model, 'path', '')}"


def model_name(model: Any) -> str:
    """The model's name as the summary shows it."""
    card = getattr(model, "card", None) or {}
    return str(card.get("name") or getattr(model, "name", None) or type(model).__name__)
