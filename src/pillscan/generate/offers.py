# ruff: noqa: E501  -- phrase pools are prose, kept on one line each
"""Offer kinds (label 1): grammars for posts that sell or solicit buyers for prescription-type pills."""

from __future__ import annotations

from pillscan.generate import shared, vocab
from pillscan.generate.grammar import Ctx, Draft, family, marks_result

SOCIAL = {"tiktok": 1.0, "snapchat": 1.2, "instagram": 1.2, "x": 1.0, "telegram": 0.8, "facebook": 0.4}
CHAT = {"snapchat": 1.0, "telegram": 1.0, "sms": 0.8, "instagram": 0.6, "x": 0.4}
EMOJI_MONEY = ("💰", "💵", "💸", "🤑")
EMOJI_HYPE = ("🔥", "💯", "🚀", "⚡", "‼️", "✅")
EMOJI_SHIP = ("✈️", "🚚", "📬", "📦")
EMOJI_CONTACT = ("📲", "📱", "👻", "💬", "📩")


def _stock_word(ctx: Ctx) -> str:
    return ctx.say(
        (
            "in stock",
            "back in stock",
            "restocked",
            "fresh batch",
            "new batch just landed",
            "available now",
            "got plenty",
            "just re-upped",
            "stocked up",
            "back on",
            "running low, grab yours",
        ),
        ("disponibles", "ya hay", "tenemos", "recién llegadas", "hay surtido", "de nuevo disponibles"),
    )


def _claim(ctx: Ctx) -> str:
    return ctx.say(
        (
            "pharma grade",
            "real pharma not pressed",
            "legit pharmacy quality",
            "100% authentic",
            "pressed but fire",
            "top quality",
            "lab tested",
            "same batch as always",
            "no fakes",
            "straight from the pharmacy",
            "best presses in the city",
            "fent tested every batch",
            "guaranteed real",
            "customs pressed, strong",
            "original from the box",
        ),
        (
            "calidad farmacia",
            "originales",
            "la mejor calidad",
            "no son pirata",
            "100% garantizadas",
            "bien buenas",
            "de farmacia",
            "calidad premium",
        ),
    )


def _cta(ctx: Ctx) -> str:
    return ctx.say(
        (
            "first come first serve",
            "don't sleep on this",
            "serious buyers only",
            "no time wasters",
            "limited qty",
            "prices go up friday",
            "ask about bulk",
            "regulars get priority",
            "new customers welcome",
            "tap in",
            "pull up",
            "lmk what you need",
            "won't last",
        ),
        ("no pierdas tiempo", "pocas piezas", "aprovecha", "pregunta sin compromiso", "clientes nuevos bienvenidos"),
    )


# --- plain ads ---------------------------------------------------------------------------------
@family("plain_ad", 1, SOCIAL, weight=1.4)
def offer_plain_stock_post(ctx: Ctx) -> Draft:
    """Hook + products + claim + logistics + contact, random subset and order."""
    drugs = ctx.drugs_n(1, 3)
    prods = [ctx.product(d, 0.6) for d in drugs]
    head = ctx.say(
        ("got {p}", "{p} {s}", "selling {p}", "have {p}", "{p} up for grabs", "who needs {p}?", "{p} ready"),
        ("vendo {p}", "tengo {p}", "{p} {s}", "hay {p}", "se venden {p}"),
    ).format(p=ctx.pick((", ", " + ", " & ", " and ")).join(prods), s=_stock_word(ctx))
    extras = [_claim(ctx), ctx.shipping(), ctx.payment(), _cta(ctx)]
    parts = [head, *ctx.some(extras, 1, 4), ctx.contact()]
    return Draft(parts, tags=ctx.tags(("pharma", "plug", "meds", "relief", "chill", "smoke"), 0, 3))


@family("plain_ad", 1, SOCIAL, weight=1.0)
def offer_short_caption(ctx: Ctx) -> Draft:
    """One-line caption: product and a contact, nothing else."""
    d = ctx.drug()
    p = ctx.product(d, 0.4)
    line = ctx.pick(
        (
            f"{p} {ctx.contact()}",
            f"{p} avail {ctx.emoji(EMOJI_CONTACT, 1, 1)} {ctx.handle()}",
            f"{ctx.contact()} for {p}",
            f"{p} 🔌 {ctx.contact()}",
            f"need {p}? {ctx.contact()}",
            f"{p} on deck, {ctx.contact()}",
            f"{p} {ctx.price()} {ctx.contact()}",
        )
    )
    return Draft([line])


@family("plain_ad", 1, {"instagram": 1.0, "facebook": 0.8, "telegram": 1.0, "x": 0.6}, weight=1.0)
def offer_restock_announcement(ctx: Ctx) -> Draft:
    """Announcement of a new batch with several lines."""
    drugs = ctx.drugs_n(1, 3)
    title = ctx.say(
        ("RESTOCK ALERT", "NEW DROP", "BACK IN STOCK", "UPDATE", "JUST LANDED", "ATTENTION CUSTOMERS"),
        ("YA LLEGARON", "NUEVO SURTIDO", "AVISO", "REABASTECIDO"),
    )
    lines = [f"{title} {ctx.emoji(EMOJI_HYPE, 1, 3)}"]
    for d in drugs:
        lines.append(f"{ctx.emoji_for(d) if ctx.chance(0.5) else '-'} {ctx.product(d, 0.8)}")
    lines += ctx.some([_claim(ctx), ctx.shipping(), ctx.payment(), _cta(ctx)], 1, 3)
    lines.append(ctx.contact())
    return Draft(lines, tags=ctx.tags(("restock", "newdrop", "pharma", "meds"), 0, 2))


@family("plain_ad", 1, {"facebook": 1.0, "instagram": 0.5, "snapchat": 0.5, "sms": 0.6})
def offer_local_meetup(ctx: Ctx) -> Draft:
    """Local sale: city, meetup or drop-off, cash."""
    d = ctx.drug()
    city = ctx.pick(vocab.CITIES_ES if ctx.lang == "es" else vocab.CITIES)
    parts = [
        ctx.say(
            (
                f"{city} area, got {ctx.product(d, 0.6)}",
                f"anyone in {city} need {ctx.name(d)}",
                f"{ctx.product(d)} — {city} only",
                f"{city} 📍 {ctx.product(d, 0.7)} ready now",
            ),
            (
                f"en {city} tengo {ctx.product(d, 0.6)}",
                f"{ctx.product(d)} — solo {city}",
                f"{city} 📍 {ctx.name(d)} disponibles",
            ),
        ),
        ctx.say(
            (
                "meetup or drop off",
                "i deliver after work",
                "can meet at the gas station",
                "pickup only",
                "drop off within 10 miles",
                "can come to you",
            ),
            ("entregas a domicilio", "nos vemos en la plaza", "entrego en el centro", "punto medio"),
        ),
        ctx.pick((ctx.payment(), ctx.cue("payment", "cash"), ctx.price())),
        ctx.contact(),
    ]
    return Draft(ctx.shuffled(parts[:3]) + parts[3:])


