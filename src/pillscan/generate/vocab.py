"""Generator-only vocabulary: places, people, goods, outlets, fillers.

Nothing here names a pill or a sale cue — those come from the lexicons (``pillscan.lexicon``) so that
the generator and the signal extractors share one source of truth.
"""

from __future__ import annotations

# The pools are long word lists: keep them compact rather than one word per line.
# fmt: off

HANDLE_A = (
    "lil", "big", "the", "real", "its", "only", "mr", "yung", "dr", "kid", "north", "west", "east",
    "south", "saint", "cali", "tex", "chi", "atl", "nyc", "ghost", "blue", "gold", "night", "sunny",
    "lucky", "quiet", "rapid", "tiny", "old", "neon", "wild", "chill", "urban", "cozy", "mystic",
)
HANDLE_B = (
    "wolf", "plug", "shop", "vibes", "kicks", "store", "deals", "mike", "jay", "nina", "corner",
    "garden", "fox", "king", "queen", "beats", "market", "supply", "outlet", "trader", "studio",
    "bakery", "closet", "finds", "tech", "thrift", "rider", "hustle", "lane", "pharm", "doc", "candy",
    "waves", "cloud", "box", "depot", "hub", "line", "zone", "club",
)
APPS = ("snap", "telegram", "whatsapp", "signal", "wickr", "kik", "ig", "insta", "tg")
WHEN = (
    "today", "tomorrow", "same day", "this week", "within 24h", "next morning", "on weekends",
    "after 6pm", "mon-fri", "asap",
)
PLACES = (
    "all 50 states", "anywhere in the US", "the whole country", "EU and UK", "canada", "worldwide",
    "the east coast", "socal", "the bay area", "texas", "florida", "nyc and nj", "the midwest",
)
CITIES = (
    "Phoenix", "Tucson", "El Paso", "San Diego", "Houston", "Dallas", "Atlanta", "Denver", "Seattle",
    "Portland", "Chicago", "Detroit", "Columbus", "Boston", "Philadelphia", "Baltimore", "Miami",
    "Orlando", "Nashville", "Louisville", "Albuquerque", "Sacramento", "Fresno", "Spokane", "Omaha",
    "Tulsa", "Reno", "Boise", "Raleigh", "Richmond", "Pittsburgh", "Cleveland", "Milwaukee",
    "Minneapolis", "Salt Lake City", "Las Vegas", "Los Angeles", "Long Beach", "Austin", "San Antonio",
)
CITIES_ES = (
    "Tijuana", "Mexicali", "Ciudad Juárez", "Culiacán", "Hermosillo", "Monterrey", "Guadalajara",
    "Nogales", "Reynosa", "Matamoros", "Chihuahua", "Ensenada", "CDMX", "Saltillo", "Sinaloa",
)
FIRST_NAMES = (
    "Jake", "Emma", "Noah", "Olivia", "Liam", "Ava", "Mason", "Sophia", "Ethan", "Mia", "Lucas",
    "Chloe", "Tyler", "Madison", "Jordan", "Kayla", "Devin", "Brianna", "Marcus", "Hannah", "Caleb",
    "Zoe", "Aiden", "Lily", "Isaiah", "Grace", "Ryan", "Abby", "Kevin", "Jenna", "Sam", "Alex",
    "Luis", "María", "José", "Sofía", "Diego", "Valeria", "Carlos", "Ximena", "Mateo", "Camila",
)
OUTLETS = (
    "AP", "Reuters", "CNN", "NBC News", "ABC 7", "KTLA", "Fox 10", "WFAA", "The Oregonian",
    "Star Tribune", "Arizona Republic", "local station KSL", "NPR", "CBS News", "the Tribune",
    "Channel 4", "the Herald", "Sun-Times", "Daily Record", "Courier Journal",
)
AGENCIES = (
    "DEA agents", "police", "sheriff's deputies", "state troopers", "federal agents", "CBP officers",
    "the county drug task force", "narcotics detectives", "Border Patrol agents", "HSI investigators",
    "the district attorney's office", "postal inspectors",
)
AGENCIES_ES = (
    "la policía", "la Guardia Nacional", "elementos de la FGR", "agentes federales",
    "la policía municipal", "el Ejército", "autoridades aduanales",
)
GOODS = (
    ("Jordan 4 Retro", "size 10", 180, 320),
    ("Yeezy 350", "size 9.5", 150, 280),
    ("Nike Dunk Low Panda", "size 11", 90, 180),
    ("PS5 slim", "with 2 controllers", 330, 450),
    ("iPhone 13", "128GB unlocked", 280, 420),
    ("AirPods Pro", "sealed", 120, 190),
    ("Taylor Swift tickets", "section 112", 200, 900),
    ("concert tickets", "2 seats, floor", 80, 300),
    ("Stanley cups", "pink and teal", 30, 60),
    ("custom cakes", "any theme", 35, 120),
    ("lash extensions", "full set", 60, 140),
    ("braids", "knotless, medium", 120, 250),
    ("vintage tees", "90s band shirts", 25, 70),
    ("gaming PC", "RTX 3070, 32GB", 700, 1100),
    ("moving boxes", "30 pcs", 10, 40),
    ("puppy", "8 weeks, vet checked", 400, 1200),
    ("crochet tops", "made to order", 25, 60),
    ("candles", "soy, 8oz", 12, 25),
    ("phone cases", "all models", 10, 25),
    ("perfume samples", "10ml decants", 15, 45),
    ("football cleats", "size 10", 40, 90),
    ("textbooks", "organic chem 8th ed", 30, 90),
    ("bike", "trek fx2, 54cm", 250, 480),
    ("tamales", "pork and chicken, dozen", 18, 30),
    ("nails", "press-on sets", 15, 40),
    ("graphics card", "RX 6700 XT", 220, 320),
    ("hoodies", "heavyweight, all sizes", 35, 65),
    ("protein powder", "5lb tubs, sealed", 35, 60),
    ("pokemon cards", "graded PSA 9", 40, 400),
    ("couch", "grey sectional", 150, 500),
)
GOODS_ES = (
    ("tenis Jordan", "talla 27", 1500, 3500),
    ("pasteles personalizados", "de cualquier tema", 350, 900),
    ("tamales", "de rajas y de puerco, la docena", 180, 260),
    ("boletos para el concierto", "zona general", 900, 3000),
    ("ropa de paca", "americana, por pieza", 50, 200),
    ("uñas acrílicas", "set completo", 250, 450),
    ("celulares", "desbloqueados", 2500, 6000),
    ("perfumes", "originales, sellados", 600, 1800),
    ("cachorros", "desparasitados", 1500, 5000),
    ("velas aromáticas", "de soya", 120, 250),
)
TEAMS = (
    "Bears", "Packers", "Cowboys", "Eagles", "Chiefs", "Bills", "Dodgers", "Cubs", "Yankees", "Lakers",
    "Celtics", "Blues", "Leafs", "Rams", "Titans", "Bengals", "Jets", "Giants", "Suns", "Mavs",
)
MUSICIANS = (
    "Kendrick", "Drake", "Nas", "Cole", "Future", "Doja", "SZA", "Tyler", "Eminem", "Nicki",
    "Jay-Z", "Andre", "Missy", "Metro", "Biggie",
)
SPAM_FILLER = (
    "absorb", "bellwether", "cartographer", "delphinium", "epoxy", "fiddlehead", "gazebo", "harbinger",
    "incisor", "juniper", "kettledrum", "lacquer", "marsupial", "nomad", "obelisk", "parsnip", "quorum",
    "rhubarb", "saffron", "tundra", "umbrage", "vestibule", "walrus", "xylem", "yardarm", "zeppelin",
    "allegory", "buttress", "conduit", "dowager", "effigy", "flotilla", "gristle", "hinterland",
    "isotope", "jamboree", "kilter", "lichen", "meridian", "nectarine", "oxbow", "pylon", "quince",
    "rampart", "sextant", "trellis", "upholster", "vortex", "wharf", "yeoman", "zodiac", "antler",
    "bramble", "cobalt", "drizzle", "ember", "fathom", "granite", "hickory", "inkwell",
)
PHARMACY_NAMES = (
    "CVS", "Walgreens", "Rite Aid", "Kroger Pharmacy", "Walmart Pharmacy", "Costco Pharmacy",
    "our pharmacy", "Main Street Pharmacy", "Family Care Pharmacy", "Hometown Drug",
)
FAKE_SHOPS = (
    "MedsDirect", "PharmaWorld", "RxExpress", "CanadaMedsOnline", "GlobalPills", "BestRxStore",
    "SecureMeds", "TopPharmacy24", "QuickRx", "EuroMedsShop", "HealthDeals", "MedPoint",
)

