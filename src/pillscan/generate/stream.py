"""The corpus as a stream of rows: any number of rows in bounded memory, deterministic for a seed.

Rows are drawn one at a time (label, language, noise level, kind, family, row seed) and checked against
compact fingerprints of every text written so far, so a corpus of millions of rows needs ~16 bytes per row
rather than its texts. When a family stops producing new texts it is retired (said once in the log) and
the other families of its kind take its share; a kind with no family left gives its share to the other kinds.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections import deque
from collections.abc import Iterator, Sequence
from itertools import accumulate

import numpy as np

from pillscan.errors import InputError
from pillscan.generate.kinds import FAMILIES, families_for, kind_weights
from pillscan.generate.render import Post, near_duplicate_key, render_post, weighted

__all__ = ["DEFAULT_LANG_WEIGHTS", "DEFAULT_OBFUSCATION", "Fingerprints", "iter_corpus"]

log = logging.getLogger("pillscan.generate")

DEFAULT_OBFUSCATION = (0.4, 0.3, 0.2, 0.1)
DEFAULT_LANG_WEIGHTS = {"en": 0.8, "es": 0.2}
# A family that fails this many draws in a row (duplicates or near-duplicates) has run out of new texts.
_FAMILY_FAILS = 60
# Near-duplicates are redrawn this many times before one is let through (within the budget).
_NEAR_TRIES = 40
_ROW_TRIES = 400
# Twins of minimal pairs waiting for negative rows; beyond this no new twins are made (positive_rate ~ 1).
_MAX_PENDING = 5000


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class Fingerprints:
    """A set of 64-bit fingerprints: recent ones in a Python set, older ones in one sorted NumPy array."""

    def __init__(self, spill: int = 1 << 20) -> None:
        self._recent: set[int] = set()
        self._old = np.empty(0, dtype=np.uint64)
        self._spill = spill

    def __len__(self) -> int:
        return len(self._recent) + len(self._old)

    def __contains__(self, h: int) -> bool:
        if h in self._recent:
            return True
        old = self._old
        if not len(old):
            return False
        i = int(np.searchsorted(old, np.uint64(h)))
        return i < len(old) and int(old[i]) == h

    def add(self, h: int) -> None:
        self._recent.add(h)
        if len(self._recent) >= self._spill:
            fresh = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
            self._old = np.union1d(self._old, fresh)
            self._recent = set()


class _Draws:
    """The live kinds and families per (label, language); retires the ones that ran dry, saying so once."""

    def __init__(self, langs: Sequence[str]) -> None:
        self.kinds: dict[tuple[int, str], dict[str, float]] = {
            (label, lang): dict(kind_weights(label, lang)) for label in (0, 1) for lang in langs
        }
        self.fams: dict[tuple[str, str], dict[str, float]] = {}
        self.fails: dict[tuple[str, str], int] = {}
        self.retired: list[tuple[str, str]] = []

    def kind(self, rng: random.Random, label: int, lang: str) -> str | None:
        table = self.kinds[label, lang]
        if not table:
            return None
        names = list(table)
        return weighted(rng, names, list(accumulate(table.values())))

    def family(self, rng: random.Random, kind: str, lang: str) -> str | None:
        table = self.fams.get((kind, lang))
        if table is None:
            table = self.fams[kind, lang] = {f.name: f.weight for f in families_for(kind, lang)}
        if not table:
            return None
        names = list(table)
        return weighted(rng, names, list(accumulate(table.values())))

    def failed(self, fam: str, kind: str, lang: str, row: int) -> None:
        key = (fam, lang)
        self.fails[key] = self.fails.get(key, 0) + 1
        if self.fails[key] < _FAMILY_FAILS:
            return
        table = self.fams[kind, lang]
        table.pop(fam, None)
        self.retired.append(key)
        log.warning(
            "family %s (%s, %s) ran out of new texts at row %d; its kind's other families go on", fam, kind, lang, row
        )
        if not table:
            label = FAMILIES[fam].label
            self.kinds[label, lang].pop(kind, None)
            log.warning("kind %s (%s) has no family left at row %d; the other kinds take its share", kind, lang, row)

    def succeeded(self, fam: str, lang: str) -> None:
        self.fails[fam, lang] = 0


def _check(
    n: int,
    positive_rate: float,
    langs: tuple[str, ...],
    obfuscation: Sequence[float] | None,
    lang_weights: Sequence[float] | None,
) -> tuple[list[float], list[float]]:
    if n < 0:
        raise InputError(f"n must be >= 0, got {n}")
    if not 0.0 <= positive_rate <= 1.0:
        raise InputError(f"positive_rate must be between 0 and 1, got {positive_rate}")
    unknown = [x for x in langs if x not in DEFAULT_LANG_WEIGHTS]
    if not langs or unknown:
        raise InputError(f"languages must be among en, es; got {', '.join(langs) or 'none'}")
    weights = list(obfuscation) if obfuscation is not None else list(DEFAULT_OBFUSCATION)
    if len(weights) != 4 or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise InputError("obfuscation needs 4 non-negative weights for levels 0,1,2,3 (e.g. 0.4,0.3,0.2,0.1)")
    lw = list(lang_weights) if lang_weights is not None else [DEFAULT_LANG_WEIGHTS[x] for x in langs]
    if len(lw) != len(langs) or any(w < 0 for w in lw) or sum(lw) <= 0:
        raise InputError("lang_weights needs one non-negative weight per language")
    return weights, lw


class _Unique:
    """Exact duplicates never pass; near-duplicates pass after many redraws, within a budget."""

    def __init__(self, budget: int) -> None:
        self.exact = Fingerprints()
        self.near = Fingerprints()
        self.budget = budget
        self.redrawn = 0

    def take(self, post: Post, attempt: int) -> bool:
        text = post.text
        if len(text.strip()) < 2:
            self.redrawn += 1
            return False
        h = _digest(text)
        if h in self.exact:
            self.redrawn += 1
            return False
        k = _digest(near_duplicate_key(text))
        if k in self.near:
            if attempt < _NEAR_TRIES or self.budget <= 0:
                self.redrawn += 1
                return False
            self.budget -= 1
        self.exact.add(h)
        self.near.add(k)
        return True


def iter_corpus(
    n: int,
    seed: int = 0,
    positive_rate: float = 0.35,
    langs: Sequence[str] = ("en", "es"),
    obfuscation: Sequence[float] | None = None,
    lang_weights: Sequence[float] | None = None,
    max_near_duplicates: float = 0.01,
) -> Iterator[Post]:
    """Yield ``n`` labelled synthetic posts, one at a time, deterministic for ``seed`` (see ``generate_corpus``).

    The twins of a minimal pair (a supply post's demand, report, warning ... versions) fill the negative
    rows drawn after it. Raises ``InputError`` (after the rows already yielded) only if every family of a
    label has run dry, which the grammar does not reach below 10 million rows.
    """
    langs = tuple(langs)
    weights, lw = _check(n, positive_rate, langs, obfuscation, lang_weights)  # now, not at the first row
    return _rows(n, seed, positive_rate, langs, weights, lw, max_near_duplicates)


def _rows(
    n: int,
    seed: int,
    positive_rate: float,
    langs: tuple[str, ...],
    weights: list[float],
    lw: list[float],
    max_near_duplicates: float,
) -> Iterator[Post]:
    rng = random.Random(seed)
    obf_cum, lang_cum = list(accumulate(weights)), list(accumulate(lw))
    levels = ("0", "1", "2", "3")
    draws = _Draws(langs)
    unique = _Unique(int(max_near_duplicates * n))
    pending: deque[Post] = deque()
    made = 0
    while made < n:
        label = 1 if rng.random() < positive_rate else 0
        lang = weighted(rng, langs, lang_cum)
        level = int(weighted(rng, levels, obf_cum))
        if label == 0 and pending:
            twin = pending.popleft()
            if unique.take(twin, _NEAR_TRIES):
                made += 1
                yield twin
                continue
        post = _draw(rng, draws, unique, label, lang, level, made)
        if post is None:
            others = [x for x in langs if x != lang]
            post = next((p for x in others if (p := _draw(rng, draws, unique, label, x, level, made))), None)
        if post is None:
            raise InputError(f"every {('negative', 'offer')[label]} family ran out of new texts after {made} rows")
        made += 1
        yield post
        fam = FAMILIES[post.template]
        if fam.frames and len(pending) < _MAX_PENDING:
            pending.extend(_twins(rng, post))
        if made % 100_000 == 0:
            log.info("generated %d/%d rows", made, n)
    log.info("generated %d rows (%d redrawn as duplicates, %d families retired)", n, unique.redrawn, len(draws.retired))


def _draw(
    rng: random.Random, draws: _Draws, unique: _Unique, label: int, lang: str, level: int, row: int
) -> Post | None:
    """A new post of ``label`` in ``lang``: a kind, then families of it until one writes a new text."""
    kind = draws.kind(rng, label, lang)
    for attempt in range(_ROW_TRIES):
        if kind is None:
            return None
        template = draws.family(rng, kind, lang)
        if template is None:
            kind = draws.kind(rng, label, lang)
            continue
        post = render_post(template, lang, rng.getrandbits(48), level)
        if unique.take(post, attempt):
            draws.succeeded(template, lang)
            return post
        draws.failed(template, kind, lang, row)
        if attempt and attempt % 120 == 0:
            # This kind gives only old texts for now: let another kind of the label fill the row.
            kind = draws.kind(rng, label, lang)
    return None


def _twins(rng: random.Random, post: Post) -> list[Post]:
    """Two of the other frames of a minimal-pair post, rendered from the same seed and noise level."""
    frames = [f for f, _, _ in FAMILIES[post.template].frames[1:]]
    chosen = rng.sample(frames, min(2, len(frames)))
    return [render_post(post.template, post.lang, post.seed, post.obfuscation, frame=f) for f in chosen]
