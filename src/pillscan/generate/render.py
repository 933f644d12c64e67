"""One row of the corpus: render a post of a template family from its seed, at a noise level."""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Sequence
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from pillscan.errors import InputError
from pillscan.generate.grammar import Ctx
from pillscan.generate.kinds import FAMILIES
from pillscan.generate.noise import obfuscate
from pillscan.generate.platforms import style

__all__ = ["Post", "near_duplicate_key", "render_post"]

# Words the noise targets besides drug names: evaders hide these too, and so do negatives' authors.
_NOISE_TARGETS = frozenset(
    ("selling", "sell", "cashapp", "snap", "telegram", "pills", "plug", "menu", "prescription", "order", "vendo")
)
_NOISE_SALT = 0x5DEECE66D
# The twins of a minimal pair are styled from one stream, so they differ only where their frames differ.
_STYLE_SALT = 0x2545F491
_NEAR_DUP = re.compile(r"[\W\d_]+")


class Post(NamedTuple):
    """One generated row (without its ``id``)."""

    text: str
    label: int
    kind: str
    platform: str
    lang: str
    drugs: str
    tactics: str
    obfuscation: int
    template: str
    seed: int
    # ``template:seed`` for the rows of a minimal pair (same core sentence, other frames), else "".
    pair: str
    # What the post does with its subject: supply (every offer), demand, report, warning, use, joke, or "".
    frame: str
    # The Unicode letter style a family wrote with (``plain`` unless it used one; noise is in ``tactics``).
    style: str


def near_duplicate_key(text: str) -> str:
    """The text lower-cased with digits, punctuation and emoji removed (for near-duplicate checks)."""
    return " ".join(_NEAR_DUP.sub(" ", text.lower()).split())


def weighted(rng: random.Random, items: Sequence[str], cum: Sequence[float]) -> str:
    """One of ``items`` drawn with cumulative weights ``cum``."""
    return items[min(bisect.bisect_left(cum, rng.random() * cum[-1]), len(items) - 1)]


@cache
def _platform_table(template: str) -> tuple[list[str], list[float]]:
    fam = FAMILIES[template]
    return [p for p, _ in fam.platforms], list(accumulate(w for _, w in fam.platforms))


def render_post(template: str, lang: str, seed: int, obfuscation: int = 0, frame: str | None = None) -> Post:
    """Render one post of a template family from its seed, at an obfuscation level (0-3).

    The text before noise depends only on ``(template, lang, seed, frame)``. ``frame`` picks one twin of a
    minimal-pair family (default: its first frame, the offer); other families have no frames.
    """
    fam = FAMILIES.get(template)
    if fam is None:
        raise InputError(f"unknown template family {template!r}")
    if lang not in fam.langs:
        raise InputError(f"template {template!r} does not write {lang!r} (it writes {', '.join(fam.langs)})")
    if obfuscation not in (0, 1, 2, 3):
        raise InputError(f"obfuscation level must be 0-3, got {obfuscation}")
    kind, label, pair, asked = fam.kind, fam.label, "", None
    if fam.frames:
        frames = {f: (k, lab) for f, k, lab in fam.frames}
        frame = frame or fam.frames[0][0]
        if frame not in frames:
            raise InputError(f"template {template!r} has no frame {frame!r} (it has {', '.join(frames)})")
        kind, label = frames[frame]
        pair = f"{template}:{seed}"
    else:
        asked, frame = frame, "supply" if label == 1 else ""
    rng = random.Random(seed)
    names, cum = _platform_table(template)
    platform = weighted(rng, names, cum)
    ctx = Ctx(rng, lang, platform)
    ctx.frame = frame
    draft = fam.build(ctx)
    frame = ctx.frame  # a family may say what its post does (tweet_pills_use: "use")
    if not fam.frames and asked and asked != frame:
        raise InputError(f"template {template!r} is not a minimal-pair family; it writes no frame {asked!r}")
    if fam.frames:
        ctx.rng = random.Random(seed ^ _STYLE_SALT)
    text = style(draft, ctx)
    drugs, tactics = ctx.settle(text)
    keys = set(_NOISE_TARGETS)
    for k in ctx.keywords:
        for w in k.lower().split():
            if len(w) >= 3:
                keys.add(w)
    text, noise_tactics = obfuscate(text, obfuscation, random.Random(seed ^ _NOISE_SALT), keys)
    return Post(
        text=text,
        label=label,
        kind=kind,
        platform=platform,
        lang=lang,
        drugs=";".join(drugs),
        tactics=";".join(sorted(set(tactics) | noise_tactics)),
        obfuscation=obfuscation,
        template=fam.name,
        seed=seed,
        pair=pair,
        frame=frame,
        style=ctx.style,
    )