COLOURS_ES = {
    "white": "blancas",
    "blue": "azules",
    "light blue": "azul claro",
    "yellow": "amarillas",
    "green": "verdes",
    "peach": "durazno",
    "purple": "moradas",
    "pink": "rosas",
    "orange": "naranjas",
    "red": "rojas",
    "grey": "grises",
}

# What each class of drug is prescribed for (catalogue entries, patient reviews, telehealth).
INDICATIONS = {
    "benzodiazepine": ("anxiety disorders", "panic disorder", "short-term relief of anxiety", "seizures"),
    "opioid": ("moderate to severe pain", "acute pain", "chronic pain", "pain after surgery"),
    "stimulant": ("ADHD", "attention deficit hyperactivity disorder", "narcolepsy"),
    "z-drug": ("insomnia", "short-term treatment of insomnia", "trouble falling asleep"),
    "muscle relaxant": ("acute musculoskeletal pain", "muscle spasms"),
    "gabapentinoid": ("nerve pain", "postherpetic neuralgia", "partial seizures", "fibromyalgia"),
    "antihistamine": ("allergies", "nausea and vomiting", "motion sickness"),
    "antidepressant": ("major depressive disorder", "depression"),
    "antipsychotic": ("schizophrenia", "bipolar disorder", "bipolar depression"),
    "anorectic": ("weight loss", "obesity", "short-term weight management"),
    "barbiturate": ("tension headaches", "tension-type headache"),
    "lifestyle": ("erectile dysfunction",),
}
INDICATIONS_ES = {
    "benzodiazepine": "ansiedad",
    "opioid": "dolor",
    "stimulant": "TDAH",
    "z-drug": "insomnio",
    "muscle relaxant": "dolor muscular",
    "gabapentinoid": "dolor neuropático",
    "antihistamine": "alergias",
    "antidepressant": "depresión",
    "antipsychotic": "trastorno bipolar",
    "anorectic": "obesidad",
    "barbiturate": "dolor de cabeza tensional",
    "lifestyle": "disfunción eréctil",
}

