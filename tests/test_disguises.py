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
    ],
)
def test_explain_names_the_drug_of_a_disguised_post(text, drug, kind):
    result = CliRunner().invoke(cli, ["explain", "--json", text])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert drug in data["drugs"]
    assert f"obfuscation:{kind}" in {s["name"] for s in data["signals"]}