@family("plain_ad", 1, {"x": 1.0, "tiktok": 0.8, "instagram": 0.7})
def offer_problem_solution(ctx: Ctx) -> Draft:
    """A relatable problem hook followed by the pill as the fix."""
    d = ctx.drug()
    hook = ctx.say(
        (
            "back pain killing you?",
            "can't focus at work?",
            "anxiety through the roof?",
            "cant sleep again?",
            "stressed about exams?",
            "long shift tomorrow?",
            "need to chill after this week?",
        ),
        ("¿no puedes dormir?", "¿mucha ansiedad?", "¿dolor de espalda?", "¿exámenes?"),
    )
    body = ctx.say(
        (
            f"{ctx.product(d, 0.6)} got you covered",
            f"i have {ctx.name(d)}",
            f"{ctx.name(d)} for the low",
            f"grab some {ctx.name(d)} from me",
        ),
        (f"tengo {ctx.name(d)}", f"{ctx.product(d)} te ayuda", f"te consigo {ctx.name(d)}"),
    )
    return Draft([hook, body, ctx.contact(), *ctx.some([ctx.price(), ctx.shipping()], 0, 2)])


@family("plain_ad", 1, {"instagram": 1.0, "tiktok": 1.0, "snapchat": 1.0})
def offer_quality_brag(ctx: Ctx) -> Draft:
    """Brags about strength and customers, then contact."""
    d = ctx.drug()
    parts = [
        ctx.say(
            (
                f"these {ctx.name(d)} hit different",
                f"strongest {ctx.name(d)} around",
                f"everybody been asking for the {ctx.name(d)}",
                f"{ctx.name(d)} so good they sold out twice",
                f"customers keep coming back for the {ctx.product(d, 0.5)}",
            ),
            (f"las {ctx.name(d)} más fuertes", f"todos piden {ctx.name(d)}", f"{ctx.name(d)} de la buena"),
        ),
        _claim(ctx),
        ctx.pick(
            (
                "reviews in highlights",
                "ask my regulars",
                "vouches on my story",
                "proof on my page",
                "10/10 feedback",
                "legit plug",
            )
        ),
        ctx.contact(),
    ]
    return Draft(parts, tags=ctx.tags(("legit", "plug", "vouched", "trusted"), 0, 2))


@family("plain_ad", 1, {"x": 1.0, "telegram": 1.0, "reddit": 0.3}, langs=("en",))
def offer_wholesale_pitch(ctx: Ctx) -> Draft:
    """Bulk and wholesale offer aimed at resellers."""
    d = ctx.drug()
    n = ctx.pick(("500", "1k", "1000", "2500", "5k", "10k"))
    parts = [
        ctx.pick(
            (
                f"wholesale {ctx.name(d)}",
                f"bulk {ctx.product(d, 0.6)}",
                f"{n}+ {ctx.name(d)} available",
                f"looking for resellers: {ctx.name(d)}",
            )
        ),
        ctx.pick(
            (
                f"min order {ctx.pick(('100', '250', '500'))} pcs",
                f"{n} lots",
                "price breaks at 1k",
                "tiers for serious buyers",
                "good for resale",
            )
        ),
        ctx.shipping(),
        ctx.pick((ctx.contact(), f"{ctx.cue('contact', 'wickr')} {ctx.handle()}", ctx.contact())),
    ]
    return Draft(parts)


# --- menus and price lists --------------------------------------------------------------------
def _menu_line(ctx: Ctx, style: int) -> str:
    d = ctx.drug()
    p = ctx.product(d, 0.7)
    price = ctx.price(3, 60)
    if style == 0:
        return f"{p} - {price}"
    if style == 1:
        return f"{ctx.emoji_for(d)} {p} {price}/ea"
    if style == 2:
        return f"• {p} .... {price}"
    if style == 3:
        return f"{p}: {ctx.num(5, 100)} for {ctx.price(40, 900)}"
    return f"{ctx.name(d).upper()} {ctx.dose(d)} | {price}"


@family("menu", 1, {"telegram": 2.0, "instagram": 0.6, "snapchat": 0.6}, weight=1.3)
def offer_menu_channel(ctx: Ctx) -> Draft:
    """A Telegram-style menu with a header, one line per item and rules."""
    style = ctx.num(0, 4)
    header = ctx.say(
        ("📋 MENU", "TODAY'S MENU", "🔌 MENU UPDATED", "PRICE LIST", "— MENU —", "WHAT WE GOT"),
        ("📋 MENÚ", "LISTA DE PRECIOS", "MENÚ DEL DÍA", "CATÁLOGO"),
    )
    lines = [header] + [_menu_line(ctx, style) for _ in range(ctx.num(3, 8))]
    footer = ctx.some(
        [ctx.shipping(), ctx.payment(), _cta(ctx), "no prices in dms", "min order $100", "bulk = discount"], 1, 3
    )
    return Draft(lines + footer + [ctx.contact()])


@family("menu", 1, CHAT)
def offer_menu_tiers(ctx: Ctx) -> Draft:
    """Quantity tiers for a single product."""
    d = ctx.drug()
    lines = [ctx.product(d, 0.9)]
    q = 1
    for _ in range(ctx.num(2, 5)):
        q = q * ctx.pick((2, 5, 10)) if q > 1 else ctx.pick((1, 5, 10))
        sep = ctx.pick((" = ", " for ", ": ", " - ", " ➡️ "))
        lines.append(f"{q}{sep}{ctx.price(10 * q // 2 + 5, 10 * q + 40)}")
    lines.append(ctx.contact())
    if ctx.chance(0.5):
        lines.insert(1, ctx.pick(("prices:", "tiers", "💵 pricing", "deals")))
    return Draft(lines)


@family("menu", 1, {"snapchat": 1.0, "x": 1.0, "sms": 1.0, "tiktok": 0.5})
def offer_menu_inline(ctx: Ctx) -> Draft:
    """A comma-separated price list in one line."""
    items = []
    for d in ctx.drugs_n(2, 5):
        items.append(f"{ctx.name(d)} {ctx.pick((ctx.dose(d) + ' ', ''))}{ctx.price(3, 50)}")
    sep = ctx.pick((", ", " / ", " | ", " . ", " ~ "))
    line = sep.join(items)
    return Draft([ctx.pick(("", "prices: ", "today ", "menu: ", "got ")) + line, ctx.contact()])