# Ordinary medicines (outside the lexicon on purpose: they are not sold as street pills) for
# catalogues and patient reviews, so that "medicine talk" is not a cue on its own.
OTHER_MEDS = (
    ("Lipitor", "atorvastatin", "20mg", "high cholesterol"),
    ("Zoloft", "sertraline", "50mg", "depression and anxiety"),
    ("Lexapro", "escitalopram", "10mg", "generalized anxiety disorder"),
    ("Synthroid", "levothyroxine", "50mcg", "hypothyroidism"),
    ("Glucophage", "metformin", "500mg", "type 2 diabetes"),
    ("Zestril", "lisinopril", "10mg", "high blood pressure"),
    ("Norvasc", "amlodipine", "5mg", "hypertension"),
    ("Prilosec", "omeprazole", "20mg", "acid reflux"),
    ("Singulair", "montelukast", "10mg", "asthma"),
    ("Wellbutrin", "bupropion", "150mg", "depression"),
    ("Prozac", "fluoxetine", "20mg", "depression"),
    ("Cymbalta", "duloxetine", "30mg", "nerve pain and depression"),
    ("Flexeril", "cyclobenzaprine", "10mg", "muscle spasms"),
    ("Topamax", "topiramate", "25mg", "migraine prevention"),
    ("Lamictal", "lamotrigine", "100mg", "bipolar disorder"),
    ("Zyrtec", "cetirizine", "10mg", "allergies"),
    ("Amoxil", "amoxicillin", "500mg", "bacterial infections"),
    ("Valtrex", "valacyclovir", "1g", "cold sores"),
    ("Accutane", "isotretinoin", "20mg", "severe acne"),
    ("Strattera", "atomoxetine", "40mg", "ADHD"),
    ("Buspar", "buspirone", "10mg", "anxiety"),
    ("Trazodone", "trazodone", "50mg", "insomnia and depression"),
    ("Propranolol", "propranolol", "20mg", "performance anxiety"),
    ("Ozempic", "semaglutide", "0.5mg", "type 2 diabetes"),
    ("Nexium", "esomeprazole", "40mg", "GERD"),
)
EFFECTS = (
    "felt calmer within an hour", "finally slept through the night", "could focus for the first time",
    "the pain went from an 8 to a 3", "panic attacks stopped almost completely",
    "it took the edge off but did not fix everything", "worked great the first two weeks",
    "made me feel like myself again", "helped but only at the higher dose",
)
SIDE_EFFECTS = (
    "dry mouth", "drowsiness", "headaches", "nausea", "constipation", "weight gain", "vivid dreams",
    "loss of appetite", "dizziness", "brain fog", "irritability when it wore off", "insomnia",
    "memory problems", "itching", "sweating", "a racing heart", "no side effects at all",
)

