"""pillscan: find online posts that offer counterfeit prescription pills."""

from __future__ import annotations

__version__ = "0.1.0"

from pillscan.records import ReadError, Record, Result, Signal
from pillscan.scan import ScanSummary, scan

__all__ = [
    "Explanation",
    "Model",
    "ReadError",
    "Record",
    "Result",
    "ScanSummary",
    "Signal",
    "__version__",
    "generate_corpus",
    "load_model",
    "scan",
]

_MODEL_NAMES = ("Explanation", "Model", "load_model")


def __getattr__(name: str) -> object:
    # Loaded on first use so that `import pillscan` (and every CLI command) stays quick: the generator
    # imports pandas.
    if name in _MODEL_NAMES:
        from pillscan import model

        return getattr(model, name)
    if name == "generate_corpus":
        from pillscan.generate import generate_corpus

        return generate_corpus
    raise AttributeError(f"module 'pillscan' has no attribute {name!r}")
