"""Slot pools shared across template families, so that no family is the only one with its style.

Held-out-family evaluation asks a model to recognise a family it never saw. That only works when the
general cues (asking, reporting, warning, offering a price/contact/availability, word salad, mangled
names, promotional links) are drawn from pools several families of a kind use, in different layouts.
"""

from __future__ import annotations

from collections.abc import Mapping

from pillscan.generate import vocab
from pillscan.generate.grammar import Ctx, marks_result
from pillscan.lexicon import Drug

# Ordinary dictionary words for spam's word-salad tails (pharmacy spam AND ordinary spam use them, so
# word salad on its own says nothing about the label).
SALAD_WORDS = tuple(
    [
        "able",
        "about",
        "absent",
        "accent",
        "acorn",
        "active",
        "actor",
        "adapt",
        "admiral",
        "advent",
        "aerial",
        "afford",
        "agenda",
        "agile",
        "alarm",
        "album",
        "alley",
        "almond",
        "amber",
        "amble",
        "anchor",
        "angle",
        "ankle",
        "antler",
        "anvil",
        "apron",
        "arcade",
        "archer",
        "arena",
        "armour",
        "arrow",
        "aspen",
        "atlas",
        "attic",
        "autumn",
        "avenue",
        "badge",
        "bagel",
        "baker",
        "balcony",
        "ballad",
        "bamboo",
        "banjo",
        "banner",
        "barley",
        "barrel",
        "basin",
        "basket",
        "beacon",
        "beaver",
        "bellow",
        "bench",
        "berry",
        "bishop",
        "blanket",
        "blossom",
        "bonnet",
        "border",
        "bottle",
        "boulder",
        "bracket",
        "breeze",
        "brick",
        "bridle",
        "bronze",
        "brook",
        "bucket",
        "buckle",
        "bundle",
        "burrow",
        "butter",
        "cabin",
        "cactus",
        "camel",
        "candle",
        "canoe",
        "canvas",
        "canyon",
        "carbon",
        "carpet",
        "carrot",
        "castle",
        "cedar",
        "cellar",
        "cement",
        "chalk",
        "channel",
        "chapel",
        "cherry",
        "chimney",
        "cider",
        "circus",
        "clover",
        "cobalt",
        "collar",
        "comet",
        "copper",
        "coral",
        "cotton",
        "cradle",
        "crater",
        "crayon",
        "cricket",
        "crimson",
        "crystal",
        "cushion",
        "dagger",
        "dairy",
        "daisy",
        "debut",
        "decade",
        "delta",
        "denim",
        "desert",
        "dial",
        "diesel",
        "dinner",
        "dolphin",
        "domino",
        "donkey",
        "dragon",
        "drizzle",
        "eagle",
        "easel",
        "echo",
        "eclipse",
        "elbow",
        "ember",
        "emerald",
        "engine",
        "envoy",
        "fabric",
        "falcon",
        "fathom",
        "feather",
        "fender",
        "ferry",
        "fiddle",
        "figure",
        "flannel",
        "flute",
        "forest",
        "fossil",
        "fountain",
        "fresco",
        "frost",
        "gadget",
        "galley",
        "garden",
        "garnet",
        "gazelle",
        "ginger",
        "glacier",
        "glove",
        "goblet",
        "gospel",
        "gravel",
        "griddle",
        "guitar",
        "gutter",
        "hammer",
        "hamlet",
        "harbor",
        "harvest",
        "hazel",
        "helmet",
        "hermit",
        "hickory",
        "hollow",
        "honey",
        "horizon",
        "hornet",
        "hunter",
        "igloo",
        "index",
        "indigo",
        "inlet",
        "island",
        "ivory",
        "jacket",
        "jasmine",
        "jigsaw",
        "jockey",
        "journal",
        "jungle",
        "kennel",
        "kernel",
        "kettle",
        "kitten",
        "ladder",
        "lagoon",
        "lantern",
        "lapel",
        "lasso",
        "lattice",
        "laurel",
        "ledger",
        "lemon",
        "lentil",
        "lever",
        "linen",
        "lizard",
        "locket",
        "lumber",
        "magnet",
        "mallet",
        "mango",
        "maple",
        "marble",
        "market",
        "meadow",
        "medal",
        "mellow",
        "melon",
        "meteor",
        "mirror",
        "mitten",
        "molten",
        "monarch",
        "mosaic",
        "muffin",
        "mural",
        "mustard",
        "napkin",
        "nectar",
        "needle",
        "nickel",
        "noodle",
        "nutmeg",
        "oasis",
        "oatmeal",
        "ocean",
        "olive",
        "onion",
        "orbit",
        "orchard",
        "oyster",
        "paddle",
        "pagoda",
        "palace",
        "panel",
        "parcel",
        "parrot",
        "pastry",
        "pebble",
        "pencil",
        "pepper",
        "piano",
        "pickle",
        "pigeon",
        "pillow",
        "pilot",
        "pistol",
        "planet",
        "plaza",
        "pocket",
        "poem",
        "pollen",
        "pony",
        "poplar",
        "portal",
        "potato",
        "pretzel",
        "prism",
        "pulley",
        "puppet",
        "quarry",
        "quartz",
        "quill",
        "quilt",
        "rabbit",
        "radar",
        "raven",
        "razor",
        "recipe",
        "reef",
        "relic",
        "ribbon",
        "riddle",
        "ripple",
        "rocket",
        "rooster",
        "rudder",
        "saddle",
        "saffron",
        "salmon",
        "sandal",
        "satin",
        "scarf",
        "scroll",
        "season",
        "shadow",
        "shovel",
        "shutter",
        "signal",
        "silver",
        "sketch",
        "sleeve",
        "slipper",
        "socket",
        "sonnet",
        "sparrow",
        "spindle",
        "spruce",
        "squash",
        "stable",
        "staple",
        "statue",
        "stencil",
        "summit",
        "sunset",
        "swallow",
        "syrup",
        "tablet",
        "tailor",
        "talon",
        "tangle",
        "tavern",
        "teapot",
        "temple",
        "thimble",
        "thistle",
        "thunder",
        "timber",
        "tinsel",
        "toast",
        "tobacco",
        "tomato",
        "torch",
        "tower",
        "trolley",
        "trumpet",
        "tulip",
        "tunnel",
        "turtle",
        "tweed",
        "umbrella",
        "unicorn",
        "valley",
        "velvet",
        "vessel",
        "violet",
        "walnut",
        "walrus",
        "wander",
        "warden",
        "wagon",
        "weasel",
        "whistle",
        "willow",
        "window",
        "winter",
        "wizard",
        "yarn",
        "yeoman",
        "zephyr",
        "zigzag",
        "although",
        "whereas",
        "indeed",
        "perhaps",
        "quickly",
        "softly",
        "rather",
        "beneath",
        "beyond",
        "during",
        "towards",
        "against",
        "within",
        "brought",
        "carried",
        "danced",
        "fetched",
        "gathered",
        "hurried",
        "jumped",
        "listened",
        "marched",
        "noticed",
        "opened",
        "painted",
        "quoted",
        "rescued",
        "sailed",
        "tossed",
        "vanished",
        "whispered",
        "yelled",
    ]
)


