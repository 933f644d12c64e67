"""Minimal pairs: the same pill in a supply post and in its demand / report / warning / use / joke twin.

An offer is *supply x pill - framing* (design.md section 1). Each pair below keeps the pill (and most of the
words) and changes who is speaking: the supply post must be an ``offer``, its twin must not be, and the supply
post must score above its twin. Written for this test (not taken from ../shared/external/ or from the
generator's phrase pools); English and Spanish, casual and formal, plain and coded.
"""

from __future__ import annotations

import pytest

from pillscan.model import load_model

# (supply post, twin, what the twin is)
PAIRS: list[tuple[str, str, str]] = [
    # --- English: casual first-person supply vs. the same words asking, reporting, warning, using, joking
    ("got xanax bars if anyone needs, hmu", "anyone got xanax bars? i need some for tonight", "demand"),
    ("got xanax bars if anyone needs, hmu", "cops said the kid was selling xanax bars at school", "report"),
    ("percs for sale, 20 a piece, pull up", "where can i find percs around here? asking for real", "demand"),
    (
        "percs for sale, 20 a piece, pull up",
        "PSA: the percs going around here are pressed with fentanyl, please be careful",
        "warning",
    ),
    ("selling adderall 30s, $8 each, meet up only", "buying adderall 30s, can pay $8 each, meet up only", "demand"),
    ("selling adderall 30s, $8 each, meet up only", "just took my adderall and cleaned the whole apartment", "use"),
    ("m30s available again, dm me for prices", "who has m30s? need a plug asap", "demand"),
    (
        "m30s available again, dm me for prices",
        "officials warn that m30s sold online killed three teens this month",
        "report",
    ),
    ("holding oxy 30s all week, need it gone, hit my line", "need oxy 30s this week, who can help", "demand"),
    (
        "holding oxy 30s all week, need it gone, hit my line",
        "my doctor prescribed oxycodone after surgery and it made me so sick",
        "use",
    ),
    ("blues in stock 🔵💊 snap me for the menu", "looking for blues 🔵💊 anyone know someone", "demand"),
    (
        "blues in stock 🔵💊 snap me for the menu",
        "parents: 🔵💊 in your kid's snap can mean fake pills. know the signs",
        "warning",
    ),
    ("i have ativan if anyone wants some, cheap", "does anyone have ativan? my anxiety is through the roof", "demand"),
    ("i have ativan if anyone wants some, cheap", "took an ativan before my flight lol worked like a charm", "use"),
    ("who wants roxies? 3 for 60, i deliver", "who got roxies? i'll pay 60 for 3, can pick up", "demand"),
    ("who wants roxies? 3 for 60, i deliver", "dea says counterfeit roxies are showing up in every state", "report"),
    ("valium 10mg for sale, cashapp or zelle, ships fast", "wtb valium 10mg, have cashapp or zelle", "demand"),
    (
        "valium 10mg for sale, cashapp or zelle, ships fast",
        "scam alert: this account takes cashapp for valium and never ships. report it",
        "warning",
    ),
    ("norcos and vikes on deck, text me", "need norcos or vikes, text me if you know anyone", "demand"),
    ("norcos and vikes on deck, text me", "my dentist gave me norcos and i slept for two days", "use"),
    ("addy 20s, 5 for 40, link in bio", "where do i get addy 20s for finals week", "demand"),
    ("addy 20s, 5 for 40, link in bio", "rapper says he wrote the whole album on addy, lol", "joke"),
    (
        "klonopin available, discreet shipping, no script needed",
        "can anyone help me get klonopin without a script",
        "demand",
    ),
    (
        "klonopin available, discreet shipping, no script needed",
        "warning: sites offering klonopin with no script needed are scams and ship fake pills",
        "warning",
    ),
    ("hydros in stock, 10 for 150, serious buyers only", "trying to buy hydros, 10 for 150 is my budget", "demand"),
    (
        "hydros in stock, 10 for 150, serious buyers only",
        "man charged after police found hydros and cash in his car",
        "report",
    ),
    ("tramadol 50mg, wholesale prices, message me", "is tramadol 50mg strong? my vet gave it to my dog", "use"),
    ("tramadol 50mg, wholesale prices, message me", "i need tramadol 50mg, anyone selling?", "demand"),
    ("dirty 30s ready, i deliver after 6", "who's the plug for dirty 30s? need them after 6", "demand"),
    ("dirty 30s ready, i deliver after 6", "three overdoses from dirty 30s this weekend, test your stuff", "warning"),
    ("bars 2mg, 1 for 10, 5 for 40, hmu", "lol my boss said i spit bars in the meeting 💀", "joke"),
    ("bars 2mg, 1 for 10, 5 for 40, hmu", "anyone have bars 2mg? will pay 10 each", "demand"),
    ("percocet 10s available, taking orders tonight", "got prescribed percocet 10s after my c-section", "use"),
    ("percocet 10s available, taking orders tonight", "where can i get percocet 10s tonight", "demand"),
    (
        "oxycodone 30mg in stock, tracking on every order",
        "police seized oxycodone 30mg pills in a traffic stop",
        "report",
    ),
    ("oxycodone 30mg in stock, tracking on every order", "looking for oxycodone 30mg, please help", "demand"),
    ("got xans and percs, adding ppl who want em", "got my xanax refill today finally, sleep tonight", "use"),
    ("got xans and percs, adding ppl who want em", "my cousin keeps adding ppl who sell xans, report him", "report"),
    (
        "footballs and school buses available 🚌💊 dm",
        "what do footballs and school buses 🚌💊 mean? saw it on my son's phone",
        "warning",
    ),
    (
        "adderall xr 30mg up for grabs, first come first serve",
        "does anyone have adderall xr 30mg? mine ran out",
        "demand",
    ),
    # --- Spanish: the same turns of phrase, said the way sellers and everybody else say them
    ("vendo xanax de 2mg, entrego en mano, manda mensaje", "busco xanax de 2mg, alguien que venda por aqui?", "demand"),
    ("vendo xanax de 2mg, entrego en mano, manda mensaje", "la policia detuvo a un joven que vendia xanax", "report"),
    ("tengo percos si alguien ocupa, al privado", "alguien tiene percos? los necesito hoy", "demand"),
    (
        "tengo percos si alguien ocupa, al privado",
        "cuidado con las percos que andan circulando, traen fentanilo",
        "warning",
    ),
    ("ando surtido de azulitas m30, la pieza a 15", "donde consigo azulitas m30? urge", "demand"),
    (
        "ando surtido de azulitas m30, la pieza a 15",
        "autoridades aseguraron miles de azulitas m30 con fentanilo en la frontera",
        "report",
    ),
    (
        "adderall disponible, envios a toda la ciudad, pago por zelle",
        "necesito adderall para estudiar, quien tiene?",
        "demand",
    ),
    (
        "adderall disponible, envios a toda la ciudad, pago por zelle",
        "me recetaron adderall y me quita el hambre",
        "use",
    ),
    ("oxis de 30 disponibles, mayoreo y menudeo, escribeme", "quien vende oxis de 30? pago bien", "demand"),
    (
        "oxis de 30 disponibles, mayoreo y menudeo, escribeme",
        "murio un joven por sobredosis de oxis falsas, segun la fiscalia",
        "report",
    ),
    ("barras de xanax, 5 por 40, entrego hoy", "quiero comprar barras de xanax, alguien sabe donde", "demand"),
    (
        "barras de xanax, 5 por 40, entrego hoy",
        "padres: las barras de xanax falsas matan, hablen con sus hijos",
        "warning",
    ),
    ("vendo valium y clonazepam, precios por mayoreo", "mi doctor me receto clonazepam para dormir", "use"),
    ("vendo valium y clonazepam, precios por mayoreo", "alguien tiene valium? no puedo dormir", "demand"),
    ("tengo tramadol de 50, quien quiere? entrego", "necesito tramadol de 50 para el dolor, donde compro", "demand"),
    ("tengo tramadol de 50, quien quiere? entrego", "estafa: esta cuenta cobra el tramadol y nunca entrega", "warning"),
    ("perkys disponibles 💊 manda dm, entrego en mano", "alguien tiene perkys? 💊 manda dm", "demand"),
    ("perkys disponibles 💊 manda dm, entrego en mano", "jajaja mi tio dice que las perkys son dulces 😂", "joke"),
    (
        "se venden pastillas de percocet, 10 por 150, al privado",
        "busco pastillas de percocet, pago 150 por 10",
        "demand",
    ),
    (
        "se venden pastillas de percocet, 10 por 150, al privado",
        "detienen a dos hombres por vender pastillas de percocet falsas",
        "report",
    ),
    ("xanax y adderall disponibles, promo 3 por 50, pedidos por whatsapp", "me tome un xanax y dormi 12 horas", "use"),
    (
        "xanax y adderall disponibles, promo 3 por 50, pedidos por whatsapp",
        "alerta: cuentas de whatsapp ofrecen xanax y adderall falsos, no compren",
        "warning",
    ),
    # --- counterfeit claims: a seller borrows the warning's words (fakes kill, test strips) to vouch for his pills
    (
        "roxys 🔵 so many fakes killing people out there, mine are real pharmacy, test strips with every order. hmu",
        "so many fake roxys 🔵 killing people out there. test strips are free at the clinic, stay safe",
        "warning",
    ),
    (
        "roxys 🔵 so many fakes killing people out there, mine are real pharmacy, test strips with every order. hmu",
        "anyone got real pharmacy roxys 🔵? not tryna get the fakes that are killing people",
        "demand",
    ),
    (
        "percs not pressed, pharmacy sticker still on the bottle, 20 a piece, dm me",
        "every dealer swears their percs are not pressed and have the pharmacy sticker. they lie, test everything",
        "warning",
    ),
    # --- prices without currency and tier menus, and the same shapes around other goods or asked for
    (
        "xanax bars\n1 - 10\n3 - 25\n10 - 70\nno fronts, i deliver",
        "phone cases\n1 - 10\n3 - 25\n10 - 70\nno fronts, i deliver",
        "legal",
    ),
    (
        "adderall 30s, 10+ $4 each, minimum 10, meet at the library",
        "need adderall 30s, can do 10+ at $4 each, can meet at the library",
        "demand",
    ),
    ("blues 25 for the 30s, 5+ $20, no lowballing", "cops say the dealer sold blues at 25 for the 30s", "report"),
    ("oxy 30s 1k count, wholesale, no fronts", "police seized a 1k count of oxy 30s from a storage unit", "report"),
    # --- indirect offers that name no pill (issue 12): a euphemism, the seller's terms, and the same euphemism
    # asked for, warned about or said of something legal
    (
        "restocked the little blue ones 😉 regulars only, pay before i pull up",
        "anyone know where to get the little blue ones? my usual guy went quiet",
        "demand",
    ),
    (
        "study helpers back for exam week 📚💊 dm me, vouched people only",
        "my study helpers for exam week: flashcards, green tea and a 25 minute timer",
        "use",
    ),
    (
        "got the orange ones again before the festival, send first then i drop",
        "PSA before the festival: 'the orange ones' a stranger sells you can be pressed with fentanyl",
        "warning",
    ),
    (
        "ya llegó lo de siempre 😉 mismo precio, nomás conocidos, depósito primero",
        "¿me das lo de siempre? un americano y un cuernito, gracias",
        "demand",
    ),
]


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def scored(model):
    texts = sorted({t for pair in PAIRS for t in pair[:2]})
    return dict(zip(texts, model.score(texts), strict=True))


