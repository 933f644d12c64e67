"""``pillscan score`` as a library: gather texts from files, directories, globs or stdin, score them, write them.

:func:`iter_texts` walks the inputs (one text per file, or per line), :func:`score_texts` scores them in
batches, and :func:`open_score_writer` writes the results as a table, JSON, JSON lines or CSV::

    writer = open_score_writer("jsonl", sys.stdout)
    for scored in score_texts(model, iter_texts(["notes/"], per_line=True)):
        writer.write(scored)
    writer.finish()

``pillscan scan`` is the tool for large exports (records, resumable, any input format); this is for a few
files or a pipe.
"""

from __future__ import annotations

import csv
import glob
import io
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, TextIO, cast

from pillscan.errors import InputError
from pillscan.records import Result
from pillscan.textsafe import printable
from pillscan.writers import csv_cell

__all__ = [
    "SCORE_FORMATS",
    "ScoreWriter",
    "ScoredText",
    "iter_texts",
    "open_score_writer",
    "score_texts",
]

#: The output formats of ``pillscan score``.
SCORE_FORMATS = ("table", "json", "jsonl", "csv")
#: Texts scored per call to the model.
BATCH = 256
_GLOB_CHARS = set("*?[")
#: Bytes looked at to call a file binary (a NUL among them).
_BINARY_PROBE = 8192
# ANSI escape sequences, removed from the table when it is not coloured (as click.echo does).
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


class _Scorer(Protocol):
    def score(self, texts: Sequence[str], *, threshold: float | None = None) -> list[Result]: ...


@dataclass(frozen=True)
class ScoredText:
    """One scored text: where it came from (``file`` or ``file:line``), the text, its result, and with
    ``explain`` the words that drive its score."""

    name: str
    text: str
    result: Result
    top_terms: tuple[tuple[str, float], ...] = ()

    def row(self, *, explain: bool = False) -> dict[str, object]:
        """The JSON form: name, score, decision, drugs, signals (names, first seen first), reasons
        (and ``top_terms`` with ``explain``)."""
        res = self.result
        row: dict[str, object] = {
            "name": self.name,
            "score": res.score,
            "decision": res.decision,
            "drugs": list(res.drugs),
            "signals": list(dict.fromkeys(s.name for s in res.signals)),
            "reasons": list(res.reasons),
        }
        if explain:
            row["top_terms"] = [[w, v] for w, v in self.top_terms]
        return row


# --- the inputs -------------------------------------------------------------------------------------------


#: Most bytes ``score`` reads as one text (or one line): a post of 1M characters fits; /dev/zero or a 512 MB
#: line is skipped with a message, never read into memory. Big files are what ``scan`` is for.
SCORE_MAX_BYTES = 8 * 1024 * 1024


def iter_texts(
    inputs: Iterable[str],
    *,
    per_line: bool = False,
    warn: Callable[[str], None] | None = None,
    stdin: TextIO | None = None,
) -> Iterator[tuple[str, str]]:
    """``(name, text)`` for each file, file in a directory (recursively, sorted, hidden names skipped), glob
    match, or ``-`` (stdin); with ``per_line``, one per non-blank line, named ``file:line``.

    A missing file or a glob that matches nothing raises InputError; a binary file, a text or line over
    SCORE_MAX_BYTES is skipped and ``warn`` is told (``"skipped PATH: binary file"``). Reads are bounded.
    """
    note = warn or (lambda _message: None)
    for name, fh in _files(inputs, stdin):
        try:
            yield from _lines(name, fh, note) if per_line else _whole(name, fh, note)
        finally:
            if fh is not getattr(sys.stdin, "buffer", None) and fh is not stdin:
                fh.close()


def _whole(name: str, fh: IO[bytes], warn: Callable[[str], None]) -> Iterator[tuple[str, str]]:
    data = fh.read(SCORE_MAX_BYTES + 1)
    if b"\0" in data[:_BINARY_PROBE]:
        warn(f"skipped {name}: binary file")
    elif len(data) > SCORE_MAX_BYTES:
        warn(f"skipped {name}: larger than {SCORE_MAX_BYTES >> 20} MiB (use pillscan scan for big inputs)")
    else:
        yield name, data.decode("utf-8", "replace")


def _lines(name: str, fh: IO[bytes], warn: Callable[[str], None]) -> Iterator[tuple[str, str]]:
    lineno = 0  # counts lines as str.splitlines does (a lone CR ends one too)
    while line := fh.readline(SCORE_MAX_BYTES + 1):
        if len(line) > SCORE_MAX_BYTES and not line.endswith(b"\n"):
            while (rest := fh.readline(SCORE_MAX_BYTES)) and not rest.endswith(b"\n"):
                pass  # the rest of an over-long line, read in bounded pieces
            lineno += 1
            warn(f"skipped {name}:{lineno}: line longer than {SCORE_MAX_BYTES >> 20} MiB")
            continue
        if lineno == 0 and b"\0" in line[:_BINARY_PROBE]:
            warn(f"skipped {name}: binary file")
            return
        for text in line.decode("utf-8", "replace").splitlines():
            lineno += 1
            if text.strip():
                yield f"{name}:{lineno}", text


def _stdin_bytes(stdin: TextIO | None) -> IO[bytes]:
    stream = stdin or sys.stdin
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return cast(IO[bytes], buffer)
    # (a text-only stream, as in tests: read it bounded)
    return io.BytesIO(stream.read(SCORE_MAX_BYTES + 1).encode("utf-8", "replace"))