def fill_phrase(template: str, slots: Mapping[str, object]) -> str:
    """A pool phrase with its slots filled; an empty slot leaves no double space, nor a space before a mark."""
    out = " ".join(template.format_map(slots).split())
    for mark in (" ,", " .", " ?", " :"):
        out = out.replace(mark, mark[1])
    return out


# --- spam pieces -----------------------------------------------------------------------------


# Spam talks about health, doctors and medication as much as a real pharmacy does (issue 12): without these lines the
# generator's spam never said "medical", "treatment" or "refill", so those words alone cleared real spam.
SPAM_CARE = (
    "No medical questions asked.",
    "Free medical consultation with every order.",
    "Our licensed doctors approve your order online.",
    "Take care of your health for less.",
    "Your health and your privacy come first.",
    "No doctor appointment, no waiting room.",
    "Treatment for pain, anxiety and sleep problems.",
    "Brand and generic medications at a fraction of the cost.",
    "Refill your medication in one click.",
    "No insurance needed.",
    "Trusted by thousands of patients.",
    "Skip the clinic, get your treatment delivered.",
    "Medical staff answer your questions 24/7.",
    "Quality medicine, no consultation required.",
)


@marks_result("filler_words")
def word_salad(ctx: Ctx, lo: int, hi: int) -> str:
    """A tail of random dictionary words, as spam adds to poison filters (both labels use it)."""
    words = []
    for _ in range(ctx.num(lo, hi)):
        w = ctx.pick(SALAD_WORDS) if ctx.chance(0.8) else ctx.pick(vocab.FILLER_WORDS)
        if ctx.chance(0.06):
            w = w.title()
        words.append(w)
        if ctx.chance(0.05):
            words.append(ctx.pick((".", ",", "-", ";")))
    return " ".join(words)


