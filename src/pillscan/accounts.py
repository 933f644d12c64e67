"""Which accounts sell: flagged posts grouped by author, channel or source (the report's tab, ``--group-by``).

Rows are scan output rows (dicts with ``decision``, ``score``, ``drugs`` and, with context, ``author``,
``channel``, ``created_at``, ``url``). Memory is bounded: at most :data:`MAX_GROUPED` groups are kept; the posts
of further groups are counted as not grouped, and the table says so.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pillscan.errors import InputError, OutputError

__all__ = [
    "ACCOUNT_COLUMNS",
    "EXAMPLE_CHARS",
    "GROUP_BY",
    "MAX_GROUPED",
    "Account",
    "AccountTally",
    "account_rows",
    "write_accounts",
    "write_scan_accounts",
]

GROUP_BY = ("author", "channel", "source")
MAX_GROUPED = 100_000
EXAMPLE_CHARS = 1_000  # of an account's example post kept in memory
_FLAGGED = ("offer", "review")


class Account:
    """One group's posts: counts, first/last time seen, drugs of its offers, its highest-scored post."""

    __slots__ = ("best", "drugs", "first", "last", "offers", "platforms", "posts", "review")

    def __init__(self) -> None:
        self.offers = self.review = self.posts = 0
        self.first = self.last = ""
        self.drugs: dict[str, int] = {}
        self.platforms: dict[str, None] = {}  # (in the order first seen)
        # the highest-scored flagged post: its id, link, decision and the start of its text (memory stays
        # bounded whatever the posts: a group keeps EXAMPLE_CHARS of one post)
        self.best: tuple[float, Mapping[str, Any] | None] = (-1.0, None)

    def top_drugs(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.drugs.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _score(row: Mapping[str, Any]) -> float:
    try:
        return float(row.get("score", 0))
    except (TypeError, ValueError):
        return 0.0


class AccountTally:
    """Counts per group key (``by``: author, channel or source; ``auto``: author, else channel)."""

    def __init__(self, by: str = "auto", *, flagged_only: bool = True) -> None:
        if by not in (*GROUP_BY, "auto"):
            raise InputError(f"cannot group by {by!r}; choose one of {', '.join(GROUP_BY)}")
        self.by = by
        self.field: str | None = None if by == "auto" else by
        self.flagged_only = flagged_only
        self.groups: dict[str, Account] = {}
        self.dropped = 0

    def key(self, row: Mapping[str, Any]) -> str:
        names = ("author", "channel") if self.by == "auto" else (self.by,)
        for name in names:
            value = row.get(name)
            if value not in (None, ""):
                self.field = self.field or name
                return str(value)
        return ""

    def add(self, row: Mapping[str, Any]) -> None:
        decision = row.get("decision")
        if self.flagged_only and decision not in _FLAGGED:
            return
        key = self.key(row)
        if not key:
            return
        acc = self.groups.get(key)
        if acc is None:
            if len(self.groups) >= MAX_GROUPED:
                self.dropped += 1
                return
            acc = self.groups[key] = Account()
        acc.posts += 1
        if decision == "offer":
            acc.offers += 1
            for d in row.get("drugs") or ():
                acc.drugs[str(d)] = acc.drugs.get(str(d), 0) + 1
        elif decision == "review":
            acc.review += 1
        when = str(row.get("created_at") or "")
        if when:
            if not acc.first or when < acc.first:
                acc.first = when
            if when > acc.last:
                acc.last = when
        platform = row.get("platform")
        if platform and len(acc.platforms) < 8:
            acc.platforms[str(platform)] = None
        score = _score(row)
        if decision in _FLAGGED and score > acc.best[0]:
            text = row.get("text")
            example = {k: row.get(k) for k in ("id", "url", "decision", "score")}
            example["text"] = text[:EXAMPLE_CHARS] if isinstance(text, str) else None
            acc.best = (score, example)

    def add_all(self, rows: Iterable[Mapping[str, Any]]) -> AccountTally:
        for row in rows:
            self.add(row)
        return self

    def ranked(self) -> list[tuple[str, Account]]:
        """Groups with flagged posts, most offers first (then most for review, then name)."""
        flagged = [(k, a) for k, a in self.groups.items() if a.offers or a.review]
        return sorted(flagged, key=lambda kv: (-kv[1].offers, -kv[1].review, kv[0]))


def _example(acc: Account) -> tuple[str, str, str]:
    row = acc.best[1] or {}
    text = " ".join(str(row.get("text") or "").split())
    return str(row.get("id", "")), str(row.get("url") or ""), text[:200] + ("…" if len(text) > 200 else "")


#: The accounts table's columns after the group's own (``author``, ``channel`` or ``source``).
ACCOUNT_COLUMNS = ("offers", "review", "posts", "first_seen", "last_seen", "platforms", "top_drugs",
                   "example_id", "example_url", "example_text")  # fmt: skip


def account_rows(tally: AccountTally) -> list[dict[str, Any]]:
    """The table's rows (most offers first): the group's key, then :data:`ACCOUNT_COLUMNS`."""
    column = tally.field or tally.by
    rows = []
    for key, acc in tally.ranked():
        example_id, example_url, example_text = _example(acc)
        rows.append({
            column: key, "offers": acc.offers, "review": acc.review, "posts": acc.posts, "first_seen": acc.first,
            "last_seen": acc.last, "platforms": list(acc.platforms), "top_drugs": dict(acc.top_drugs()),
            "example_id": example_id, "example_url": example_url, "example_text": example_text,
        })  # fmt: skip
    return rows


def _csv_text(rows: list[dict[str, Any]], column: str) -> str:
    from pillscan.writers import csv_cell

    buf = io.StringIO()
    plain = csv.writer(buf, lineterminator="\n")
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)  # (a CR in a cell: see writers)
    plain.writerow([column, *ACCOUNT_COLUMNS])
    for row in rows:
        row = {
            **row,
            "platforms": "; ".join(row["platforms"]),
            "top_drugs": "; ".join(f"{d} ({n})" for d, n in row["top_drugs"].items()),
        }
        cells = [csv_cell(row[column]), *(csv_cell(row[c]) for c in ACCOUNT_COLUMNS)]
        (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else plain).writerow(cells)
    return buf.getvalue()