def test_there_are_enough_pairs_in_both_languages():
    assert len(PAIRS) >= 60
    assert len({twin for _, twin, _ in PAIRS}) == len(PAIRS)  # every twin is its own post
    kinds = {kind for _, _, kind in PAIRS}
    assert {"demand", "report", "warning", "use", "joke"} <= kinds
    spanish = [
        p for p in PAIRS if any(w in p[0] for w in ("vendo", "tengo", "disponible", "ando", "se venden", "barras"))
    ]
    assert len(spanish) >= 20


#: Pairs the bundled default model gets wrong today (issue 12: 53 of 62 right; 59 of 69 with the counterfeit-claim
#: and bare-price pairs; 63 of 73 once 'anyone selling' counted as demand; 66 of 73 with the look-alike sales).
#: Strict: when a retrained model gets one right, the test fails until its number is taken off this list.
KNOWN_MISSES = {
    # Scores of the default model of d77345a (offer threshold 0.4135).
    18: "the demand twin ('need norcos or vikes, text me if you know anyone') scores 0.48: 'text me' outweighs 'need'",
    50: "the Spanish offer scores 0.26: 'por' prices and 'entrego hoy' weigh too little",
    51: "the Spanish offer scores 0.26 (see 50)",
    58: "the Spanish offer scores 0.37, under the offer threshold: 'se venden' and '10 por 150' weigh too little",
    59: "the Spanish offer scores 0.37 (see 58)",
    67: "the offer scores 0.21: bare prices ('25 for the 30s', '5+ $20') and 'no lowballing' weigh too little",
    72: "the Spanish indirect offer names no pill ('lo de siempre') and scores 0.10",
}