@marks_result("deliberate_obfuscation")
def mangle_name(ctx: Ctx, name: str) -> str:
    """A spammer's spelling of a drug name: vowels dropped, letters swapped, l for i, spaced, symbols."""
    w = name.replace(" ", "")
    if len(w) < 4:
        return name
    r = ctx.rng.random()
    if r < 0.14:  # drop some vowels
        return w[0] + "".join(c for c in w[1:] if c not in "aeiou" or ctx.chance(0.5))
    if r < 0.26:  # swap two neighbours
        i = ctx.num(1, len(w) - 2)
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    if r < 0.38:  # l / 1 / | for i, 0 for o
        return w.replace("i", ctx.pick(("l", "1", "|", "í"))).replace("o", ctx.pick(("0", "o", "ø")))
    if r < 0.5:  # spaced or dotted letters
        return ctx.pick((" ", ".", " . ", "-", "_")).join(w)
    if r < 0.62:  # doubled letter
        i = ctx.num(1, len(w) - 1)
        return w[:i] + w[i] + w[i:]
    if r < 0.74:  # symbol inside
        i = ctx.num(1, len(w) - 1)
        return w[:i] + ctx.pick(("@", "*", "^", "~", "`", "'", "#", "%")) + w[i:]
    if r < 0.84:
        return w.upper().replace("A", ctx.pick(("@", "A", "4"))).replace("I", ctx.pick(("1", "I", "!")))
    if r < 0.92:  # dropped letter
        i = ctx.num(1, len(w) - 1)
        return w[:i] + w[i + 1 :]
    return w[0].upper() + w[1:]


def per_unit_price(ctx: Ctx, unit: str = "pill") -> str:
    """Spam-style unit prices: 'as low as $ 2 . 69 / pill'."""
    d, c = ctx.num(0, 9), ctx.num(10, 99)
    unit = ctx.pick((unit, unit, "pill", "tab", "dose", "piece"))
    amount = ctx.pick((f"${d}.{c}", f"$ {d} . {c}", f"$ {d}.{c}", f"{d}.{c}$", f"${d},{c}", f"$ {d} , {c}"))
    return ctx.pick(
        (
            f"as low as {amount} / {unit}",
            f"as low as {amount} per {unit}",
            f"from {amount} per {unit}",
            f"only {amount} / {unit}",
            f"{amount} per {unit}",
            f"prices from {amount}",
            f"{amount}/{unit}",
        )
    )


# --- emoji legends (parents' guides, news stories, reports quote them) ------------------------


def emoji_legend(ctx: Ctx, lo: int = 2, hi: int = 5) -> list[str]:
    """Lines 'emoji = drug' like the DEA/parent guides (used by warnings, news and reports alike)."""
    sep = ctx.pick((" = ", " = ", " - ", ": ", " → ", " means "))
    lines = []
    for d in ctx.drugs_n(lo, hi):
        lines.append(f"{ctx.emoji_for(d)}{sep}{ctx.name(d, ctx.pick(('brand', 'any', 'street')))}")
    if ctx.chance(0.6):
        extra = (
            ("🔌", "dealer / plug"),
            ("💰", "money"),
            ("🚀", "high potency"),
            ("📦", "large batch"),
            ("❄️", "cocaine"),
            ("🍁", "marijuana"),
            ("🚌", "xanax"),
        )
        e, m = ctx.pick(extra)
        lines.insert(ctx.num(0, len(lines)), f"{e}{sep}{m}")
    return lines


WARN_HEADS = (
    "Parents, know these emoji:",
    "Drug emoji decoder for parents 👇",
    "What your teen's emojis might mean:",
    "DEA emoji guide — save this",
    "PSA for parents",
    "Parents please read",
    "Know the signs",
    "Teachers and parents: this is how pills are advertised to kids",
    "A mom's warning",
    "Community alert",
    "Counterfeit pill warning",
    "Please share with every parent you know",
    "School resource officer update",
    "From a pharmacist:",
    "Nurse here. Read this.",
)
WARN_ADVICE = (
    "If you see these, talk to your child.",
    "Check their apps.",
    "This does not mean every emoji is a drug message.",
    "Stay informed.",
    "One pill can kill.",
    "Talk to your kids tonight.",
    "Carry naloxone and know how to use it.",
    "Report the account, do not engage.",
    "Any pill not from a pharmacy may contain fentanyl.",
    "Fentanyl test strips are free at the health department.",
    "Share this, it could save a life.",
    "Screenshot and send to the school.",
    "Know the signs of an overdose: pinpoint pupils, blue lips, slow breathing.",
    "Call 911 and give naloxone if someone won't wake up.",
    "Ask questions, listen, don't lecture.",
)
WARN_HEADS_ES = (
    "Padres, conozcan estos emojis:",
    "Aviso para padres",
    "Alerta comunitaria",
    "Compartan por favor",
    "Ojo con esto",
)
WARN_ADVICE_ES = (
    "Hablen con sus hijos.",
    "Compartan este mensaje.",
    "Denuncien las cuentas.",
    "Ante una sobredosis llama al 911.",
    "Una sola pastilla puede matar.",
    "Revisen sus aplicaciones.",
)


