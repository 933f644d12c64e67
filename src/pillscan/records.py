"""The data types that flow through pillscan: input records, read errors and scoring results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Decision", "ReadError", "Record", "Result", "Signal"]

Decision = Literal["offer", "review", "clean"]


@dataclass(frozen=True)
class Record:
    """One post read from an input: its id, text, where it came from (file) and its position there."""

    id: str
    text: str
    source: str
    position: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadError:
    """A record that could not be read: counted and reported, never silently dropped."""

    source: str
    position: int
    reason: str
    id: str | None = None


@dataclass(frozen=True)
class Signal:
    """A piece of evidence: a stable name (``contact:snapchat``), the matched text and its span in the original."""

    name: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Result:
    """The verdict on one text: calibrated score, decision, drugs named, evidence and human-readable reasons."""

    score: float
    decision: Decision
    drugs: tuple[str, ...] = ()
    signals: tuple[Signal, ...] = ()
    reasons: tuple[str, ...] = ()
