"""Sibling families: other layouts of the same kinds, drawn from the pools in ``shared``.

Each kind gets more than one way of writing its general cues, so a family left out of training still
shares its cues (asking, reporting, warning, offering, word salad, promo links) with families left in.
"""

from __future__ import annotations

from pillscan.generate import shared, vocab
from pillscan.generate.grammar import Ctx, Draft, family

SOCIAL = {"instagram": 1.0, "tiktok": 0.8, "x": 1.0, "facebook": 0.8, "snapchat": 0.6}


# --- negatives ----------------------------------------------------------------------------------
@family("harm_reduction", 0, SOCIAL)
def warn_emoji_legend_thread(ctx: Ctx) -> Draft:
    """A warning thread: heading, an emoji legend in some layout, advice lines, in varied orders."""
    legend = shared.emoji_legend(ctx, 1, 4)
    if ctx.chance(0.4):
        legend = [", ".join(legend)]
    advice = [shared.warn_advice(ctx) for _ in range(ctx.num(1, 3))]
    parts = (
        [shared.warn_head(ctx), *legend, *advice]
        if ctx.chance(0.7)
        else [*advice[:1], *legend, shared.warn_head(ctx), *advice[1:]]
    )
    return Draft(
        parts,
        tags=ctx.tags(("onepillcankill", "parents", "fentanylawareness", "emojicode", "awareness", "narcan"), 0, 3),
    )


@family("news", 0, {"web": 1.5, "x": 1.0, "facebook": 0.8}, langs=("en",))
def news_emoji_code_story(ctx: Ctx) -> Draft:
    """News about dealers' emoji codes, quoting the legend."""
    who = ctx.pick(vocab.AGENCIES)
    head = ctx.pick(
        (
            f"{who} warns parents about emoji used to sell counterfeit pills",
            f"What do these emoji mean? {who} releases a guide",
            f"Police: dealers use emoji to advertise pills to teens in {ctx.fill('{city}')}",
            "The secret emoji language of online drug dealers, explained",
        )
    )
    lead = ctx.pick(
        (
            "According to the guide, the most common codes include",
            "Officials said the codes shown to parents were",
            "The reference sheet, shared with schools, lists",
            "Investigators said accounts posted codes such as",
        )
    )
    legend = shared.emoji_legend(ctx, 2, 4)
    close = ctx.pick(
        (
            "The agency stressed that emoji alone are not evidence of drug activity.",
            f"{ctx.pick(vocab.OUTLETS)} reached out to the platforms for comment.",
            "Officials urged parents to talk with their children.",
            "Several accounts were removed after the report.",
        )
    )
    return Draft([lead + " " + "; ".join(legend) + ".", close], title=head)


def _quoted_ad(ctx: Ctx) -> str:
    d = ctx.drug()
    bits = [ctx.product(d, 0.6)]
    bits += ctx.some([ctx.price(), ctx.contact(), ctx.shipping(), ctx.cue("no_prescription"), ctx.payment()], 1, 2)
    return ctx.pick((" ", ", ", " / ")).join(bits)


@family("dealer_report", 0, {"x": 1.0, "reddit": 1.0, "facebook": 1.0, "instagram": 0.6})
def report_quoted_ad(ctx: Ctx) -> Draft:
    """A report that quotes the ad it reports."""
    return Draft(shared.report_frame(ctx, _quoted_ad(ctx)))


@family("wanted_to_buy", 0, {"reddit": 1.2, "x": 1.0, "facebook": 0.8, "snapchat": 0.5, "sms": 0.5})
def wtb_budget_post(ctx: Ctx) -> Draft:
    """A buyer's request with budget, place and how to reach them — asking, never offering."""
    d = ctx.drug()
    parts = [shared.ask_line(ctx, d), *[shared.ask_extra(ctx) for _ in range(ctx.num(1, 3))]]
    title = ctx.pick(("[WTB]", "[ISO]", "help", "looking", None, None)) if ctx.lang == "en" else None
    return Draft(ctx.shuffled(parts) if ctx.chance(0.3) else parts, title=title)