@family("menu", 1, {"telegram": 1.5, "instagram": 0.5})
def offer_menu_categories(ctx: Ctx) -> Draft:
    """Menu grouped by drug class (benzos, opiates, stims, sleep)."""
    heads = {
        "benzodiazepine": ("BENZOS", "CALM", "BENZOS 😴"),
        "opioid": ("OPIATES", "PAIN", "PAINKILLERS 🅿️"),
        "stimulant": ("STIMS", "FOCUS", "STUDY 📚"),
        "z-drug": ("SLEEP", "SLEEP AIDS"),
    }
    groups: dict[str, list[str]] = {}
    for d in ctx.drugs_n(3, 7):
        groups.setdefault(d.drug_class, []).append(f"{ctx.product(d, 0.8)} {ctx.price(3, 40)}")
    lines = []
    for cls, items in groups.items():
        lines.append(ctx.pick(heads.get(cls, (cls.upper(),))))
        lines += items
    lines += ctx.some([ctx.shipping(), ctx.payment(), _claim(ctx)], 1, 2)
    lines.append(ctx.contact())
    return Draft(lines)


@family("menu", 1, {"telegram": 1.0, "snapchat": 1.0, "instagram": 0.7, "facebook": 0.3}, langs=("es",))
def oferta_lista_precios(ctx: Ctx) -> Draft:
    """Spanish price list with pesos and delivery."""
    lines = [ctx.pick(("LISTA 📋", "PRECIOS", "Lo que hay hoy:", "Menú 💊", "Surtido:"))]
    for d in ctx.drugs_n(2, 5):
        lines.append(f"{ctx.product(d, 0.7)} {ctx.pick(('a', '-', '→', ':'))} {ctx.price(50, 900)}")
    lines.append(
        ctx.pick(
            (
                "entregas en toda la ciudad",
                "envíos a todo México",
                "hacemos envíos al otro lado",
                "entrega en punto medio",
                "servicio a domicilio",
            )
        )
    )
    lines.append(ctx.contact())
    return Draft(lines)


@family("menu", 1, {"telegram": 1.0, "instagram": 1.0, "x": 0.4})
def offer_bundle_deals(ctx: Ctx) -> Draft:
    """Combo deals mixing two pills."""
    a, b = ctx.drugs_n(2, 2)
    deal = ctx.say(
        (
            f"combo: {ctx.num(5, 20)} {ctx.name(a)} + {ctx.num(5, 20)} {ctx.name(b)} for {ctx.price(60, 400)}",
            f"{ctx.name(a)} & {ctx.name(b)} bundle {ctx.price(60, 400)}",
            f"buy {ctx.num(10, 30)} {ctx.name(a)} get {ctx.num(2, 5)} {ctx.name(b)} free",
        ),
        (
            f"combo {ctx.name(a)} + {ctx.name(b)} por {ctx.price(200, 2000)}",
            f"paquete de {ctx.name(a)} y {ctx.name(b)} {ctx.price(200, 2000)}",
        ),
    )
    parts = [ctx.pick(("weekend special", "deal of the week", "promo", "bundle sale", "💥 special")), deal]
    parts += ctx.some([ctx.shipping(), ctx.payment(), _cta(ctx)], 1, 2)
    return Draft([*parts, ctx.contact()], tags=ctx.tags(("deals", "promo", "weekend"), 0, 2))


# --- emoji and slang code -------------------------------------------------------------------------
@family("emoji_code", 1, {"snapchat": 1.5, "tiktok": 1.0, "instagram": 1.0, "x": 0.5}, weight=1.3)
def offer_emoji_lines(ctx: Ctx) -> Draft:
    """Almost only emoji: plug, pill code, money, shipping, contact."""
    ds = ctx.drugs_n(1, 3)
    code = " ".join(ctx.emoji_for(d) * ctx.num(1, 3) for d in ds)
    lines = [
        f"🔌{ctx.pick(('', ' ', '🔌'))}{code}",
        ctx.emoji(EMOJI_MONEY + EMOJI_SHIP, 1, 3),
        f"{ctx.emoji(EMOJI_CONTACT, 1, 2)} {ctx.handle()}",
    ]
    if ctx.chance(0.5):
        lines.insert(1, ctx.pick(("✅", "💯", "🔥🔥", "⚡")) + " " + ctx.pick(("avail", "on", "🆕", "open", "now")))
    return Draft(lines)


@family("emoji_code", 1, {"snapchat": 1.0, "instagram": 1.0, "tiktok": 1.0})
def offer_emoji_story(ctx: Ctx) -> Draft:
    """Story overlay mixing slang with emoji code."""
    d = ctx.drug()
    e = ctx.emoji_for(d)
    line = ctx.pick(
        (
            f"{e} back on the menu {ctx.emoji(EMOJI_HYPE, 1, 2)}",
            f"{e}{e} + {ctx.emoji_for(ctx.drug())} tonight only",
            f"who tryna {e}? 🔌",
            f"{e} {ctx.price(5, 40)} each",
            f"{e}x{ctx.num(5, 100)} ready {ctx.emoji(EMOJI_SHIP, 1, 1)}",
            f"plug got {e} {ctx.name(d, 'street')}",
        )
    )
    return Draft([line, ctx.contact() if ctx.chance(0.7) else ctx.emoji(EMOJI_CONTACT, 1, 2)])


@family("emoji_code", 1, {"tiktok": 1.0, "instagram": 1.0, "x": 0.5, "snapchat": 0.8})
def offer_slang_code(ctx: Ctx) -> Draft:
    """Street slang and ambiguous words in a clearly commercial frame."""
    d = ctx.drug()
    slang = ctx.pick(d.ambiguous_slang + d.slang) if (d.ambiguous_slang or d.slang) else ctx.name(d)
    ctx.keywords.append(slang)
    ctx.tactics.add("slang")
    parts = [
        ctx.pick(
            (
                f"{slang} {ctx.price(5, 40)} a pop",
                f"got them {slang} {ctx.emoji_for(d)}",
                f"{slang} on deck, {ctx.num(5, 50)} left",
                f"ya boy got {slang} again",
                f"{slang} for the low low",
                f"{ctx.colour(d)} {slang} {ctx.price(5, 40)}",
            )
        ),
        ctx.pick(("🔌", "plug", "the plug", "ur plug", "🔌🔌")) + " " + ctx.contact(),
    ]
    if ctx.chance(0.4):
        parts.append(ctx.shipping())
    return Draft(parts, tags=ctx.tags(("plug", "connect", "available"), 0, 2))


