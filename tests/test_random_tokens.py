"""Random tokens (hashes, base64, UUIDs, tracking numbers, codes, wallets) are neither leetspeak nor offers.

Issue 12 (precision): 2,000 random base64 strings gave 64 offers and 1,828 reviews, each with no drug and only
"obfuscated spelling: leetspeak". Leetspeak is now undone only where it spells a lexicon word, and the
generator writes such tokens into negatives and offers alike (pillscan.generate.tokens).
"""

from __future__ import annotations

import base64
import random
import string
from collections import Counter
from collections.abc import Callable

import pytest

from pillscan.model import load_model
from pillscan.normalize import normalize_text
from pillscan.signals import extract_signals

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b64(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(rng.choice([9, 16, 32, 60]))).decode()


def _hex(rng: random.Random) -> str:
    return rng.randbytes(rng.choice([4, 8, 16, 20, 32])).hex()


def _uuid(rng: random.Random) -> str:
    h = rng.randbytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _code(rng: random.Random) -> str:  # tracking, order and promo codes
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(6, 18)))


def _wallet(rng: random.Random) -> str:
    return rng.choice("13") + "".join(rng.choice(_B58) for _ in range(rng.randint(25, 33)))


def _url(rng: random.Random) -> str:
    token = base64.urlsafe_b64encode(rng.randbytes(12)).decode().rstrip("=")
    return f"https://files.example.org/s/{token}?dl={rng.randint(0, 1)}"


KINDS: list[Callable[[random.Random], str]] = [_b64, _hex, _uuid, _code, _wallet, _url]
# Contexts written for this test (not the generator's phrase pool).
SENTENCES = [
    "the parcel number is {}",
    "got this weird string in my logs: {}",
    "my coupon {} expired yesterday",
    "paste of the config: {}",
    "can anyone tell me what {} means",
    "booking reference {} for the hotel",
    "serial {} on the back of the router",
    "donations welcome {} thank you all",
    "he sent me {} and nothing else??",
    "{} (copied from the receipt)",
    "el número de seguimiento es {}",
    "{}",
]
POSITIVES = ["x4n4x", "0xy", "p3rc5", "4dd3r4ll", "0xyc0d0ne", "v4l1um", "hydr0c0d0n3", "x4n4x 2mg", "r0xy 30s"]


def _tokens(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [KINDS[i % len(KINDS)](rng) for i in range(n)]


def _in_sentences(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(SENTENCES).format(KINDS[i % len(KINDS)](rng)) for i in range(n)]


def _leet(text: str) -> bool:
    return any(s.name == "obfuscation:leetspeak" for s in extract_signals(text))


@pytest.mark.parametrize("word", POSITIVES)
def test_leetspeak_that_spells_a_drug_is_still_undone_and_named(word):
    signals = extract_signals(f"got {word} tonight")
    names = {s.name.partition(":")[0] for s in signals}
    assert "obfuscation" in names and "drug" in names, (word, normalize_text(word), signals)


def test_leetspeak_on_other_lexicon_words_is_undone():
    assert normalize_text("s3ll1ng ch34p, t0d0 el p4is") == "selling ch34p, todo el pais"  # "cheap" is no cue
    assert _leet("s3ll1ng")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_random_tokens_are_not_leetspeak(kind):
    rng = random.Random(7)
    tokens = [kind(rng) for _ in range(2000)]
    flagged = [t for t in tokens if _leet(t)]
    # A short hex group can still spell a word ("0ff5" → "offs"): a handful, never the bulk (was 27-100%).
    assert len(flagged) < 20, flagged[:10]


@pytest.mark.parametrize("kind", KINDS[:-1], ids=lambda k: k.__name__)  # (a link is a urltoken first)
def test_random_tokens_become_one_placeholder(kind):
    rng = random.Random(3)
    tokens = [kind(rng) for _ in range(500)]
    shown = Counter(normalize_text(f"ref {t} ok") for t in tokens)
    # A code with no piece of 8+ letters and digits holding two or more of each stays as it is (a short base64
    # string cut into short pieces by "+" and "/", a code of 6 or 7 characters, one with a single digit).
    assert shown["ref codetoken ok"] >= 0.7 * len(tokens), shown.most_common(5)


def test_what_is_no_code_stays():
    text = "xanax2mg 100mg oxy-30mg-blues iphone15 gg249 M30 R039 10/325 2024-01-15 x4n4x/p3rc5 0xyc0d0ne qxjampnv"
    assert normalize_text(text) == (
        "xanax2mg 100mg oxy-30mg-blues iphone15 gg249 m30 r039 10/325 2024-01-15 xanax/percs oxycodone qxjampnv"
    )
    # Heavy leetspeak (8 for b, 9 for g, 1 for l) and a pill glued to numbers are no codes either.
    glued = "8upren0rph1ne 9a8ap3n7in oxy30x100 percs10x100"
    assert normalize_text(glued) == glued
    assert normalize_text("order 1Z999AA10123456784, ref 70f6cb42-cd3a-60d4-4dd8-b0dbdec71f62.") == (
        "order codetoken , ref codetoken ."
    )


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.mark.parametrize("make", [_tokens, _in_sentences], ids=["alone", "in sentences"])
def test_random_tokens_are_no_offers_and_rarely_review(model, make):
    texts = make(12, 2000)
    results = model.score(texts)
    decisions = Counter(r.decision for r in results)
    offers = [t for t, r in zip(texts, results, strict=True) if r.decision == "offer"]
    assert not offers, offers[:5]
    assert decisions["review"] < 20, [
        (r.score, t) for t, r in zip(texts, results, strict=True) if r.decision != "clean"
    ][:5]
