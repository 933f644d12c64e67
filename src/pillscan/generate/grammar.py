"""The slot grammar: a per-post context that draws drugs, doses, prices, handles and phrases.

Every template family is a function ``(ctx) -> Draft``. The context owns the post's random stream and
records which drugs and tactics the post used, so the corpus columns come from what was actually drawn.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from pillscan.generate import vocab
from pillscan.lexicon import Drug, load_lexicon

T = TypeVar("T")

# How often each drug is drawn: the market is dominated by a few names, but every drug in the lexicon
# must show up in both labels so that no drug name on its own decides the label.
_DRUG_WEIGHT = {
    "alprazolam": 9.0,
    "oxycodone": 9.0,
    "amphetamine": 7.0,
    "hydrocodone": 4.0,
    "diazepam": 3.0,
    "clonazepam": 3.0,
    "tramadol": 3.0,
    "fentanyl": 2.0,
    "lorazepam": 2.0,
    "methylphenidate": 2.0,
    "modafinil": 2.0,
    "zolpidem": 2.0,
    "carisoprodol": 2.0,
    "pregabalin": 2.0,
    "gabapentin": 2.0,
    "buprenorphine": 2.0,
    "codeine": 2.0,
    # pharmacy-spam names that street sellers rarely use
    "phentermine": 0.6,
    "sibutramine": 0.3,
    "butalbital": 0.4,
    "phendimetrazine": 0.2,
    "diethylpropion": 0.2,
    "triazolam": 0.3,
    "chlordiazepoxide": 0.2,
    "meperidine": 0.3,
    "propoxyphene": 0.3,
}


@dataclass
class Draft:
    """A post before platform styling: optional title, body parts (lines/sentences) and hashtag words."""

    parts: list[str]
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    # Parts the platform may not drop when it shortens a post (indexes into ``parts``).
    keep: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Family:
    """A template family: a grammar for one way of writing one kind of post."""

    name: str
    kind: str
    label: int
    langs: tuple[str, ...]
    platforms: tuple[tuple[str, float], ...]
    build: Callable[[Ctx], Draft]
    weight: float = 1.0
    # Minimal-pair families: the frames the same core sentence is written in, each ``(frame, kind, label)``;
    # ``build`` reads ``ctx.frame``. The first frame is the one the family is drawn for.
    frames: tuple[tuple[str, str, int], ...] = ()


@cache
def _drug_tables() -> tuple[tuple[Drug, ...], tuple[float, ...], tuple[Drug, ...], tuple[float, ...]]:
    lex = load_lexicon()
    scope = lex.in_scope_drugs
    weights = tuple(_DRUG_WEIGHT.get(d.canonical, 1.2) for d in scope)
    life = tuple(d for d in lex.drugs if not d.in_scope)
    return scope, _cumulative(weights), life, _cumulative(tuple(1.0 for _ in life))


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return tuple(x / total for x in out)


def _pick_cum(rng: random.Random, items: Sequence[T], cum: Sequence[float]) -> T:
    r = rng.random()
    for item, c in zip(items, cum, strict=True):
        if r <= c:
            return item
    return items[-1]


class Ctx:
    """The state of one post being written: random stream, language, platform and what was used."""

    def __init__(self, rng: random.Random, lang: str, platform: str) -> None:
        self.rng = rng
        self.lang = lang
        self.platform = platform
        self.drugs: list[str] = []
        # Tactics a family asserts for the whole post (``indirect``): kept as they are.
        self.tactics: set[str] = set()
        self.keywords: list[str] = []
        # Families build their alternatives eagerly (a tuple of f-strings, then ``pick``), so a draw made in a
        # branch that was not chosen must not tag the post: tactics and drug forms are recorded with the text
        # that shows them and kept by ``settle`` only when that text is in the rendered post.
        self.marks: list[tuple[str, str]] = []
        self.forms: dict[str, list[str]] = {}
        self.frame = ""
        self.style = "plain"

    def mark(self, tactic: str, evidence: str) -> None:
        """Tag the post with ``tactic`` if ``evidence`` ends up in its text."""
        self.marks.append((tactic, evidence))

    def _form(self, d: Drug, form: str) -> None:
        self.forms.setdefault(d.canonical, []).append(form)

    def use_form(self, d: Drug, form: str, tactic: str | None = None) -> str:
        """Record that ``form`` names drug ``d`` (a phrase pool's street name), tagging ``tactic`` if it shows."""
        if d.canonical not in self.drugs:
            self.drugs.append(d.canonical)
        self._form(d, form)
        self.keywords.append(form)
        if tactic:
            self.mark(tactic, form)
        return form

    def settle(self, text: str) -> tuple[list[str], list[str]]:
        """The post's drugs and tactics: those whose evidence is in ``text`` (the post before noise)."""
        view = _View(text)
        lex_drugs = None
        drugs = []
        # A deliberately mangled name ("xnx") shows no surface form: with such evidence in the post, drugs are kept.
        mangled = any(t == "deliberate_obfuscation" and view.has(e) for t, e in self.marks)
        for canonical in self.drugs:
            if mangled:
                drugs.append(canonical)
                continue
            forms = self.forms.get(canonical, ())
            if any(view.has(f) for f in forms):
                drugs.append(canonical)
                continue
            # The family may have written the drug without ``name`` (a literal brand): look for any surface.
            if lex_drugs is None:
                lex_drugs = {d.canonical: d for d in load_lexicon().drugs}
            d = lex_drugs[canonical]
            if any(view.has(f) for f in (*d.names, *d.ambiguous_slang, *d.imprints, *d.emoji)):
                drugs.append(canonical)
        tactics = set(self.tactics)
        for tactic, evidence in self.marks:
            if tactic not in tactics and view.has(evidence):
                tactics.add(tactic)
        return drugs, sorted(tactics)

    # --- primitive draws -------------------------------------------------------------------------
    def pick(self, seq: Sequence[T]) -> T:
        """One item, uniformly."""
        return seq[int(self.rng.random() * len(seq))]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.rng.random() < p

    def some(self, seq: Sequence[T], lo: int, hi: int) -> list[T]:
        """A random subset of ``lo``..``hi`` distinct items in random order."""
        k = self.rng.randint(lo, min(hi, len(seq)))
        return self.rng.sample(list(seq), k)

    def shuffled(self, seq: Sequence[T]) -> list[T]:
        """A shuffled copy."""
        out = list(seq)
        self.rng.shuffle(out)
        return out

    def num(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        return self.rng.randint(lo, hi)

    def say(self, en: Sequence[str], es: Sequence[str]) -> str:
        """A phrase in the post's language, sometimes from the other one (code-switching)."""
        if self.lang == "es":
            if self.chance(0.12):
                return self._switched(self.pick(en))
            return self.pick(es)
        if es and self.chance(0.02):
            return self._switched(self.pick(es))
        return self.pick(en)

    def _switched(self, phrase: str) -> str:
        # The longest literal run of the phrase (slots are filled later) is what shows the switch.
        chunks = [c.strip() for c in _SLOT.split(phrase)]
        self.mark("code_switch", max(chunks, key=len) if any(chunks) else phrase)
        return phrase

    def fill(self, template: str) -> str:
        """Expand ``{slot}`` references in a phrase from the shared vocabulary pools."""
        if "{" not in template:
            return template
        return template.format_map(_Slots(self))

    # --- drugs -----------------------------------------------------------------------------------
    def drug(self, lifestyle: bool = False, exclude: Sequence[str] = ()) -> Drug:
        """A drug from the lexicon (weighted by how often it is sold), recorded in the post's drugs."""
        scope, cum, life, lcum = _drug_tables()
        for _ in range(8):
            d = _pick_cum(self.rng, life, lcum) if lifestyle else _pick_cum(self.rng, scope, cum)
            if d.canonical not in exclude:
                break
        if d.canonical not in self.drugs:
            self.drugs.append(d.canonical)
        return d

    def drugs_n(self, lo: int, hi: int) -> list[Drug]:
        """Several distinct drugs."""
        out: list[Drug] = []
        for _ in range(self.num(lo, hi)):
            out.append(self.drug(exclude=[d.canonical for d in out]))
        return out

    def name(self, d: Drug, style: str = "any") -> str:
        """A surface form of a drug: brand, generic, slang, misspelling, Spanish or imprint-based."""
        r = self.rng.random()
        if style == "formal":
            pool = d.brands + d.generics if r < 0.85 else d.generics
        elif style == "brand":
            pool = d.brands or d.generics
        elif style == "generic":
            pool = d.generics
        elif style == "street":
            pool = d.slang or d.brands
            if d.es and self.lang == "es" and r < 0.4:
                pool = d.es
        else:
            if self.lang == "es" and d.es and r < 0.25:
                pool = d.es
            elif r < 0.45:
                pool = d.brands or d.generics
            elif r < 0.62:
                pool = d.generics
            elif r < 0.92:
                pool = d.slang or d.brands
            else:
                pool = d.misspellings or d.brands
        form = self.pick(pool)
        if pool is d.slang:
            self.mark("slang", form)
        elif pool is d.misspellings:
            self.mark("misspelling", form)
        self._form(d, form)
        self.keywords.append(form)
        return form

    def title_case(self, s: str) -> str:
        """Capitalise brand-like names the way sellers and pharmacies write them."""
        return " ".join(w[:1].upper() + w[1:] for w in s.split(" "))

    def dose(self, d: Drug) -> str:
        """A dose string for the drug (its own strengths from the lexicon)."""
        if not d.doses:
            return self.pick(("", "10mg", "30mg"))
        s = self.pick(d.doses)
        if self.chance(0.2) and s.endswith("mg"):
            s = s[:-2] + self.pick((" mg", "MG", " mg.", "mg"))
        return s

    def imprint(self, d: Drug) -> str:
        """An imprint code (what sellers quote to sound like pharma)."""
        if not d.imprints:
            return ""
        form = self.pick(d.imprints)
        self.mark("imprint", form)
        self._form(d, form)
        self.keywords.append(form)
        return form

    def colour(self, d: Drug) -> str:
        """A pill colour for the drug, in the post's language."""
        c = self.pick(d.colours) if d.colours else self.pick(("white", "blue", "yellow"))
        if self.lang == "es":
            return vocab.COLOURS_ES.get(c, c)
        return c

    def product(self, d: Drug, rich: float = 0.5) -> str:
        """Drug name with optional dose, colour and imprint, in varied orders."""
        nm = self.name(d)
        bits = [nm]
        if self.chance(rich):
            bits.append(self.dose(d))
        if self.chance(rich * 0.5) and d.colours:
            c = self.colour(d)
            bits.insert(0, c) if self.chance(0.5) else bits.append(c)
        if self.chance(rich * 0.35) and d.imprints:
            bits.append(self.pick(("", "(", "stamped ", "imprint ")) + self.imprint(d))
            if bits[-1].startswith("("):
                bits[-1] += ")"
        return " ".join(b for b in bits if b)

    def emoji_for(self, d: Drug) -> str:
        """The emoji code sellers use for a drug (a pill emoji and its name when it has none)."""
        if d.emoji:
            form = self.pick(d.emoji)
            self.mark("emoji_code", form)
            self._form(d, form)
            return form
        # No emoji code for this drug: sellers put a pill emoji next to its name instead.
        return self.pick(("💊", "💊", "⚪", "🟡", "🟠")) + self.pick((" ", "")) + self.name(d)

    # --- sale pieces (shared by offers and legal-goods sales on purpose) ---------------------------
    def price(self, lo: int = 5, hi: int = 400) -> str:
        """A price, in many written forms."""
        n = self.num(lo, hi)
        if n > 40:
            n = n - n % 5
        r = self.rng.random()
        if self.lang == "es" and r < 0.5:
            return self.pick((f"${n}", f"${n} pesos", f"{n} mxn", f"${n} dlls", f"{n} dólares"))
        if r < 0.55:
            return f"${n}"
        if r < 0.7:
            return f"{n}$"
        if r < 0.8:
            return f"${n}.00"
        if r < 0.9:
            return f"{n} bucks"
        return f"{n} usd"

    def handle(self) -> str:
        """A made-up account handle."""
        a = self.pick(vocab.HANDLE_A)
        b = self.pick(vocab.HANDLE_B)
        sep = self.pick(("", "_", ".", "", "__"))
        tail = self.pick(("", str(self.num(1, 99)), str(self.num(100, 9999)), "x", "official", "_"))
        return f"{a}{sep}{b}{tail}"

    def phone(self) -> str:
        """A made-up phone number (555 numbers and random digits)."""
        a, b = self.num(200, 989), self.num(1000, 9999)
        return self.pick((f"({a}) 555-{b}", f"{a}-555-{b}", f"+1 {a} 555 {b}", f"{a}555{b}"))

    def contact(self) -> str:
        """An off-platform contact instruction, drawn from the cue lexicon plus a handle."""
        h = self.handle()
        forms = [
            "snap: {h}",
            "sc {h}",
            "add my snap {h}",
            "👻 {h}",
            "tg @{h}",
            "telegram @{h}",
            "t.me/{h}",
            "wickr: {h}",
            "wickr me {h}",
            "kik {h}",
            "signal me",
            "whatsapp {p}",
            "text {p}",
            "call or text {p}",
            "dm me",
            "dm for menu",
            "hmu",
            "hit my line",
            "link in bio",
            "check bio",
            "pm me",
            "inbox me",
            "message me on {app}",
            "{app}: {h}",
        ]
        es_forms = [
            "mándame dm",
            "escríbeme al {p}",
            "wsp {p}",
            "guasap {p}",
            "whatsapp {p}",
            "info por inbox",
            "manda mensaje",
            "snap: {h}",
            "tg @{h}",
            "pregunta por dm",
        ]
        f = self.pick(es_forms) if self.lang == "es" and self.chance(0.8) else self.pick(forms)
        out = f.format(h=h, p=self.phone(), app=self.pick(vocab.APPS))
        self.mark("contact_offplatform", out)
        return out

    def payment(self) -> str:
        """How to pay, from the payment cue lexicon."""
        lex = load_lexicon()
        group = self.pick(list(lex.cues["payment"].values()))
        form = self.pick(group)
        if self.lang == "es":
            return self.pick((f"aceptamos {form}", f"pago por {form}", f"{form} o efectivo", form))
        return self.pick(
            (
                form,
                f"{form} only",
                f"{form} accepted",
                f"pay with {form}",
                f"{form} or {self.pick(('zelle', 'venmo', 'btc', 'apple pay'))}",
                f"we take {form}",
            )
        )

    def shipping(self) -> str:
        """A shipping or delivery phrase, from the shipping cue lexicon."""
        lex = load_lexicon()
        form = self.pick(self.pick(list(lex.cues["shipping"].values())))
        if self.lang == "es":
            return self.pick((f"{form}", f"hacemos {form}", f"{form} a todo el país", f"{form} rápido"))
        return self.pick(
            (
                form,
                f"{form} available",
                f"{form} {self.pick(vocab.WHEN)}",
                f"{self.pick(('fast', 'quick', 'reliable'))} {form}",
                f"{form} to {self.pick(vocab.PLACES)}",
            )
        )

    def cue(self, group: str, name: str | None = None) -> str:
        """A surface form of a cue from the cue lexicon (``group`` or ``group:name``)."""
        lex = load_lexicon()
        g = lex.cues[group]
        pool = g[name] if name else self.pick(list(g.values()))
        return self.pick(pool)

    def mangle(self, text: str, p: float) -> str:
        """Break words with stray symbols and doubled letters, as spam does to slip past filters."""
        out = []
        for w in text.split(" "):
            if len(w) > 3 and self.chance(p):
                i = self.num(1, len(w) - 1)
                r = self.rng.random()
                if r < 0.6:
                    w = w[:i] + self.pick(("`", "~", "_", "|", ",", "'", ".", "-", " ", "^", "*")) + w[i:]
                elif r < 0.8:
                    w = w[:i] + w[i - 1] + w[i:]
                else:
                    w = w[:i] + " " + w[i:]
                self.mark("deliberate_obfuscation", w)
            out.append(w)
        return " ".join(out)

    def filler(self, lo: int, hi: int) -> str:
        """Random unrelated words (spam's bayesian poisoning; also in ordinary spam)."""
        return " ".join(self.pick(vocab.FILLER_WORDS) for _ in range(self.num(lo, hi)))

    def chat(self, line: str) -> str:
        """Wrap a short line in a casual opener and closer, as people type (both labels use it)."""
        if self.lang == "es":
            pre, post = self.pick(vocab.OPEN_ES), self.pick(vocab.CLOSE_ES)
        else:
            pre, post = self.pick(vocab.OPEN_EN), self.pick(vocab.CLOSE_EN)
        return " ".join(x for x in (pre, line, post) if x)

    def emoji(self, pool: Sequence[str], lo: int = 1, hi: int = 3) -> str:
        """A run of emoji from a pool."""
        return "".join(self.pick(pool) for _ in range(self.num(lo, hi)))

    def tags(self, pool: Sequence[str], lo: int = 1, hi: int = 5) -> list[str]:
        """Hashtag words."""
        return self.some(pool, lo, hi)


_SLOT = re.compile(r"\{[^}]*\}")
_SQUASH = re.compile(r"[\W_]+")


class _View:
    """A rendered post seen the ways evidence may have been restyled (case, spacing, punctuation)."""

    def __init__(self, text: str) -> None:
        self.low = text.lower()
        self.squashed = _SQUASH.sub("", self.low)
        # Emoji and symbols as they are; letters in Unicode styles (circled, fullwidth) lower-cased like the rest,
        # since a platform may upper-case a post after its evidence was recorded.
        self.bare = self.low.replace("\ufe0f", "")

    def has(self, evidence: str) -> bool:
        low = evidence.lower()
        squashed = _SQUASH.sub("", low)
        if not squashed:  # emoji and symbols: compared as they are
            bare = low.replace("\ufe0f", "")
            return bool(bare) and bare in self.bare
        if len(squashed) >= 4:
            return squashed in self.squashed
        # Short evidence as a whole token, in any spacing ("x@n@x" spaced out by an e-mail archive: "x @ n @ x").
        spaced = r"\s*".join(re.escape(c) for c in low if not c.isspace())
        return re.search(rf"(?<![a-z0-9]){spaced}(?![a-z0-9])", self.low) is not None


class _Slots(dict[str, str]):
    """Lazy slot lookup for ``Ctx.fill``: ``{city}``, ``{name}``, ``{n}``, ``{thing}`` ..."""

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> str:
        c = self.ctx
        if key == "n":
            return str(c.num(2, 40))
        if key == "price":
            return c.price()
        if key == "handle":
            return c.handle()
        if key == "year":
            return str(c.num(2015, 2025))
        pool = vocab.SLOTS.get(key)
        if pool is None:
            raise KeyError(key)
        return c.pick(pool)


REGISTRY: list[Family] = []


def marks_result(tactic: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Decorate a ``(ctx, ...) -> str`` helper so its output tags the post with ``tactic`` when it is used."""

    def wrap(fn: Callable[..., str]) -> Callable[..., str]:
        def marked(ctx: Ctx, *args: object, **kwargs: object) -> str:
            out = fn(ctx, *args, **kwargs)
            if not (args and out == args[0]):  # a word returned unchanged was not obfuscated
                ctx.mark(tactic, out)
            return out

        marked.__name__ = fn.__name__
        marked.__doc__ = fn.__doc__
        return marked

    return wrap


def family(
    kind: str,
    label: int,
    platforms: dict[str, float],
    langs: tuple[str, ...] = ("en", "es"),
    weight: float = 1.0,
    frames: tuple[tuple[str, str, int], ...] = (),
    name: str | None = None,
) -> Callable[[Callable[[Ctx], Draft]], Callable[[Ctx], Draft]]:
    """Register a template family (its function name, or ``name``, is the ``template`` column).

    ``frames`` makes it a minimal-pair family: ``(frame, kind, label)`` for each way the same core sentence is
    written, the first being the one drawn as ``kind``/``label``; the others are rendered as its twins.
    """

    def register(build: Callable[[Ctx], Draft]) -> Callable[[Ctx], Draft]:
        fam = Family(name or build.__name__, kind, label, langs, tuple(platforms.items()), build, weight, frames)
        REGISTRY.append(fam)
        return build

    return register