@family("emoji_code", 1, {"snapchat": 1.0, "instagram": 1.0, "tiktok": 1.0}, langs=("es",))
def oferta_emoji_clave(ctx: Ctx) -> Draft:
    """Spanish emoji code with pesos and WhatsApp."""
    d = ctx.drug()
    e = ctx.emoji_for(d)
    parts = [
        ctx.pick(
            (
                f"{e}{e} disponibles",
                f"hay {e} {ctx.name(d)}",
                f"{e} a {ctx.price(50, 400)}",
                f"🔌 {e} en {ctx.pick(vocab.CITIES_ES)}",
            )
        ),
        ctx.contact(),
    ]
    return Draft(parts)


@family("emoji_code", 1, {"tiktok": 1.0, "instagram": 1.0, "snapchat": 0.6})
def offer_emoji_price_grid(ctx: Ctx) -> Draft:
    """Emoji-coded grid of quantities and money."""
    lines = []
    for d in ctx.drugs_n(1, 3):
        e = ctx.emoji_for(d)
        lines.append(f"{e} x{ctx.num(5, 100)} {ctx.pick(EMOJI_MONEY)}{ctx.num(50, 900)}")
    lines.append(ctx.pick(("📦 ✈️ 🌎", "🚚💨", "📬 discreet", "🤝 local")))
    lines.append(ctx.contact())
    return Draft(lines)


# --- deliberately obfuscated spellings --------------------------------------------------------
@marks_result("deliberate_obfuscation")
def _evade(ctx: Ctx, word: str) -> str:
    """Hand-written evasions a seller types (independent of the noise level)."""
    r = ctx.rng.random()
    w = word.replace(" ", "")
    if r < 0.25:
        table = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$"}
        return "".join(table.get(c, c) if ctx.chance(0.7) else c for c in w)
    if r < 0.45:
        return ctx.pick((".", " ", "-", "*", "_")).join(w)
    if r < 0.6:
        i = ctx.num(1, max(1, len(w) - 1))
        return w[:i] + ctx.pick(("*", "#", "^", ".", "'")) + w[i:]
    if r < 0.75:
        return w.upper().replace("O", "0").replace("A", "@")
    if r < 0.9:
        return w[0] + "".join(c if c not in "aeiou" or ctx.chance(0.4) else "*" for c in w[1:])
    return w[0] + "." + w[1:]


@family("obfuscated_ad", 1, SOCIAL, weight=1.2)
def offer_evasive_spelling(ctx: Ctx) -> Draft:
    """Ad where drug names and sale words are spelled to dodge filters."""
    ds = ctx.drugs_n(1, 3)
    items = [f"{_evade(ctx, ctx.name(d, 'brand'))} {ctx.dose(d) if ctx.chance(0.5) else ''}".strip() for d in ds]
    sell = ctx.pick(("s3lling", "s.e.l.l.i.n.g", "$elling", "for s@le", "avai1able", "got", "h@ve", "in st0ck"))
    parts = [f"{sell} {', '.join(items)}", ctx.contact()]
    if ctx.chance(0.6):
        parts.insert(1, ctx.pick((ctx.payment(), ctx.shipping(), _claim(ctx))))
    return Draft(parts)


@family("obfuscated_ad", 1, {"tiktok": 1.0, "instagram": 1.0, "x": 1.0, "snapchat": 0.6})
def offer_dotted_names(ctx: Ctx) -> Draft:
    """Every key word dotted or spaced, as captions do to beat keyword bans."""
    d = ctx.drug()
    nm = ctx.name(d, "brand")
    spaced = ctx.pick((".", " ", "-", "·")).join(nm.replace(" ", ""))
    ctx.tactics.add("deliberate_obfuscation")
    parts = [
        ctx.pick((f"{spaced} {ctx.dose(d)}", f"got {spaced}", f"{spaced} avail", f"{spaced} {ctx.emoji_for(d)}")),
        ctx.pick(("p.l.u.g", "pl*g", "🔌", "c.o.n.n.e.c.t", "m e n u", "d.m")),
        ctx.contact(),
    ]
    return Draft(parts)


@family("obfuscated_ad", 1, {"x": 1.0, "telegram": 1.0, "snapchat": 1.0, "sms": 0.5})
def offer_misspelled_menu(ctx: Ctx) -> Draft:
    """Misspellings from the lexicon in a short list."""
    lines = []
    for d in ctx.drugs_n(2, 4):
        nm = ctx.pick(d.misspellings) if d.misspellings else _evade(ctx, ctx.name(d, "brand"))
        ctx.keywords.append(nm)
        ctx.tactics.add("misspelling")
        lines.append(f"{nm} {ctx.pick((ctx.dose(d), ctx.price(3, 40), ''))}".strip())
    return Draft([ctx.pick(("got:", "avail:", "have", "")), *lines, ctx.contact()])


@family("obfuscated_ad", 1, {"instagram": 1.0, "tiktok": 1.0, "facebook": 0.5})
def offer_symbol_substitution(ctx: Ctx) -> Draft:
    """Sale words and drug names with symbols and a 'not what you think' wink."""
    d = ctx.drug()
    nm = _evade(ctx, ctx.name(d))
    parts = [
        ctx.pick(
            (
                f"{nm} 👀",
                f"the 'v1tamins' ({nm}) are here",
                f"{nm} 💊 u know what it is",
                f"c@ndy ({nm}) 4 $@le",
                f"selling {nm} 🤫",
            )
        ),
        ctx.pick(("dm 4 details", "d m me", "inb0x", "pm 4 pr1ces", "l1nk in b10")),
    ]
    if ctx.chance(0.5):
        parts.append(ctx.pick(("c@$h@pp", "c4shapp", "v3nmo", "b.t.c", "z3lle")))
    return Draft(parts)


