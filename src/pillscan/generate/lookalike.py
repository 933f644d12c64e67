"""Posts shaped like pill offers that are not (issue 12): hard negatives that share the offers' cues.

A seller of vapes, THC carts, snacks and drinks, sneakers or party supplies writes what a pill seller writes:
"restocked", "2 for 30", "hmu", 🤑 🔥 📦, delivery, wholesale, "mayoreo y menudeo, envíos". A legitimate pharmacy
names controlled pills in its notices ("needs prior authorization", "ID required at pickup"), and a vitamin shop
writes the pharmacy spammer's 💊, counts, mg and "50% off". The sale families draw the shape first (opener,
prices, terms, emoji, layout) and then the goods. (Written as minimal pairs, the same core selling a pill as the
offer twin, they cost ranking on real text at two training seeds: see docs/corpus-street-talk.md.) Phrases
live in ``pools/lookalike.json`` (English and Spanish written apart, not translated).
"""

from __future__ import annotations

from pillscan.generate import vocab
from pillscan.generate.grammar import Ctx, Draft, family
from pillscan.generate.pools import load_pool
from pillscan.generate.shared import fill_phrase
from pillscan.generate.street import SOCIAL, price_line
from pillscan.lexicon import load_lexicon

# The goods a look-alike sale sells (keys of the pool's products) and their kinds: carts are another drug (out of
# scope), the rest legal goods.
GOODS = (
    ("vape", "legal_goods_sale"),
    ("carts", "other_drug_sale"),
    ("snacks", "legal_goods_sale"),
    ("clothes", "legal_goods_sale"),
    ("party", "legal_goods_sale"),
)
_LEGAL_GOODS = tuple(goods for goods, kind in GOODS if kind == "legal_goods_sale")
_SEPS = (", ", ". ", " ", " - ", "\n", " | ", "!! ", " … ")


def _pool(ctx: Ctx) -> dict:
    return load_pool("lookalike")[ctx.lang]