SLOTS: dict[str, tuple[str, ...]] = {
    "city": CITIES,
    "city_es": CITIES_ES,
    "first": FIRST_NAMES,
    "outlet": OUTLETS,
    "agency": AGENCIES,
    "agency_es": AGENCIES_ES,
    "team": TEAMS,
    "artist": MUSICIANS,
    "pharmacy": PHARMACY_NAMES,
    "shop": FAKE_SHOPS,
    "effect": EFFECTS,
    "side": SIDE_EFFECTS,
    "when": WHEN,
    "place": PLACES,
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "month": (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ),
    "relative": (
        "son", "daughter", "brother", "sister", "best friend", "cousin", "nephew", "dad", "mom",
        "boyfriend", "girlfriend", "husband", "wife", "roommate", "uncle",
    ),
    "relative_es": ("hijo", "hija", "hermano", "hermana", "primo", "sobrino", "mejor amigo", "esposo"),
    "age": tuple(str(a) for a in range(14, 39)),
    "doctor": ("my doctor", "my psychiatrist", "my GP", "the pain clinic", "my PCP", "my NP", "the specialist"),
}

# Decoration emoji for any post (both labels), and per-mood sets.
DECOR = ("✨", "🔥", "💯", "😎", "🙌", "👀", "⭐", "✅", "‼️", "🚨", "💥", "🌟", "😮‍💨", "🤝", "📍")
SAD = ("💔", "🙏", "🕊️", "😢", "🖤", "🥀")
GENERIC_TAGS = (
    "fyp", "foryou", "viral", "explore", "trending", "foryoupage", "reels", "instagood", "tiktok",
    "instadaily", "usa", "weekend", "mood", "lol", "mondays",
)
OPEN_EN = (
    "", "", "", "ok so", "lol", "ngl", "update:", "not gonna lie", "welp", "fr", "reminder:", "honestly",
    "yo", "so", "guys", "omg", "real talk", "quick one:", "btw", "idk but", "hey", "ugh", "today:", "bruh",
)
CLOSE_EN = (
    "", "", "", "lol", "😂", "smh", "anyway", "thoughts?", "🙃", "again", "for real", "every time", "help",
    "send help", "💀", "just saying", "fr", "lmao", "haha", "rn", "this week", "tbh", "iykyk", "no cap", "🙏",
)
OPEN_ES = ("", "", "", "oigan", "neta", "jaja", "bueno", "hoy", "oye", "la verdad", "ay", "güey", "ok")
CLOSE_ES = ("", "", "", "jaja", "😂", "saludos", "la neta", "ni modo", "🙏", "xd", "ya", "bien", "otra vez", "alv")
# A wide pool of unrelated words for spam filler: the fixed pool plus words from the other pools.
FILLER_WORDS = tuple(
    sorted(
        set(SPAM_FILLER)
        | {w.lower() for pool in (CITIES, FIRST_NAMES, TEAMS, MUSICIANS, EFFECTS, SIDE_EFFECTS, HANDLE_A, HANDLE_B)
           for phrase in pool for w in phrase.split() if w.isalpha() and len(w) > 2}
        | {w.lower() for g in GOODS for w in g[0].split() + g[1].split() if w.isalpha() and len(w) > 2}
    )
)
# fmt: on
