"""What a scan is asked to do (:class:`ScanOptions`, checked once for every engine) and the model it uses."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pillscan.accounts import GROUP_BY
from pillscan.context import CONTEXT_COLUMNS, keep_names
from pillscan.engines.accounting import ScanProgress
from pillscan.errors import InputError, PillscanError
from pillscan.readers import ReadOptions
from pillscan.safefiles import in_place
from pillscan.writers import BASE_COLUMNS

__all__ = [
    "CHECKPOINT_EVERY_CHUNKS",
    "DEFAULT_BLOCKSIZE",
    "ENGINES",
    "ScanOptions",
    "accounts_path_for",
    "as_paths",
    "label_sample_path_for",
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


def accounts_path_for(output: str | Path) -> Path:
    """The accounts table's default file: beside the output, ``OUT.accounts.csv`` (``scan.jsonl`` gives
    ``scan.accounts.csv``; a Dask output directory ``out/`` gives ``out.accounts.csv``)."""
    path = Path(output)
    return path.with_name(f"{path.stem if path.suffix else path.name}.accounts.csv")


def label_sample_path_for(output: str | Path) -> Path:
    """``--label-sample``'s default file: beside the output, ``OUT.to-label.csv``."""
    path = Path(output)
    return path.with_name(f"{path.stem if path.suffix else path.name}.to-label.csv")


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
    author_col: str | None = None  # who posted, when, the post's link: columns (default: detected)
    time_col: str | None = None
    url_col: str | None = None
    keep_cols: tuple[str, ...] = ()  # further input columns copied to the output (their input names)
    group_by: str | None = None  # the accounts table: author, channel or source (None: no table)
    accounts_path: str | Path | None = None  # where the accounts table goes (CSV, or JSONL by extension)
    label_sample: int = 0  # posts to choose for labelling after the scan (0: none), written as a CSV to fill in
    label_sample_path: str | Path | None = None  # that CSV (default: OUT.to-label.csv)

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
        if isinstance(self.keep_cols, str):
            object.__setattr__(self, "keep_cols", (self.keep_cols,))
        object.__setattr__(self, "keep_cols", tuple(dict.fromkeys(self.keep_cols)))
        self.keep_names  # noqa: B018 (a name that cannot be an output column fails here)
        self._check_accounts()
        self._check_label_sample()

    def _check_accounts(self) -> None:
        if self.accounts_path is not None and self.group_by is None:
            object.__setattr__(self, "group_by", "author")
        if self.group_by is None:
            return
        if self.group_by not in GROUP_BY:
            raise InputError(f"cannot group by {self.group_by!r}; choose one of {', '.join(GROUP_BY)}")
        if self.to_stream:
            raise InputError(
                "--group-by needs the scan output in a file (not -o - or a stream): the table is made from it"
            )
        if self.accounts_path is None:
            object.__setattr__(self, "accounts_path", accounts_path_for(self.output))

    def _check_label_sample(self) -> None:
        if self.label_sample is None:  # (the CLI's "not given")
            object.__setattr__(self, "label_sample", 0)
        if isinstance(self.label_sample, bool) or not isinstance(self.label_sample, int) or self.label_sample < 0:
            raise InputError(f"--label-sample takes a number of posts (1 or more), not {self.label_sample!r}")
        if self.label_sample_path is not None and not self.label_sample:
            raise InputError("--label-sample-out needs --label-sample N (how many posts to choose)")
        if not self.label_sample:
            return
        if self.to_stream:
            raise InputError(
                "--label-sample needs the scan output in a file (not -o - or a stream): the posts are chosen from it"
            )
        if not self.include_text:
            raise InputError("--label-sample needs the post texts in the output: drop --no-text")
        if self.label_sample_path is None:
            object.__setattr__(self, "label_sample_path", label_sample_path_for(self.output))

    @property
    def keep_names(self) -> tuple[str, ...]:
        """The output names of the kept columns (``input_score`` for a kept ``score``)."""
        try:
            return keep_names(self.keep_cols, (*BASE_COLUMNS, *CONTEXT_COLUMNS, "text"))
        except ValueError as exc:
            raise InputError(str(exc)) from None

    @classmethod
    def of(cls, paths: str | Path | Iterable[str | Path], **options: Any) -> ScanOptions:
        """Options for scanning ``paths`` (one path or many), the rest by keyword as :func:`pillscan.scan.scan`."""
        return cls(inputs=as_paths(paths), **options)

    @property
    def to_stdout(self) -> bool:
        """Whether the output goes to stdout (``-o -``)."""
        return str(self.output) == "-"

    @property
    def to_stream(self) -> bool:
        """Whether the output is a stream written in place as it comes: stdout (``-o -``), or a FIFO, a character
        device or an open descriptor (``-o /dev/null``, ``-o /dev/stdout``): no ``.partial``, lock or resume."""
        return self.to_stdout or in_place(Path(self.output))

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

    def read_options(self) -> ReadOptions:
        """What every reader of this scan is given (the parent's, the local workers' and the Dask workers')."""
        return ReadOptions(
            text_col=self.text_col,
            id_col=self.id_col,
            max_text_chars=self.max_text_chars,
            chunk_size=self.chunk_size,
            encoding=self.encoding,
            decoder_memory=self.decoder_memory,
            author_col=self.author_col,
            time_col=self.time_col,
            url_col=self.url_col,
            keep_cols=self.keep_cols,
        )

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
