"""Reading a scan output back (pillscan.output_rows): the one JSONL reader the report, accounts table and label
sheets share."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pillscan.errors import InputError
from pillscan.output_rows import iter_output_rows

ROWS = [{"id": "a", "score": 0.9, "text": "percs 30s, dm"}, {"id": "b", "score": 0.1, "text": "nice day"}]


def test_jsonl_rows_come_back_as_written_compressed_or_not(tmp_path: Path) -> None:
    plain = tmp_path / "out.jsonl"
    plain.write_text("".join(json.dumps(r) + "\n" for r in ROWS) + "\n", encoding="utf-8")
    packed = tmp_path / "out.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert list(iter_output_rows(plain)) == ROWS
    assert list(iter_output_rows(packed)) == ROWS  # (was: a UnicodeDecodeError on the gzip bytes)


def test_a_line_that_is_no_object_is_one_line_error(tmp_path: Path) -> None:
    """Regression: the report's and the accounts table's reader yielded a JSON list as a row, and the code after
    it failed with an AttributeError; the label sheets' reader refused it. They now share one reader."""
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2 is no scan output row"):
        list(iter_output_rows(path))