@family("obfuscated_ad", 1, {"telegram": 1.0, "snapchat": 1.0, "instagram": 1.0}, langs=("es",))
def oferta_ofuscada(ctx: Ctx) -> Draft:
    """Spanish ad with evasive spellings."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"v3nd0 {_evade(ctx, ctx.name(d))}",
                f"t3ngo {_evade(ctx, ctx.name(d))}",
                f"{_evade(ctx, ctx.name(d))} d1sp0n1bles",
                f"$e vende {_evade(ctx, ctx.name(d))}",
            )
        ),
        ctx.pick(("s1n r3c3ta", "sin rec3ta", "envío d1scr3to", "pr3cio por m@yoreo")),
        ctx.contact(),
    ]
    return Draft(parts)


# --- online pharmacy spam -------------------------------------------------------------------------
def _spam_price(ctx: Ctx) -> str:
    n = ctx.num(29, 299)
    cents = ctx.pick(("", ".95", ".99", ".00"))
    forms = (f"${n}{cents}", f"$ {n} .", f"$ {n}{cents} ", f"{n}{cents} $", f"only ${n}", f"$ {n} {cents[1:]}")
    return ctx.pick(forms).strip()


def _spam_name(ctx: Ctx, d: object) -> str:
    from pillscan.lexicon import Drug

    assert isinstance(d, Drug)
    nm = ctx.name(d, "brand") if ctx.chance(0.7) else ctx.name(d, "generic")
    r = ctx.rng.random()
    if r < 0.3:
        nm = _evade(ctx, nm) if ctx.chance(0.5) else " ".join(nm)
        ctx.tactics.add("deliberate_obfuscation")
    elif r < 0.65:
        nm = shared.mangle_name(ctx, nm)
    return nm


@marks_result("filler_words")
def _filler(ctx: Ctx, lo: int, hi: int) -> str:
    # Real spam tails are long runs of dictionary words; ordinary spam gets the same tails (shared pool).
    return shared.word_salad(ctx, lo, hi * 2) if ctx.chance(0.6) else ctx.filler(lo, hi)


_SPAM_SUBJECTS = (
    "cheap meds online",
    "cheaap medications",
    "save on your prescriptions",
    "your pharmacy order",
    "best prices on meds",
    "no prescription needed",
    "re: your request",
    "get your meds now",
    "pharmacy specials",
    "discount rx",
    "lowest prices guaranteed",
    "meds shipped overnight",
    "you need this",
    "private and discreet",
    "refill ready",
)


@family("pharmacy_spam", 1, {"email": 3.0, "sms": 0.3}, langs=("en",), weight=1.4)
def offer_pharmacy_spam_classic(ctx: Ctx) -> Draft:
    """Online pharmacy e-mail: list, no prescription, prices, shipping, link."""
    ds = ctx.drugs_n(2, 6)
    lines = [
        ctx.pick(("Dear customer,", "Hello,", "Hi friend", "Attention:", "", "Good day!")),
        ctx.pick(
            (
                "We offer the best prices on the most popular medications.",
                "Our online pharmacy is now open to the public.",
                "Stop paying too much for your meds.",
                "Trusted by thousands of satisfied customers.",
                "Get the medication you need without the hassle.",
            )
        ),
    ]
    for d in ds:
        lines.append(f"{_spam_name(ctx, d)} {ctx.dose(d)} - {_spam_price(ctx)}")
    lines += ctx.some(
        [
            ctx.cue("no_prescription") + "!",
            "No doctor visit required.",
            ctx.pick(("Overnight delivery", "Worldwide shipping", "Discreet packaging", "FedEx delivery")),
            ctx.pick(("Visa, MasterCard, E-check accepted", "Secure payments", "Money back guarantee")),
            f"Order now at {ctx.pick(vocab.FAKE_SHOPS).lower()}.{ctx.pick(('com', 'net', 'biz', 'info'))}",
            ctx.pick(shared.SPAM_CARE),
        ],
        2,
        5,
    )
    if ctx.chance(0.4):
        lines.append(_filler(ctx, 5, 25))
    return Draft(lines, title=ctx.pick(_SPAM_SUBJECTS))


@family("pharmacy_spam", 1, {"email": 1.0}, langs=("en",))
def offer_pharmacy_spam_poisoned(ctx: Ctx) -> Draft:
    """Short pitch buried in random filler words (bayesian poisoning)."""
    d = ctx.drug()
    pitch = ctx.pick(
        (
            f"{_spam_name(ctx, d)} {_spam_price(ctx)}",
            f"get {_spam_name(ctx, d)} {ctx.cue('no_prescription')}",
            f"{_spam_name(ctx, d)} and {_spam_name(ctx, ctx.drug())} cheaap",
            f"buy {_spam_name(ctx, d)} online",
        )
    )
    parts = [_filler(ctx, 3, 12), pitch, _filler(ctx, 8, 30)]
    if ctx.chance(0.5):
        parts.insert(
            2,
            ctx.pick(("click here", "visit our site", "order online", "http://"))
            + ctx.pick(("", f" www.{ctx.pick(vocab.FAKE_SHOPS).lower()}.com")),
        )
    return Draft(parts, title=_filler(ctx, 1, 3) if ctx.chance(0.5) else ctx.pick(_SPAM_SUBJECTS))


@family("pharmacy_spam", 1, {"email": 1.0}, langs=("en",))
def offer_pharmacy_spam_spaced(ctx: Ctx) -> Draft:
    """Spam where every drug is spelled with spaces or symbols and prices are token-spaced."""
    lines = []
    for d in ctx.drugs_n(3, 7):
        nm = " ".join(ctx.name(d, "brand").replace(" ", ""))
        ctx.tactics.add("deliberate_obfuscation")
        lines.append(
            ctx.pick(
                (
                    f"{nm} - $ {ctx.num(59, 199)} .",
                    f"{nm} : {_spam_price(ctx)}",
                    f"{nm} from $ {ctx.num(1, 4)} . {ctx.num(10, 99)} per pill",
                )
            )
        )
    lines.insert(
        0,
        ctx.pick(
            (
                "v i a g r a free with every order !",
                "s p e c i a l o f f e r",
                "c h e a p p r i c e s",
                "m e d s o n l i n e",
                "b e s t  d e a l s",
            )
        ),
    )
    lines.append(
        ctx.pick(
            (
                "n o p r e s c r i p t i o n",
                "no pr escription",
                "no prescrip tion req uired",
                "s h i p p e d w o r l d w i d e",
            )
        )
    )
    return Draft(lines, title=ctx.pick(("r e : meds", "cheaap rx", "save 80 %", "ph@rmacy")))


@family("pharmacy_spam", 1, {"email": 1.0, "sms": 0.4}, langs=("en",))
def offer_pharmacy_spam_subject(ctx: Ctx) -> Draft:
    """Only a spam subject line (how spam folders list it)."""
    d = ctx.drug()
    line = ctx.pick(
        (
            f"{_spam_name(ctx, d)} for less",
            f"buy {_spam_name(ctx, d)} now",
            f"{_spam_name(ctx, d)} {ctx.cue('no_prescription')}",
            f"cheap {_spam_name(ctx, d)} {ctx.dose(d)}",
            f"{_spam_name(ctx, d)} {_spam_price(ctx)} per pill",
            f"{_spam_name(ctx, d)} , {_spam_name(ctx, ctx.drug())} , {_spam_name(ctx, ctx.drug())} and more",
            f"{ctx.num(50, 85)}% off {_spam_name(ctx, d)}",
        )
    )
    return Draft([line], title=line)


@family("pharmacy_spam", 1, {"email": 1.0}, langs=("en",))
def offer_pharmacy_spam_canadian(ctx: Ctx) -> Draft:
    """'Licensed' overseas pharmacy pitch with savings percentages and testimonials."""
    ds = ctx.drugs_n(2, 4)
    names = ", ".join(_spam_name(ctx, d) for d in ds)
    lines = [
        ctx.pick(
            (
                "Licensed international pharmacy",
                "Canadian-style pharmacy",
                "FDA-approved generics*",
                "Certified online drugstore",
            )
        ),
        f"Save up to {ctx.num(40, 85)}% on {names} and more.",
        ctx.pick(
            (
                f'"Great service, arrived in {ctx.num(3, 9)} days" - {ctx.pick(vocab.FIRST_NAMES)}',
                "Over 1,000,000 orders shipped",
                "24/7 customer support",
            )
        ),
        ctx.pick(
            (ctx.cue("no_prescription"), "Free online consultation", "No prior prescription", *shared.SPAM_CARE[:4])
        ),
        ctx.pick(("Unsubscribe here", "To be removed reply STOP", "click to opt out", "")),
    ]
    return Draft(lines, title=ctx.pick(_SPAM_SUBJECTS))


@family("pharmacy_spam", 1, {"email": 1.0, "sms": 0.5, "x": 0.3}, langs=("es",))
def oferta_farmacia_spam(ctx: Ctx) -> Draft:
    """Spanish online-pharmacy spam."""
    ds = ctx.drugs_n(1, 4)
    lines = [
        ctx.pick(("Farmacia en línea", "¡Ofertas en medicamentos!", "Estimado cliente:", "Promoción especial")),
        ", ".join(f"{_spam_name(ctx, d)} {ctx.dose(d)}" for d in ds),
        ctx.pick(("sin receta médica", "sin receta", "sin prescripción")),
        ctx.pick(("envío a domicilio", "envíos discretos a todo el país", "entrega en 24 horas")),
        ctx.pick(("pague con tarjeta", "aceptamos PayPal", "pago contra entrega")),
    ]
    return Draft(lines, title=ctx.pick(("ofertas", "su pedido", "medicamentos baratos")))


@family("pharmacy_spam", 1, {"email": 1.0, "x": 0.3}, langs=("en",))
def offer_pharmacy_spam_newsletter(ctx: Ctx) -> Draft:
    """Long 'newsletter' style with categories and a long unrelated tail."""
    lines = [ctx.pick(("This week's specials", "NEWSLETTER", "Members only offer", "Hot deals inside"))]
    for d in ctx.drugs_n(2, 5):
        lines.append(
            f"{ctx.pick(vocab.INDICATIONS[d.drug_class])}: {_spam_name(ctx, d)} {ctx.dose(d)} "
            f"{ctx.num(30, 180)} pills {_spam_price(ctx)}"
        )
    lines.append(ctx.pick(("order today, ships tomorrow", "we ship to all countries", "no rx no problem")))
    lines.append(_filler(ctx, 10, 40))
    return Draft(lines, title=ctx.pick(_SPAM_SUBJECTS))


@family("pharmacy_spam", 1, {"email": 1.0}, langs=("en",), weight=1.5)
def offer_pharmacy_spam_mangled(ctx: Ctx) -> Draft:
    """Long spam with symbol-broken words everywhere, mixed drug lists, filler lines and a postal footer."""
    ds = ctx.drugs_n(2, 5)
    names = [_spam_name(ctx, d) for d in ds]
    if ctx.chance(0.35):
        names.append(ctx.name(ctx.drug(lifestyle=True), "brand"))
    glue = ctx.pick((", ", " , ", " ", "", " / "))
    lines = [
        ctx.pick(
            (
                f"up to {ctx.num(50, 85)} % off {glue.join(names[:2])}",
                f"super savings on {names[0]}",
                f"{ctx.pick(('best', 'top', 'cheaap', 'discount'))} online pharmacy",
                f"need {names[0]} ? we have it",
                "your online drugstore",
            )
        ),
        ctx.mangle(
            ctx.pick(
                (
                    f"if you need {glue.join(names)} we have it",
                    f"our pharmacy ships {glue.join(names)} and other popular meds to your door",
                    f"we carry {glue.join(names)} at the lowest prices",
                    f"painkillers , sleeping pills , {glue.join(names)} , all in one place",
                )
            ),
            0.35,
        ),
        ctx.mangle(
            ctx.pick(
                (
                    "no doctor visit , no prescription needed",
                    "private , secure , discreet",
                    "fast worldwide shipping",
                    "we care for your health whoever you are",
                    ctx.pick(shared.SPAM_CARE).lower(),
                    f"save {ctx.num(40, 80)} % compared to your local pharmacy",
                )
            ),
            0.3,
        ),
    ]
    for _ in range(ctx.num(1, 6)):
        lines.append(_filler(ctx, 3, 12))
    lines.insert(
        ctx.num(1, len(lines)),
        ctx.pick(
            (
                f"http : / / www . {ctx.pick(vocab.FAKE_SHOPS).lower()} . com",
                f"http://{ctx.handle()}.{ctx.pick(('biz', 'info', 'net', 'com'))}/rx",
                "click here",
                "visit us here",
                "go here",
            )
        ),
    )
    if ctx.chance(0.5):
        lines.append(
            ctx.pick(
                (
                    "to be removed from our list , go here",
                    f"{ctx.num(10, 999)} {ctx.pick(('main', 'front', 'harbour', 'king'))} st . {ctx.pick(vocab.CITIES)}",
                    "no more emails please click here",
                )
            )
        )
    return Draft(lines, title=ctx.pick(_SPAM_SUBJECTS) if ctx.chance(0.6) else ctx.filler(1, 4))


# --- indirect solicitation ----------------------------------------------------------------------
@family("indirect_solicitation", 1, {"tiktok": 1.0, "instagram": 1.0, "snapchat": 0.8, "x": 0.6}, weight=1.3)
def offer_finals_help(ctx: Ctx) -> Draft:
    """Study help with book and pill emoji, never says sell."""
    return Draft(
        shared.indirect_parts(
            ctx,
            (
                "finals help",
                "study szn",
                "midterms got you stressed?",
                "all-nighter kit",
                "exam week essentials",
                "need to lock in?",
                "focus mode",
            ),
        ),
        tags=ctx.tags(("finals", "studytok", "college", "exams", "focus"), 0, 4),
    )


@family("indirect_solicitation", 1, {"instagram": 1.0, "tiktok": 1.0, "snapchat": 1.0})
def offer_vibes_link_in_bio(ctx: Ctx) -> Draft:
    """Mood hooks with pill emoji pointing to a bio link or snap."""
    return Draft(
        shared.indirect_parts(
            ctx,
            (
                "cant sleep?",
                "anxious?",
                "need a lil help relaxing?",
                "weekend plans?",
                "long week?",
                "trouble sleeping lately?",
                "back hurting?",
            ),
        ),
        tags=ctx.tags(("sleep", "relax", "selfcare", "anxiety", "vibes"), 0, 4),
    )


@family("indirect_solicitation", 1, {"snapchat": 1.0, "instagram": 0.8, "x": 0.6, "telegram": 0.5})
def offer_party_favors(ctx: Ctx) -> Draft:
    """Party favours for the weekend, pills implied by emoji and code words."""
    return Draft(
        shared.indirect_parts(
            ctx,
            (
                "party favors for the weekend",
                "got the goodies for tonight",
                "candy for the festival",
                "fun pack for your weekend",
                "vitamins for the rave",
            ),
        ),
        tags=ctx.tags(("party", "rave", "weekend", "festival"), 0, 4),
    )


@family("indirect_solicitation", 1, {"tiktok": 1.0, "x": 1.0, "instagram": 0.7})
def offer_pain_relief_plug(ctx: Ctx) -> Draft:
    """Pain or anxiety 'help' offered by a stranger who can 'get you right'."""
    return Draft(
        shared.indirect_parts(
            ctx,
            (
                "if ur in pain and the doc won't help",
                "doctor cut you off?",
                "pharmacy out of your meds?",
                "tired of waiting on refills?",
                "insurance won't cover it?",
            ),
        ),
        tags=ctx.tags(("pain", "chronicpain", "help"), 0, 4),
    )


@family("indirect_solicitation", 1, {"snapchat": 1.0, "tiktok": 1.0, "instagram": 1.0}, langs=("es",))
def oferta_indirecta(ctx: Ctx) -> Draft:
    """Spanish indirect solicitation."""
    ctx.tactics.add("indirect")
    parts = [
        ctx.pick(
            ("¿no puedes dormir?", "¿mucho estrés?", "para los exámenes", "para el fin de semana", "¿te duele todo?")
        ),
        ctx.pick(("💊", "📚💊", "😴💊", "🔵")),
        ctx.pick(("info en mi perfil", "mándame dm", "link en la bio", "pregunta por inbox", "escríbeme")),
    ]
    return Draft(parts)


# --- resale of one's own prescription ---------------------------------------------------------
@family("prescription_resale", 1, {"reddit": 0.8, "facebook": 1.0, "snapchat": 1.0, "x": 0.8, "sms": 0.5})
def offer_script_leftovers(ctx: Ctx) -> Draft:
    """First person: leftover pills from my prescription, selling them."""
    d = ctx.drug()
    p = ctx.product(d, 0.6)
    parts = [
        ctx.say(
            (
                f"have {ctx.num(10, 90)} {p} left from my script",
                f"got extra {p} from my prescription",
                f"my {ctx.name(d)} script is more than i need",
                f"stopped taking my {ctx.name(d)}, have a full bottle",
                f"doc upped my dose so i have leftover {p}",
                f"extra {p} from my surgery",
            ),
            (f"me sobraron {ctx.num(10, 60)} {ctx.name(d)} de mi receta", f"tengo {p} de mi receta que ya no uso"),
        ),
        ctx.say(
            (
                "selling them",
                "letting them go cheap",
                "will sell for what i paid",
                "make me an offer",
                "$ each",
                f"{ctx.price(3, 25)} each",
                "trying to get rid of them",
            ),
            ("las vendo", "se las dejo baratas", f"a {ctx.price(30, 200)} cada una"),
        ),
        ctx.pick((ctx.contact(), "dm if interested", "message me", "pm", "local only")),
    ]
    if ctx.chance(0.4):
        parts.insert(
            1,
            ctx.pick(
                (
                    "real pharmacy bottle",
                    "still sealed",
                    "not pressed, straight from walgreens",
                    "pharmacy label and all",
                )
            ),
        )
    return Draft(parts)


@family("prescription_resale", 1, {"facebook": 1.0, "reddit": 0.6, "sms": 1.0, "snapchat": 1.0}, langs=("en",))
def offer_monthly_refill(ctx: Ctx) -> Draft:
    """Recurring seller who fills every month and sells part of it."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"i fill my {ctx.name(d)} on the {ctx.num(1, 28)}th every month",
                f"refill came in, {ctx.num(20, 60)} {ctx.name(d)} {ctx.dose(d)}",
                f"monthly {ctx.name(d)} script, only need half",
            )
        ),
        ctx.pick(("can sell the rest", "selling what i don't use", "regulars get first dibs", "have some for sale")),
        ctx.pick((f"{ctx.price(3, 20)}/pill", "cashapp", "venmo", "cash only", ctx.payment())),
        ctx.pick((ctx.contact(), "text me", "hmu")),
    ]
    return Draft(parts)


