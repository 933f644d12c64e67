"""Labelled posts from a team: read, validate and count them before any work is spent on them.

A labels file is CSV/TSV/JSONL/Parquet (optionally compressed) with a text column and a label column. Labels
may be ``1``/``0``/``-1`` or words: ``offer`` (1); ``not_offer``, ``not an offer``, ``clean`` (0);
``out_of_scope`` (-1: another drug trade, left out of offer metrics and of training); ``skip`` and ``review``
(not decided: counted and left out). The report's "Export labels" CSV and a reviewed scan output (a ``label``
column added, or ``--label-col decision`` after editing the decisions) read as they are. In CSV/TSV files a
cell pillscan marked for spreadsheets (``'=...``: see :func:`pillscan.textsafe.spreadsheet_cell`) reads back as
its original text. Text files are UTF-8 (a BOM allowed) or UTF-16/32 with a BOM; a legacy encoding is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pillscan.errors import InputError
from pillscan.textsafe import spreadsheet_text

__all__ = ["LABEL_WORDS", "LabelSet", "json_lines", "open_text", "parse_label", "read_labels"]

OFFER, NOT_OFFER, OUT_OF_SCOPE = 1, 0, -1
#: Every accepted spelling (lower case, after trimming; spaces and hyphens count as underscores) -> label,
#: ``None`` for "not decided" (skipped, counted).
LABEL_WORDS: dict[str, int | None] = {
    "1": OFFER,
    "offer": OFFER,
    "0": NOT_OFFER,
    "not_offer": NOT_OFFER,
    "not_an_offer": NOT_OFFER,
    "clean": NOT_OFFER,
    "-1": OUT_OF_SCOPE,
    "out_of_scope": OUT_OF_SCOPE,
    "skip": None,
    "skipped": None,
    "review": None,
    "": None,
}
TEXT_COLUMNS = ("text", "post", "content", "body", "message")
LABEL_COLUMNS = ("label", "labels")


def parse_label(value: Any) -> int | None:
    """``1``, ``0``, ``-1`` or ``None`` (not decided) for one label cell; ``ValueError`` if it is none of them."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer, float, np.floating)) and float(value) in (1.0, 0.0, -1.0):
        return int(value)
    raw = str(value).strip()
    try:
        number = float(raw)
    except ValueError:
        number = None
    if number is not None:
        if number in (1.0, 0.0, -1.0):
            return int(number)
        raise ValueError(value)
    word = raw.lower().replace(" ", "_").replace("-", "_")
    if word in LABEL_WORDS:
        return LABEL_WORDS[word]
    raise ValueError(value)


@dataclass(frozen=True)
class LabelSet:
    """The usable rows of one labels file (``frame``: ``text`` and ``label`` in -1/0/1, plus the file's other
    columns) and what was left out of it."""

    path: str
    frame: pd.DataFrame
    rows_in_file: int
    skipped: int  # label skip/review/empty: not decided
    empty_text: int
    sha256: str
    text_col: str
    label_col: str
    notes: list[str] = field(default_factory=list)

    @property
    def offers(self) -> int:
        return int((self.frame["label"] == OFFER).sum())

    @property
    def not_offers(self) -> int:
        return int((self.frame["label"] == NOT_OFFER).sum())

    @property
    def out_of_scope(self) -> int:
        return int((self.frame["label"] == OUT_OF_SCOPE).sum())

    def describe(self) -> str:
        """One line: what was read and what was left out."""
        parts = [f"{self.offers} offers", f"{self.not_offers} not offers"]
        if self.out_of_scope:
            parts.append(f"{self.out_of_scope} out of scope")
        left = []
        if self.skipped:
            left.append(f"{self.skipped} skipped/undecided")
        if self.empty_text:
            left.append(f"{self.empty_text} with empty text")
        tail = f"; left out: {', '.join(left)}" if left else ""
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{self.path}: {self.rows_in_file} rows, used {', '.join(parts)}{tail}{notes}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_text(path: str | Path) -> tuple[io.TextIOWrapper, str]:
    """``path`` opened as text: compressed or not (by magic number), in UTF-8 (with or without a BOM) or UTF-16/32
    (Excel's "Unicode text"). Returns the stream and the encoding. A binary file, a corrupt compressed one or
    one in a legacy encoding (Excel's Windows-1252 "CSV") is a one-line InputError saying what to do."""
    from pillscan.readers import Source, open_binary, sniff

    fh, _codec = open_binary(Source(str(path), Path(path)))
    try:
        kind = sniff(fh)
    except Exception as exc:  # readers.CorruptStreamError, and whatever a decompressor raises
        fh.close()
        raise InputError(f"cannot read {path}: {exc}") from None
    if kind.encoding is None:
        fh.close()
        raise InputError(f"{path} is not text (CSV, TSV, JSON lines or Parquet are read)")
    if not kind.encoding.startswith("utf"):
        # A legacy encoding is a guess (charset detection on a few rows is often wrong), and labels become
        # training data: better to ask for the file in UTF-8 than to learn from garbled posts.
        fh.close()
        raise InputError(
            f"{path} is not UTF-8: save it as UTF-8 (Excel: 'CSV UTF-8'), or convert it (Excel's plain 'CSV' on "
            "Windows: iconv -f cp1252 -t utf-8)"
        )
    return io.TextIOWrapper(fh, encoding=kind.encoding, newline=""), kind.encoding