def _pair_params() -> list:
    marks = {i: pytest.mark.xfail(reason=why, strict=True) for i, why in KNOWN_MISSES.items()}
    return [pytest.param(*pair, id=f"{i}-{pair[2]}", marks=marks.get(i, ())) for i, pair in enumerate(PAIRS)]


@pytest.mark.parametrize(("supply", "twin", "kind"), _pair_params())
def test_supply_is_an_offer_and_its_twin_is_not(scored, supply, twin, kind):
    offer, other = scored[supply], scored[twin]
    assert offer.decision == "offer", (offer.score, supply)
    assert other.decision != "offer", (other.score, twin, kind)
    assert offer.score > other.score


def test_explain_names_the_supply_cue_and_the_pill(model):
    explanation = model.explain("got percs if anyone needs, 20 a piece")
    reasons = " ".join(explanation.result.reasons)
    assert "oxycodone" in reasons  # percs: percocet is oxycodone with acetaminophen
    assert 'supply cue ("if anyone needs")' in reasons
    words = [word for word, _ in explanation.top_terms]
    assert "percs" in words
    spanish = " ".join(model.explain("tengo percos si alguien ocupa, entrego").result.reasons)
    assert "oxycodone" in spanish and 'supply cue ("tengo")' in spanish


def test_explain_names_the_framing_that_clears_a_twin(model):
    reasons = " ".join(model.explain("anyone got percs? need some tonight").result.reasons)
    assert 'demand cue ("anyone got")' in reasons


