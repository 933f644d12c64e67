"""The synthetic corpus: a grammar of slots, post kinds, platform styles, languages and noise.

``iter_corpus(n, seed)`` draws, for each row, a label, a kind, a language and an obfuscation level from the
corpus stream, then renders the post from its own ``seed`` with ``render_post``; ``generate_corpus`` collects
the rows in a frame and ``write_corpus_stream`` writes them to a file as they are made (any number of rows).
The content and the noise use separate random streams, so the same post can be re-rendered at another
obfuscation level (``render_post(template, lang, seed, 0)``) to see exactly what the noise changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from pillscan.generate.files import corpus_format, write_corpus, write_rows
from pillscan.generate.kinds import FAMILIES, KIND_LABEL
from pillscan.generate.platforms import PLATFORMS
from pillscan.generate.render import Post, near_duplicate_key, render_post
from pillscan.generate.stream import DEFAULT_LANG_WEIGHTS, DEFAULT_OBFUSCATION, iter_corpus

__all__ = [
    "COLUMNS",
    "DEFAULT_LANG_WEIGHTS",
    "DEFAULT_OBFUSCATION",
    "FAMILIES",
    "KIND_LABEL",
    "PLATFORMS",
    "Post",
    "corpus_format",
    "generate_corpus",
    "iter_corpus",
    "iter_rows",
    "near_duplicate_key",
    "render_post",
    "write_corpus",
    "write_corpus_stream",
]

log = logging.getLogger(__name__)

COLUMNS = ("id", *Post._fields)


def iter_rows(n: int, seed: int = 0, **options: object) -> Iterator[tuple[object, ...]]:
    """``iter_corpus`` rows as tuples in ``COLUMNS`` order, with their ids ``syn-<seed>-<row>``."""
    posts = iter_corpus(n, seed, **options)  # type: ignore[arg-type]  # checks the options now
    width = max(6, len(str(n)))
    return ((f"syn-{seed}-{i:0{width}d}", *post) for i, post in enumerate(posts))


def generate_corpus(
    n: int,
    seed: int = 0,
    positive_rate: float = 0.35,
    langs: Sequence[str] = ("en", "es"),
    obfuscation: Sequence[float] | None = None,
    lang_weights: Sequence[float] | None = None,
    max_near_duplicates: float = 0.01,
) -> pd.DataFrame:
    """Generate ``n`` labelled synthetic posts (columns ``COLUMNS``), deterministic for ``seed``.

    ``obfuscation`` weights levels 0..3 (default 0.4, 0.3, 0.2, 0.1); ``lang_weights`` weights ``langs``
    (default 80% English, 20% Spanish). Exact duplicate texts are never emitted (the row is redrawn);
    near-duplicates are redrawn too, until ``max_near_duplicates`` of the rows would be near-duplicates.
    For corpora too large for memory use ``write_corpus_stream``.
    """
    rows = list(
        iter_rows(
            n,
            seed,
            positive_rate=positive_rate,
            langs=langs,
            obfuscation=obfuscation,
            lang_weights=lang_weights,
            max_near_duplicates=max_near_duplicates,
        )
    )
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    return df.astype({"label": "int64", "obfuscation": "int64", "seed": "int64"})


def write_corpus_stream(path: str | Path | None, n: int, seed: int = 0, **options: object) -> int:
    """Generate ``n`` rows and write them to ``path`` (``None``: CSV on stdout) as they are made.

    Takes the options of ``generate_corpus``; returns the number of offers written.
    """
    if path is not None:
        corpus_format(path)  # a bad extension fails before any work
    offers = 0
    rows = iter_rows(n, seed, **options)

    def counted() -> Iterator[tuple[object, ...]]:
        nonlocal offers
        for row in rows:
            offers += row[2] == 1
            yield row

    write_rows(list(COLUMNS), counted(), path)
    return offers