def warn_head(ctx: Ctx) -> str:
    """A warning's opening line."""
    return ctx.pick(WARN_HEADS_ES) if ctx.lang == "es" else ctx.pick(WARN_HEADS)


def warn_advice(ctx: Ctx) -> str:
    """A warning's advice line."""
    return ctx.pick(WARN_ADVICE_ES) if ctx.lang == "es" else ctx.pick(WARN_ADVICE)


# --- asking to buy --------------------------------------------------------------------------


def ask_line(ctx: Ctx, d: Drug) -> str:
    """Someone asking for pills (first person, question or request)."""
    nm = ctx.name(d) if ctx.chance(0.6) else ctx.product(d, 0.6)
    city = ctx.fill("{city}")
    return ctx.say(
        (
            f"anyone know where to get {nm} in {city}?",
            f"looking for {nm}, who got it",
            f"need {nm} asap, anyone?",
            f"who has {nm}??",
            f"tryna find a plug for {nm}",
            f"WTB {nm} near {city}",
            f"does anybody have {nm}",
            f"where can i find {nm} around {city}",
            f"in search of {nm}",
            f"ISO {nm}",
            f"can someone point me to {nm}",
            f"is anyone selling {nm} around here?",
            f"who's got {nm} tonight",
            f"need a connect for {nm}",
            f"been looking everywhere for {nm}",
            f"any leads on {nm} in {city}?",
            f"is there a legit place to get {nm}",
        ),
        (
            f"¿alguien sabe dónde conseguir {nm}?",
            f"busco {nm} en {ctx.fill('{city_es}')}",
            f"¿quién vende {nm}?",
            f"¿alguien tiene {nm}?",
            f"necesito {nm} urgente",
            f"¿dónde consigo {nm} por aquí?",
        ),
    )


def ask_extra(ctx: Ctx) -> str:
    """What askers add: a budget, a way back to them, urgency — but they want to buy, not sell."""
    return ctx.say(
        (
            f"will pay {ctx.price(5, 40)} each",
            f"budget is {ctx.price(20, 300)}",
            f"can pay {ctx.pick(('cashapp', 'zelle', 'venmo', 'cash'))}",
            "dm me",
            "hmu",
            "lmk",
            "please",
            "i have cash",
            "serious",
            "not a cop lol",
            "can pick up",
            "need it by friday",
            "for my back pain",
            "my script ran out",
            "asking for a friend",
            "pm me if you know",
            "willing to drive",
            "thanks in advance",
        ),
        ("mándame dm", "pago bien", "urgente", "gracias", "tengo efectivo", "por favor"),
    )


# --- reporting dealer accounts -------------------------------------------------------------


REPORT_LEADS = (
    "reported an account",
    "mass report this account",
    "this account keeps posting",
    "got a DM from a bot",
    "another spam account",
    "reported and blocked",
    "why is this allowed",
    "found this in my daughter's followers",
    "screenshot of a dealer page",
    "these accounts are everywhere",
    "flagged this to the platform",
    "the app says no violation",
    "watch out for this account",
    "my son got added by this account",
)
REPORT_TAILS = (
    "",
    "🙄",
    "do better",
    "kids use this app",
    "smh",
    "please report",
    "reported",
    "blocked",
    "how is this still up",
    "I sent it to the police tip line",
    "moderators do nothing",
    "everyone report",
)


