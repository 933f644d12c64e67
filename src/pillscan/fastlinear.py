"""Linear scores of TF-IDF n-gram blocks, computed a chunk at a time instead of a feature matrix row by row.

A linear model on a ``TfidfVectorizer(sublinear_tf=True, norm="l2")`` block only needs, per text, two sums over
its distinct in-vocabulary n-grams ``g`` with count ``c``: ``dot = sum(w * coef[g])`` and ``sq = sum(w * w)``
where ``w = (1 + ln c) * idf[g]``; the block's contribution is ``dot / sqrt(sq)``. scikit-learn's vectorizer
builds every n-gram string of every text in Python (a char_wb 2-5 vectorizer: ~700 strings for a 150-character
post) before it looks any up. :class:`NgramScorer` gives the same numbers with far less per-text Python work:

* ``char_wb``: n-grams never cross a word (sklearn pads each whitespace-separated word with one space on each
  side), so the in-vocabulary n-gram ids of a word are computed once and cached (as int32 bytes); a chunk's
  ids are its words' bytes joined at C speed.
* ``word`` (1-2 grams): a chunk is joined and tokenised in one call, each word gets its number with one
  dictionary look-up, and word pairs are found by their two numbers in :class:`IntMap` (no bigram string is
  ever built).

The ids of a whole chunk are then counted and weighted with NumPy in one go. A test checks the result
against scikit-learn's own ``transform`` followed by the dot product.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from pillscan.intent import intent_features, pill_evidence

__all__ = ["IntMap", "LinearModel", "NgramScorer"]

# sklearn's default token_pattern r"(?u)\b\w+\b" finds exactly the maximal runs of \w.
_WORDS_OR_SEP = re.compile(r"\w+|\x00")
_SEP = "\x00"
#: The number the separator token gets (a word not in the vocabulary gets -1).
_SEP_ID = -2
_SEP_ID_BYTES = np.array([_SEP_ID], dtype=np.int32).tobytes()
# Bytes of ASCII text: word characters (and the separator) kept, every other byte a space.
_ASCII_WORD_TABLE = bytes(c if chr(c).isalnum() or chr(c) in "_\x00" else 32 for c in range(128)) + b" " * 128
#: Distinct words whose char n-gram ids are kept (the cache is emptied when full: ~30 MB at most).
CACHE_LIMIT = 100_000


class _CharIds(dict[str, bytes]):
    """word -> ids of the vocabulary char_wb n-grams of ``" " + word + " "`` (int32 bytes), computed on first
    use. Bytes, so that a text's ids are one ``b"".join`` of its words' (a memory copy, no Python ints)."""

    def __init__(self, vocabulary: Mapping[str, int], ngram_range: tuple[int, int]) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.min_n, self.max_n = ngram_range
        self[_SEP] = _SEP_ID_BYTES  # the separator between joined texts: no word of any text

    def compute(self, word: str) -> bytes:
        """The ids for ``word``, not cached."""
        padded = f" {word} "
        size = len(padded)
        get = self.vocabulary.get
        ids: list[int] = []
        # The n-grams sklearn's _char_wb_ngrams makes: every substring of length min_n..max_n, and a padded
        # word shorter than n counted once as a whole (only reachable when min_n exceeds its length).
        for n in range(self.min_n, self.max_n + 1):
            grams = [padded[i : i + n] for i in range(max(size - n, 0) + 1)]
            ids.extend(j for j in map(get, grams) if j is not None)
            if size <= n:
                break
        return np.array(ids, dtype=np.int32).tobytes()

    def __missing__(self, word: str) -> bytes:
        value = self.compute(word)
        if len(self) >= CACHE_LIMIT:
            self.clear()
            self[_SEP] = _SEP_ID_BYTES
        self[word] = value
        return value


class IntMap:
    """int64 keys (>= 0) to int64 values in an open-addressing hash table held in NumPy arrays, so that many keys
    are looked up at once (a few vector passes, ~4x faster than ``np.searchsorted`` on a sorted key array)."""

    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        if len(np.unique(keys)) != len(keys) or (len(keys) and keys.min() < 0):
            raise ValueError("IntMap keys must be distinct and non-negative")
        bits = max(4, int(np.ceil(np.log2(3 * max(len(keys), 1)))))  # load factor <= 1/3: short probe runs
        self.size = len(keys)
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        self._keys = np.full(1 << bits, -1, dtype=np.int64)
        self._values = np.zeros(1 << bits, dtype=np.int64)
        # Insert every key at once: each round, every free slot goes to one of the keys probing it; the others
        # move on to the next slot, which keeps each key reachable from its hash past occupied slots only.
        pending = np.arange(len(keys))
        slot = self._hash(keys)
        while len(pending):
            at = slot[pending]
            free = self._keys[at] == -1
            _, first = np.unique(at[free], return_index=True)
            winners = pending[free][first]
            self._keys[slot[winners]] = keys[winners]
            self._values[slot[winners]] = values[winners]
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slot[pending] = (slot[pending] + 1) & self._mask

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return (keys.astype(np.uint64) * self._MULTIPLIER >> self._shift).astype(np.int64)

    def __len__(self) -> int:
        return self.size

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """All keys and their values (in no particular order)."""
        used = self._keys >= 0
        return self._keys[used], self._values[used]

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 for a key that is not in the map."""
        keys = np.asarray(keys, dtype=np.int64)
        out = np.full(len(keys), -1, dtype=np.int64)
        slot = self._hash(keys)
        todo = np.arange(len(keys))
        while len(todo):
            at = slot[todo]
            stored = self._keys[at]
            hit = stored == keys[todo]
            out[todo[hit]] = self._values[at[hit]]
            todo = todo[~hit & (stored != -1)]  # an empty slot ends the search: not in the map
            slot[todo] = (slot[todo] + 1) & self._mask
        return out


