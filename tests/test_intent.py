"""Supply, demand and framing cues (pillscan.intent): what they match, and the conjunction features."""

from __future__ import annotations

import numpy as np
import pytest

from pillscan.intent import (
    FEATURE_NAMES,
    INTENT_FEATURES,
    cue_reasons,
    intent_counts,
    intent_cues,
    intent_features,
    pill_evidence,
)
from pillscan.normalize import normalize_text
from pillscan.signals import signal_counts


def cues(text: str) -> list[tuple[str, str]]:
    return intent_cues(normalize_text(text))


def test_longest_phrase_wins_and_is_counted_once():
    # "if anyone needs" is one supply cue, not also the demand word "need(s)".
    assert cues("i got percs if anyone needs") == [("supply", "i got"), ("supply", "if anyone needs")]
    assert ("demand", "need") not in cues("percs if anyone needs")
    assert cues("who got the plug? need some") == [("demand", "who got"), ("demand", "need some")]


def test_neighbouring_phrases_both_match():
    assert [p for _, p in cues("hmu dm me for the menu")] == ["hmu", "dm me", "menu"]


def test_whole_words_only():
    assert cues("the hayride was sellout fun") == []  # "hay", "sell" inside other words
    assert cues("unselling") == []


def test_prices_said_as_deals():
    found = cues("1 for 30, 3 for 80, 10 for $250")
    assert [p for g, p in found if g == "supply"][-3:] == ["1 for 30", "3 for 80", "10 for pricetoken"]
    assert cues("call me at 5 for dinner") == []  # "5 for dinner" is no price


@pytest.mark.parametrize(
    ("text", "deal"),
    [
        ("5+ $20", "5+ pricetoken"),
        ("10+ 4 each", "10+ 4 each"),
        ("1k count ready", "1k count"),
        ("25 for the 30s", "25 for the 30s"),
        ("minimum 10, no lowballing", "minimum 10"),
        ("64 % - off vicodin", "64 % - off"),  # spam writes "70%-off"; normalised, the hyphen stands apart
        ("1 - 10\n3 - 25\n10 - 70", "1 - 10 3 - 25 10 - 70"),  # a tier menu, one tier a line
        ("5 ➡️ $100\n10 ➡️ $180", "5 emoji_black_rightwards_arrow pricetoken 10 emoji_black_rightwards_arrow pricetoken"),
    ],
)
def test_prices_without_currency_and_tier_menus_are_deals(text, deal):
    # issue 12: the shapes a seller writes a price in, with or without a currency sign
    assert ("supply", deal) in cues(text)
    assert intent_counts([normalize_text(text)])[0, INTENT_FEATURES.index("deal")] == 1


@pytest.mark.parametrize(
    "text", ["final score 3-2, 4-1 in the replay", "see you on 3/14, 4/20", "room 101 - 240", "the minimum wage", "2+2"]
)
def test_numbers_that_are_no_deal(text):
    assert intent_counts([normalize_text(text)])[0, INTENT_FEATURES.index("deal")] == 0


def test_a_seller_vouching_with_warning_words_is_supply_and_the_warning_is_not():
    # "test strips" is a warning cue; "test strips with every order" is a seller's: the longest phrase wins.
    seller = cues("fakes are killing people but mine are real, not pressed, test strips with every order")
    assert [p for g, p in seller if g == "supply"] == ["mine are real", "not pressed", "test strips with every order"]
    assert not [g for g, _ in seller if g == "warning"]
    assert cues("get free test strips at the health department") == [("warning", "test strips")]
    assert ("supply", "pharmacy sticker") in cues("real ones, pharmacy sticker still on")
    assert ("supply", "no lowballing") in cues("no fronts, no lowballing") and ("supply", "meet at") in cues(
        "meet at the mall"
    )