def report_frame(ctx: Ctx, quoted: str) -> list[str]:
    """A user report around a quoted ad: the lead, the quote, the tail."""
    q = ctx.pick((f'"{quoted}"', f"'{quoted}'", f"“{quoted}”", f"quote: {quoted}", f"saying {quoted}"))
    if ctx.lang == "es":
        lead = ctx.pick(("reporté una cuenta", "esta cuenta sigue publicando", "me llegó este mensaje", "repórtenla"))
        tail = ctx.pick(("ya lo reporté", "qué asco", "no hacen nada", "cuidado"))
    else:
        lead, tail = ctx.pick(REPORT_LEADS), ctx.pick(REPORT_TAILS)
    parts = [lead, q, tail] if ctx.chance(0.7) else [q, lead, tail]
    return [p for p in parts if p]


# --- indirect solicitation pieces ------------------------------------------------------------

INDIRECT_HOOKS = (
    "finals help",
    "study szn",
    "midterms got you stressed?",
    "all-nighter kit",
    "exam week essentials",
    "need to lock in?",
    "cant sleep?",
    "anxious?",
    "need a lil help relaxing?",
    "long week?",
    "back hurting?",
    "if ur in pain and the doc won't help",
    "doctor cut you off?",
    "pharmacy out of your meds?",
    "tired of waiting on refills?",
    "insurance won't cover it?",
    "party favors for the weekend",
    "got the goodies for tonight",
    "candy for the festival",
    "vitamins for the rave",
    "feeling stressed?",
    "need energy for the grind?",
    "rough day?",
)
INDIRECT_PILL = (
    "💊",
    "📚💊",
    "🧠💊",
    "😴💊",
    "💊✨",
    "🔵",
    "🅿️",
    "🍫",
    "🔵💊",
    "💊🎉",
    "🍬💊",
    "⚡💊",
    "the blues",
    "the bars",
    "percs",
    "addys",
    "the good ones",
    "pharma grade",
    "real ones not pressed",
    "the yellow ones",
    "my meds",
    "script stuff",
)
INDIRECT_CHANNEL = (
    "link in bio",
    "you know where to find me",
    "hmu",
    "dm 🤫",
    "ask me",
    "slide in",
    "check my story",
    "menu on my snap",
    "check bio",
    "👻 in bio",
    "telegram in bio",
    "tap the link",
    "i got you",
    "i can get you right",
    "i know a guy",
    "message me",
    "no questions",
    "add me",
    "ask for the list",
    "u know the vibes",
    "dm for details",
)
INDIRECT_EXTRA = (
    "delivery to campus",
    "dorm drop offs",
    "no script needed",
    "same day",
    "discreet",
    "local only",
    "ships anywhere",
    "limited",
    "cash app ok",
    "first come first serve",
    "cheap",
    "🤫",
    "😉",
)


def indirect_parts(ctx: Ctx, own_hooks: tuple[str, ...]) -> list[str]:
    """Hook (mostly the family's own theme, sometimes another's), a pill hint, a channel, maybe an extra."""
    ctx.tactics.add("indirect")
    hook = ctx.pick(own_hooks) if ctx.chance(0.6) else ctx.pick(INDIRECT_HOOKS)
    pill = ctx.pick(INDIRECT_PILL)
    parts = [hook, pill, ctx.pick(INDIRECT_CHANNEL)]
    if ctx.chance(0.45):
        parts.insert(ctx.num(1, len(parts)), ctx.pick(INDIRECT_EXTRA))
    if ctx.chance(0.35):
        parts[0] = parts[0] + " " + parts.pop(1)
    return parts


# --- everyday promotional posts (legal goods, media, events) ---------------------------------


def short_link(ctx: Ctx) -> str:
    """A link as posts carry them: t.co, bit.ly, shop and stream links."""
    code = "".join(
        ctx.pick("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(ctx.num(6, 10))
    )
    return ctx.pick(
        (
            f"https://t.co/{code}",
            f"https://t.co/{code}",
            f"bit.ly/{code}",
            f"https://www.etsy.com/listing/{ctx.num(100000000, 999999999)}",
            f"opensea.io/assets/{code}",
            f"https://open.spotify.com/track/{code}",
            f"youtu.be/{code}",
            f"linktr.ee/{ctx.handle()}",
            f"shop.{ctx.handle()}.com",
        )
    )


def dimensions(ctx: Ctx) -> str:
    """Sizes of prints, furniture, clothes."""
    a, b = ctx.num(4, 40), ctx.num(4, 60)
    return ctx.pick(
        (
            f"{a} x {b} in",
            f'{a}x{b}"',
            f"{a} x {b} cm",
            f'{a}" x {b}"',
            f"size {ctx.pick(('S', 'M', 'L', 'XL', '8', '10.5', '11'))}",
            f"{ctx.num(1, 12)} oz",
            f"{a}mm",
        )
    )