# The nine posts of issue 12's table, as a new user tried them: six offers, three that are not.
ISSUE_TABLE = [
    ("selling xanax", True),
    ("percs available again. adding ppl who want em", True),
    ("I have Ativan if anyone needs any.", True),
    ("Oxycodone, Percocet, Hydrocodone available today. Serious orders only. Contact admin.", True),
    ("oxy 30: 1 for 30, 3 for 80, 10 for 250. cash in person, app if shipping", True),
    ("Tengo adderall de 30 y percos, pago por zelle, entrego en mano", True),
    ("Buying: need 10 xanax 2mg, can pay cash, DFW area. Please DM if you can help.", False),
    ("who got the plug on blues? need some asap", False),
    ("sneaker plug 🔌 jordan 4s n dunks restocked 🤑 dm for sizes", False),
]


# The model's misses among them, each an expected failure that must fail (strict): fixing one flags the mark.
ISSUE_TABLE_MISSES: dict[str, str] = {
    # None today. "selling xanax" was one until the cue fixes of issue 12 (0.31, then 0.386): it now scores 0.48
    # against an offer threshold of 0.41 (d77345a's model).
}


@pytest.mark.parametrize(
    ("text", "is_offer"),
    [
        pytest.param(
            text,
            is_offer,
            marks=[pytest.mark.xfail(reason=ISSUE_TABLE_MISSES[text], strict=True)]
            if text in ISSUE_TABLE_MISSES
            else [],
        )
        for text, is_offer in ISSUE_TABLE
    ],
)
def test_the_nine_posts_of_issue_12_are_decided_right(model, text, is_offer):
    result = model.score([text])[0]
    assert (result.decision == "offer") is is_offer, (result.score, text)
