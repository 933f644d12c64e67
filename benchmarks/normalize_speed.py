"""Throughput of normalize_text, signal_counts and extract_signals on one core (posts per second).

Usage: python benchmarks/normalize_speed.py [--n 20000] [--seed 0]

The posts are generated here: varied ~150-character mixes of plain words, drug and cue words from the
lexicons, prices, handles, URLs, emoji and (for a share of them) obfuscation, so nothing is cached twice.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence

from pillscan.lexicon import load_lexicon
from pillscan.normalize import normalize_many, normalize_text
from pillscan.signals import extract_signals, normalize_and_count, signal_counts

PLAIN = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "you",
    "that",
    "it",
    "he",
    "was",
    "for",
    "on",
    "are",
    "as",
    "with",
    "his",
    "they",
    "at",
    "be",
    "this",
    "from",
    "have",
    "or",
    "one",
    "had",
    "by",
    "word",
    "but",
    "not",
    "what",
    "all",
    "were",
    "we",
    "when",
    "your",
    "can",
    "said",
    "there",
    "use",
    "an",
    "each",
    "which",
    "she",
    "do",
    "how",
    "their",
    "if",
    "will",
    "up",
    "other",
    "about",
    "out",
    "many",
    "then",
    "them",
    "these",
    "so",
    "some",
    "her",
    "would",
    "make",
    "like",
    "him",
    "into",
    "time",
    "has",
    "look",
    "two",
    "more",
    "go",
    "see",
    "number",
    "no",
    "way",
    "could",
    "people",
    "my",
    "than",
    "first",
    "water",
    "been",
    "call",
    "who",
    "oil",
    "its",
    "now",
    "find",
    "long",
    "down",
    "day",
    "did",
    "get",
    "come",
]
EMOJI = "💊🔌💰🔥💯📦✈️🚚👻📲🔵💙🅿️🍫📚⚡😂🙏❤️👀🎉✨"
HOMOGLYPH = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х"}


def sample_posts(n: int, seed: int, offer_share: float = 1.0) -> list[str]:
    """``n`` varied posts of about 150 characters; ``offer_share`` of them dense with drug and sale words."""
    rng = random.Random(seed)
    lex = load_lexicon()
    drug_words = [f for d in lex.drugs for f in d.names + d.imprints]
    cue_words = [f for names in lex.cues.values() for forms in names.values() for f in forms]
    posts = []
    for i in range(n):
        words: list[str] = []
        offer = rng.random() < offer_share
        while sum(len(w) + 1 for w in words) < 150:
            r = rng.random() if offer else rng.choice((0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.85))
            if r < 0.55:
                words.append(rng.choice(PLAIN))
            elif r < 0.68:
                words.append(rng.choice(drug_words))
            elif r < 0.8:
                words.append(rng.choice(cue_words))
            elif r < 0.88:
                words.append("".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 3))))
            elif r < 0.92:
                words.append(f"${rng.randint(5, 400)}")
            elif r < 0.95:
                words.append(f"@user{rng.randint(0, 99999)}")
            elif r < 0.97:
                words.append(f"https://t.me/ch{rng.randint(0, 9999)}")
            else:
                words.append(f"{rng.choice([10, 20, 50, 100])}x")
        post = " ".join(words)
        kind = i % 10
        if kind == 0:  # leetspeak
            post = post.replace("a", "4").replace("o", "0")
        elif kind == 1:  # homoglyphs
            post = "".join(HOMOGLYPH.get(c, c) if rng.random() < 0.3 else c for c in post)
        elif kind == 2:  # upper case and zero-width
            post = post.upper().replace(" ", " \u200b", 3)
        posts.append(post)
    return posts


def rate(fn: Callable[[Sequence[str]], object], posts: list[str]) -> float:
    """Posts per second of ``fn`` applied to the whole batch."""
    start = time.perf_counter()
    fn(posts)
    return len(posts) / (time.perf_counter() - start)


def main() -> None:
    """Print a small table of throughputs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warm = sample_posts(2000, args.seed + 1)  # fill the per-character caches, as a long scan would
    for p in warm:
        normalize_text(p)
        extract_signals(p)
    rows = [
        ("normalize_text", lambda ps: [normalize_text(p) for p in ps]),
        ("normalize_many", normalize_many),
        ("signal_counts", signal_counts),
        ("normalize_and_count", normalize_and_count),
        ("extract_signals", lambda ps: [extract_signals(p) for p in ps]),
    ]
    mixes = {"offer-dense": 1.0, "everyday (10% offers)": 0.1}
    samples = {mix: sample_posts(args.n, args.seed, share) for mix, share in mixes.items()}
    mean_len = sum(len(p) for ps in samples.values() for p in ps) / (len(mixes) * args.n)
    print(f"{args.n} posts per mix, mean {mean_len:.0f} characters, one core; posts/s")
    print(f"{'function':<20}" + "".join(f"{mix:>24}" for mix in mixes))
    for name, fn in rows:
        print(f"{name:<20}" + "".join(f"{rate(fn, samples[mix]):>24,.0f}" for mix in mixes))


if __name__ == "__main__":
    main()