# --- the pill seller's sale shape, selling something else ------------------------------------------------------
def _deal(ctx: Ctx) -> str:
    """A price as sellers of anything write it ("2 for 30", "$12 ea", "5+ get 2 off", "la pieza a 80"), a third of
    the English ones in the street offers' own forms (ladders, "5+ $20", minimums)."""
    if ctx.lang == "en" and ctx.chance(0.35):
        return price_line(ctx)
    u = ctx.pick((5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40)) * (10 if ctx.lang == "es" and ctx.chance(0.5) else 1)
    k = ctx.pick((3, 5, 10, 12, 20))
    slots = {"u": u, "a": 2 * u - u // 5, "b": 3 * u - u // 3, "d": ctx.pick((1, 2, 5)), "k": k}
    slots["c"] = k * u - (k * u) // 5
    return fill_phrase(ctx.pick(_pool(ctx)["deals"]), slots)


def _sale_core(ctx: Ctx) -> dict:
    """The shape of the sale, drawn before the goods: opener, prices, terms, emoji, layout."""
    pool = _pool(ctx)
    city = ctx.pick(vocab.CITIES_ES if ctx.lang == "es" else vocab.CITIES)
    place = ctx.pick(load_pool("street_en")["places"])
    zona = ctx.pick(load_pool("street_es")["zonas"])
    lines = ctx.num(2, 4) if ctx.chance(0.3) else 0
    return {
        "opener": ctx.pick(pool["openers"]),
        "deals": [_deal(ctx) for _ in range(max(lines, 1))],
        "tails": [fill_phrase(t, {"city": city, "place": place, "zona": zona}) for t in ctx.some(pool["tails"], 0, 3)],
        "emoji": ctx.emoji(pool["emoji"], 1, 3) if ctx.chance(0.55) else "",
        "lines": lines,
        "detail": ctx.chance(0.45),
        "contact": ctx.contact() if ctx.chance(0.25) else "",
        "sep": ctx.pick(_SEPS),
        "head_last": ctx.chance(0.15),
    }


def _goods(ctx: Ctx, frame: str, n: int) -> tuple[list[str], str, str]:
    prod = _pool(ctx)["products"][frame]
    return ctx.some(prod["items"], n, n), ctx.pick(prod["details"]), ctx.pick(prod["shop"])


def sale_text(ctx: Ctx, core: dict, goods: str) -> str:
    """The core selling ``goods`` (a key of the pool's products): one line, or a menu of items and prices."""
    n = max(core["lines"], 1)
    items, detail, shop = _goods(ctx, goods, n)
    detail = detail if core["detail"] else ""
    if core["lines"]:  # a menu: a header, one item a line with its price, then the terms
        head = fill_phrase(core["opener"], {"item": items[0], "shop": shop})
        rows = [
            f"{ctx.pick(('', '• ', '- ', '▪️ '))}{it}{ctx.pick((' - ', ': ', ' '))}{price}"
            for it, price in zip(items, core["deals"], strict=False)
        ]
        body = "\n".join(x for x in (head, *rows, detail, *core["tails"], core["contact"]) if x)
    else:
        head = fill_phrase(core["opener"], {"item": _and(ctx, items), "shop": shop})
        pieces = [detail, core["deals"][0], *core["tails"], core["contact"]]
        body = core["sep"].join(p for p in ([*pieces, head] if core["head_last"] else [head, *pieces]) if p)
    return f"{body} {core['emoji']}" if core["emoji"] else body


def _and(ctx: Ctx, items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    last = " y " if ctx.lang == "es" else ctx.pick((" & ", " and ", ", "))
    return ", ".join(items[:-1]) + last + items[-1]


@family("legal_goods_sale", 0, SOCIAL, weight=0.5)
def lookalike_goods_sale(ctx: Ctx) -> Draft:
    """Vapes, snacks, clothes or party supplies in the pill seller's shape, without a pill twin."""
    core = _sale_core(ctx)
    return Draft([sale_text(ctx, core, ctx.pick(_LEGAL_GOODS))], keep={0})


@family("other_drug_sale", 0, SOCIAL, weight=0.4)
def lookalike_carts_sale(ctx: Ctx) -> Draft:
    """THC carts and pens (out of scope) in the pill seller's shape."""
    core = _sale_core(ctx)
    return Draft([sale_text(ctx, core, "carts")], keep={0})


# --- real pharmacies and vitamin shops: controlled pills named in notices, 💊 and percent off -----------------
@family("legit_pharmacy", 0, {"sms": 2.0, "email": 1.0, "facebook": 0.5}, weight=1.2)
def pharmacy_account_notice(ctx: Ctx) -> Draft:
    """Pharmacy notices about one patient's controlled prescription: prior authorization, too early to refill, ID at
    pickup, no transfers, insurance denied, back in stock."""
    rx = _pool(ctx)["pharmacy"]
    # A pharmacy writes about every controlled medicine it fills, not only the ones the street market sells.
    d = ctx.pick(load_lexicon().in_scope_drugs)
    if d.canonical not in ctx.drugs:
        ctx.drugs.append(d.canonical)
    slots = {
        "pharmacy": ctx.pick(rx["pharmacy"]),
        "drug": ctx.name(d, "formal"),
        "dose": ctx.dose(d),
        "qty": ctx.pick((30, 60, 90)),
        "date": ctx.pick(rx["dates"]) if rx["dates"] else "",
    }
    return Draft([fill_phrase(ctx.pick(rx["notice"]), slots)], keep={0})


@family("legal_goods_sale", 0, {"instagram": 1.0, "facebook": 1.0, "email": 1.0, "sms": 0.6, "x": 0.5}, weight=0.9)
def vitamin_flash_sale(ctx: Ctx) -> Draft:
    """Vitamin and supplement flash sales with 💊, percent off, counts and mg: a pharmacy-spam shape, nothing
    controlled."""
    w = _pool(ctx)["wellness"]
    product, product2 = ctx.some(w["products"], 2, 2)
    slots = {
        "product": product,
        "product2": product2,
        "form": ctx.pick(w["forms"]),
        "dose": ctx.pick(w["doses"]),
        "count": ctx.pick((60, 90, 100, 120, 180, 250)),
        "percent": f"{ctx.pick((20, 25, 30, 40, 50, 60))}%",
        "price": ctx.pick((5, 7, 9, 10, 12, 15, 19, 24)),
    }
    lines = [fill_phrase(ctx.pick(w["heads"]), slots), *ctx.some(w["tails"], 1, 2)]
    return Draft([ctx.pick(("\n", ". ", " | ")).join(lines)], keep={0})
