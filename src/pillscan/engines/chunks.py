"""Chunk work, the same in every engine: score a chunk of records, encode its output rows, count it.

A chunk is a list of items in input order, each a :class:`~pillscan.records.Record` or a
:class:`~pillscan.records.ReadError`. The records go to the model as ``(id, text, source, position)`` tuples
(a plain tuple pickles ~3x faster than a Record); the read errors stay with the caller, which lists them.
:func:`process_chunk` is a pure function so that it can run in a worker process (local pool or Dask).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pillscan.context import context_row
from pillscan.errors import PillscanError
from pillscan.records import ReadError, Record, Result
from pillscan.writers import RecordTuple, encode_chunk, result_row

__all__ = [
    "HIST_BINS",
    "TOP_K",
    "TOP_TEXT_CHARS",
    "ChunkOut",
    "chunked",
    "process_chunk",
    "score_texts",
    "skip_items",
    "split_items",
]

HIST_BINS = 20
TOP_K = 50  # flagged posts kept (bounded) for the report
TOP_TEXT_CHARS = 20_000  # a kept post's text is cut here so the checkpoint and report stay small


@dataclass
class ChunkOut:
    """What scoring one chunk gives back: the encoded output and the chunk's counts.

    ``top`` holds the chunk's best offer/review rows as ``(index, row)``, ``index`` being the record's place
    among the chunk's records, so the accounting can keep the run's best rows in input order on ties.
    """

    payload: Any
    rows: int
    scored: int
    offer: int
    review: int
    by_drug: dict[str, int]
    by_signal: dict[str, int]
    by_source: dict[str, list[int]]  # source -> [scored, offer, review]
    hist: list[int]
    top: list[tuple[int, dict[str, Any]]]

    @classmethod
    def empty(cls) -> ChunkOut:
        """A chunk with no records (read errors are counted by the caller)."""
        return cls(None, 0, 0, 0, 0, {}, {}, {}, [0] * HIST_BINS, [])


def score_texts(model: Any, texts: list[str], threshold: float | None) -> list[Result]:
    """``model.score(texts)``, passing ``threshold`` only when one is set (custom models may not take it)."""
    if threshold is None:
        return list(model.score(texts))
    return list(model.score(texts, threshold=threshold))


def split_items(
    chunk: Iterable[Record | ReadError], keep: Sequence[str] = ()
) -> tuple[list[RecordTuple], list[ReadError]]:
    """The records of a chunk as tuples for the model, and its read errors, each in input order.

    A record with context (or any record, when columns are kept: ``keep``, their names in the input) carries
    its context columns as a fifth item (see :func:`pillscan.context.context_row`).
    """
    recs: list[RecordTuple] = []
    errs: list[ReadError] = []
    for item in chunk:
        if isinstance(item, ReadError):
            errs.append(item)
        elif (item.meta or keep) and (context := context_row(item.meta, item.id, keep)) is not None:
            recs.append((item.id, item.text, item.source, item.position, context))
        else:
            recs.append((item.id, item.text, item.source, item.position))
    return recs, errs


def process_chunk(
    model: Any,
    records: Sequence[RecordTuple],
    *,
    threshold: float | None,
    fmt: str,
    include_text: bool,
    flagged_only: bool,
    keep: Sequence[str] = (),
) -> ChunkOut:
    """Score one chunk, encode its output rows and count what the summary needs (``keep``: the output names
    of the kept columns)."""
    results = score_texts(model, [r[1] for r in records], threshold) if records else []
    if len(results) != len(records):
        raise PillscanError(f"the model returned {len(results)} results for {len(records)} texts")
    payload, rows = encode_chunk(records, results, fmt, include_text=include_text, flagged_only=flagged_only, keep=keep)
    out = ChunkOut(payload, rows, len(records), 0, 0, {}, {}, {}, _histogram(results), [])
    _count_flags(out, records, results, keep)
    return out


def _histogram(results: Sequence[Result]) -> list[int]:
    hist = [0] * HIST_BINS
    for res in results:
        hist[min(int(res.score * HIST_BINS), HIST_BINS - 1)] += 1
    return hist


def _count_flags(
    out: ChunkOut, records: Sequence[RecordTuple], results: Sequence[Result], keep: Sequence[str] = ()
) -> None:
    """Fill ``out``'s per-decision counts and its best rows (a custom model's own decisions are not counted)."""
    sources = [r[2] for r in records]
    by_source: dict[str, list[int]] = {source: [n, 0, 0] for source, n in Counter(sources).items()}
    by_drug: Counter[str] = Counter()
    by_signal: Counter[str] = Counter()
    flagged: list[tuple[float, int]] = []
    for i, res in enumerate(results):
        if res.decision == "clean":
            continue
        counts = by_source[sources[i]]
        if res.decision == "offer":
            out.offer += 1
            counts[1] += 1
            by_drug.update(res.drugs)
            by_signal.update({s.name for s in res.signals})
        elif res.decision == "review":
            out.review += 1
            counts[2] += 1
        else:
            continue
        flagged.append((res.score, i))
    best = heapq.nlargest(TOP_K, flagged, key=lambda t: (t[0], -t[1]))  # ties: the earlier record
    out.top = [(i, _top_row(records[i], results[i], keep)) for _, i in best]
    out.by_drug, out.by_signal, out.by_source = dict(by_drug), dict(by_signal), by_source


def _top_row(rec: RecordTuple, res: Result, keep: Sequence[str]) -> dict[str, Any]:
    row = result_row(rec, res, include_text=True, keep=keep)
    if len(row["text"]) > TOP_TEXT_CHARS:
        row["text"] = row["text"][:TOP_TEXT_CHARS]
        row["signals"] = [s for s in row["signals"] if s["end"] <= TOP_TEXT_CHARS]
    return row


def chunked(items: Iterable[Record | ReadError], size: int) -> Iterator[list[Record | ReadError]]:
    """Items in lists of ``size`` (the last one shorter)."""
    chunk: list[Record | ReadError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def skip_items(chunks: Iterable[list[Any]], skip: int) -> Iterator[list[Any]]:
    """Drop the first ``skip`` items (records and read errors) already handled before an interruption."""
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        if skip:
            chunk = chunk[skip:]
            skip = 0
        yield chunk
