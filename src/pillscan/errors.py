"""pillscan's exceptions: each carries a one-line message a user can act on."""

from __future__ import annotations

__all__ = [
    "InputError",
    "ModelError",
    "OutputError",
    "PillscanError",
    "ReaderError",
    "ScanInterrupted",
    "UnsafeModelError",
]


class PillscanError(Exception):
    """Base class: an error that stops the run with a clear one-line message."""


class InputError(PillscanError):
    """Input that cannot be used at all (missing file, no text column, unknown format)."""


class ReaderError(InputError):
    """A reader could not make sense of a file."""


class ModelError(PillscanError):
    """A model bundle is missing, corrupt, or from an incompatible version."""


class UnsafeModelError(ModelError):
    """A model file failed its integrity check: it is refused before any unpickling."""


class OutputError(PillscanError):
    """The output cannot be written (unwritable directory, disk full, locked by another scan)."""


class ScanInterrupted(PillscanError):
    """The scan was stopped by SIGINT/SIGTERM after saving a checkpoint; ``exit_code`` is 128 + the signal."""

    def __init__(self, signum: int, resumable: bool = True) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        hint = "resume with --resume" if resumable else "output is incomplete"
        super().__init__(f"interrupted: {hint}")
