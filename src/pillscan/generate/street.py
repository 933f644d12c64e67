"""Pills as people post about them: casual first-person supply and the same words framed otherwise.

Built from the phrase pools ``pools/street_en.json`` and ``pools/street_es.json`` (street names, the emoji
codes of the DEA's 2021 chart, supply and demand phrasing, prices, meetups, delivery zones, terms). The
minimal-pair families write one *core* (a pill as named, a price, the logistics) and then a frame: the
offer (supply), or the same core as demand, a report of a dealer, a warning, first-person use or a joke.
The core is drawn first from the row's stream, so every frame of a pair shares it word for word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pillscan.generate import vocab
from pillscan.generate.grammar import REGISTRY, Ctx, Draft, family
from pillscan.generate.pools import load_pool
from pillscan.generate.styles import restyle
from pillscan.lexicon import Drug, load_lexicon

SOCIAL = {
    "snapchat": 1.4,
    "x": 1.2,
    "instagram": 1.0,
    "tiktok": 0.8,
    "telegram": 0.6,
    "facebook": 0.5,
    "sms": 0.6,
    "reddit": 0.3,
}
# The frames of a minimal pair: (frame, kind, label); the first is what the family is drawn as.
PAIR_FRAMES = (
    ("supply", "casual_supply", 1),
    ("demand", "wanted_to_buy", 0),
    ("report", "dealer_report", 0),
    ("warning", "harm_reduction", 0),
    ("use", "personal_use", 0),
    ("joke", "joke_lyric", 0),
)
_SEPS = (", ", ". ", " ", " - ", "\n", " | ", "!! ", " ... ")
_STYLE_NAMES = (
    "math_bold",
    "math_script",
    "math_sans_bold",
    "small_caps",
    "circled",
    "fullwidth",
    "upside_down",
    "split",
    "reversed",
)
_REVERSED_HINTS = ("(read it backwards)", "⬅️", "(backwards)", "🔄", "<-- flip it")


def _pool(ctx: Ctx) -> dict:
    return load_pool("street_es" if ctx.lang == "es" else "street_en")


@dataclass
class Core:
    """What every frame of a pair shares: the pill as named, its drug, a price and logistics lines."""

    item: str
    drug: Drug
    price: str = ""
    logistics: list[str] = field(default_factory=list)
    place: str = ""


# The street market is dominated by fake oxy/percs (M30 blues), Xanax bars and Adderall; every other drug of
# the lexicon still shows up, in both labels, through ``ctx.drug``.
_STREET_DRUGS = (
    ("oxycodone", 10.0),
    ("alprazolam", 8.0),
    ("amphetamine", 6.0),
    ("hydrocodone", 2.5),
    ("clonazepam", 1.5),
)
_STREET_CUM = tuple(sum(w for _, w in _STREET_DRUGS[: i + 1]) for i in range(len(_STREET_DRUGS)))


def street_drug(ctx: Ctx) -> Drug:
    """A drug as the street market has them: mostly the big three, else any drug of the lexicon."""
    if ctx.chance(0.35):
        return ctx.drug()
    r = ctx.rng.random() * _STREET_CUM[-1]
    canonical = next(c for (c, _), top in zip(_STREET_DRUGS, _STREET_CUM, strict=True) if r <= top)
    d = load_lexicon().drug(canonical)
    if d.canonical not in ctx.drugs:
        ctx.drugs.append(d.canonical)
    return d


def street_item(ctx: Ctx, d: Drug | None = None, emoji_only: bool = False) -> tuple[str, Drug]:
    """A pill as people name it: a street name from the pool, a lexicon name with its dose, or an emoji code."""
    if emoji_only:
        d = load_lexicon().drug(ctx.pick(tuple(load_pool("street_en")["emoji"])))
        if d.canonical not in ctx.drugs:
            ctx.drugs.append(d.canonical)
    d = d or street_drug(ctx)
    pool = _pool(ctx)
    items = pool["items"].get(d.canonical) or load_pool("street_en")["items"].get(d.canonical)
    emoji = load_pool("street_en")["emoji"].get(d.canonical)
    r = 0.6 if emoji_only else ctx.rng.random()
    if items and r < 0.55:
        slang = ctx.use_form(d, ctx.pick(items), "slang")
        if emoji and ctx.chance(0.25):  # the name with its code, as a seller writes "bars 🍫" or "blues 🔵"
            code = ctx.pick(emoji)
            ctx.use_form(d, code, "emoji_code")
            return ctx.pick((f"{slang} {code}", f"{code} {slang}", f"{slang} {code * 2}")), d
        return slang, d
    if emoji and r < 0.72:
        code = ctx.pick(emoji)
        ctx.use_form(d, code, "emoji_code")
        if ctx.chance(0.5):
            return code * ctx.num(1, 3), d
        return f"{code} {ctx.name(d, 'street')}", d
    nm = ctx.name(d)
    if ctx.chance(0.35) and d.doses:
        return f"{nm} {ctx.dose(d)}", d
    return nm, d


def styled_item(ctx: Ctx, item: str) -> str:
    """Sometimes the item written in a Unicode style, split or reversed (recorded in ``ctx.style``)."""
    if not ctx.chance(0.22) or not any(c.isalpha() for c in item):
        return item
    name = ctx.pick(_STYLE_NAMES)
    ctx.style = name
    out = restyle(item, name, ctx.pick((" ", ".", "-", "·")))
    if name == "reversed":
        out = f"{out} {ctx.pick(_REVERSED_HINTS)}"
    ctx.mark("deliberate_obfuscation", out)
    return out


def price_line(ctx: Ctx) -> str:
    """A price as people write it: ladders, per-piece, minimums and counts, with or without currency."""
    if ctx.lang == "es":
        a = ctx.num(3, 30) * 10 if ctx.chance(0.5) else ctx.num(5, 40)
        k = ctx.pick((3, 5, 10, 20, 50, 100))
        return ctx.pick(_pool(ctx)["prices"]).format(a=a, b=a * k - a * k // 10, k=k)
    unit = ctx.pick((5, 8, 9, 10, 12, 15, 18, 20, 22, 25, 30, 35, 40))
    cur = ctx.pick(("$", "", "", "$"))
    r = ctx.rng.random()
    if r < 0.3:
        return _ladder(ctx, unit, cur, " for ", ", ")
    if r < 0.4:  # a menu one tier a line ("1 - 10" / "3 - 25" / "10 - 70")
        sep = ctx.pick((" - ", "-", " = ", ": ", " / ", " ➡️ "))
        return _ladder(ctx, unit, ctx.pick((cur, "", "")), sep, ctx.pick(("\n", "\n", " | ", ", ")))
    forms = (
        f"{cur}{unit}/ea",
        f"{cur}{unit} ea",
        f"{unit} a piece",
        f"{cur}{unit} each",
        f"{unit} a pop",
        f"{ctx.pick((5, 10, 20))}+ {cur}{max(unit - 5, 4)}",
        f"{ctx.pick(('1k', '500', '100'))} count {ctx.pick(('ready', 'available', 'for ' + cur + str(unit * 70)))}",
        f"{cur}{unit}",
        f"{unit} for 1, {unit * 2 - 5} for 2",
        f"{ctx.num(2, 5)} for {cur}{unit * 3}",
        f"{unit} for the {ctx.pick(('30s', '20s', '10s', '2s', 'big ones'))}",
        f"{ctx.pick((5, 10, 20))}+ {cur}{max(unit - 5, 4)} each",
        f"{cur}{unit} each, minimum {ctx.pick((3, 5, 10))}",
    )
    return ctx.pick(forms)


def _ladder(ctx: Ctx, unit: int, cur: str, sep: str, joiner: str) -> str:
    """Two to four quantities and their totals; each step up costs less per pill, rounded the way people
    round (to 5 above 20)."""
    steps = sorted(ctx.some((1, 2, 3, 5, 10, 20, 50, 100), 2, 4))
    totals = [max(unit * c - (unit * c * i) // 8, unit) for i, c in enumerate(steps)]
    return joiner.join(f"{c}{sep}{cur}{t - t % 5 if t > 20 else t}" for c, t in zip(steps, totals, strict=True))


def menu_line(ctx: Ctx, item: str) -> str:
    """One line of a street menu, for pills, other drugs and legal goods alike: the item, a separator and a
    price, half the time a bare number ("percs 10s - 15", "bars 5", "candles: 12 ea")."""
    if ctx.chance(0.5):
        price = str(ctx.pick((5, 8, 10, 12, 15, 20, 25, 30, 35, 40)))
        if ctx.chance(0.3):
            price += ctx.pick(("/ea", " ea", " each", " a piece"))
    else:
        price = price_line(ctx)
    return f"{ctx.pick(('', '', '▪️ ', '- ', '• '))}{item}{ctx.pick((' - ', ' ', ': ', ' = ', ' … '))}{price}"


def _logistics(ctx: Ctx, place: str) -> list[str]:
    pool = _pool(ctx)
    city = ctx.pick(vocab.CITIES_ES if ctx.lang == "es" else vocab.CITIES)
    if ctx.lang == "es":
        zona = ctx.pick(pool["zonas"])
        return [x.format(zona=zona) for x in ctx.some(pool["logistics"], 0, 2)]
    choices = [
        ctx.pick(pool["meetups"]).format(place=place),
        ctx.pick(pool["zones"]).format(city=city, n=ctx.pick((3, 5, 10, 50))),
        ctx.pick(pool["terms"]),
        ctx.pick(pool["referral"]),
        ctx.pick(pool["wholesale"]),
    ]
    return ctx.some(choices, 0, 3)


def _several(ctx: Ctx) -> tuple[str, Drug]:
    """2-3 pills of different drugs in one breath ("percs, bars & addy")."""
    items: list[str] = []
    drugs: list[Drug] = []
    for _ in range(ctx.num(2, 3)):
        d = street_drug(ctx)
        if d in drugs:
            continue
        item, d = street_item(ctx, d)
        items.append(item)
        drugs.append(d)
    last = ctx.pick((" y ", " & ", ", ")) if ctx.lang == "es" else ctx.pick((" & ", " and ", ", ", " + ", " n "))
    head = ctx.pick((", ", " , ", " / ")).join(items[:-1])
    return (head + last + items[-1] if head else items[-1]), drugs[0]


def draw_core(ctx: Ctx, mode: str = "single") -> Core:
    """The shared core of a pair (drawn first, from the row's stream).

    ``mode``: ``single`` (one pill as named), ``multi`` (two or three), ``emoji`` (an emoji code), ``hint``
    (no name at all, a light hint such as "study aids").
    """
    pool = _pool(ctx)
    place = ctx.pick(load_pool("street_en")["places"]) if ctx.lang == "en" else ctx.pick(pool["zonas"])
    if mode == "hint":
        named = list(ctx.drugs)
        item, d = ctx.pick(load_pool("street_en")["indirect_hint"]), ctx.drug()
        # The hint names no drug: the one drawn must not tag the post (a loose match, "addi" in "adding", would
        # keep it in one twin of a pair and not in the other).
        ctx.drugs[:] = named
        ctx.tactics.add("indirect")
    elif mode == "multi":
        item, d = _several(ctx)
    else:
        item, d = street_item(ctx, emoji_only=mode == "emoji")
        item = styled_item(ctx, item)
    price = price_line(ctx) if ctx.chance(0.6) else ""
    return Core(item, d, price, _logistics(ctx, place), place)


def _join(ctx: Ctx, parts: list[str]) -> str:
    parts = [p for p in parts if p]
    sep = ctx.pick(_SEPS)
    out = parts[0]
    for p in parts[1:]:
        out += (sep if ctx.chance(0.8) else ctx.pick(_SEPS)) + p
    return out


def _fill(ctx: Ctx, phrase: str, core: Core, quote: str = "") -> str:
    city = ctx.pick(vocab.CITIES_ES if ctx.lang == "es" else vocab.CITIES)
    zona = ctx.pick(_pool(ctx)["zonas"]) if ctx.lang == "es" else city
    return phrase.format(
        item=core.item,
        hint=core.item,
        price=core.price or price_line(ctx),
        place=core.place,
        city=city,
        zona=zona,
        n=ctx.num(2, 4),
        quote=quote,
        h=ctx.handle(),
    )


def supply_text(ctx: Ctx, core: Core, hint: bool = False) -> str:
    """The offer: an opener naming the item, some of price and logistics, a call to action or contact."""
    pool = _pool(ctx)
    opener = _fill(ctx, ctx.pick(load_pool("street_en")["indirect_supply"] if hint else pool["supply"]), core)
    pieces = [core.price, *core.logistics]
    if ctx.chance(0.3):
        pieces.insert(0, ctx.pick(pool["claims"]))
    if ctx.chance(0.65):
        pieces.append(ctx.pick(pool["supply_tail"]))
    if ctx.chance(0.25):
        pieces.append(ctx.contact())
    body = [opener, *pieces] if ctx.chance(0.85) else [*pieces, opener]
    text = _join(ctx, body)
    if ctx.chance(0.45):
        text += " " + ctx.emoji(load_pool("street_en")["dealer_emoji"], 1, 3)
    return text


def _quote(ctx: Ctx, core: Core, hint: bool) -> str:
    pool = _pool(ctx)
    opener = _fill(ctx, ctx.pick(load_pool("street_en")["indirect_supply"] if hint else pool["supply"]), core)
    return _join(ctx, [opener, core.price, *core.logistics[:1]])


def frame_text(ctx: Ctx, core: Core, hint: bool = False) -> str:
    """The core written in ``ctx.frame``."""
    pool = _pool(ctx)
    frame = ctx.frame
    if frame == "supply":
        return supply_text(ctx, core, hint)
    if frame == "demand":
        opener = _fill(ctx, ctx.pick(load_pool("street_en")["indirect_demand"] if hint else pool["demand"]), core)
        pieces = []
        if core.price and ctx.chance(0.6):
            pieces.append(
                ctx.say(
                    (f"can do {core.price}?", f"paying {core.price}", f"{core.price} ok?", f"budget {core.price}"),
                    (f"pago {core.price}", f"a {core.price}?"),
                )
            )
        if core.logistics and ctx.chance(0.5):
            pieces.append(
                ctx.say(
                    (f"can meet at {core.place}", "can pick up today", f"near {core.place}"),
                    (f"por {core.place}", "paso hoy"),
                )
            )
        pieces.append(_fill(ctx, ctx.pick(pool["demand_tail"]), core))
        return _join(ctx, [opener, *pieces])
    quote = _quote(ctx, core, hint)
    phrase = ctx.pick(pool[frame])
    return _fill(ctx, phrase, core, quote)


@family("casual_supply", 1, SOCIAL, langs=("en",), weight=2.0, frames=PAIR_FRAMES)
def street_pair_casual(ctx: Ctx) -> Draft:
    """Casual first-person supply ("got X if anyone needs"), and the same core as demand, report, warning, use, joke."""
    core = draw_core(ctx)
    return Draft([frame_text(ctx, core)], keep={0})


@family("casual_supply", 1, SOCIAL, langs=("es",), weight=2.0, frames=PAIR_FRAMES)
def street_pair_casual_es(ctx: Ctx) -> Draft:
    """Spanish street supply ("tengo", "ando surtido", "la pieza a", "entrego en mano") and its twins."""
    core = draw_core(ctx)
    return Draft([frame_text(ctx, core)], keep={0})


@family("casual_supply", 1, SOCIAL, langs=("en",), weight=1.0, frames=PAIR_FRAMES)
def street_pair_several(ctx: Ctx) -> Draft:
    """Two or three pills in one casual post ("percs, bars & addy available today") and its twins."""
    core = draw_core(ctx, "multi")
    return Draft([frame_text(ctx, core)], keep={0})


@family("casual_supply", 1, SOCIAL, langs=("es",), weight=0.8, frames=PAIR_FRAMES)
def street_pair_several_es(ctx: Ctx) -> Draft:
    """Spanish: two or three pills at once ("tengo adderall de 30 y percos") and its twins."""
    core = draw_core(ctx, "multi")
    return Draft([frame_text(ctx, core)], keep={0})


@family("emoji_code", 1, SOCIAL, weight=1.0, frames=(("supply", "emoji_code", 1), *PAIR_FRAMES[1:]))
def street_pair_emoji(ctx: Ctx) -> Draft:
    """Pills written as their emoji code (🅿️ 🔵 🍌 🍫 🚌 🚆) in casual supply, and the same code in the other frames."""
    core = draw_core(ctx, "emoji")
    return Draft([frame_text(ctx, core)], keep={0})


@family(
    "indirect_solicitation",
    1,
    SOCIAL,
    langs=("en",),
    weight=1.0,
    frames=(("supply", "indirect_solicitation", 1), *PAIR_FRAMES[1:2]),
)
def street_pair_hint(ctx: Ctx) -> Draft:
    """Indirect offers with a light hint ("study aids", "the usual", "same mg as last time") and the same asked for."""
    core = draw_core(ctx, "hint")
    return Draft([frame_text(ctx, core, hint=True)], keep={0})


def _counterfeit_core(ctx: Ctx) -> tuple[Core, str, str, str]:
    """A pill, and what a seller says to vouch for it: the fakes that kill, his claim that his are real, the
    proof (test strips, the pharmacy sticker). Drawn first, so every frame shares the same words."""
    street = load_pool("street_en")
    core = draw_core(ctx)
    fear = _fill(ctx, ctx.pick(street["fake_fear"]), core)
    claim = _fill(ctx, ctx.pick(street["real_claim"]), core)
    proof = ctx.pick(street["proof"])
    if core.item not in fear:  # the pill is named up front, as a header
        fear = core.item + ctx.pick((": ", " - ", ". ", "\n", " 🔌 ")) + fear
    return core, fear, claim, proof


def _counterfeit_frame(ctx: Ctx, core: Core, fear: str, claim: str, proof: str) -> str:
    street = load_pool("street_en")
    but = ctx.pick(("but", "but", "so", "thats why", "not here,"))
    offer = _join(ctx, [fear, f"{but} {claim}", proof])
    if ctx.frame == "supply":
        pieces = [offer, *ctx.some([core.price, *core.logistics, ctx.pick(street["supply_tail"])], 0, 2)]
        pieces.append(ctx.pick(street["safe_tail"]) if ctx.chance(0.6) else ctx.contact())
        return _join(ctx, [p for p in pieces if p])
    if ctx.frame == "demand":
        ask = _fill(ctx, ctx.pick(street["fake_demand"]), core)
        return _join(ctx, [ask, ctx.pick(street["demand_tail"]).format(city=ctx.pick(vocab.CITIES))])
    if ctx.frame == "report":
        return _fill(ctx, ctx.pick(street["fake_report"]), core, quote=offer)
    tail = ctx.pick(street["fake_warning_tail"]).format(claim=claim, proof=proof)
    return _join(ctx, [fear, tail, *ctx.some(street["fake_warning_tail"][3:], 0, 1)])


@family(
    "casual_supply",
    1,
    SOCIAL,
    langs=("en",),
    weight=1.0,
    frames=(PAIR_FRAMES[0], PAIR_FRAMES[1], PAIR_FRAMES[2], PAIR_FRAMES[3]),
)
def street_pair_counterfeit(ctx: Ctx) -> Draft:
    """A seller who borrows the warning's words ("fakes are killing people, mine are real pharmacy, test strips
    with every order"), and the same words asked for, reported and said as the warning itself."""
    return Draft([_counterfeit_frame(ctx, *_counterfeit_core(ctx))], keep={0})


@family("menu", 1, {"snapchat": 1.0, "telegram": 1.0, "instagram": 0.8, "sms": 0.5}, langs=("en",), weight=1.2)
def street_menu_bare(ctx: Ctx) -> Draft:
    """A street menu of pills one a line, prices mostly bare numbers ("percs 10s - 15" / "bars 5" / "addy 30s
    12"), sometimes a tier ladder for one of them, then terms; the legal and other-drug menus share the lines."""
    street = load_pool("street_en")
    items: list[str] = []
    drugs: list[Drug] = []
    for _ in range(ctx.num(2, 5)):
        d = street_drug(ctx)
        if d not in drugs:
            drugs.append(d)
            items.append(street_item(ctx, d)[0])
    lines = [menu_line(ctx, item) for item in items]
    if ctx.chance(0.3):  # one of them by the count, one tier a line
        unit = ctx.pick((5, 10, 15, 20, 25))
        lines[0] = items[0] + "\n" + _ladder(ctx, unit, "", ctx.pick((" - ", "-", " = ", ": ")), "\n")
    head = ctx.pick(("menu", "MENU 📋", "whats good today", "today only", "restocked", "📋", "new drop 🔥", ""))
    city = ctx.pick(vocab.CITIES)
    tail = ctx.some(
        [
            ctx.pick(street["terms"]),
            ctx.pick(street["supply_tail"]),
            ctx.pick(street["zones"]).format(city=city, n=ctx.pick((3, 5, 10))),
            ctx.pick(street["meetups"]).format(place=ctx.pick(street["places"])),
        ],
        1,
        3,
    )
    return Draft(["\n".join(x for x in (head, *lines, *tail) if x)], keep={0})


# --- negatives that share the street cues ----------------------------------------------------------------
def _around() -> dict:
    return load_pool("around_en")


@family("legal_goods_sale", 0, SOCIAL, langs=("en",), weight=1.6)
def plug_legal_goods(ctx: Ctx) -> Draft:
    """Legal goods sold in street-offer words: "sneaker plug 🔌", "who wants some", price ladders, no fronts."""
    pool = _around()
    good = ctx.pick(pool["plug_goods"])
    opener = ctx.pick(pool["plug_openers"]).format(good=good)
    street = load_pool("street_en")
    city = ctx.pick(vocab.CITIES)
    pieces = ctx.some(
        [
            price_line(ctx),
            ctx.pick(street["meetups"]).format(place=ctx.pick(street["places"])),
            ctx.pick(street["zones"]).format(city=city, n=ctx.pick((3, 5, 10))),
            ctx.pick(street["terms"]),
            ctx.pick(street["referral"]),
            ctx.pick(pool["plug_tails"]),
        ],
        1,
        4,
    )
    text = _join(ctx, [opener, *pieces] if ctx.chance(0.85) else [*pieces, opener])
    if ctx.chance(0.5):
        text += " " + ctx.emoji(street["dealer_emoji"], 1, 3)
    return Draft([text], keep={0})


@family("other_drug_sale", 0, SOCIAL, langs=("en",), weight=1.4)
def street_other_drug_menu(ctx: Ctx) -> Draft:
    """Menus of drugs pillscan does not flag (cannabis, cocaine, psychedelics, MDMA, meth) in street-offer words."""
    pool = _around()
    street = load_pool("street_en")
    kinds = ctx.some(list(pool["other_drugs"]), 1, 3)
    lines = []
    for k in kinds:
        item = ctx.pick(pool["other_drugs"][k])
        emo = ctx.pick(pool["other_emoji"][k]) if ctx.chance(0.6) else ""
        named = f"{emo} {item}" if emo else item
        lines.append(menu_line(ctx, named) if ctx.chance(0.7) else named)
    opener = (
        ctx.pick(street["supply"]).format(item=ctx.pick(pool["other_drugs"][kinds[0]]))
        if ctx.chance(0.5)
        else ctx.pick(("menu", "MENU 📋", "whats good today", "restocked", "new drop"))
    )
    tail = ctx.some(
        [
            ctx.pick(street["supply_tail"]),
            ctx.pick(street["terms"]),
            ctx.pick(street["zones"]).format(city=ctx.pick(vocab.CITIES), n=5),
        ],
        1,
        2,
    )
    sep = ctx.pick(("\n", " | ", ", "))
    return Draft([sep.join([opener, *lines, *tail])], keep={0})


def _slang_and_emoji(ctx: Ctx) -> tuple[str, str]:
    item, _ = street_item(ctx)
    emoji = " and ".join(ctx.some(["🔌", "💊", "🅿️", "🔵", "🍫", "🚌", "🍌", "🚆", "🤑", "💣", "🚀"], 1, 3))
    return item, emoji


@family("news", 0, {"web": 2.0, "x": 0.6, "facebook": 0.6, "reddit": 0.4}, langs=("en",), weight=1.5)
def news_quotes_street_slang(ctx: Ctx) -> Draft:
    """News that quotes the street names, emoji and even the offer phrasing, about an arrest or an alert."""
    pool = _around()
    first = ctx.pick(pool["news"])
    slots = {
        "city": ctx.pick(vocab.CITIES),
        "app": ctx.pick(("Snapchat", "Instagram", "Telegram", "TikTok")),
        "k": f"{ctx.num(2, 90) * 1000:,}",
        "years": ctx.num(2, 15),
        "price": f"${ctx.pick((10, 15, 20, 25, 30))}",
    }
    parts = []
    for phrase in [first, *ctx.some([p for p in pool["news"] if p != first], 0, 2)]:
        slang, emoji = _slang_and_emoji(ctx)
        parts.append(phrase.format(slang=slang, emoji=emoji, **slots))
    title = (
        ctx.pick(
            (
                "Counterfeit pill ring busted",
                "Police warn of fake pills sold online",
                "Overdose alert issued",
                "DEA: know the emoji codes",
                "Dealer sentenced",
            )
        )
        if ctx.chance(0.5)
        else None
    )
    return Draft(parts, title=title, keep={0})


@family("joke_lyric", 0, {"x": 1.5, "tiktok": 1.0, "instagram": 0.6, "snapchat": 0.6}, langs=("en",), weight=1.2)
def lyric_street_names(ctx: Ctx) -> Draft:
    """Made-up lyrics and song talk with street names in them (no one sells anything)."""
    slang, _ = street_item(ctx)
    line = ctx.pick(_around()["lyrics"]).format(slang=slang, city=ctx.pick(vocab.CITIES))
    extra = ctx.pick(("", "", "🎧", "who else has this on repeat", "#nowplaying", "the bridge tho"))
    return Draft([x for x in (line, extra) if x], keep={0})


def _chatter(ctx: Ctx, lo: int, hi: int) -> list[str]:
    pool = _around()["chatter_es" if ctx.lang == "es" else "chatter"]
    return ctx.some(pool, lo, hi)


def _chatter_slot(ctx: Ctx) -> tuple[list[str], int]:
    """1-8 distinct everyday sentences and where a sentence goes among them."""
    lines = _chatter(ctx, 1, 8)
    return lines, ctx.num(1, len(lines)) if ctx.chance(0.8) else 0


def _around_sentence(lines: list[str], at: int, sentence: str) -> str:
    return " ".join([*lines[:at], sentence, *lines[at:]])


@family(
    "inline_offer",
    1,
    {"facebook": 1.0, "reddit": 1.0, "sms": 0.6, "x": 0.3, "instagram": 0.4},
    weight=1.6,
    frames=(("supply", "inline_offer", 1), *(f for f in PAIR_FRAMES if f[0] in ("use", "demand", "joke", "warning"))),
)
def street_inline_chatter(ctx: Ctx) -> Draft:
    """A long everyday post with one sentence about pills run into it: an offer, or the same core framed otherwise."""
    core = draw_core(ctx)
    lines, at = _chatter_slot(ctx)  # part of the core: every twin has the same chatter around it
    return Draft([_around_sentence(lines, at, frame_text(ctx, core))], keep={0})


@family("chatter", 0, {"email": 1.5, "facebook": 0.5, "reddit": 0.5}, langs=("en",), weight=1.2)
def long_email_mentions_pills(ctx: Ctx) -> Draft:
    """Long ordinary e-mails and newsletters with one line that mentions pills (a nurse note, a refill, a warning)."""
    pool = _around()
    d = street_drug(ctx)
    brand = ctx.name(d, "brand")
    slang, _ = street_item(ctx, d)
    day = ctx.pick(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
    lines = [x.format(day=day) for x in ctx.some(pool["email"], 2, 6)]
    lines.insert(ctx.num(0, len(lines)), ctx.pick(pool["email_pill_lines"]).format(brand=brand, slang=slang))
    lines += _chatter(ctx, 0, 3) if ctx.chance(0.3) else []
    title = ctx.pick(("Weekly update", "Reminders", "Newsletter", "Re: schedule", "Notes from the office"))
    return Draft(lines, title=title, keep=set(range(len(lines))))


# --- any post run into everyday chatter (the robustness target: an offer hidden in a long post) --------------
_EMBED_OFFERS = ("plain_ad", "menu", "emoji_code", "obfuscated_ad", "indirect_solicitation", "prescription_resale")
_EMBED_NEGATIVES = (
    "patient_review",
    "news",
    "harm_reduction",
    "wanted_to_buy",
    "dealer_report",
    "everyday_slang",
    "recovery_grief",
    "legal_goods_sale",
)


def _embedded(ctx: Ctx, label: int, kinds: tuple[str, ...]) -> Draft:
    fams = [f for f in REGISTRY if f.label == label and f.kind in kinds and ctx.lang in f.langs and not f.frames]
    inner = ctx.pick(fams).build(ctx)
    sentence = " ".join(p.replace("\n", " ") for p in (inner.title, *inner.parts) if p)
    return Draft([_around_sentence(*_chatter_slot(ctx), sentence)], keep={0})


@family("inline_offer", 1, {"facebook": 1.0, "reddit": 1.0, "sms": 0.5, "x": 0.3, "instagram": 0.4}, weight=1.2)
def inline_any_offer(ctx: Ctx) -> Draft:
    """An offer written by another offer family (ad, menu, emoji code, obfuscated, indirect) inside long chatter."""
    return _embedded(ctx, 1, _EMBED_OFFERS)


@family("chatter", 0, {"facebook": 1.0, "reddit": 1.0, "sms": 0.5, "x": 0.3, "instagram": 0.4}, weight=1.2)
def inline_any_mention(ctx: Ctx) -> Draft:
    """A non-offer about pills (review, news, warning, request, report, slang) inside long chatter."""
    return _embedded(ctx, 0, _EMBED_NEGATIVES)


@family("legal_goods_sale", 0, SOCIAL, langs=("es",), weight=1.2)
def plug_legal_goods_es(ctx: Ctx) -> Draft:
    """Spanish sales of legal goods in the words of street offers (vendo, la pieza a, entrego en mano, al privado)."""
    good, detail, lo, hi = ctx.pick(vocab.GOODS_ES)
    pool = load_pool("street_es")
    opener = ctx.pick(
        (
            "vendo {g}",
            "tengo {g}",
            "ando surtido de {g}",
            "ya llegaron {g}",
            "quién quiere {g}",
            "{g} disponibles",
            "se venden {g}",
            "el plug de {g} 🔌",
            "tu plug de {g} 🔌 ya llegaron",
            "soy el plug de {g}, info al privado",
        )
    ).format(g=good)
    price = ctx.pick(pool["prices"]).format(a=ctx.num(lo, hi), b=ctx.num(lo, hi) * 3, k=ctx.pick((3, 5, 10)))
    zona = ctx.pick(pool["zonas"])
    pieces = ctx.some(
        [
            detail,
            price,
            *[x.format(zona=zona) for x in ctx.some(pool["logistics"], 1, 2)],
            ctx.pick(pool["supply_tail"]),
        ],
        1,
        4,
    )
    text = _join(ctx, [opener, *pieces])
    if ctx.chance(0.4):
        text += " " + ctx.emoji(("🔌", "🤑", "💯", "🔥", "📦", "🚗"), 1, 2)
    return Draft([text], keep={0})


@family("other_drug_sale", 0, SOCIAL, langs=("es",), weight=1.0)
def street_other_drug_menu_es(ctx: Ctx) -> Draft:
    """Spanish menus of drugs pillscan does not flag (mota, perico, cristal, tachas, hongos) in street-offer words."""
    pool = load_pool("street_es")
    items = ctx.some(
        ("mota", "mota de la buena", "perico", "cristal", "tachas", "hongos", "gomitas de mota", "cartuchos", "cera"),
        1,
        3,
    )
    lines = [
        f"{it} {ctx.pick(pool['prices']).format(a=ctx.num(5, 40) * 10, b=ctx.num(20, 90) * 10, k=5)}"
        if ctx.chance(0.7)
        else it
        for it in items
    ]
    opener = (
        ctx.pick(pool["supply"]).format(item=items[0])
        if ctx.chance(0.5)
        else ctx.pick(("menú", "lo de hoy", "ya hay", "surtido nuevo"))
    )
    tail = ctx.some(
        [ctx.pick(pool["supply_tail"]), *[x.format(zona=ctx.pick(pool["zonas"])) for x in pool["logistics"][:3]]], 1, 2
    )
    return Draft([_join(ctx, [opener, *lines, *tail])], keep={0})


@family(
    "legal_goods_sale",
    0,
    {"instagram": 1.0, "snapchat": 1.0, "telegram": 0.6, "facebook": 0.8},
    langs=("en",),
    weight=1.0,
)
def plug_legal_menu(ctx: Ctx) -> Draft:
    """A legal seller's menu laid out like a pill menu: a header, items with price ladders, terms, plug emoji."""
    pool = _around()
    street = load_pool("street_en")
    goods = ctx.some(pool["plug_goods"], 2, 5)
    head = ctx.pick(
        ("MENU 📋", "menu 🔌", "price list", "whats available today", "restock menu 🤑", "{g} plug menu")
    ).format(g=goods[0])
    lines = [menu_line(ctx, g) for g in goods]
    tail = ctx.some([ctx.pick(street["terms"]), ctx.pick(street["supply_tail"]), ctx.pick(pool["plug_tails"])], 1, 2)
    return Draft(["\n".join([head, *lines, *tail])], keep={0})


# --- brand names as people tweet them: the same first-person lines as offers, use, requests and jokes --------
def _tweet(ctx: Ctx, frame: str) -> Draft:
    """A short post naming a pill by its brand or generic ("i need a xanax", "got adderall if anyone needs")."""
    d = street_drug(ctx)
    r = ctx.rng.random()
    if r < 0.55 and d.brands:  # the brand everyone knows (xanax, oxycontin, adderall) most of the time
        item = ctx.use_form(d, d.brands[0])
    else:
        item = ctx.name(d, "brand") if r < 0.85 else ctx.name(d, "generic")
    if frame == "use" and ctx.chance(0.4):
        item = ctx.pick(("una ", "mi ", "media ") if ctx.lang == "es" else ("a ", "my ", "one ", "half a ")) + item
    core = Core(item, d, price_line(ctx) if frame == "supply" and ctx.chance(0.3) else "", [], "")
    ctx.frame = frame
    line = frame_text(ctx, core)
    if ctx.chance(0.3):
        line = line.lower()
    return Draft([line], keep={0})


@family("casual_supply", 1, {"x": 2.0, "snapchat": 1.0, "sms": 0.6, "facebook": 0.4}, weight=0.8)
def tweet_pills_supply(ctx: Ctx) -> Draft:
    """First-person supply naming the brand ("I have Ativan if anyone needs any")."""
    return _tweet(ctx, "supply")


@family("personal_use", 0, {"x": 2.0, "snapchat": 0.6, "reddit": 0.4, "sms": 0.4}, weight=1.0)
def tweet_pills_use(ctx: Ctx) -> Draft:
    """First-person use naming the brand ("just took my adderall")."""
    return _tweet(ctx, "use")


@family("wanted_to_buy", 0, {"x": 2.0, "snapchat": 0.6, "reddit": 0.4, "sms": 0.4}, weight=0.8)
def tweet_pills_demand(ctx: Ctx) -> Draft:
    """Asking for a pill by its brand ("i need a xanax", "who's the plug for adderall")."""
    return _tweet(ctx, "demand")


@family("joke_lyric", 0, {"x": 2.0, "tiktok": 0.6, "instagram": 0.4}, weight=0.8)
def tweet_pills_joke(ctx: Ctx) -> Draft:
    """Jokes naming the brand."""
    return _tweet(ctx, "joke")
