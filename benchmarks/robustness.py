"""Adversarial robustness: recall on held-out offers under evasion attacks, next to the keyword baselines.

Run:  python benchmarks/robustness.py [--n 7000] [--seed 7] [--model models/pillscan-default.joblib]

Held-out offers are label-1 rows at obfuscation level 0 of a corpus generated with a seed the default model was
not trained on (it uses seed 0); as many label-0 rows give the false-alarm rate of each attack. Every attack is a
small pure function of (text, rng); drug-name spans come from the lexicon, so the attacks hit what matters.
Prints a markdown table: recall of pillscan at its offer threshold and at offer+review, recall of the two keyword
baselines, pillscan's false-alarm rate on attacked non-offers, and how many rows each attack changed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from pillscan.baselines import names_a_pill, pill_and_sale_cue
from pillscan.generate import generate_corpus
from pillscan.lexicon import load_lexicon
from pillscan.model import load_model

Attack = Callable[[str, random.Random], str]

# --- drug-name spans -------------------------------------------------------------------------------------------


@cache
def drug_name_pattern() -> re.Pattern[str]:
    """Brand, generic, slang and misspelled names of in-scope drugs (no ambiguous everyday words), longest first."""
    lex = load_lexicon()
    names = {
        form.lower()
        for drug in lex.in_scope_drugs
        for form in (*drug.brands, *drug.generics, *drug.slang, *drug.misspellings, *drug.es)
        if len(form) >= 3
    }
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?i)(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")


def attack_names(text: str, rng: random.Random, mangle: Callable[[str, random.Random], str]) -> str:
    """Apply ``mangle`` to every drug name in ``text``."""
    return drug_name_pattern().sub(lambda m: mangle(m.group(0), rng), text)


# --- the attacks (each pure: same text and seed, same output) ---------------------------------------------

HOMOGLYPHS = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "k": "κ", "n": "п",
    "A": "А", "E": "Е", "O": "Ο", "P": "Р", "C": "С", "X": "Χ", "T": "Т", "M": "М", "H": "Н", "B": "В",
}  # fmt: skip
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "l": "1"}
EMOJI = [
    (re.compile(r"(?i)\bpills?\b"), "💊"),
    (re.compile(r"(?i)\bplugs?\b"), "🔌"),
    (re.compile(r"(?i)\bbars?\b"), "🍫"),
    (re.compile(r"(?i)\bperc(?:s|ocets?|30s?)?\b"), "🅿️"),
]
CHATTER = [
    "Long week honestly. Work was a mess, the printer broke twice and my manager kept scheduling meetings about "
    "meetings. Finally got the car back from the shop, new brakes and a weird noise they say is normal. Weekend "
    "plan is laundry, a long walk with the dog and maybe that new taco place downtown if the line isn't crazy. "
    "Anyone watching the game tonight? My cousin swears they'll win but I have my doubts after last season.",
    "Quick update for everyone in the group: the barbecue moved to Sunday because of the rain, same address, bring "
    "a chair if you have one. Kids can swim if it gets warm. Maria is doing her famous potato salad and Jay said "
    "he'd handle the music, so expect a lot of old-school stuff. Parking is on the street, the driveway is taken. "
    "Let me know if you have allergies so we can plan the food, and thanks again for all the birthday wishes!",
    "Trying to get back into running after the winter. Did 3 miles this morning, legs are dead, lungs are worse. "
    "Bought new shoes that feel great though. Also started reading again, halfway through a mystery novel my aunt "
    "recommended, no spoilers please. Garden is finally coming in, tomatoes everywhere and way too much zucchini, "
    "so if anyone wants some just say the word. Rent went up again which is fun. Anyway hope everyone is good.",
]  # everyday words only; "shop" and "lot" happen to be keyword-baseline sale cues, as in real chatter


def char_swap(text: str, rng: random.Random) -> str:
    """Swap two adjacent letters inside each drug name (xanax -> xnaax)."""

    def mangle(name: str, r: random.Random) -> str:
        if len(name) < 4:
            return name
        i = r.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]

    return attack_names(text, rng, mangle)


def homoglyphs(text: str, rng: random.Random) -> str:
    """Replace Latin letters of drug names with Cyrillic/Greek lookalikes."""
    return attack_names(text, rng, lambda name, r: "".join(HOMOGLYPHS.get(c, c) for c in name))


def spacing(text: str, rng: random.Random) -> str:
    """Space out the letters of drug names (x a n a x)."""
    return attack_names(text, rng, lambda name, r: " ".join(name.replace(" ", "")))


def dotting(text: str, rng: random.Random) -> str:
    """Dot the letters of drug names (x.a.n.a.x)."""
    return attack_names(text, rng, lambda name, r: ".".join(name.replace(" ", "")))


def leetspeak(text: str, rng: random.Random) -> str:
    """Leetspeak drug names (xanax -> x4n4x, percocet -> p3rc0c37)."""
    return attack_names(text, rng, lambda name, r: "".join(LEET.get(c.lower(), c) for c in name))


def zero_width(text: str, rng: random.Random) -> str:
    """Hide zero-width characters between the letters of drug names."""
    return attack_names(text, rng, lambda name, r: "".join(c + r.choice("\u200b\u200c\u200d\u2060") for c in name))


def emoji_code(text: str, rng: random.Random) -> str:
    """Emoji for the words: 💊 pills, 🔌 plug, 🍫 bars, 🅿️ perc."""
    for pattern, emoji in EMOJI:
        text = pattern.sub(emoji, text)
    return text


def innocent_text(text: str, rng: random.Random) -> str:
    """Bury the offer in a long post of ordinary chatter (a paragraph before and after)."""
    before, after = rng.sample(CHATTER, 2)
    return f"{before}\n\n{text}\n\n{after}"


def innocent_inline(text: str, rng: random.Random) -> str:
    """Bury the offer mid-text with no paragraph breaks, so it cannot be scored as a paragraph of its own."""
    before, after = rng.sample(CHATTER, 2)
    flat = " ".join(text.split())
    return f"{' '.join(before.split())} {flat} {' '.join(after.split())}"


def line_split(text: str, rng: random.Random) -> str:
    """Split drug names across lines (xan\\nax)."""

    def mangle(name: str, r: random.Random) -> str:
        if len(name) < 4:
            return name
        i = r.randrange(2, len(name) - 1)
        return name[:i] + "\n" + name[i:]

    return attack_names(text, rng, mangle)


def fullwidth(text: str, rng: random.Random) -> str:
    """Fullwidth letters in drug names (ｘａｎａｘ)."""
    return attack_names(
        text, rng, lambda name, r: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    )


NAME_ATTACKS: list[Attack] = [char_swap, homoglyphs, spacing, dotting, leetspeak, zero_width, line_split, fullwidth]


def combined(text: str, rng: random.Random) -> str:
    """Everything at once: a random name attack per drug name, emoji code, then buried inline in chatter."""

    def mangle(name: str, r: random.Random) -> str:
        return r.choice(NAME_ATTACKS)(name, r)

    return innocent_inline(emoji_code(attack_names(text, rng, mangle), rng), rng)


ATTACKS: dict[str, Attack] = {
    "clean": lambda text, rng: text,
    "character swaps": char_swap,
    "homoglyphs": homoglyphs,
    "spaced letters": spacing,
    "dotted letters": dotting,
    "leetspeak": leetspeak,
    "zero-width chars": zero_width,
    "emoji substitution": emoji_code,
    "inserted innocent text (paragraphs)": innocent_text,
    "inserted innocent text (inline)": innocent_inline,
    "names split across lines": line_split,
    "fullwidth letters": fullwidth,
    "all combined": combined,
}


def apply(attack: Attack, texts: list[str], seed: int) -> list[str]:
    """Attack every text with its own seeded generator (row i always gets the same attack)."""
    return [attack(text, random.Random(seed * 1_000_003 + i)) for i, text in enumerate(texts)]


# --- the benchmark ---------------------------------------------------------------------------------------------


def held_out(n: int, seed: int) -> tuple[list[str], list[str]]:
    """Label-1 rows at obfuscation 0 and as many label-0 rows of a corpus generated with ``seed``."""
    df = generate_corpus(n, seed=seed)
    offers = df[(df["label"] == 1) & (df["obfuscation"] == 0)]["text"].tolist()
    others = df[df["label"] == 0]["text"].head(len(offers)).tolist()
    return offers, others


def markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub markdown table (numbers right-aligned)."""
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join(":---" if i == 0 else "---:" for i in range(len(frame.columns))) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def main(argv: list[str] | None = None) -> int:
    """Run the attack suite and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=7000, help="rows to generate (about 1/7 are clean offers)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (not 0: the default model's)")
    parser.add_argument("--model", default=None, help="model file (default: the bundled model)")
    args = parser.parse_args(argv)

    print(
        f"`python benchmarks/robustness.py --n {args.n} --seed {args.seed}`"
        + (f" --model {args.model}" if args.model else "")
    )
    print()
    started = time.perf_counter()
    model = load_model(args.model)
    offer_at, review_at = model.thresholds["offer"], model.thresholds["review"]
    offers, others = held_out(args.n, args.seed)
    rows = []
    clean_recall = None
    for name, attack in ATTACKS.items():
        attacked = apply(attack, offers, args.seed)
        attacked_neg = apply(attack, others, args.seed + 1)
        changed = np.array([a != o for a, o in zip(attacked, offers, strict=True)])
        probs = model.predict_proba(attacked)
        neg_probs = model.predict_proba(attacked_neg)
        recall = float(np.mean(probs >= offer_at))
        if name == "clean":
            clean_recall = recall
        rows.append(
            {
                "attack": name,
                "rows changed": f"{changed.mean():.0%}",
                "pillscan recall (offer)": f"{recall:.3f}",
                "recall on changed rows": f"{np.mean(probs[changed] >= offer_at):.3f}" if changed.any() else "-",
                "pillscan recall (offer+review)": f"{np.mean(probs >= review_at):.3f}",
                "names_a_pill": f"{np.mean(names_a_pill(attacked)):.3f}",
                "pill_and_sale_cue": f"{np.mean(pill_and_sale_cue(attacked)):.3f}",
                "pillscan false alarms (offer)": f"{np.mean(neg_probs >= offer_at):.3f}",
                "target_recall": recall,
            }
        )
    table = pd.DataFrame(rows)
    print(markdown(table.drop(columns="target_recall")))
    print()
    print(
        f"{len(offers)} held-out offers and {len(others)} non-offers (seed {args.seed}); model {model.name}, "
        f"offer >= {offer_at:.4f}, review >= {review_at:.4f}; {time.perf_counter() - started:.0f} s"
    )
    misses = table[table["target_recall"] < 0.85]
    target = (
        "met"
        if misses.empty
        else "missed by: "
        + ", ".join(
            f"{r.attack} {r.target_recall:.3f} (short by {0.85 - r.target_recall:.3f})" for r in misses.itertuples()
        )
    )
    print(f"target recall >= 0.85 under every attack (clean {clean_recall:.3f}): {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
