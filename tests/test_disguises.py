"""Disguised pill names the normaliser decodes (issue 12): styled letters, and the near misses it must leave alone."""

import json
import re
import sys
import unicodedata

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pillscan.cli import cli
from pillscan.normalize import fold_char, normalize_text, normalize_with_offsets
from pillscan.signals import drugs_named, extract_signals


def _names(text):
    return {s.name for s in extract_signals(text)}


def _assert_spans_point_at_the_post(text):
    for sig in extract_signals(text):
        assert text[sig.start : sig.end] == sig.text, sig


# --- styled letters -----------------------------------------------------------------------------------------------
def test_every_small_capital_letter_folds_to_its_ascii_letter():
    found = 0
    for code in range(0x80, sys.maxunicode + 1):
        name = unicodedata.name(chr(code), "")
        match = re.fullmatch(r"(?:LATIN|MODIFIER) LETTER SMALL CAPITAL ([A-Z])", name)
        if match:
            found += 1
            assert fold_char(chr(code)) == match.group(1).lower(), (hex(code), name)
    assert found >= 25


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("ᴏxʏ", "oxy"),
        ("ᴘᴇʀᴄs", "percs"),
        ("ᴀᴠᴀɪʟᴀʙʟᴇ", "available"),
        ("ꜱᴇʟʟɪɴɢ", "selling"),
        ("ᴠɪᴄᴏᴅɪɴ", "vicodin"),
        ("ⓧⓐⓝⓐⓧ", "xanax"),  # circled
        ("ⓍⒶⓃⒶⓍ", "xanax"),
        ("⒳⒜⒩⒜⒳", "xanax"),  # parenthesized
        ("🄧🄐🄝🄐🄧", "xanax"),
        ("🄰🄳🄳🅈", "addy"),  # squared
        ("🅧🅐🅝🅐🅧", "xanax"),  # negative circled
        ("🆇🅰🅽🅰🆇", "xanax"),  # negative squared
        ("🅿️🅴🆁🅲🆂", "percs"),  # with the variation selector emoji keyboards add
        ("ᵖᵉʳᶜˢ", "percs"),  # superscript (modifier) letters
    ],
)
def test_styled_letters_fold_to_ascii(raw, word):
    assert normalize_text(f"got {raw} today") == f"got {word} today"


def test_styled_names_give_the_drug_signal_and_the_obfuscation_kind():
    text = "ᴏxʏ ᴀɴᴅ ᴘᴇʀᴄs ᴀᴠᴀɪʟᴀʙʟᴇ"
    names = _names(text)
    assert "drug:oxycodone" in names and "obfuscation:fullwidth" in names
    assert "drug:alprazolam" in _names("🆇🅰🅽🅰🆇 2mg")
    _assert_spans_point_at_the_post(text)
    _assert_spans_point_at_the_post("🅿️🅴🆁🅲🆂 and 🆇🅰🅽🅰🆇")


@pytest.mark.parametrize("emoji", ["🅿️", "🅿", "🅿️🅿️", "🅿🅿🅿", "🅰️ 🅱️"])
def test_a_lone_or_repeated_squared_letter_stays_an_emoji(emoji):
    # 🅿️ is Percocet's emoji code in the lexicon: one letter (or the same one repeated) is an emoji, not a word.
    assert "emoji_negative_squared_latin_capital_letter" in normalize_text(emoji)
    if "🅿" in emoji:
        assert "emoji:percocet" in _names(f"{emoji} for sale")
        assert "obfuscation:fullwidth" not in _names(emoji)


@pytest.mark.parametrize(
    "text",
    [
        "/ðə ˈkæt sæt ɒn ðə mæt/",  # IPA keeps its letters (small capital I is folded, harmlessly)
        "ⓜ metro, Ⓜ️ line",  # a lone circled letter is NFKC's letter as before
        "∀x ∈ ℝ: f(x) ≥ 0",  # math
    ],
)
def test_styled_letter_near_misses_name_no_drug(text):
    assert not drugs_named(extract_signals(text))
    once = normalize_text(text)
    assert normalize_text(once) == once


