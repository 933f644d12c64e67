"""The synthetic corpus: a grammar of slots, post kinds, platform styles, languages and noise.

``generate_corpus(n, seed)`` draws, for each row, a label, a kind, a language and an obfuscation level
from the corpus stream, then renders the post from its own ``seed`` with ``render_post``. The content
and the noise use separate random streams, so the same post can be re-rendered at another obfuscation
level (``render_post(template, lang, seed, 0)``) to see exactly what the noise changed.
"""

from __future__ import annotations

import bisect
import gzip
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import accumulate
from pathlib import Path

import pandas as pd

from pillscan.errors import InputError
from pillscan.generate.grammar import Ctx
from pillscan.generate.kinds import FAMILIES, KIND_LABEL, families_for, kind_weights
from pillscan.generate.noise import obfuscate
from pillscan.generate.platforms import PLATFORMS, style

__all__ = [
    "COLUMNS",
    "FAMILIES",
    "KIND_LABEL",
    "PLATFORMS",
    "Post",
    "corpus_format",
    "generate_corpus",
    "near_duplicate_key",
    "render_post",
    "write_corpus",
]

log = logging.getLogger(__name__)

COLUMNS = ("id", "text", "label", "kind", "platform", "lang", "drugs", "tactics", "obfuscation", "template", "seed")
DEFAULT_OBFUSCATION = (0.4, 0.3, 0.2, 0.1)
DEFAULT_LANG_WEIGHTS = {"en": 0.8, "es": 0.2}
# Words the noise targets besides drug names: evaders hide these too, and so do negatives' authors.
_NOISE_TARGETS = frozenset(
    ("selling", "sell", "cashapp", "snap", "telegram", "pills", "plug", "menu", "prescription", "order", "vendo")
)
_NOISE_SALT = 0x5DEECE66D
_MAX_TRIES = 40
_NEAR_DUP = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class Post:
    """One generated row."""

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


def near_duplicate_key(text: str) -> str:
    """The text lower-cased with digits, punctuation and emoji removed (for near-duplicate checks)."""
    return " ".join(_NEAR_DUP.sub(" ", text.lower()).split())


def _weighted(rng: random.Random, items: Sequence[str], cum: Sequence[float]) -> str:
    return items[min(bisect.bisect_left(cum, rng.random() * cum[-1]), len(items) - 1)]