@family("prescription_resale", 1, {"reddit": 1.0, "facebook": 0.6, "x": 0.5}, langs=("en",))
def offer_parent_or_pet_script(ctx: Ctx) -> Draft:
    """Selling someone else's meds (grandma's, pet's) — still a pill offer."""
    d = ctx.drug()
    owner = ctx.pick(("my grandma's", "my late dad's", "my dog's vet", "my roommate's old", "my mom's leftover"))
    parts = [
        f"have {owner} {ctx.product(d, 0.6)}",
        ctx.pick(
            ("selling, no longer needed", "anyone want to buy", "for sale, make an offer", "will sell the whole bottle")
        ),
        ctx.pick((ctx.contact(), ctx.price(40, 300), "serious only")),
    ]
    return Draft(parts, title=ctx.pick(("WTS", "[H] meds [W] cash", "selling extras", None)))


# --- darknet listing titles ---------------------------------------------------------------------
def _vendor_claim(ctx: Ctx) -> str:
    return ctx.pick(
        (
            "free shipping",
            "FE",
            "escrow",
            "USA-USA",
            "UK to UK",
            "EU stock",
            "stealth",
            "top quality",
            "pharma grade",
            "pressed",
            "real",
            "authentic",
            "domestic",
            "no reship",
            "fast dispatch",
            "vendor's choice",
            "sample",
            "best seller",
            "bulk price",
            "tracked",
            "express",
            "NL",
            "DE",
            "AU",
        )
    )