@family("wanted_to_buy", 0, {"x": 1.0, "snapchat": 1.0, "tiktok": 0.6, "sms": 1.0})
def wtb_chatty_ask(ctx: Ctx) -> Draft:
    """An ask buried in chat: opener, request, closer."""
    d = ctx.drug()
    line = ctx.chat(shared.ask_line(ctx, d))
    if ctx.chance(0.5):
        line += " " + shared.ask_extra(ctx)
    return Draft([line])


@family("legal_goods_sale", 0, {"x": 1.5, "instagram": 1.0, "facebook": 0.8, "tiktok": 0.6})
def goods_promo_link(ctx: Ctx) -> Draft:
    """Everyday product promos: item, size, price, link, hashtags and emoji."""
    item, detail, lo, hi = ctx.pick(vocab.GOODS_ES if ctx.lang == "es" else vocab.GOODS)
    head = ctx.say(
        (
            f"new drop: {item}",
            f"{item} now available",
            f"just listed! {item} {detail}",
            f"{item} {detail}",
            f"restock alert 🚨 {item}",
            f"{item} on sale this week",
            f"handmade {item}",
        ),
        (f"nuevo: {item}", f"{item} disponibles", f"ya llegaron {item}"),
    )
    extras = [
        shared.dimensions(ctx),
        ctx.price(lo, hi),
        shared.short_link(ctx),
        ctx.pick(
            (
                "free shipping",
                "ships worldwide",
                "limited stock",
                "only a few left",
                "link in bio",
                "shop now",
                "pre-order open",
                "use code SAVE10",
            )
        ),
        ctx.emoji(vocab.DECOR, 1, 3),
    ]
    parts = [head, *ctx.some(extras, 2, 5)]
    return Draft(
        parts,
        tags=ctx.tags(
            ("etsy", "shopsmall", "art", "print", "handmade", "sale", "ootd", "giftideas", "homedecor", "vintage"), 1, 5
        ),
    )


@family("chatter", 0, {"x": 2.0, "instagram": 1.0, "tiktok": 0.8, "telegram": 0.5})
def chatter_media_promo(ctx: Ctx) -> Draft:
    """NFT/crypto/radio/music/fan/event promos with links, prices and hashtags."""
    line = ctx.pick(
        (
            f"now playing on {ctx.pick(('KJAZ', 'Radio One', 'the station', 'Hits 97'))}: {ctx.fill('{artist}')} 🎶",
            f"new NFT drop, mint price {ctx.num(1, 9) / 100:.2f} ETH 🚀",
            f"{ctx.pick(('BTC', 'ETH', 'SOL'))} just hit ${ctx.num(100, 90000):,} 📈",
            f"tickets for {ctx.fill('{artist}')} on sale friday 🎟️ {ctx.price(20, 200)}",
            "stream my new single, out now 🔥",
            f"{ctx.fill('{artist}')} was unreal last night 😭💙",
            f"giveaway! follow + RT to win a signed {ctx.pick(('jersey', 'vinyl', 'poster', 'hoodie'))} 🎁",
            f"episode {ctx.num(2, 300)} of the podcast is live 🎙️",
            f"{ctx.fill('{team}')} game day!! 💙💙",
            f"free webinar thursday, only {ctx.num(20, 200)} seats",
        )
    )
    parts = [
        line,
        *ctx.some(
            [
                shared.short_link(ctx),
                ctx.emoji(vocab.DECOR, 1, 3),
                ctx.pick(("link in bio", "dm for collabs", "RT pls", "tag a friend", "don't miss it")),
            ],
            1,
            2,
        ),
    ]
    return Draft(
        parts,
        tags=ctx.tags(
            ("nft", "crypto", "nowplaying", "newmusic", "giveaway", "fanart", "kpop", "gameday", "podcast", "web3"),
            1,
            5,
        ),
    )


