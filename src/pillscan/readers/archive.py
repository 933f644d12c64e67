"""Zip archives (an X archive as downloaded, a zip of exports): read like a directory, member by member.

Members are streamed out of the archive (never extracted to disk); each is detected and read as a file found
in a directory walk would be, and named ``archive.zip!/path/inside``. Hidden names, folders and media are
passed over; a zip inside the zip is one skip (unzip it first). An Excel workbook is a zip too: it is not
an archive here.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, cast

from pillscan.readers._source import Source
from pillscan.records import ReadError

__all__ = ["is_archive", "zip_members"]

log = logging.getLogger(__name__)

_WORKBOOK_MARKERS = ("xl/workbook.xml", "word/document.xml", "ppt/presentation.xml")


def is_archive(path: Path) -> bool:
    """True for a zip file that is not an Office document."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".docx", ".pptx") or not path.is_file():
        return False  # (a pipe, ``<(zcat x.gz)``, is read once: looking at its first bytes here would lose them)
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
    except OSError:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return True  # (a broken zip: reported as one skip when its members are listed)
    return not any(marker in names for marker in _WORKBOOK_MARKERS)


def zip_members(path: Path, not_posts: Collection[str]) -> Iterator[Source | ReadError]:
    """A Source for each member that may hold posts, in name order; ReadErrors for what cannot be read."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield ReadError(str(path), 0, f"cannot read the zip archive: {exc}")
        return
    with zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
    passed_over = 0
    for info in infos:
        inner = PurePosixPath(info.filename)
        name = f"{path}!/{info.filename}"
        if any(part.startswith(".") or part == "__MACOSX" for part in inner.parts):
            continue
        if inner.suffix.lower() in not_posts:
            passed_over += 1
            continue
        if info.flag_bits & 0x1:
            yield ReadError(name, 0, "encrypted zip member (not read)")
            continue
        if inner.suffix.lower() == ".zip":
            yield ReadError(name, 0, "a zip inside a zip: unzip it first (not read)")
            continue
        yield Source(name, None, walked=True, opener=_opener(path, info.filename), hint=Path(info.filename))
    if passed_over:
        log.info("%s: passed over %d media/web files (not posts)", path, passed_over)


def _opener(archive: Path, member: str) -> Callable[[], BinaryIO]:
    def open_member() -> BinaryIO:
        zf = zipfile.ZipFile(archive)
        return cast(BinaryIO, _Member(zf.open(member), zf))

    return open_member


class _Member(io.RawIOBase):
    """A zip member as a raw stream that closes its archive with it."""

    def __init__(self, member: IO[bytes], archive: zipfile.ZipFile) -> None:
        self._member = member
        self._archive = archive

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        self._archive.close()
        super().close()