@family("darknet_listing", 1, {"darknet": 1.0}, weight=1.6)
def offer_darknet_qty_brand(ctx: Ctx) -> Draft:
    """``100x Xanax 2mg S 90 3`` style: quantity, name, dose, imprint."""
    d = ctx.drug()
    q = ctx.pick(("10", "20", "25", "30", "50", "100", "200", "250", "500", "1000", "5", "14", "28", "60"))
    qx = ctx.pick((f"{q}x", f"{q} x", f"x{q}", f"{q}", f"{q} pills", f"{q} pcs", f"{q} tabs"))
    name = ctx.name(d, "formal") if ctx.chance(0.7) else ctx.name(d)
    bits = [qx, ctx.title_case(name), ctx.dose(d)]
    if ctx.chance(0.5):
        bits.append(ctx.imprint(d))
    if ctx.chance(0.5):
        bits.append(_vendor_claim(ctx))
    if ctx.chance(0.3):
        bits = ctx.shuffled(bits)
    return Draft([" ".join(b for b in bits if b)])


@family("darknet_listing", 1, {"darknet": 1.0})
def offer_darknet_imprint_first(ctx: Ctx) -> Draft:
    """Imprint-led title: ``M30 Blues 30mg - 100 pcs - USA``."""
    d = ctx.drug()
    imp = ctx.imprint(d) or ctx.name(d)
    bits = [imp, ctx.title_case(ctx.name(d)), ctx.dose(d), f"{ctx.num(1, 500)} pcs", _vendor_claim(ctx)]
    sep = ctx.pick((" - ", " | ", " ", " // ", " ~ "))
    return Draft([sep.join(b for b in ctx.some(bits[:2], 1, 2) + bits[2:] if b)])


