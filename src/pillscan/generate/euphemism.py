"""Indirect offers that never name the pill, and the posts that share their words without supplying (issue 12).

A seller of pills often writes only a euphemism with a light hint: "study aids for finals week", "restocked on
the blue ones", "the usual is back, same mg as last time", "vitaminas para el festi 😉", with the terms of a
regular seller ("no new customers without a vouch", "pay before drop"). Each of those words is also written by
people who sell nothing: a vitamin or candy shop that restocked, a study-tips post, a festival packing list,
someone asking for "the usual", a warning or a report that quotes such a post, a joke. The pair family draws one
core (the euphemism, its timing and terms, the pieces of the offer) and writes it as the offer, a request, a report,
a warning and a joke; the shop and everyday families write the same words in legal posts. Phrases live in
``pools/euphemism.json`` (English and Spanish written apart, not translated).
"""

from __future__ import annotations

from pillscan.generate.grammar import Ctx, Draft, family
from pillscan.generate.pools import load_pool
from pillscan.generate.shared import fill_phrase
from pillscan.generate.street import PAIR_FRAMES, SOCIAL

_QUOTES = (('"', '"'), ("'", "'"), ("“", "”"))
_WINK = ("😉", "👀", "💊", "🤫", "📚", "🍬", "🔵", "✨", "")
_FRAMES = (
    ("supply", "indirect_solicitation", 1),
    *(f for f in PAIR_FRAMES if f[0] in ("demand", "report", "warning", "joke")),
)


def _pool(ctx: Ctx) -> dict:
    return load_pool("euphemism")[ctx.lang]


def _core(ctx: Ctx) -> dict[str, str]:
    """What every frame shares: the euphemism (in quotes a third of the time), the timing, the categories, and
    the offer's own pieces (terms, a wink, a contact) as the report and warning quote them."""
    pool = _pool(ctx)
    bare = hint = ctx.pick(pool["hints"])
    if ctx.chance(0.35):
        left, right = ctx.pick(_QUOTES)
        hint = f"{left}{hint}{right}"
    slots = {
        "hint": hint,
        "bare": bare,
        "when": ctx.pick(pool["when"]) if ctx.chance(0.55) else "",
        "categories": ctx.pick(pool["categories"]),
    }
    opener = fill_phrase(ctx.pick(pool["supply"]), slots)
    terms = ctx.some(pool["terms"], 0, 2)
    wink = ctx.pick(_WINK)
    pieces = [opener, *terms]
    if ctx.chance(0.3):
        pieces.append(ctx.contact())
    sep = ctx.pick((". ", ", ", "\n", " | ", " - "))
    offer = sep.join(pieces) + (f" {wink}" if wink else "")
    slots["quote"] = sep.join(pieces[:2])
    slots["offer"] = offer
    return slots


def _frame(ctx: Ctx, slots: dict[str, str]) -> str:
    if ctx.frame == "supply":
        ctx.tactics.add("indirect")
        return slots["offer"]
    # A phrase that puts the euphemism in quotes of its own takes it bare.
    return fill_phrase(ctx.pick(_pool(ctx)[ctx.frame]).replace('"{hint}"', '"{bare}"'), slots)


@family("indirect_solicitation", 1, SOCIAL, langs=("en",), weight=1.6, frames=_FRAMES)
def euphemism_pair(ctx: Ctx) -> Draft:
    """An offer in euphemisms ("restocked on the blue ones for finals week, vouched only, pay before drop"), and the
    same euphemism asked for, reported, warned about and joked about."""
    return Draft([_frame(ctx, _core(ctx))], keep={0})


@family("indirect_solicitation", 1, SOCIAL, langs=("es",), weight=1.4, frames=_FRAMES)
def euphemism_pair_es(ctx: Ctx) -> Draft:
    """Spanish: "ya hay vitaminas para los exámenes 😉, solo gente conocida", and its twins."""
    return Draft([_frame(ctx, _core(ctx))], keep={0})


def _shop_post(ctx: Ctx) -> str:
    pool = _pool(ctx)
    slots = {
        "good": ctx.pick(pool["goods"]),
        "when": ctx.pick(pool["when"]) if ctx.chance(0.4) else "",
        "categories": ctx.pick(pool["categories"]),
    }
    lines = [fill_phrase(ctx.pick(pool["shop"]), slots), *ctx.some(pool["shop_tail"], 0, 2)]
    if ctx.chance(0.25):
        lines.append(ctx.pick(pool["terms"]))
    sep = ctx.pick((". ", ", ", "\n", " | "))
    return sep.join(lines) + (f" {ctx.pick(_WINK)}" if ctx.chance(0.4) else "")


@family("legal_goods_sale", 0, SOCIAL, weight=0.8)
def euphemism_legal_shop(ctx: Ctx) -> Draft:
    """Real shops in the indirect offer's words: vitamins, candy, sleep tea, party favors, "restocked", "the usual
    for our regulars", "pay before drop off"."""
    return Draft([_shop_post(ctx)], keep={0})


@family("chatter", 0, {"x": 1.2, "instagram": 1.0, "tiktok": 1.0, "facebook": 0.8, "reddit": 0.5}, weight=1.0)
def euphemism_everyday(ctx: Ctx) -> Draft:
    """Everyday posts with the euphemisms' words: study tips, festival packing lists, "the usual" at a café."""
    pool = _pool(ctx)
    when = ctx.pick(pool["when"]) if ctx.chance(0.5) else ""
    text = fill_phrase(ctx.pick(pool["everyday"]), {"when": when})
    if ctx.chance(0.3):
        text += " " + ctx.pick(_WINK)
    return Draft([text.strip()], keep={0})
