"""extract_signals / signal_counts: lexicon-driven evidence with exact spans in the original text."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pillscan.signals import drugs_named, extract_signals, signal_counts, signal_feature_names


def names(text):
    return {s.name for s in extract_signals(text)}


def surfaces(text, name):
    return [s.text for s in extract_signals(text) if s.name == name]


def test_spans_index_the_original_text_even_through_obfuscation():
    text = "Selling X 4 N 4 X, \u0445anax and ｐｅｒｃｓ, 0xyc0d0ne 💊 DM me @plugg for $20"
    signals = extract_signals(text)
    for sig in signals:
        assert text[sig.start : sig.end] == sig.text
    assert surfaces(text, "drug:alprazolam") == ["X 4 N 4 X", "\u0445anax"]
    assert surfaces(text, "drug:oxycodone") == ["ｐｅｒｃｓ", "0xyc0d0ne"]
    assert surfaces(text, "price") == ["$20"]
    assert surfaces(text, "handle") == ["@plugg"]
    assert {"obfuscation:spacing", "obfuscation:leetspeak", "obfuscation:homoglyph", "obfuscation:fullwidth"} <= {
        s.name for s in signals
    }


def test_canonical_drug_names_imprints_and_doses():
    text = "M30 blues and Percocet 10/325, also 2mg bars"
    found = names(text)
    assert {"imprint:oxycodone", "drug:oxycodone", "dose", "slang:ambiguous", "drug:alprazolam"} <= found
    assert surfaces(text, "dose") == ["10/325", "2mg"]
    assert drugs_named(extract_signals(text)) == ("alprazolam", "oxycodone")


def test_lifestyle_drugs_are_recognised_but_not_named_as_in_scope():
    signals = extract_signals("cheap viagra and cialis")
    assert "drug:sildenafil" in {s.name for s in signals}
    assert drugs_named(signals) == ()


def test_sale_cues_are_detected():
    text = "hmu on snap or telegram, cashapp or btc, discreet shipping, no script needed, 100 pills x50"
    found = names(text)
    assert {"contact:snapchat", "contact:telegram", "payment:cashapp", "payment:crypto", "shipping:stealth"} <= found
    assert {"no_prescription", "quantity"} <= found
    assert surfaces(text, "quantity") == ["100 pills", "x50"]


@pytest.mark.parametrize("text", ["no medical questions asked", "no consultation needed", "no questions asked"])
def test_spam_waiving_the_doctor_is_no_prescription(text):
    # issue 12: "no medical questions asked" had broken the phrase "no questions asked" (the word "medical" then
    # weighed -3.1 log-odds in a spam line)
    assert "no_prescription" in names(f"valium xanax soma. {text}. lowest prices")


def test_emoji_code_and_telegram_links():
    text = "🔌💊 menu at t.me/bestplug"
    found = names(text)
    assert {"emoji:plug", "emoji:pill", "contact:telegram", "url", "handle"} <= found


def test_everyday_words_do_not_fire_short_forms():
    text = "I was at school describing a basic scan; the wall was local news at 5 pm"
    found = names(text)
    assert not {"contact:snapchat", "contact:whatsapp", "contact:telegram", "contact:instagram_dm"} & found


def test_ambiguous_slang_alone_is_not_a_drug():
    found = names("the bus was late and I bought candy bars")
    assert "slang:ambiguous" in found
    assert not any(n.startswith("drug:") for n in found)


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("bars 🍫 $4, 5 for $15", "alprazolam"),
        ("🔵🔵 blues in, who wants some", "oxycodone"),
        ("ladders 🪜 n footballs", "alprazolam"),
        ("blues 🍫 tonight", None),  # another drug's code backs nothing
        ("bars tonight, 🍫 after", None),  # not next to it
        ("16 bars no breaks 🔥", "alprazolam"),  # a number before it, as before
        ("spit some bars 🔥🔥", None),
    ],
)
def test_ambiguous_slang_next_to_its_own_emoji_code_is_the_drug(text, drug):
    # issue 12: the DEA chart's code next to the street name ("bars 🍫") backs the slang as a number does ("90 bars").
    found = {n for n in names(text) if n.startswith("drug:")}
    assert found == ({f"drug:{drug}"} if drug else set()), text
    counts = dict(zip(signal_feature_names(), signal_counts([text])[0], strict=True))
    assert counts["drug_in_scope"] == (1 if drug else 0), text


def test_news_sentence_names_drugs_but_has_no_sale_cues():
    text = "Police seized 5,000 counterfeit oxycodone pills stamped M30 that contained fentanyl, officials said."
    found = names(text)
    assert {"drug:oxycodone", "drug:fentanyl"} <= found
    assert not any(n.split(":")[0] in {"contact", "payment", "shipping", "sale", "price"} for n in found)


def test_signal_counts_shape_and_meaning():
    texts = ["selling xanax 2mg, hmu on snap, $20", "nice weather today", ""]
    counts = signal_counts(texts)
    cols = {n: i for i, n in enumerate(signal_feature_names())}
    assert counts.shape == (3, len(cols))
    assert counts[0, cols["drug_in_scope"]] == 1
    assert counts[0, cols["drug_and_contact"]] == 1
    assert counts[0, cols["drug_and_price"]] == 1
    assert counts[0, cols["dose"]] == 1
    assert not counts[1].any() and not counts[2].any()


def test_signal_counts_agree_with_extract_signals_on_groups():
    text = "Percs 💊 M30 for $20, snap me, fast shipping"
    counts = dict(zip(signal_feature_names(), signal_counts([text])[0], strict=True))
    groups = [s.name.split(":")[0] for s in extract_signals(text)]
    for group in ("contact", "shipping", "price", "imprint", "emoji"):
        assert counts[group] == groups.count(group), group


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.text(alphabet="xanaX4@$0 .-snap 💊🔌m30$20\u200b\u0445ｘ", max_size=60))
def test_property_spans_inside_text_and_never_raises(text):
    for sig in extract_signals(text):
        assert 0 <= sig.start < sig.end <= len(text)
        assert text[sig.start : sig.end] == sig.text
    row = signal_counts([text])
    assert row.shape == (1, len(signal_feature_names())) and np.isfinite(row).all()


@pytest.mark.parametrize("bad", [None, 42])
def test_non_text_input_is_treated_as_text(bad):
    assert isinstance(extract_signals(bad), tuple)


def test_normalize_and_count_equals_separate_calls():
    from pillscan.normalize import normalize_many
    from pillscan.signals import normalize_and_count

    texts = ["Selling X 4 N 4 X 2mg, $20, @plug", "nice weather", "", None, "хanax ｐｅｒｃｓ 💊"]
    normalized, counts = normalize_and_count(texts)
    assert normalized == normalize_many(texts)
    assert np.array_equal(counts, signal_counts(texts))
    empty_norm, empty_counts = normalize_and_count([])
    assert empty_norm == [] and empty_counts.shape == (0, len(signal_feature_names()))


# The dose and quantity patterns as first written (look-behind first); signals.py has faster equal forms.
_PLAIN_DOSE = r"(?<![a-z0-9.])(?:\d+(?:[.,]\d+)? ?(?:mg|mcg|ug|ml)|\d{1,3}(?:\.\d)?/\d{3})(?![a-z0-9/])"
_PLAIN_QUANTITY = (
    r"(?<![a-z0-9.])(?:\d+ ?x|x ?\d+|(?:qty|cantidad):? ?\d+"
    r"|\d+ ?(?:pills?|pastillas?|tabs?|tablets?|tabletas?|pcs|pieces?|piezas?|ct|count|units?|caps|capsules?))"
    r"(?![a-z0-9])"
)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="0123456789٣ .,/:-xqtycantidadmgculpisbeoewrzk%", max_size=40))
def test_dose_and_quantity_patterns_equal_their_plain_forms(text):
    import re

    from pillscan.signals import _DOSE, _QUANTITY

    for fast, plain in ((_DOSE, _PLAIN_DOSE), (_QUANTITY, _PLAIN_QUANTITY)):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(plain, text)]


@pytest.mark.parametrize(
    "text",
    [
        "hi @PublicistUSA and @ab",  # a handle exactly as long as " handletoken " (13 characters)
        "call 555-555-5555 now",  # a phone number as long as " phonetoken " (12 characters)
        "only $1234567.890 today",  # a price as long as " pricetoken " (12 characters)
    ]
    + [f"ping @{'h' * n} please" for n in range(1, 20)],
)
def test_placeholder_spans_cover_the_whole_handle_phone_or_price(text):
    """Regression: a placeholder as long as what it replaced kept per-character origins (as leetspeak does),
    so after whitespace collapsing its span slid one character right ("@PublicistUSA" -> "PublicistUS")."""
    import re

    wanted = re.search(r"@\w+|\d{3}-\d{3}-\d{4}|\$[\d.]+", text).group()
    spans = [text[s.start : s.end] for s in extract_signals(text) if s.name in {"handle", "price"}]
    assert wanted in spans, spans


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="a_z 019", max_size=30), st.integers(min_value=0, max_value=31))
def test_the_number_before_a_match_is_what_the_trailing_number_regex_finds(view, i):
    # (issue 16) read back from i instead of the regex trying each of the twelve positions before it
    import pillscan.signals as S

    i = min(i, len(view))
    match = S._TRAILING_NUMBER.search(view, max(0, i - 12), i)
    assert S._number_before(view, i) == (match.start() if match else -1)