_STYLED = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢⓧⓐ⒳⒜🄧🄰🅧🅐🆇🅰🅽🅿\ufe0f ᵖˢ x.-"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_STYLED, max_size=40))
def test_property_styled_letters_are_a_fixed_point_with_true_offsets(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    traced = normalize_with_offsets(text)
    assert traced.text == once
    assert all(0 <= s < e <= len(text) for s, e in zip(traced.starts, traced.ends, strict=True))


# --- explain names the drug of a disguised post -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "drug", "kind"),
    [
        ("ᴏxʏ ᴀɴᴅ ᴘᴇʀᴄs ᴀᴠᴀɪʟᴀʙʟᴇ", "oxycodone", "fullwidth"),
        ("🆇🅰🅽🅰🆇 2mg in stock", "alprazolam", "fullwidth"),
        ("ǝuopoɔʎxo 30s available", "oxycodone", "upside_down"),
        ("v . 1 . c . 0 . d - 1 . n 10/325 in stock", "hydrocodone", "spacing"),
        ("selling x / anax 2mg", "alprazolam", "split"),
        ("enodocyxo 30s for sale, read it backwards", "oxycodone", "reversed"),
    ],
)
def test_explain_names_the_drug_of_a_disguised_post(text, drug, kind):
    result = CliRunner().invoke(cli, ["explain", "--json", text])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert drug in data["drugs"]
    assert f"obfuscation:{kind}" in {s["name"] for s in data["signals"]}


# --- upside-down words --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("xɐuɐx", "xanax"),
        ("uıpoɔıʌ", "vicodin"),
        ("sɔɹǝd", "percs"),
        ("ʎxo", "oxy"),
        ("ǝuopoɔʎxo", "oxycodone"),
        ("X∀N∀X", "xanax"),  # capitals: N stays N
        ("ɯnıʅɐʌ".replace("ʅ", "l"), "valium"),
    ],
)
def test_upside_down_words_are_read_upside_down(raw, word):
    assert normalize_text(f"got {raw} now") == f"got {word} now"
    names = _names(f"got {raw} now")
    assert "obfuscation:upside_down" in names
    _assert_spans_point_at_the_post(f"got {raw} now")


def test_an_upside_down_phrase_is_read_in_its_order_and_its_spans_are_the_words():
    text = "¡ǝlqɐlıɐʌɐ ǝuopoɔʎxo ˙ǝlɐs ɹoɟ sɔɹǝd"  # "percs for sale. oxycodone available!" written upside down
    assert normalize_text(text) == "¡percs for sale oxycodone available"
    signals = {(s.name, s.text) for s in extract_signals(text)}
    assert {("sale:selling", "ǝlɐs ɹoɟ"), ("drug:oxycodone", "sɔɹǝd"), ("drug:oxycodone", "ǝuopoɔʎxo")} <= signals
    _assert_spans_point_at_the_post(text)
    assert normalize_text("uıpoɔıʌ 2mg ǝlɐs ɹoɟ") == "vicodin 2mg for sale"  # a number ends a phrase


@pytest.mark.parametrize(
    "text",
    [
        "/ðə ˈkwɪk ˈbɹaʊn ˈfɑks/ and [ɹʌn], [sʌn], [ʍɪtʃ], [ɐˈdɔɹ]",  # IPA with turned letters
        "ɥ ɯ ɐ ʎ ɟ",  # letters on their own
        "Spanish ll is [ʎ] as in calle [ˈkaʎe]; tap [ɾ] in pero [ˈpeɾo]",
        "∀ε>0 ∃δ: A ∩ B ⊥ C",  # math symbols that flip text also uses
    ],
)
def test_upside_down_near_misses_are_left_alone(text):
    assert normalize_text(text) == normalize_text(text.lower())
    assert "obfuscation:upside_down" not in _names(text)
    assert not drugs_named(extract_signals(text))


# --- single characters with mixed separators ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("v . 1 . c . 0 . d - 1 . n", "vicodin"),
        ("x - a . n - a . x", "xanax"),
        ("a m b i e n", "ambien"),
        ("o . x . y 3 0", "oxy30"),
        ("v ' a , l ' i , u , m", "valium"),
        ("t/r/a/m/a/d/o/l", "tramadol"),
    ],
)
def test_mixed_separators_are_joined_where_they_spell_a_word(raw, word):
    assert normalize_text(f"buy {raw} now") == f"buy {word} now"
    assert "obfuscation:spacing" in _names(f"buy {raw} now")
    _assert_spans_point_at_the_post(f"buy {raw} now")


def test_only_the_stretch_that_spells_a_word_is_joined_and_its_span_is_exact():
    text = "got a v.i.c.o.d.i.n for you"
    assert normalize_text(text) == "got a vicodin for you"
    drug = [s for s in extract_signals(text) if s.name == "drug:hydrocodone"]
    assert [s.text for s in drug] == ["v.i.c.o.d.i.n"]


# --- names split by a separator -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("x / anax", "xanax"),
        ("v / alium", "valium"),
        ("phe / ntermine", "phentermine"),
        ("xa-nax", "xanax"),
        ("perc*s", "percs"),
        ("perc.s", "percs"),
        ("oxy|contin", "oxycontin"),
        ("phe/nter/mine", "phentermine"),
    ],
)
def test_split_names_are_joined(raw, word):
    assert normalize_text(f"selling {raw} today") == f"selling {word} today"
    assert "obfuscation:split" in _names(f"selling {raw} today")
    _assert_spans_point_at_the_post(f"selling {raw} today")


