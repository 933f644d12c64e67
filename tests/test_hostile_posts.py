"""Hostile single posts: evidence extraction stays linear in the post's length and bounded in its output."""

from __future__ import annotations

import gc
import random
import time

import numpy as np
import pytest

from pillscan.model import Model, load_model
from pillscan.normalize import MAX_CHARS
from pillscan.signals import MAX_SIGNALS_PER_NAME, extract_signals

N = 100_000


def _rep(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# Each built to make one regex or loop of the evidence pass do as much work as it can.
ADVERSARIAL = {
    "url_punct": lambda n: "http://x" + _rep(".,", n - 8),
    "zero_width": lambda n: _rep("a\u200b", n),
    "homoglyph": lambda n: _rep("\u0430a", n),
    "fullwidth": lambda n: _rep("\uff58", n),
    "www_dots": lambda n: "www." + _rep("a.", n - 4),
    "host_dots": lambda n: _rep("a.", n - 4) + "com/",
    "digits": lambda n: _rep("1", n),
    "price_commas": lambda n: "$" + _rep("1,", n - 1),
    "digit_space": lambda n: _rep("1 ", n),
    "spaced": lambda n: _rep("a ", n),
    "handle_dots": lambda n: "@" + _rep("a.", n - 1),
    "email": lambda n: _rep("a@", n),
    "dash_spaced": lambda n: _rep("a-", n),
    "oxy": lambda n: _rep("oxy ", n),
    "dose": lambda n: _rep("1mg ", n),
    "pill_emoji": lambda n: _rep("\U0001f48a", n),
    "combining": lambda n: _rep("a\u0301", n),
    "phone": lambda n: _rep("+1 (555) 123 4567 ", n),
    "leet": lambda n: _rep("0xy", n),
    "thousands": lambda n: _rep("1.000 ", n),
}


def _best_time(text: str, runs: int = 3, fn: object = extract_signals) -> float:
    # The collector is paused while timing: a scan runs with raised GC thresholds (engines.local), and a full
    # collection landing inside one timed call (the 100k-signal post allocates 100k objects) made the growth
    # ratio flaky (8.9x once in CI, 5x when repeated). The work itself is what the ratio measures.
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn(text)  # type: ignore[operator]
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_evidence_time_grows_linearly(name: str) -> None:
    # Quadratic work (widening each of 50,000 matches to its whole word, a lazy regex re-scanning the rest
    # of the text) makes 4x the length cost 16x; linear work costs about 4x. The ratio is robust to a loaded
    # machine where an absolute time is not; benchmarks/hostile_posts.py prints the absolute times.
    build = ADVERSARIAL[name]
    extract_signals("warm up oxy 30mg")
    small, large = _best_time(build(N // 4)), _best_time(build(N))
    assert large < 10.0, f"{name}: {large:.2f} s for one {N:,}-char post"
    assert large < 8 * small + 0.05, f"{name}: {small:.3f} s at {N // 4:,} chars, {large:.3f} s at {N:,}"


def test_zero_width_word_is_one_signal() -> None:
    # 50,000 zero-width characters inside one word: one obfuscation signal for the word, found fast.
    text = "buy " + _rep("a\u200b", 20_000) + "b now"
    signals = [s for s in extract_signals(text) if s.name == "obfuscation:zero_width"]
    assert len(signals) == 1
    assert signals[0].start == 4 and signals[0].end == len(text) - 4


def test_signals_per_name_are_capped() -> None:
    signals = extract_signals(_rep("oxy 30 pills ", 60_000))
    per_name: dict[str, int] = {}
    for s in signals:
        per_name[s.name] = per_name.get(s.name, 0) + 1
    assert per_name["drug:oxycodone"] == MAX_SIGNALS_PER_NAME
    assert max(per_name.values()) <= MAX_SIGNALS_PER_NAME


def test_offer_after_the_first_100k_chars_has_evidence() -> None:
    # 151k characters of chatter, then the offer: the evidence pass used to stop at MAX_CHARS.
    chatter = _rep("the weather was fine and we walked home ", 151_000)
    offer = " selling m30 blues oxy 30mg, text me on telegram, cashapp ok"
    text = chatter + offer
    assert len(chatter) > MAX_CHARS
    signals = extract_signals(text)
    names = {s.name for s in signals}
    assert "drug:oxycodone" in names
    assert all(text[s.start : s.end] == s.text for s in signals)
    assert min(s.start for s in signals if s.name == "drug:oxycodone") > len(chatter)


def test_signal_across_a_segment_cut_is_kept() -> None:
    # The word "oxycodone" sits right where the first segment ends; the overlap keeps it whole.
    head = _rep("ab ", MAX_CHARS - 4)
    text = head + "oxycodone 30mg " + _rep("ab ", 5_000)
    found = [s for s in extract_signals(text) if s.name == "drug:oxycodone"]
    assert [(s.start, s.text) for s in found] == [(len(head), "oxycodone")]


def _score_all(model: Model) -> object:
    return lambda text: model.score([text], evidence="all")


@pytest.mark.slow
def test_each_adversarial_post_is_scored_within_a_second() -> None:
    # The whole score, windows and evidence included (issue 15: "20 adversarial 100k-char posts each scored in
    # < 1 s"). 100k pill emoji took 2-3 s: 1,133 overlapping windows, each pill an 11-character token, all
    # normalised and cut into character n-grams. On a loaded machine 1 s is not a fair bound, so a post may also
    # pass by costing at most 20x an ordinary 100k-character post timed alongside (pill emoji was 45x, now ~13x).
    model = load_model()
    score = _score_all(model)
    score("warm up: oxy 30 for sale")
    words = [
        "the",
        "weather",
        "was",
        "fine",
        "and",
        "we",
        "walked",
        "home",
        "after",
        "dinner",
        "talking",
        "about",
        "work",
        "and",
        "music",
    ]
    ordinary = " ".join(random.Random(0).choices(words, k=25_000))[:N]  # (no two windows alike)
    slow = {}
    for name, build in sorted(ADVERSARIAL.items()):
        reference = _best_time(ordinary, fn=score)
        seconds = _best_time(build(N), runs=2, fn=score)
        if seconds >= max(1.0, 20 * reference):
            slow[name] = f"{seconds:.2f} s (an ordinary post: {reference:.3f} s)"
    assert not slow, slow


@pytest.mark.slow
@pytest.mark.parametrize("name", ["pill_emoji", "oxy", "zero_width", "homoglyph", "dose"])
def test_whole_score_time_grows_linearly(name: str) -> None:
    model = load_model()
    score = _score_all(model)
    score("warm up: oxy 30 for sale")
    build = ADVERSARIAL[name]
    small, large = _best_time(build(N // 4), fn=score), _best_time(build(N), fn=score)
    assert large < 8 * small + 0.05, f"{name}: {small:.3f} s at {N // 4:,} chars, {large:.3f} s at {N:,}"


def test_equal_windows_are_scored_once_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    # A long repetitive post has thousands of equal windows; each distinct one is scored once and the scores are
    # mapped back. The result must equal scoring every window, for a batch mixing short, long and equal texts.
    model = load_model()
    texts = [
        "oxy 30 for sale, text me",
        _rep("\U0001f48a", 5_000),
        "hello " * 300 + "selling m30 blues, cashapp, telegram @plug " + "hello " * 300,
        _rep("oxy ", 3_000),
        "oxy 30 for sale, text me",
        _rep("ab cd ", 4_000) + " percs 10 each dm me",
    ]
    calls: list[int] = []
    real = Model._raw_scores

    def counting(self: Model, windows: list[str], *, cascade: bool) -> object:
        calls.append(len(windows))
        return real(self, windows, cascade=cascade)

    monkeypatch.setattr(Model, "_raw_scores", counting)
    deduped = model.decision_function(texts)
    scored_once = sum(calls)
    calls.clear()
    monkeypatch.setattr(Model, "_unique_raw_scores", counting)
    every_window = model.decision_function(texts)
    # Equal up to the last bit or two: the same window summed in a batch of another size may round differently.
    np.testing.assert_allclose(deduped, every_window, rtol=1e-12, atol=1e-12)
    assert scored_once * 5 < sum(calls)