@family("chatter", 0, {"x": 1.5, "instagram": 1.2, "tiktok": 1.0, "snapchat": 1.0, "sms": 0.6})
def chatter_short_cta(ctx: Ctx) -> Draft:
    """Very short everyday posts built from the calls to action and slang that offers use too ("link in bio",
    "check my story", "plug", "hmu"), so that a few such words alone do not read as an offer."""
    core = ctx.pick(
        (
            "link in bio",
            "check my story",
            "new post up",
            "story time",
            "shameless plug",
            "plug it in",
            "phone needs a plug",
            "hmu if you're free",
            "hmu later",
            "dm me",
            "text me when you're here",
            "who's up",
            "bars",
            "these bars tho",
            "blues tonight",
            "feeling blue",
            "30s party tonight",
            "x",
            "ok",
            "d post",
            "new merch",
            "tickets in bio",
            "full video on my page",
            "swipe up",
            "drop a like",
            "go follow my backup",
            "tap in",
            "on the way",
            "we outside",
            "restock soon",
            "sold out!",
            "all sold, thank you",
            "price drop!",
            "ships tomorrow",
        )
    )
    parts = [core]
    if ctx.chance(0.5):
        parts.append(ctx.emoji(vocab.DECOR, 1, 2))
    if ctx.chance(0.3):
        parts.append(shared.short_link(ctx))
    return Draft(parts, tags=ctx.tags(("fyp", "music", "ootd", "mood", "weekend", "merch", "vlog"), 0, 2))


@family("generic_spam", 0, {"email": 2.0}, langs=("en",))
def spam_salad_products(ctx: Ctx) -> Draft:
    """Ordinary spam (watches, software, loans, diets) with mangled words, unit prices and a word-salad tail."""
    prod = ctx.pick(
        (
            "replica watches",
            "rolex",
            "oem software",
            "adobe suite",
            "diet patches",
            "teeth whitening",
            "ink cartridges",
            "designer handbags",
            "diplomas",
            "cheap loans",
            "stock picks",
            "casino bonus",
        )
    )
    parts = [
        ctx.pick(
            (
                f"best prices on {shared.mangle_name(ctx, prod)}",
                f"{shared.mangle_name(ctx, prod)} at {ctx.num(50, 90)} % off",
                f"need {prod} ? we have it",
                f"{prod} {shared.per_unit_price(ctx, 'unit')}",
            )
        ),
        ctx.mangle(
            ctx.pick(
                (
                    "fast worldwide shipping",
                    "private , secure , discreet",
                    "satisfaction guaranteed",
                    "order today ships tomorrow",
                    "no credit check",
                )
            ),
            0.3,
        ),
        ctx.pick(
            ("click here", "visit us here", f"http://{ctx.handle()}.{ctx.pick(('biz', 'info', 'net'))}", "go here")
        ),
    ]
    for _ in range(ctx.num(1, 5)):
        parts.insert(ctx.num(0, len(parts)), shared.word_salad(ctx, 6, 40))
    return Draft(parts, title=ctx.pick(("re: your order", "hello", "save big", shared.word_salad(ctx, 1, 3))))


# --- positives ------------------------------------------------------------------------------------
@family("pharmacy_spam", 1, {"email": 3.0}, langs=("en",), weight=1.5)
def offer_pharmacy_spam_salad(ctx: Ctx) -> Draft:
    """Long spam: mixed lifestyle and controlled names, mangled spellings, unit prices, word-salad tails."""
    ds = ctx.drugs_n(1, 5)
    names = [
        shared.mangle_name(ctx, ctx.name(d, ctx.pick(("brand", "generic", "any"))))
        if ctx.chance(0.7)
        else ctx.name(d, "brand")
        for d in ds
    ]
    if ctx.chance(0.6):
        names.insert(ctx.num(0, len(names)), shared.mangle_name(ctx, ctx.name(ctx.drug(lifestyle=True), "brand")))
    blocks = [
        ctx.pick(("", "hello", "hi", "dear friend", "good day")),
        ctx.pick((" , ".join(names), " ".join(names), "\n".join(names), " / ".join(names))),
        shared.per_unit_price(ctx),
        ctx.pick(
            ("no prescription", "no rx needed", "no doctor visit", "without prescription", ctx.cue("no_prescription"))
        ),
        ctx.pick(
            (
                "worldwide shipping",
                "overnight delivery",
                "discreet packaging",
                "fast shipping",
                "we ship to all countries",
            )
        ),
        ctx.pick(shared.SPAM_CARE).lower(),
        ctx.pick(
            (
                "click here",
                "visit our store",
                f"http://{ctx.handle()}.{ctx.pick(('biz', 'info', 'net', 'com', 'ru'))}",
                "order online now",
                "go here",
            )
        ),
    ]
    parts = [blocks[0], *ctx.shuffled(blocks[1:3]), *ctx.some(blocks[3:], 1, 3)]
    for _ in range(ctx.num(1, 6)):
        parts.insert(ctx.num(1, len(parts)), shared.word_salad(ctx, 8, 45))
    return Draft(
        [p for p in parts if p],
        title=ctx.pick(("", "re:", "your meds", shared.word_salad(ctx, 1, 4), "cheap meds", "special offer")),
    )