# --- reversed names -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "word"),
    [("enodocyxo", "oxycodone"), ("nivta", None), ("llareddA", "adderall"), ("NITNOCYXO", "oxycontin")],
)
def test_reversed_names_are_read_forwards(raw, word):
    text = f"{raw} 30s for sale, read it backwards"
    if word is None:  # "ativan" has 6 letters, "nivta" is a typo of nothing: no reversed name under 6 letters
        assert normalize_text(text).startswith(raw.lower())
        return
    assert normalize_text(text).startswith(f"{word} 30s")
    assert "obfuscation:reversed" in _names(text)
    _assert_spans_point_at_the_post(text)


def test_no_reversed_name_is_an_english_word():
    from pillscan.normalize import _drug_names

    with open("/usr/share/dict/words", encoding="utf-8") as handle:
        words = {line.strip().lower() for line in handle}
    clashes = sorted(reverse for reverse in _drug_names()[2] if reverse in words)
    assert not clashes, f"drug names that read as an English word backwards: {clashes}"


# --- ordinary text that looks like a disguise is untouched --------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "J. R. R. Tolkien and C. S. Lewis",
        "we ran a/b testing on it",
        "cash and/or card, w/ receipt",
        "take 10/325 and 7.5/325 twice",
        "born 12/05/1990, due 2024-03-01, at 10.30",
        "id 3f2b1c9e-4d5a-4b6c-8e7f-1a2b3c4d5e6f",
        "token aGVsbG8gd29ybGQ=",
        "a, b, c and d",
        "grades: a - b - c",
        "it's a well-known e-mail trick, t.me/group and U.S.A.",
        "i . e . the end",
        "desserts stressed level",  # words that are other words backwards
    ],
)
def test_hostile_near_misses_are_not_decoded(text):
    flags = {s.name for s in extract_signals(text) if s.name.startswith("obfuscation:")}
    assert not flags & {"obfuscation:split", "obfuscation:upside_down", "obfuscation:reversed"}
    assert not drugs_named(extract_signals(text))
    once = normalize_text(text)
    assert normalize_text(once) == once


_DISGUISE_ALPHABET = "xanvlium pr.s/*|-' ,ɐuʌǝɔɹsɥʎ enodcyx0134 \u2219ʍ∀"


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=_DISGUISE_ALPHABET, max_size=50)
    | st.lists(
        st.sampled_from(["x / anax", "enodocyxo", "sɔɹǝd", "v . 1 . c", "0 . d - 1 . n", "perc*s", " ", ","])
    ).map("".join)
)
def test_property_disguises_are_a_fixed_point_with_true_offsets(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    traced = normalize_with_offsets(text)
    assert traced.text == once
    assert all(0 <= s < e <= len(text) for s, e in zip(traced.starts, traced.ends, strict=True))
    for sig in extract_signals(text):
        assert text[sig.start : sig.end] == sig.text


def test_every_drug_name_cut_into_two_english_words_is_listed():
    from pillscan.normalize import _WORD_SPLITS, _drug_names

    with open("/usr/share/dict/words", encoding="utf-8") as handle:
        words = {line.strip().lower() for line in handle if line.strip().isalpha()}
    missing = set()
    for name in _drug_names()[0]:
        for form in (name, name + "s"):
            for cut in range(2, len(form) - 1):
                if form[:cut] in words and form[cut:] in words:
                    missing.add(f"{form[:cut]} {form[cut:]}")
    assert not missing - _WORD_SPLITS, sorted(missing - _WORD_SPLITS)
    assert normalize_text("code-in and handle/bars") == "code-in and handle/bars"


def test_a_split_name_is_found_after_other_pieces():
    assert normalize_text("get some-x/anax today") == "get some-xanax today"
    assert normalize_text("xanax/valium/x/anax") == "xanax/valium/xanax"


@pytest.mark.parametrize(
    "unit",
    [
        ". ".join("abcdefghijklmnopqrstuvwxyzabcdefghijklmn") + " word ",  # 40 single letters a run, over and over
        ". ".join("v1c0d1nx4n4xp3rc0c37") + " w ",
        "ab/cd/ef ",
        "x/anax ",
        "ɐbc ",  # flipped words that read as nothing
        "ǝlɐs ",  # one upside-down phrase as long as the post
        "enodocyxo ",
        "a . ",
    ],
)
def test_hostile_disguise_floods_stay_fast_and_stable(unit):
    import time

    text = (unit * (20_000 // len(unit) + 1))[:20_000]
    started = time.perf_counter()
    once = normalize_text(text)
    signals = extract_signals(text)
    assert time.perf_counter() - started < 20  # ~0.3 s unloaded; a quadratic step would take minutes
    assert normalize_text(once) == once
    assert all(text[s.start : s.end] == s.text for s in signals)
