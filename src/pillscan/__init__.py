"""pillscan: find online posts that offer counterfeit prescription pills."""

from __future__ import annotations

__version__ = "0.1.0"

from pillscan.generate import generate_corpus
from pillscan.records import ReadError, Record, Result, Signal
from pillscan.scan import ScanSummary, scan

__all__ = ["ReadError", "Record", "Result", "ScanSummary", "Signal", "__version__", "generate_corpus", "scan"]