def test_pharmacy_spam_writes_supply_as_discounts_and_imperatives():
    # issue 12: missed spam e-mails name the pill but sell it as "70% off" / "buy now", not as street talk
    assert ("supply", "70% off") in cues("Vicodin 70% off this week")
    assert ("supply", "50 % descuento") in cues("xanax 50 % descuento")
    assert ("supply", "buy now") in cues("Buy now: Valium, Xanax")
    assert cues("the stock went 70% up") == []
    assert cues("100% off topic") == []  # three digits: no discount
    # asking for a cheap one is still asking
    assert ("demand", "i need") in cues("i need cheap xanax")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("vicodin for you. cheap.", "cheap"),
        ("up to 80 % savings on xanax , valium", "80 % savings"),
        ("save up to 70 % on soma", "save up to"),
        ("valium xanax soma. lowest cost anywhere", "lowest cost"),
        ("purchase here online: phentermine, ambien", "purchase here"),
        ("no medical questions asked. valium", "no medical questions"),
        ("v - codin - 225 . 00 ( 90 pills )", "225 . 00"),  # a price whose currency sign was lost
        ("xanax 2mg 29.99", "29.99"),
        ("meds shipped overnight to your door", "shipped overnight"),
    ],
)
def test_spam_sale_language_is_supply(text, cue):
    # issue 12: missed pharmacy spam named the pill but sold it in words the supply cues did not know
    assert ("supply", cue) in cues(text)


@pytest.mark.parametrize("text", ["take 2.00 mg twice a day", "the clinic opens at 8.00 am", "1.5 for 20 min"])
def test_cents_after_a_dose_or_a_clock_are_no_price(text):
    assert intent_counts([normalize_text(text)])[0, INTENT_FEATURES.index("deal")] == 0


@pytest.mark.parametrize(
    "text",
    [
        'phentermine charset = iso - 8859 - 1 " >',  # tokenised e-mail header residue
        "Content-Type: text/plain; charset=ISO-8859-7",
        "iso 9001 certified lab",
        "=?iso-2022-jp?b?xanax",
    ],
)
def test_iso_before_a_standards_number_is_no_request(text):
    # issue 12: the demand cue "iso" (in search of) fired inside "charset = iso-8859-7" of spam e-mails
    assert ("demand", "iso") not in cues(text)
    assert intent_counts([normalize_text(text)])[0, INTENT_FEATURES.index("demand")] == 0


@pytest.mark.parametrize("text", ["ISO xanax bars", "wtb iso: percs", "iso 2 bars of xanax", "iso 100 bars"])
def test_iso_still_asks(text):
    assert ("demand", "iso") in cues(text)


def test_spanish_after_normalisation_folds_accents():
    assert ("supply", "envios") in cues("Envíos a toda la república")
    assert ("demand", "donde consigo") in cues("¿Dónde consigo?")


def test_counts_and_features_have_their_columns():
    texts = [normalize_text(t) for t in ("selling xanax", "anyone got xanax?", "police seized xanax", "hello")]
    counts = intent_counts(texts)
    assert counts.shape == (4, len(INTENT_FEATURES))
    pill = pill_evidence(signal_counts(["selling xanax", "anyone got xanax?", "police seized xanax", "hello"]))
    assert pill.tolist() == [True, True, True, False]
    feats = intent_features(texts, pill)
    assert feats.shape == (4, len(FEATURE_NAMES))
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    assert feats[:, col["pill_x_supply_only"]].tolist() == [1, 0, 0, 0]
    assert feats[:, col["pill_x_demand"]].tolist() == [0, 1, 0, 0]
    assert feats[:, col["pill_x_framing"]].tolist() == [0, 0, 1, 0]
    assert np.all(feats[3] == 0)


def test_empty_input_and_hostile_text():
    assert intent_counts([]).shape == (0, len(INTENT_FEATURES))
    hostile = ["", " ", "\x00" * 50, "💊" * 10_000, "a" * 100_000, "1 for " * 5_000]
    counts = intent_counts([normalize_text(t) for t in hostile])
    assert counts.shape == (len(hostile), len(INTENT_FEATURES))
    assert np.isfinite(counts).all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tengo percos si alguien ocupa", 'supply cue ("tengo")'),
        ("anyone got percs?", 'demand cue ("anyone got")'),
        ("just took my adderall", 'first-person use cue ("just took")'),
    ],
)
def test_cue_reasons_are_readable(text, expected):
    assert expected in cue_reasons(text)