@family("darknet_listing", 1, {"darknet": 1.0})
def offer_darknet_vendor_claim(ctx: Ctx) -> Draft:
    """Bracketed vendor tags around a product: ``[PHARMA] Valium 10mg Roche [FE]``."""
    d = ctx.drug()
    tag1 = ctx.pick(("[PHARMA]", "[REAL]", "***", "★", "[NEW]", "(SALE)", "[US]", "[EU]", "<<", "!!"))
    tag2 = ctx.pick(("[FE]", "[ESCROW]", "(free ship)", "***", "★", "[TRACKED]", ">>", "!!", ""))
    maker = ctx.pick(
        (
            "Roche",
            "Pfizer",
            "Mylan",
            "Teva",
            "Sandoz",
            "Sun Pharma",
            "Actavis",
            "Greenstone",
            "Intas",
            "Centurion",
            "generic",
            "original",
            "blister",
            "in blister",
            "bottle",
        )
    )
    title = f"{tag1} {ctx.title_case(ctx.name(d, 'formal'))} {ctx.dose(d)} {maker} {tag2}"
    return Draft([title.strip()])


@family("darknet_listing", 1, {"darknet": 1.0})
def offer_darknet_bulk_pack(ctx: Ctx) -> Draft:
    """Bulk pack title with per-pill price."""
    d = ctx.drug()
    q = ctx.pick((100, 250, 500, 1000, 2000))
    title = ctx.pick(
        (
            f"{ctx.title_case(ctx.name(d))} {ctx.dose(d)} bulk {q}",
            f"{q} {ctx.name(d)} @ {ctx.price(1, 9)} ea",
            f"wholesale {ctx.name(d)} {ctx.dose(d)} x{q}",
            f"{ctx.name(d).upper()} {ctx.dose(d)} {q}pcs {_vendor_claim(ctx)}",
            f"{q} {ctx.title_case(ctx.name(d))} {ctx.pick(('pressed', 'pharma', 'lab tested'))}",
        )
    )
    return Draft([title])


@family("darknet_listing", 1, {"darknet": 1.0})
def offer_darknet_generic_strength(ctx: Ctx) -> Draft:
    """Generic-name title with maker and form, as pharma resellers list."""
    d = ctx.drug()
    form = ctx.pick(("tablets", "tabs", "pills", "caps", "ER", "IR", "XR", "blister", "strip"))
    title = " ".join(
        b
        for b in (
            ctx.title_case(ctx.name(d, "generic")),
            ctx.pick((f"({ctx.name(d, 'brand')})", "")),
            ctx.dose(d),
            form,
            ctx.pick(("x" + str(ctx.num(10, 300)), "")),
            ctx.pick((_vendor_claim(ctx), "")),
        )
        if b
    )
    return Draft([title])


@family("darknet_listing", 1, {"darknet": 1.0})
def offer_darknet_pressed_label(ctx: Ctx) -> Draft:
    """Honestly labelled presses and odd units: ``Pressed Xanax bars yellow R039``."""
    d = ctx.drug()
    title = ctx.pick(
        (
            f"Pressed {ctx.title_case(ctx.name(d))} {ctx.colour(d)} {ctx.imprint(d)}",
            f"{ctx.colour(d).title()} {ctx.title_case(ctx.name(d, 'street'))} {ctx.dose(d)}",
            f"{ctx.title_case(ctx.name(d))} {ctx.dose(d)} press {ctx.pick(('v2', 'batch 3', 'new', 'gold', ''))}",
            f"{ctx.name(d)} {ctx.dose(d)} | {ctx.num(5, 100)} | {ctx.pick(('sample', 'retail', 'reship ok'))}",
        )
    )
    return Draft([title.strip()])


@family("darknet_listing", 1, {"darknet": 1.0}, langs=("es",))
def oferta_darknet_es(ctx: Ctx) -> Draft:
    """Spanish darknet title."""
    d = ctx.drug()
    title = ctx.pick(
        (
            f"{ctx.num(10, 500)} {ctx.name(d)} {ctx.dose(d)} envío gratis",
            f"{ctx.title_case(ctx.name(d))} {ctx.dose(d)} x{ctx.num(10, 200)} México",
            f"{ctx.name(d)} {ctx.dose(d)} calidad farmacia {ctx.num(10, 200)} pzas",
        )
    )
    return Draft([title])