def render_post(template: str, lang: str, seed: int, obfuscation: int = 0) -> Post:
    """Render one post of a template family from its seed, at an obfuscation level (0-3).

    The text before noise depends only on ``(template, lang, seed)``.
    """
    fam = FAMILIES.get(template)
    if fam is None:
        raise InputError(f"unknown template family {template!r}")
    if lang not in fam.langs:
        raise InputError(f"template {template!r} does not write {lang!r} (it writes {', '.join(fam.langs)})")
    if obfuscation not in (0, 1, 2, 3):
        raise InputError(f"obfuscation level must be 0-3, got {obfuscation}")
    rng = random.Random(seed)
    names = [p for p, _ in fam.platforms]
    platform = _weighted(rng, names, list(accumulate(w for _, w in fam.platforms)))
    ctx = Ctx(rng, lang, platform)
    text = style(fam.build(ctx), ctx)
    keys = set(_NOISE_TARGETS)
    for k in ctx.keywords:
        for w in k.lower().split():
            if len(w) >= 3:
                keys.add(w)
    text, noise_tactics = obfuscate(text, obfuscation, random.Random(seed ^ _NOISE_SALT), keys)
    tactics = sorted(ctx.tactics | noise_tactics)
    return Post(
        text=text,
        label=fam.label,
        kind=fam.kind,
        platform=platform,
        lang=lang,
        drugs=";".join(ctx.drugs),
        tactics=";".join(tactics),
        obfuscation=obfuscation,
        template=fam.name,
        seed=seed,
    )


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
    """
    if n < 0:
        raise InputError(f"n must be >= 0, got {n}")
    if not 0.0 <= positive_rate <= 1.0:
        raise InputError(f"positive_rate must be between 0 and 1, got {positive_rate}")
    langs = tuple(langs)
    unknown = [x for x in langs if x not in DEFAULT_LANG_WEIGHTS]
    if not langs or unknown:
        raise InputError(f"languages must be among en, es; got {', '.join(langs) or 'none'}")
    weights = list(obfuscation) if obfuscation is not None else list(DEFAULT_OBFUSCATION)
    if len(weights) != 4 or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise InputError("obfuscation needs 4 non-negative weights for levels 0,1,2,3 (e.g. 0.4,0.3,0.2,0.1)")
    lw = list(lang_weights) if lang_weights is not None else [DEFAULT_LANG_WEIGHTS[x] for x in langs]
    if len(lw) != len(langs) or any(w < 0 for w in lw) or sum(lw) <= 0:
        raise InputError("lang_weights needs one non-negative weight per language")

    rng = random.Random(seed)
    obf_cum = list(accumulate(weights))
    lang_cum = list(accumulate(lw))
    levels = ("0", "1", "2", "3")
    tables: dict[tuple[int, str], tuple[list[str], list[float]]] = {}
    for label in (0, 1):
        for lang in langs:
            kw = kind_weights(label, lang)
            tables[label, lang] = (list(kw), list(accumulate(kw.values())))
    fam_tables: dict[tuple[str, str], tuple[list[str], list[float]]] = {}

    seen: set[str] = set()
    seen_near: set[str] = set()
    near_budget = int(max_near_duplicates * n)
    rows: list[Post] = []
    redrawn = 0
    for i in range(n):
        label = 1 if rng.random() < positive_rate else 0
        lang = _weighted(rng, langs, lang_cum)
        kinds, kcum = tables[label, lang]
        kind = _weighted(rng, kinds, kcum)
        level = int(_weighted(rng, levels, obf_cum))
        if (kind, lang) not in fam_tables:
            fams = families_for(kind, lang)
            fam_tables[kind, lang] = ([f.name for f in fams], list(accumulate(f.weight for f in fams)))
        fnames, fcum = fam_tables[kind, lang]
        for attempt in range(_MAX_TRIES * 5):
            if attempt == _MAX_TRIES * 3:
                # This kind is exhausted for this language: let another kind of the same label fill the row.
                kind = _weighted(rng, kinds, kcum)
                fams = families_for(kind, lang)
                fnames, fcum = [f.name for f in fams], list(accumulate(f.weight for f in fams))
            template = _weighted(rng, fnames, fcum)
            post = render_post(template, lang, rng.getrandbits(48), level)
            if post.text in seen or len(post.text.strip()) < 2:
                redrawn += 1
                continue
            key = near_duplicate_key(post.text)
            if key in seen_near:
                if attempt < _MAX_TRIES or near_budget <= 0:
                    redrawn += 1
                    continue
                near_budget -= 1
            break
        else:
            raise InputError(f"could not draw a unique {kind}/{lang} post for row {i}: the grammar is exhausted")
        seen.add(post.text)
        seen_near.add(key)
        rows.append(post)
        if (i + 1) % 20000 == 0:
            log.info("generated %d/%d rows", i + 1, n)
    log.info("generated %d rows (%d redrawn as duplicates)", n, redrawn)
    width = max(6, len(str(n)))
    df = pd.DataFrame([asdict(p) for p in rows], columns=list(COLUMNS[1:]))
    df.insert(0, "id", [f"syn-{seed}-{i:0{width}d}" for i in range(len(rows))])
    return df.astype({"label": "int64", "obfuscation": "int64", "seed": "int64"})


def corpus_format(path: str | Path) -> str:
    """The file format for a corpus path: ``csv``, ``jsonl`` or ``parquet`` (InputError otherwise)."""
    name = Path(path).name.lower()
    for fmt, exts in (("csv", (".csv", ".csv.gz")), ("jsonl", (".jsonl", ".jsonl.gz")), ("parquet", (".parquet",))):
        if name.endswith(exts):
            return fmt
    raise InputError(
        f"cannot write {Path(path).name}: unknown extension; use .csv, .csv.gz, .jsonl, .jsonl.gz or .parquet"
    )


def write_corpus(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a corpus as CSV, JSONL or Parquet, chosen by extension (``.csv[.gz]``, ``.jsonl[.gz]``, ``.parquet``)."""
    p = Path(path)
    name = p.name.lower()
    fmt = corpus_format(p)
    if fmt == "csv":
        # mtime=0 keeps the gzip header, and so the file, identical for a seed.
        gz = {"method": "gzip", "mtime": 0} if name.endswith(".gz") else None
        df.to_csv(p, index=False, compression=gz)
    elif fmt == "jsonl":
        text = df.to_json(orient="records", lines=True, force_ascii=False)
        data = text.encode("utf-8")
        if name.endswith(".gz"):
            with gzip.GzipFile(p, "wb", mtime=0) as fh:
                fh.write(data)
        else:
            p.write_bytes(data)
    elif name.endswith(".parquet"):
        df.to_parquet(p, index=False)
    else:
        raise InputError(f"cannot write {p.name}: unknown extension; use .csv, .csv.gz, .jsonl, .jsonl.gz or .parquet")
    return p