def test_seizures_are_no_report_cue():
    # A pharmacy's list of what it treats says "seizures"; news says "seized".
    assert cues("anti-seizure: keppra, lamictal. seizures, pain, anxiety: valium, xanax") == []
    assert ("report", "seized") in cues("police seized 10,000 pills")


def test_study_is_a_report_cue_only_as_research():
    """Regression: the lone word "study" was a report cue, so a seller's "study aids" or "study pills" counted as
    framing and pulled the offer down; research ("a new study found", "studies show") still reports."""
    assert cues("study aids available again, dm") == [("supply", "available")]
    assert ("report", "study") not in cues("study szn, who wants the study pills")
    assert ("report", "a study") in cues("a study found most pills sold online are pressed")
    assert ("report", "studies") in cues("studies show fake xanax is everywhere")


# The deal regex as it was written before it was put first-character-first (issue 16): the reference it must equal.
_DEAL_REFERENCE = (
    r"(?<![a-z0-9.])(?:\d{1,3}(?: ?(?:for|x|por|pa) ?(?:\d{2,4}|pricetoken|the \d{1,2}s)"
    r"|TIER(?: ?[,|]? \d{1,3}TIER)+"
    r"| ?\+ ?(?:pricetoken|\d{1,3} ?(?:each|ea))|k count| ?\. ?(?:00|95|99)(?! ?(?:mg|mcg|ml|am|pm)(?![a-z0-9])))"
    r"|(?:minimum|min) \d{1,3}"
    r"|\d{1,2} ?% ?(?:- ?)?(?:off|discount|descuento|savings?))(?![a-z0-9])"
)
_DEAL_PIECES = [
    "1", "25", "300", "4000", "for", "x", "por", "pa", "the 30s", "pricetoken", "-", "=", ":", ",", "|", "+",
    "each", "ea", "k count", "minimum", "min", "%", "off", "discount", "descuento", "m", "a", ".", "٣", " ", " ",
    "emoji_black_rightwards_arrow", "mg", "\n", "3 for 80", "1 - 10", " 3 - 25", "min 10", "minimum 5", "70% off",
    "70% - off", "10+ 4 each", "5+ pricetoken", "1k count", "25 for the 30s", "2x50", "2 x 50", "1 = pricetoken",
    "50 % descuento", ".", " . ", "00", "95", "99", "225 . 00", "29.99", "savings", "saving", "80 % savings", "mg",
    " mg", "am", "mgs",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_the_first_character_first_deal_regex_matches_what_the_plain_one_does(seed):
    import random
    import re

    import pillscan.intent as intent_module

    reference = re.compile(_DEAL_REFERENCE.replace("TIER", intent_module._TIER_PRICE))
    rng = random.Random(seed)
    texts = ["".join(rng.choice(_DEAL_PIECES) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    texts += ["3 for 80", "minimum 10 2 x 50", "1 - 10 3 - 25", "50 % descuento", "a1 for 20", ".5 for 20", "min 5"]
    for text in texts:
        want = [m.span() for m in reference.finditer(text)]
        assert [m.span() for m in intent_module._DEAL.finditer(text)] == want, text
        assert len(intent_module._DEAL.findall(text)) == len(want)


@pytest.mark.parametrize(
    "text",
    [
        "you need vicodin? you get it here, no need to wait",
        "all you need is in our online shop: xanax, valium",
        "no need for a doctor or a script",
        "do you need meds shipped overnight",
    ],
)
def test_a_seller_addressing_the_reader_is_no_request(text):
    # "need" after "you" / "no" is the seller's pitch; counted as demand it pulled pharmacy spam down.
    assert "demand" not in [group for group, _ in cues(text)]


def test_a_request_still_counts_as_demand_next_to_neutral_phrases():
    assert ("demand", "i need") in cues("i need a xanax, you need one too")
    assert intent_counts([normalize_text("no need to ask, i need some bars")])[0, INTENT_FEATURES.index("demand")] == 1


@pytest.mark.parametrize(
    "text, group",
    [
        ("please don't forget about this fact, xanax 75 $", None),  # spam's sign-off is no warning
        ("please don't buy pills off snapchat", "warning"),  # the warning is in "don't buy"
        ("I got an email offering tramadol without a prescription", "report"),
        ("i got percs if you need", "supply"),
    ],
)
def test_please_dont_and_got_an_email(text, group):
    groups = {g for g, _ in cues(text)}
    assert (group in groups) if group else not groups & {"warning", "report"}


@pytest.mark.parametrize(
    "text",
    [
        "anyone selling xanax around here?",
        "who's selling perc 30s",
        "who tryna sell me a xanny for tonight, i'm paying",
        "hmu if u got percs i got cash",
        "need 10 bars, i can pay cash",
    ],
)
def test_asking_who_sells_is_demand_not_supply(text):
    # "selling" alone is supply; "anyone selling" asks for a seller (it counted as supply before).
    found = cues(text)
    assert "demand" in [group for group, _ in found]
    assert not {("supply", "selling"), ("supply", "sell"), ("supply", "i got")} & set(found)


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("yall still need percs? got em", "still need"),
        ("my script is more than i need, selling the rest", "more than i need"),
    ],
)
def test_a_seller_asking_who_needs_is_supply(text, phrase):
    assert ("supply", phrase) in cues(text)
    assert "demand" not in [group for group, _ in cues(text)]


def test_a_seller_telling_how_to_pay_is_no_request():
    assert cues("u can pay thru zelle, percs 30 each") == [("supply", "each")]


def test_supply_evidence_counts_cues_only_where_no_sale_signal_decides_it():
    # (issue 16) equal to the plain formula: a supply cue or deal, or a sale signal, on posts of every kind
    from pillscan.generate import generate_corpus
    from pillscan.intent import supply_evidence
    from pillscan.signals import has_ascii_digit, normalize_and_count, signal_feature_names

    texts = [*generate_corpus(600, seed=3)["text"], "3 for 80", "dm me", "selling percs", "", "cashapp only"]
    norm, counts = normalize_and_count(texts)
    cues = intent_counts(norm)
    columns = [signal_feature_names().index(name) for name in ("contact", "payment", "price", "shipping")]
    plain = (cues[:, 0] + cues[:, INTENT_FEATURES.index("deal")] > 0) | (counts[:, columns].sum(axis=1) > 0)
    got = supply_evidence(norm, counts)
    assert got.dtype == bool and got.tolist() == plain.tolist()
    assert 0 < plain.sum() < len(texts)
    digits = [*texts, "٣", "x9"]
    assert [has_ascii_digit(t) for t in digits] == [any(c in "0123456789" for c in t) for t in digits]


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("hmu if u got percs i got cash", "hmu if u got"),
        ("dm me if you have xanax bars", "dm me if you have"),
        ("need norcos or vikes, text me if you know anyone", "if you know anyone"),
        ("anyone know a plug for addys", "know a plug"),
    ],
)
def test_asking_to_be_contacted_by_a_seller_is_demand(text, phrase):
    # "hmu" / "dm me" alone are a seller's; followed by "if you have/got" they ask for one ("hmu" had put a buyer
    # over the offer threshold).
    assert ("demand", phrase) in cues(text)
    assert ("supply", "hmu") not in cues(text) and ("supply", "dm me") not in cues(text)


def test_a_seller_inviting_contact_is_still_supply():
    assert cues("percs 30 each hmu if you need") == [("supply", "each"), ("supply", "hmu"), ("supply", "if you need")]
