"""Record what normalize_text, normalize_with_flags, signal_counts and extract_signals return today.

Usage: python tests/data/make_preprocess_fixture.py   (writes tests/data/preprocess_fixture.json.xz)

The fixture pins the outputs of the reference implementation so that speed work can be checked to change
nothing (tests/test_preprocess_regression.py). It stores the inputs (so it does not depend on the generator
staying the same) and a copy of the lexicons the outputs were computed with (so it does not go stale when
the lexicons grow: the test reloads the signal matcher from this copy). Regenerate it only when a change
of behaviour is intended, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import random
import sys
from importlib import resources
from pathlib import Path

from pillscan.generate import generate_corpus
from pillscan.normalize import normalize_text, normalize_with_flags
from pillscan.signals import extract_signals, signal_counts

FIXTURE = Path(__file__).with_name("preprocess_fixture.json.xz")

ODD = [
    "",
    " ",
    "\t\n\r",
    "\ud800",
    "a\udfffb",
    "\x00\x01\x7f abc\x1b",
    "\u202e\u2066evil",
    "🏳️‍🌈" * 20,
    "ǅ İ ß ﬁ ㎒ Å ½ ™ ℌ",
    "\U0010ffff",
    "x" * 10,
    "X 4 N 4 X x.a.n.a.x x-a-n-a-x x*a*n*a*x x~a~n~a~x x|a|n|a|x x•a•n•a•x x·a·n·a·x",
    "1 2 3 4 a b c d 1.2.3 a.1.b.2",
    "ca$happ $20 $ 20 20$ 20 usd 20 dollars 300 pesos $1,200.50 €15 £10 20eur 5 bucks 100 mxn",
    "call (555) 123-4567 or +1 555.123.4567 or 5551234567, mail me: plug22@proton.me @plug.22 @_x_",
    "https://t.me/plugxyz www.pills-shop.com/buy?x=1 shop.example.org/path. (wa.me/1555) http://a.b",
    "xaaaanax cheeeeap zannnnies xannax sooooo 0xyc0d0ne perc0 p3rc5 t3s m30 m 30 10/325 7.5/325 2mg 0.5 mg",
    "ｘａｎａｘ 𝐱𝐚𝐧𝐚𝐱 𝔁𝓪𝓷𝓪𝔁 хanax ѕnаp хаnах xa\u200bn\u200dax x\u00adanax",
    "💊🔌💰🔥💯📦✈️🚚👻📲🔵💙🅿️🍫📚⚡😂🙏❤️👀🎉✨ 👍🏽 🇺🇸 1️⃣ ©®°¦",
    "Envío rápido sin receta, MÉDICA, pastillas, ¿quieres? ¡sí!",
    "5 pm 2 wa sc pm, snap me, snapchat, tele, wickr, signal",
    "$$$ @@@ ... --- *** ~~~ ||| ••• ··· 4444 0000 @$@$",
    "a" * 300 + " " + "b a r s " * 30,
    "90 bars 100 percs 50 tabs qty 50 x100 100x cantidad: 20 20 pastillas",
    "M30 blues and Percocet 10/325, also 2mg bars",
    "Police seized 5,000 counterfeit oxycodone pills stamped M30 that contained fentanyl, officials said.",
    "l33t sp34k w1th numb3rs 2nd 3rd 4th 5k 10x 1990s 24/7 9/11 3.14",
    "\u3000full\u3000width\u3000space\u00a0nbsp\u2028line\u2029para\u0085nel",
    "A\u0301 e\u0308 n\u0303 combining \u20dd enclosing",
    "\ufeffbom at start and \u200b\u200b\u200b zero widths \u2060",
]


def random_strings(n: int, seed: int) -> list[str]:
    """Seeded strings mixing ASCII, Latin-1, Cyrillic, Greek, fullwidth, math letters, emoji and controls."""
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,-*~|$@/:()+",
        "áéíóúñüçàèÉÑ¿¡ßøåæ",
        "авеёкмнорстухіїјѕһԁӏпгиАВЕКМНОРСТХ",
        "αβεηικνορτυχγωμΑΒΕΗΙΚΝΟΡΤΥΧ",
        "ｘａｎ０１２ＡＢＣ\u3000",
        "𝐱𝐚𝐧𝔁𝓪𝓷",
        "💊🔌💰🔥📦✈🚚👻📲🔵💙🅿🍫📚⚡😂❤\ufe0f\u200d🏽",
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u0301\u0308\x00\x07\x1b\x7f\t\n\u2028\u00a0",
    ]
    out = []
    for _ in range(n):
        length = rng.randint(0, 60)
        weights = [rng.random() for _ in pools]
        weights[0] += 2
        out.append("".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(length)))
    return out


def inputs() -> list[str]:
    """The recorded inputs: generated posts, benchmark-style mixes, hand-written oddities, random strings."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from normalize_speed import sample_posts

    texts = list(generate_corpus(2000, seed=3)["text"])
    texts += sample_posts(300, seed=7, offer_share=0.5)
    texts += ODD
    texts += random_strings(400, seed=11)
    return texts


def digest(text: str) -> str:
    """A short fingerprint of a normalised text (the texts themselves would not fit the size budget)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def record(texts: list[str]) -> dict:
    """Outputs of the four functions for ``texts``."""
    return {
        "texts": texts,
        "normalized": [digest(normalize_text(t)) for t in texts],
        "flags": [normalize_with_flags(t)[1] for t in texts],
        "counts": [[int(v) for v in row] for row in signal_counts(texts)],
        "signals": [[[s.name, s.start, s.end] for s in extract_signals(t)] for t in texts],
        "lexicons": {
            name: resources.files("pillscan.lexicons").joinpath(name).read_text(encoding="utf-8")
            for name in ("drugs.json", "cues.json", "intent.json")
        },
    }


def main() -> None:
    """Write the fixture."""
    data = record(inputs())
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    FIXTURE.write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))
    print(f"{FIXTURE}: {len(data['texts'])} texts, {FIXTURE.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
