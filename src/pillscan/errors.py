"""pillscan's exceptions: each carries a one-line message a user can act on."""

from __future__ import annotations

__all__ = ["InputError", "ModelError", "PillscanError", "ReaderError", "UnsafeModelError"]


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
