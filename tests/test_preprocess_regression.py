"""The fast preprocessing paths compute exactly what the reference implementation computed.

tests/data/preprocess_fixture.json.xz (made by tests/data/make_preprocess_fixture.py) holds 2,730 inputs
(generated posts, benchmark mixes, hand-written oddities, random Unicode) with the normalised text
(fingerprint), obfuscation flags, signal counts and signals recorded before any speed work. The signal
matcher is rebuilt from the lexicons stored in the fixture, so later lexicon edits do not make this stale (nor
does matching added later and switched on in the lexicon: spam spellings, tests/test_spellings.py).
"""

from __future__ import annotations

import hashlib
import json
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pillscan.lexicon as lexicon_module
import pillscan.normalize as normalize_module
import pillscan.signals as signals_module
from pillscan.normalize import normalize_many, normalize_text, normalize_with_flags, normalize_with_offsets
from pillscan.signals import extract_signals, signal_counts

FIXTURE = Path(__file__).parent / "data" / "preprocess_fixture.json.xz"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    return json.loads(lzma.decompress(FIXTURE.read_bytes()).decode("utf-8", "surrogatepass"))


@pytest.fixture
def recorded_lexicon(recorded: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make pillscan.signals match, and pillscan.normalize undo leetspeak, with the lexicons the fixture was
    recorded with."""
    monkeypatch.setattr(lexicon_module, "_read_json", lambda name: json.loads(recorded["lexicons"][name]))
    lex = lexicon_module.load_lexicon.__wrapped__()
    monkeypatch.setattr(signals_module, "load_lexicon", lambda: lex)
    signals_module._clear_caches()
    # Leetspeak is undone only where it spells a lexicon word (pillscan.lexicon.leet_vocabulary), which reads
    # load_lexicon(): its cache is emptied on the way in (so the recorded lexicons are read) and on the way out
    # (so they are not left behind for the tests that follow: they were, when this module ran first).
    lexicon_module.load_lexicon.cache_clear()
    lexicon_module.leet_vocabulary.cache_clear()
    normalize_module._reset_vocabulary()
    yield
    monkeypatch.undo()
    signals_module._clear_caches()
    lexicon_module.load_lexicon.cache_clear()
    lexicon_module.leet_vocabulary.cache_clear()
    normalize_module._reset_vocabulary()
    restored = lexicon_module.load_lexicon()  # the bundled lexicons again (the recorded ones predate both switches)
    assert restored.spam_spellings and restored.coded_slang


def _first_mismatch(texts: list[str], got: list[Any], want: list[Any]) -> str:
    for text, g, w in zip(texts, got, want, strict=True):
        if g != w:
            return f"input {text!r}: got {g!r}, recorded {w!r}"
    return ""


def test_normalize_text_is_unchanged(recorded, recorded_lexicon):
    texts = recorded["texts"]
    got = [_digest(normalize_text(t)) for t in texts]
    assert got == recorded["normalized"], _first_mismatch(texts, got, recorded["normalized"])
    assert [_digest(t) for t in normalize_many(texts)] == recorded["normalized"]


def test_normalize_flags_are_unchanged(recorded, recorded_lexicon):
    texts = recorded["texts"]
    got = [normalize_with_flags(t)[1] for t in texts]
    assert got == recorded["flags"], _first_mismatch(texts, got, recorded["flags"])


def test_offsets_path_agrees_with_the_fast_path(recorded, recorded_lexicon):
    texts = recorded["texts"][::7]
    got = [_digest(normalize_with_offsets(t).text) for t in texts]
    assert got == recorded["normalized"][::7]


def test_signal_counts_are_unchanged(recorded, recorded_lexicon):
    texts = recorded["texts"]
    got = signal_counts(texts).astype(np.int64).tolist()
    assert got == recorded["counts"], _first_mismatch(texts, got, recorded["counts"])
    # The same rows one text at a time (batching must not leak state between texts).
    singles = [signal_counts([t])[0].astype(np.int64).tolist() for t in texts[::11]]
    assert singles == recorded["counts"][::11]


def test_extract_signals_are_unchanged(recorded, recorded_lexicon):
    texts = recorded["texts"]
    got = [[[s.name, s.start, s.end] for s in extract_signals(t)] for t in texts]
    assert got == recorded["signals"], _first_mismatch(texts, got, recorded["signals"])
