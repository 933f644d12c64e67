"""pillscan: find online posts that offer counterfeit prescription pills."""

from __future__ import annotations

from pillscan.records import ReadError, Record, Result, Signal
from pillscan.scan import ScanSummary, scan
from pillscan.version import __version__

__all__ = [
    "Explanation",
    "Model",
    "ReadError",
    "Record",
    "Result",
    "ScanSummary",
    "Signal",
    "__version__",
    "compiled_modules",
    "generate_corpus",
    "load_model",
    "scan",
    "score_frame",
]

_MODEL_NAMES = ("Explanation", "Model", "load_model")


def compiled_modules() -> tuple[str, ...]:
    """The pillscan modules that run as compiled extensions (built with mypyc when the wheel was built, see
    hatch_build.py); empty when this installation is pure Python. Found without importing any of them."""
    import importlib.machinery
    import importlib.util
    import pkgutil

    compiled = []
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        spec = importlib.util.find_spec(info.name)
        if spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            compiled.append(info.name)
    return tuple(sorted(compiled))


def build_description() -> str:
    """``0.1.0 (compiled: intent, normalize, signals)`` or ``0.1.0 (pure Python)``: what ``pillscan --version`` says."""
    names = [name.rpartition(".")[2] for name in compiled_modules()]
    return f"{__version__} ({'compiled: ' + ', '.join(names) if names else 'pure Python'})"


def __getattr__(name: str) -> object:
    # Loaded on first use so that `import pillscan` (and every CLI command) stays quick: the generator
    # imports pandas.
    if name in _MODEL_NAMES:
        from pillscan import model

        return getattr(model, name)
    if name == "score_frame":
        from pillscan.frames import score_frame

        return score_frame
    if name == "generate_corpus":
        from pillscan.generate import generate_corpus

        return generate_corpus
    raise AttributeError(f"module 'pillscan' has no attribute {name!r}")
