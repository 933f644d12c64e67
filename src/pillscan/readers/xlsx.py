"""Excel workbooks (``.xlsx``, ``.xlsm``) through openpyxl: every sheet with a header row naming a text column.

Position = the row's number in its sheet's order across the workbook (row 1 of the first sheet is its header);
a sheet without a text column is one skip with its reason. Cells are read as their values (a formula's last
computed value), never evaluated.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from pillscan.errors import InputError
from pillscan.readers._base import SIGNATURE, Head, Item, Opened
from pillscan.readers._context import header_context, row_meta
from pillscan.readers._fields import (
    ID_CANDIDATES,
    TEXT_CANDIDATES,
    find_title,
    join_title,
    listing,
    make_record,
    pick_column,
)
from pillscan.records import ReadError

__all__ = ["MAX_XLSX_BYTES", "read_xlsx", "sniff_xlsx"]

#: A workbook is read from memory when it does not come from a plain file (stdin, compressed): up to this size.
MAX_XLSX_BYTES = 256 * 1024 * 1024


def sniff_xlsx(head: Head) -> int:
    """A zip whose first entries are an Office Open XML spreadsheet's."""
    return SIGNATURE if head.text.startswith(b"PK\x03\x04") and b"xl/" in head.text else 0


def _cell_text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def read_xlsx(opened: Opened) -> Iterator[Item]:
    """The rows of every sheet that has a text column."""
    import openpyxl

    source = opened.source
    try:
        workbook = openpyxl.load_workbook(_seekable(opened), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        yield ReadError(source.name, 0, f"not a readable Excel workbook: {exc}")
        return
    position = 0
    usable = 0
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [_cell_text(v).strip() for v in next(rows, ())]
            position += 1
            try:
                text_idx = pick_column(header, opened.options.text_col, TEXT_CANDIDATES, "text", source)
            except InputError as exc:
                yield ReadError(source.name, position, f"sheet {sheet.title!r}: {exc}")
                position += sum(1 for _ in rows)
                continue
            if text_idx is None:
                yield ReadError(source.name, position, f"sheet {sheet.title!r} has no text column ({listing(header)})")
                position += sum(1 for _ in rows)
                continue
            usable += 1
            id_idx = pick_column(header, opened.options.id_col, ID_CANDIDATES, "id", source)
            title = find_title(header, header[text_idx]) if opened.options.text_col is None else None
            title_idx = header.index(title) if title is not None else None
            taken = [i for i in (text_idx, id_idx, title_idx) if i is not None]
            context = header_context(header, opened.options, source, taken)
            for row in rows:
                position += 1
                cells = [_cell_text(v) for v in row]
                if not any(c.strip() for c in cells):
                    continue
                text = cells[text_idx] if text_idx < len(cells) else ""
                if title_idx is not None and title_idx < len(cells) and cells[title_idx].strip():
                    text = join_title(cells[title_idx], text)
                ident = cells[id_idx] if id_idx is not None and id_idx < len(cells) and cells[id_idx] else None
                meta = row_meta(context, cells, {"sheet": sheet.title})
                yield make_record(text, ident, source, position, opened.options, meta)
    finally:
        workbook.close()
    if not usable:
        raise InputError(f"no sheet of {source.name} has a text column (choose one with --text-col)")


def _seekable(opened: Opened) -> Any:
    if opened.kind.compression is None and opened.stream.seekable():
        return opened.stream
    data = opened.stream.read(MAX_XLSX_BYTES + 1)
    if len(data) > MAX_XLSX_BYTES:
        raise InputError(f"{opened.source.name}: a workbook over {MAX_XLSX_BYTES >> 20} MiB must be a plain file")
    return io.BytesIO(data)