def json_lines(path: str | Path, what: str = "row") -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON-lines file (see :func:`open_text`), blank lines passed over; a line that is no
    JSON object is a one-line InputError naming its line (``what`` says what a line should hold)."""
    text, _ = open_text(path)
    with text:
        for number, line in enumerate(text, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}: line {number} is not JSON ({getattr(exc, 'msg', exc)})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}: line {number} is no {what} (a JSON object)")
            yield row


#: Suffixes of compressed files (read by their magic number); left off a name to tell its format.
COMPRESSED_SUFFIXES = (".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd")


def _read_frame(path: Path) -> tuple[pd.DataFrame, str]:
    name = path.name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        name = name.removesuffix(suffix)
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(path), "parquet"
        if name.endswith((".jsonl", ".ndjson", ".jsonlines")):
            return pd.DataFrame(list(json_lines(path, "labelled row"))), "utf-8"
        stream, encoding = open_text(path)
        with stream:
            content = stream.read()  # (a labels file is small; a compressed stream cannot seek back)
        header = content.split("\n", 1)[0]
        tabs = name.endswith((".tsv", ".tab")) or ("\t" in header and "," not in header)  # Excel's "Unicode text"
        frame = pd.read_csv(io.StringIO(content), sep="\t" if tabs else ",", dtype=str, keep_default_na=False)
        # A cell pillscan marked for spreadsheets ('=...) reads back as its original text.
        return frame.map(spreadsheet_text), encoding
    except (
        ValueError,
        OSError,
        EOFError,
        ImportError,
    ) as exc:  # (UnicodeDecodeError, pandas' parser errors, a cut file)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"could not read labels file {path}: {first}") from exc


def _pick(columns: Sequence[str], wanted: str | None, defaults: Sequence[str], what: str, path: Path) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise InputError(f"{path}: no column {wanted!r} ({what}); it has: {', '.join(map(str, columns))}")
        return wanted
    lower: dict[str, str] = {}
    for c in columns:  # (an exact name wins over another spelled in other case: "label" over "Label")
        lower.setdefault(str(c).lower(), str(c))
        if str(c) == str(c).lower():
            lower[str(c)] = str(c)
    for name in defaults:
        if name in lower:
            return lower[name]
    option = "--text-col" if what == "text" else "--label-col"
    raise InputError(
        f"{path} needs a {what} column ({' or '.join(defaults[:2])}, or name it with {option}); "
        f"it has: {', '.join(map(str, columns)) or 'no columns'}"
    )


def read_labels(
    path: str | Path,
    *,
    text_col: str | None = None,
    label_col: str | None = None,
    require_both: bool = False,
) -> LabelSet:
    """Read and validate one labels file; every bad label is an error naming its line, before any work starts.

    ``require_both``: refuse a file without at least one offer and one non-offer (evaluation needs both).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"labels file not found: {path}")
    frame, encoding = _read_frame(path)
    columns = [str(c) for c in frame.columns]
    unmarked = [str(spreadsheet_text(c)) for c in columns]  # (a label sheet marks formula-looking names too)
    columns = unmarked if len(set(unmarked)) == len(unmarked) else columns
    frame.columns = columns
    tcol = _pick(columns, text_col, TEXT_COLUMNS, "text", path)
    lcol = _pick(columns, label_col, LABEL_COLUMNS if label_col is None else (), "label", path)
    if frame.empty:
        raise InputError(f"{path} has no rows")
    parsed: list[int | None] = []
    bad: list[int] = []
    for i, value in enumerate(frame[lcol].tolist()):
        try:
            parsed.append(parse_label(value))
        except ValueError:
            parsed.append(None)
            bad.append(i)
    if bad:
        line = bad[0] + 2 if not path.name.lower().split(".")[-1].startswith(("json", "parq")) else bad[0] + 1
        example = str(frame[lcol].iloc[bad[0]])[:40]
        raise InputError(
            f"{path}: {len(bad)} rows have a label pillscan does not know (first at line {line}: {example!r}); "
            "use 1/0/-1 or offer, not_offer, clean, out_of_scope, skip"
        )
    labels = pd.Series(parsed, index=frame.index, dtype="object")
    texts = frame[tcol].map(lambda t: "" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t))
    undecided = labels.isna()
    empty = ~undecided & (texts.str.strip() == "")
    keep = ~undecided & ~empty
    out = frame.loc[keep].copy()
    out["text"] = texts[keep]
    out["label"] = labels[keep].astype(int)
    result = LabelSet(
        path=str(path),
        frame=out.reset_index(drop=True),
        rows_in_file=len(frame),
        skipped=int(undecided.sum()),
        empty_text=int(empty.sum()),
        sha256=_sha256(path),
        text_col=tcol,
        label_col=lcol,
        notes=[] if encoding in ("utf-8", "utf-8-sig", "parquet") else [f"read as {encoding}"],
    )
    if result.frame.empty:
        raise InputError(f"{path}: no usable labelled rows ({result.describe()})")
    if require_both and (result.offers == 0 or result.not_offers == 0):
        missing = "offer (label 1)" if result.offers == 0 else "non-offer (label 0)"
        raise InputError(f"{path} has no {missing}: precision, recall and F1 need both classes ({result.describe()})")
    return result