class NgramScorer:
    """``dot / norm`` of one fitted TF-IDF block (word 1-2 grams or char_wb) with a coefficient vector.

    Build it with :meth:`from_vectorizer` (a fitted ``TfidfVectorizer``) or from a term -> column vocabulary,
    idf and coefficients (as the cascade's word stage does). Only the settings pillscan uses are supported:
    ``sublinear_tf``, ``norm="l2"``, ``lowercase=False``, no stop words, ``analyzer`` ``"word"`` with
    ``ngram_range`` (1, 1) or (1, 2) and the default token pattern, or ``"char_wb"``.
    """

    def __init__(
        self,
        analyzer: str,
        vocabulary: Mapping[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        ngram_range: tuple[int, int],
    ) -> None:
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        if analyzer == "word" and tuple(ngram_range) not in ((1, 1), (1, 2)):
            raise ValueError(f"word n-grams {ngram_range} are not supported (only 1-1 and 1-2)")
        self.analyzer = analyzer
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        if self.idf.shape != self.coef.shape or len(self.idf) < len(vocabulary):
            raise ValueError("idf and coefficients must have one entry per vocabulary term")
        self.n_features = len(self.idf)
        # Word n-grams: every word that is a unigram term or part of a bigram term gets a number (the
        # unigram's column, or a number past the last column); a bigram is found by the pair of numbers.
        self._word_ids: dict[str, int] = {}
        self._pairs = IntMap(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        self._chars: _CharIds | None = None
        if analyzer == "word":
            pairs: list[tuple[str, str, int]] = []
            for term, j in vocabulary.items():
                first, _, second = term.partition(" ")
                if second:
                    pairs.append((first, second, int(j)))
                else:
                    self._word_ids[term] = int(j)
            for first, second, _ in pairs:
                for word in (first, second):
                    if word not in self._word_ids:
                        self._word_ids[word] = self.n_features + len(self._word_ids)
            self._radix = self.n_features + len(self._word_ids)
            self._word_ids[_SEP] = _SEP_ID
            keys = np.array([self._word_ids[a] * self._radix + self._word_ids[b] for a, b, _ in pairs], dtype=np.int64)
            self._pairs = IntMap(keys, np.array([j for _, _, j in pairs], dtype=np.int64))
        else:
            self._chars = _CharIds(vocabulary if type(vocabulary) is dict else dict(vocabulary), self.ngram_range)

    @classmethod
    def from_vectorizer(cls, vectorizer: Any, coef: np.ndarray) -> NgramScorer:
        """A scorer for a fitted ``TfidfVectorizer`` and the coefficients of its columns."""
        unsupported = {
            "sublinear_tf": True,
            "norm": "l2",
            "use_idf": True,
            "lowercase": False,
            "stop_words": None,
            "preprocessor": None,
            "tokenizer": None,
            "binary": False,
        }
        for name, wanted in unsupported.items():
            if getattr(vectorizer, name) != wanted:
                raise ValueError(f"vectorizer setting {name}={getattr(vectorizer, name)!r} is not supported")
        if vectorizer.analyzer == "word" and vectorizer.token_pattern != r"(?u)\b\w+\b":
            raise ValueError("only the token pattern (?u)\\b\\w+\\b is supported")
        vocabulary = {str(term): int(j) for term, j in vectorizer.vocabulary_.items()}  # (NumPy ints in sklearn)
        return cls(vectorizer.analyzer, vocabulary, vectorizer.idf_, coef, vectorizer.ngram_range)

    # ------------------------------------------------------------------------------------------------------
    def _ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """All in-vocabulary n-gram ids of ``texts`` (repeats kept) and the text each belongs to.

        The texts are joined with a NUL separator and tokenised in one call, so the per-token work (split,
        dictionary look-ups, counting) runs in C; the separator tokens tell which text a token is in. A text
        holding a NUL itself (never a normalised one) sends the chunk through a per-text loop.
        """
        if any(map(operator.contains, texts, repeat(_SEP))):
            return self._ids_per_text(texts)
        if self._chars is not None:
            grams = b"".join(map(self._chars.__getitem__, " \x00 ".join(texts).split()))
            ids = np.frombuffer(grams, dtype=np.int32)  # (kept int32: dot_and_norm counts them as int32)
            separator = ids == _SEP_ID
            return ids[~separator], np.cumsum(separator, dtype=np.int32)[~separator]
        ascii_mask = np.fromiter(map(str.isascii, texts), dtype=bool, count=len(texts))
        if ascii_mask.all():
            return self._word_ngram_ids(texts, ascii_only=True)
        parts = []
        for wanted in (True, False):
            index = np.flatnonzero(ascii_mask == wanted)
            if len(index):
                ids, rows = self._word_ngram_ids([texts[i] for i in index.tolist()], ascii_only=wanted)
                parts.append((ids, index[rows]))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _word_ngram_ids(self, texts: Sequence[str], *, ascii_only: bool) -> tuple[np.ndarray, np.ndarray]:
        if ascii_only:  # \w on ASCII text is [A-Za-z0-9_]: a byte table turns every other byte into a space
            tokens = " \x00 ".join(texts).encode("ascii").translate(_ASCII_WORD_TABLE).decode("ascii").split()
        else:
            tokens = _WORDS_OR_SEP.findall("\x00".join(texts))
        numbers = np.fromiter(map(self._word_ids.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        text_of_token = np.cumsum(numbers == _SEP_ID)
        unigram = (numbers >= 0) & (numbers < self.n_features)
        ids, rows = numbers[unigram], text_of_token[unigram]
        if self.ngram_range[1] == 2 and len(self._pairs) and len(tokens) > 1:
            first, second = numbers[:-1], numbers[1:]
            both = np.flatnonzero((first >= 0) & (second >= 0))  # a separator (-2) never pairs
            pair_ids = self._pairs.get(first[both] * self._radix + second[both])
            found = pair_ids >= 0
            ids = np.concatenate((ids, pair_ids[found]))
            rows = np.concatenate((rows, text_of_token[both[found]]))
        return ids, rows

    def _ids_per_text(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_ids` one text at a time, with no separator (for texts that hold a NUL character)."""
        per_text: list[np.ndarray] = []
        for text in texts:
            if self._chars is not None:
                chars = self._chars
                grams = b"".join([chars.compute(word) if _SEP in word else chars[word] for word in text.split()])
                # (compute never yields the separator's id: that is only the cache's entry for a lone NUL)
                per_text.append(np.frombuffer(grams, dtype=np.int32).astype(np.int64))
            else:  # NUL is not a word character: in a word tokenisation it separates like a space
                per_text.append(self._word_ngram_ids([text.replace(_SEP, " ")], ascii_only=False)[0])
        ids = np.concatenate(per_text) if per_text else np.zeros(0, dtype=np.int64)
        return ids, np.repeat(np.arange(len(texts), dtype=np.int64), [len(a) for a in per_text])

    def dot_and_norm(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per text: the dot product of its (un-normalised) TF-IDF row with ``coef``, and the row's l2 norm."""
        n = len(texts)
        ids, rows = self._ids(texts)
        if not len(ids):
            return np.zeros(n), np.zeros(n)
        # Count each (text, id) pair: sort the combined keys and measure the runs. The keys of a chunk nearly
        # always fit in int32, which NumPy sorts about twice as fast as int64 (the sort is most of this method).
        key_type = np.dtype(np.int32 if n * self.n_features < 2**31 else np.int64)
        ids, rows = ids.astype(key_type, copy=False), rows.astype(key_type, copy=False)
        keys = np.sort(rows * np.asarray(self.n_features, dtype=key_type) + ids)
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        counts = np.diff(np.append(starts, len(keys))).astype(np.float64)
        unique = keys[starts]
        row_of, id_of = np.divmod(unique, self.n_features)
        weight = (1.0 + np.log(counts)) * self.idf[id_of]
        dot = np.bincount(row_of, weights=weight * self.coef[id_of], minlength=n)
        norm = np.sqrt(np.bincount(row_of, weights=weight * weight, minlength=n))
        return dot, norm

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """``dot / norm`` per text (0 for a text with no vocabulary n-gram), as the l2-normalised block gives."""
        dot, norm = self.dot_and_norm(texts)
        out = np.zeros(len(texts))
        np.divide(dot, norm, out=out, where=norm > 0)
        return out

    def vocabulary(self) -> dict[str, int]:
        """term -> column, as the vectorizer had it (rebuilt from the look-up tables: not kept twice)."""
        if self._chars is not None:
            return dict(self._chars.vocabulary)
        vocabulary = {word: j for word, j in self._word_ids.items() if 0 <= j < self.n_features}
        words = {j: word for word, j in self._word_ids.items()}
        keys, columns = self._pairs.items()
        for key, j in zip(keys.tolist(), columns.tolist(), strict=True):
            first, second = divmod(key, self._radix)
            vocabulary[f"{words[first]} {words[second]}"] = j
        return vocabulary

    # Pickled as what it was built from (vocabulary, idf, coefficients), never as its internal tables: a model
    # bundle then keeps loading when those tables change. Rebuilding them takes a few hundredths of a second.
    def __getstate__(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer,
            "vocabulary": self.vocabulary(),
            "idf": self.idf,
            "coef": self.coef,
            "ngram_range": self.ngram_range,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["analyzer"], state["vocabulary"], state["idf"], state["coef"], state["ngram_range"]
        )


@dataclass
class LinearModel:
    """A linear model over TF-IDF blocks and signal counts in numeric form: what scoring needs of a trained
    pipeline, without scikit-learn (see :func:`pillscan.pipeline.linear_model_of`)."""

    blocks: list[tuple[NgramScorer, float]]  # (scorer, weight) per TF-IDF block
    signal_coef: np.ndarray  # applied to log1p of the signal counts
    intercept: float
    #: Applied to :func:`pillscan.intent.intent_features` (``None``: a model trained without them).
    intent_coef: np.ndarray | None = None

    def decision_function(self, normalized: Sequence[str], counts: np.ndarray) -> np.ndarray:
        """Raw scores of normalised texts with their :func:`pillscan.signals.signal_counts` rows."""
        out = np.full(len(normalized), self.intercept)
        for scorer, weight in self.blocks:
            out += weight * scorer(normalized)
        out += np.log1p(np.asarray(counts, dtype=np.float64)) @ self.signal_coef
        if self.intent_coef is not None and len(normalized):
            out += intent_features(normalized, pill_evidence(counts)) @ self.intent_coef
        return out