@family("indirect_solicitation", 1, {"tiktok": 1.0, "instagram": 1.0, "snapchat": 1.0, "x": 0.6})
def offer_indirect_mixed(ctx: Ctx) -> Draft:
    """Indirect solicitation drawn across all hooks: need + pill hint + channel."""
    return Draft(
        shared.indirect_parts(ctx, shared.INDIRECT_HOOKS),
        tags=ctx.tags(("vibes", "selfcare", "college", "weekend", "relax"), 0, 3),
    )


@family("legal_goods_sale", 0, {"facebook": 1.2, "instagram": 1.0, "snapchat": 1.0, "x": 0.6, "sms": 0.5})
def goods_quick_sale(ctx: Ctx) -> Draft:
    """A legal-goods sale drawn from the very sale slots offers use, in random subsets and orders."""
    item, detail, lo, hi = ctx.pick(vocab.GOODS_ES if ctx.lang == "es" else vocab.GOODS)
    head = ctx.say(
        (
            f"{item} {detail}",
            f"have {item}",
            f"{ctx.num(2, 20)} {item} left",
            f"{item} ready for pickup",
            f"{item} back in stock",
            f"who needs {item}?",
            f"{item} available now",
        ),
        (f"tengo {item}", f"quedan {item}", f"{item} listos", f"{item} en existencia"),
    )
    slots = [
        ctx.price(lo, hi),
        ctx.payment(),
        ctx.shipping(),
        ctx.contact(),
        ctx.pick(("legit", "authentic", "brand new", "like new", "real pics", "no scams", "vouched", "trusted seller")),
    ]
    parts = [head, *ctx.some(slots, 2, 5)]
    if ctx.chance(0.3):
        parts.append(ctx.emoji(vocab.DECOR, 1, 2))
    return Draft(parts)


@family("darknet_listing", 1, {"darknet": 1.0})
def offer_darknet_mixed_title(ctx: Ctx) -> Draft:
    """Darknet listing titles with the pieces (quantity, name, dose, imprint, origin, vendor tags) in any order."""
    d = ctx.drug()
    pieces = [
        ctx.pick(
            (f"{ctx.num(5, 500)}x", f"{ctx.num(10, 1000)} pcs", f"x{ctx.num(10, 200)}", f"{ctx.num(10, 100)} pills", "")
        ),
        ctx.title_case(ctx.name(d, ctx.pick(("brand", "generic", "any"))))
        + (" " + ctx.dose(d) if ctx.chance(0.7) else ""),
        ctx.imprint(d) if ctx.chance(0.3) else "",
        ctx.pick(("[US]", "(UK)", "EU", "USA-USA", "[TRACKED]", "★★★", "***", "| escrow", "- FE", "")),
        ctx.pick(
            (
                "pharma grade",
                "pressed",
                "stealth",
                "bulk price",
                "free shipping",
                "top quality",
                "best seller",
                "sample",
                "",
            )
        ),
        ctx.pick(("", f"{ctx.price(20, 900)}", f"{ctx.num(1, 9) / 1000:.4f} BTC")),
    ]
    head, rest = pieces[:2], ctx.shuffled(pieces[2:])
    out = ctx.shuffled(head) + rest if ctx.chance(0.3) else head + rest
    return Draft([" ".join(p for p in out if p)])