def _open(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _files(inputs: Iterable[str], stdin: TextIO | None) -> Iterator[tuple[str, IO[bytes]]]:
    for item in inputs:
        if item == "-":
            yield "<stdin>", _stdin_bytes(stdin)
            continue
        path = Path(item)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and not any(part.startswith(".") for part in found.relative_to(path).parts):
                    yield str(found), _open(found)
            continue
        if not path.exists() and _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise InputError(f"no files match {item}")
            yield from ((match, _open(Path(match))) for match in matches if Path(match).is_file())
            continue
        if not path.exists():
            raise InputError(f"no such file: {item}")
        yield item, _open(path)


# --- scoring ----------------------------------------------------------------------------------------------


def score_texts(
    model: _Scorer, items: Iterable[tuple[str, str]], *, threshold: float | None = None, explain: bool = False
) -> Iterator[ScoredText]:
    """Score ``(name, text)`` pairs in batches, in order; with ``explain`` (and a model that explains), add
    the words that drive each score."""
    explainer = getattr(model, "explain", None) if explain else None
    items = iter(items)
    while batch := list(itertools.islice(items, BATCH)):
        results = model.score([text for _, text in batch], threshold=threshold)
        for (name, text), result in zip(batch, results, strict=True):
            terms = tuple(explainer(text).top_terms) if explainer is not None else ()
            yield ScoredText(name, text, result, terms)


# --- the outputs ------------------------------------------------------------------------------------------


class ScoreWriter:
    """Writes scored texts to a text stream in one format; :meth:`finish` once at the end."""

    def __init__(self, stream: TextIO, *, explain: bool = False) -> None:
        self.stream = stream
        self.explain = explain

    def write(self, scored: ScoredText) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Write what comes after the last text (nothing, except for JSON)."""

    def _line(self, line: str) -> None:
        # One flush per line, so that a reader of a pipe sees each result when it is scored.
        self.stream.write(line + "\n")
        self.stream.flush()


class _JsonLines(ScoreWriter):
    def write(self, scored: ScoredText) -> None:
        self._line(json.dumps(scored.row(explain=self.explain), ensure_ascii=False))


class _JsonArray(ScoreWriter):
    def __init__(self, stream: TextIO, *, explain: bool = False) -> None:
        super().__init__(stream, explain=explain)
        self.rows: list[dict[str, object]] = []

    def write(self, scored: ScoredText) -> None:
        self.rows.append(scored.row(explain=self.explain))

    def finish(self) -> None:
        self._line(json.dumps(self.rows, ensure_ascii=False, indent=2))


class _Csv(ScoreWriter):
    def __init__(self, stream: TextIO, *, explain: bool = False) -> None:
        super().__init__(stream, explain=explain)
        self.out = csv.writer(stream, lineterminator="\n")
        self.out.writerow(["name", "score", "decision", "drugs", "reasons", *(["top_terms"] if explain else [])])

    def write(self, scored: ScoredText) -> None:
        res = scored.result
        terms = [" ".join(w for w, _ in scored.top_terms)] if self.explain else []
        reasons = csv_cell("; ".join(res.reasons))
        self.out.writerow([csv_cell(scored.name), res.score, res.decision, ";".join(res.drugs), reasons, *terms])


class _Table(ScoreWriter):
    """One line per text, sized to the terminal; decisions coloured when ``color``."""

    def __init__(self, stream: TextIO, *, explain: bool = False, color: bool = False, width: int = 110) -> None:
        super().__init__(stream, explain=explain)
        self.color = color
        self.width = width
        self._line(f"{'score':>6}  {'decision':<8}  {'drugs':<18}  {'reasons':<30}  text")

    def write(self, scored: ScoredText) -> None:
        res, name = scored.result, scored.name
        decision = f"{res.decision:<8}"
        if self.color and res.decision != "clean":
            decision = _bold(decision, 31 if res.decision == "offer" else 33)
        drugs = _snippet(",".join(res.drugs) or "-", 18)
        reasons = _snippet("; ".join(res.reasons[:2]) or "-", 30)
        where = printable(name)  # (file names and posts can hold terminal escape sequences: shown escaped)
        where = where if len(where) <= 28 else "…" + where[-27:]
        text = _snippet(scored.text, max(30, self.width - 72 - len(where) - 4))
        line = f"{res.score:>6.3f}  {decision}  {drugs:<18}  {reasons:<30}  {text}  [{where}]"
        self._line(line if self.color else _ANSI.sub("", line))
        if scored.top_terms:
            self._line("        words: " + ", ".join(f"{w} ({v:+.2f})" for w, v in scored.top_terms[:8]))


def _bold(text: str, color_code: int) -> str:
    return f"\033[{color_code}m\033[1m{text}\033[0m"


def _snippet(text: str, width: int) -> str:
    flat = printable(" ".join(text.split()))
    return flat if len(flat) <= width else flat[: max(1, width - 1)] + "…"


_WRITERS: dict[str, type[ScoreWriter]] = {"jsonl": _JsonLines, "json": _JsonArray, "csv": _Csv}


def open_score_writer(
    fmt: str, stream: TextIO, *, explain: bool = False, color: bool = False, width: int = 110
) -> ScoreWriter:
    """A writer of ``fmt`` (one of SCORE_FORMATS) to ``stream``; the table and CSV write their header now.
    ``color`` and ``width`` (the terminal's columns) are for the table."""
    if fmt == "table":
        return _Table(stream, explain=explain, color=color, width=width)
    if fmt not in _WRITERS:
        raise InputError(f"unknown score format {fmt!r}; choose one of: {', '.join(SCORE_FORMATS)}")
    return _WRITERS[fmt](stream, explain=explain)