def write_accounts(tally: AccountTally, path: str | Path) -> int:
    """The accounts table, one row per group with flagged posts: JSON lines for a ``.jsonl``/``.ndjson`` path,
    else CSV (cells made inert for spreadsheets); written through a temporary file. Returns the rows written."""
    from pillscan.safefiles import exclusive_temp

    path = Path(path)
    rows = account_rows(tally)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        text = _csv_text(rows, tally.field or tally.by)
    tmp: Path | None = None
    try:
        fh, tmp = exclusive_temp(path)
        with fh:
            fh.write(text.encode("utf-8", "backslashreplace"))
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the accounts table {path}: {exc.strerror or exc}") from exc
    return len(rows)


def write_scan_accounts(by: str, path: str | Path, output: str | Path, out_format: str = "jsonl") -> int:
    """``scan --group-by``: the accounts table of a finished scan, from its output (a file, or the Dask
    engine's directory of part files) read back twice: the flagged posts make the groups, then every post of
    those groups is counted (``posts``; with --flagged-only output, the flagged ones)."""
    if str(output) == "-" or not Path(output).exists():
        raise InputError("--group-by needs the scan output in a file (not -o -)")
    from pillscan.output_rows import iter_output_rows

    tally = AccountTally(by).add_all(iter_output_rows(output, out_format))
    for acc in tally.groups.values():
        acc.posts = 0
    for row in iter_output_rows(output, out_format):
        key = tally.key(row)
        group = tally.groups.get(key) if key else None
        if group is not None:
            group.posts += 1
    return write_accounts(tally, path)
