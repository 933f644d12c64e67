"""normalize_text: obfuscated spellings fold to the canonical word, real numbers survive, and it is safe."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pillscan.normalize import MAX_CHARS, MAX_EXPANSION, normalize_many, normalize_text, normalize_with_offsets


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("X 4 N 4 X", "xanax"),
        ("x.a.n.a.x", "xanax"),
        ("x-a-n-a-x", "xanax"),
        ("v i c o d i n", "vicodin"),
        ("\u0445anax", "xanax"),  # Cyrillic х
        ("ｘａｎａｘ", "xanax"),  # fullwidth
        ("xa\u200bn\u200dax", "xanax"),  # zero-width inside the word
        ("x\u00adanax", "xanax"),  # soft hyphen
        ("0xyc0d0ne", "oxycodone"),
        ("x4n4x", "xanax"),
        ("ca$happ", "cashapp"),
        ("XAAAANAX", "xanax"),
        ("cheaaaap", "cheap"),
        ("Envío", "envio"),
        ("MÉDICA", "medica"),
    ],
)
def test_obfuscated_forms_fold_to_the_canonical_word(raw, word):
    assert normalize_text(f"selling {raw} today") == f"selling {word} today"


def test_emoji_become_word_tokens():
    assert normalize_text("percs 💊🔌") == "percs emoji_pill emoji_electric_plug"
    assert normalize_text("🅿️") == normalize_text("🅿")  # variation selector dropped


@pytest.mark.parametrize("dose", ["2mg", "10/325", "m30", "30s", "100x", "7.5/325", "0.5mg", "t3s"])
def test_doses_codes_and_counts_survive(dose):
    assert normalize_text(f"got {dose} now") == f"got {dose} now"


@pytest.mark.parametrize("price", ["$20", "$ 20", "20$", "20 usd", "20 dollars", "300 pesos", "$1,200.50"])
def test_prices_become_a_price_token(price):
    assert normalize_text(f"only {price} each") == "only pricetoken each"


def test_urls_handles_and_phones_become_placeholders():
    out = normalize_text("DM @plug.22, join https://t.me/plugxyz or call (555) 123-4567")
    assert out == "dm handletoken , join urltoken t.me or call phonetoken"


def test_ordinary_text_is_only_lower_cased():
    text = "Meet me at 5pm, the game starts at 7:30 and tickets were 2 for 1."
    assert normalize_text(text) == text.lower()


@pytest.mark.parametrize(
    "odd",
    [
        "",
        " ",
        "\ud800",
        "a\udfffb",
        "\x00\x01\x7f",
        "\u202e\u2066evil",
        "🏳️‍🌈" * 50,
        "ǅ İ ß ﬁ ㎒",
        "\U0010ffff",
        "x" * 10,
    ],
)
def test_never_raises_and_is_idempotent_on_odd_input(odd):
    once = normalize_text(odd)
    assert normalize_text(once) == once
    assert "\ud800" not in once and "\udfff" not in once


def test_long_input_is_cut_at_max_chars():
    assert len(normalize_text("ab " * MAX_CHARS)) <= MAX_CHARS


def test_normalize_many_matches_normalize_text():
    texts = ["X 4 N 4 X", "💊", None]
    assert normalize_many(texts) == [normalize_text("X 4 N 4 X"), normalize_text("💊"), ""]


def test_offsets_agree_with_normalize_text():
    text = "Selling ｘａｎａｘ, X 4 N 4 X and 0xy for $20 💊 t.me/abc"
    traced = normalize_with_offsets(text)
    assert traced.text == normalize_text(text)
    assert len(traced.starts) == len(traced.ends) == len(traced.text)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120))
def test_property_idempotent_bounded_and_total(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert len(once) <= MAX_EXPANSION * len(text) + 8
    traced = normalize_with_offsets(text)
    assert traced.text == once
    assert all(0 <= s < e <= len(text) for s, e in zip(traced.starts, traced.ends, strict=True))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xan4@$0 .-1357mgMX$u s/d:", max_size=40))
def test_property_idempotent_on_obfuscation_alphabet(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert normalize_with_offsets(text).text == once


def _reference_normalize(text):
    from pillscan.normalize import _reference_pass

    out, flags = _reference_pass(text)
    if flags:
        for _ in range(8):
            again, _more = _reference_pass(out)
            if again == out:
                break
            out = again
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=120)
    | st.text(
        alphabet="xan4@$0 .-*~|•·1357mgMXaaabbb$u s/d:w€£()+5usd\u200b\u0445ｘ💊\t\n\x1c\u00a0\u2028  ", max_size=60
    )
    | st.text(alphabet="xanvlium perc.s/*|-',;+ ɐuʌǝɔɹʎxo01 ᴘᴇʀ🆇🅰enodcyx", max_size=60)
    | st.lists(st.sampled_from(["enodocyxo", "x / anax", "v . 1 . c . 0", "sɔɹǝd", "perc*s", " ", ".", "a"])).map(
        "".join
    )
)
def test_property_fast_path_equals_the_plain_reference(text):
    # The guarded fast pass must compute exactly what the unguarded steps compute.
    assert normalize_text(text) == _reference_normalize(text)


# --- the byte scans that replace the hint regexes in the compiled build ------------------------------------------
_HINT_ALPHABET = "abxyzusdolrckpemn0134579@$ .-*~|_/',+:;\t\n\x0b\x1c\x1f"


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet=_HINT_ALPHABET, max_size=40)
    | st.lists(st.sampled_from(["enodocyxo", "nivata", "llaredda", " ", ".", "x", "9", "_"])).map("".join)
    | st.lists(st.sampled_from(["urltoken ", "t.me", "x/", "anax", " / ", "perc", "*s", " ", "-", "a"])).map("".join)
)
def test_byte_scans_equal_the_hint_regexes(text):
    import pillscan.normalize as N

    want = (
        (N.HINT_SPACED if N._SPACED_HINT_SPACE.search(text) or N._SPACED_HINT_SEP.search(text) else 0)
        | (N.HINT_LEET if N._LEET_HINT.search(text) else 0)
        | (N.HINT_REPEAT if N._REPEATS.search(text) else 0)
        | (N.HINT_REVERSED if any(w in N._drug_names()[2] for w in re.findall(r"[a-z]+", text)) else 0)
        | (N.HINT_MIXED if N._MIXED_HINT.search(text) else 0)
    )
    got = N.ascii_hints(text.encode("ascii"))
    assert got & ~N.HINT_SPLIT == want
    # The split bit is _SPLIT_HINT less a link's host ("urltoken t.me"), which the split finder skips too.
    assert not got & N.HINT_SPLIT or N._SPLIT_HINT.search(text)
    assert got & N.HINT_SPLIT or not N._split_edits(text)
    assert N._money_hint_ascii(text.encode("ascii")) == (N._MONEY_HINT_ASCII.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "bits"),
    [
        ("x a n a x", 1), ("call a b", 1), ("a b c1", 2), ("x.a.n", 193), ("a|b|c", 193), ("x4nax", 2), ("4 a", 0),
        ("ca$h", 2), ("@a", 2), ("cheaaap", 4), ("aa", 0), ("111", 0), ("x a n a x 0xy", 3), ("", 0),
        ("enodocyxo", 32), ("got enodocyxo.", 32), ("xenodocyxo", 0), ("enodocyx", 0),
        ("v . 1 . c", 64), ("v ' i", 64), ("a,b", 64), ("ab,c", 0), ("x / anax", 128), ("x/anax", 128), ("a. b", 64),
        ("done. next", 0), ("urltoken t.me hi", 0), ("urltoken pills-shop.com", 0), ("urltoken t.me x/anax", 128),
    ],
)  # fmt: skip
def test_byte_scan_examples(text, bits):
    from pillscan.normalize import ascii_hints

    assert ascii_hints(text.encode("ascii")) == bits


@pytest.mark.parametrize(
    ("text", "money"),
    [("$", True), ("20 usd", True), ("20usd", True), ("2 dollars", True), ("1.000", True), ("1 000", True),
     ("1000", True), ("100", False), ("20 u", False), ("m30", False), ("20\x1ceur", True), ("20\x00eur", False)],
)  # fmt: skip
def test_money_byte_scan_examples(text, money):
    from pillscan.normalize import _money_hint_ascii

    assert _money_hint_ascii(text.encode("ascii")) is money


_CODE_ALPHABET = "ab9z0x+/=-_@$(.: \n"


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet=_CODE_ALPHABET, max_size=40)
    | st.lists(st.sampled_from(["a1b2c3d4", "e5b37aed", "ab", "12", "+", "/", "=", "-", "_", " ", "@", "x"])).map(
        "".join
    )
)
def test_code_byte_classes_equal_the_code_regexes(text):
    # The code hint by byte classes is _CODE_HINT; a text the candidate test turns away has no _CODE match.
    import pillscan.normalize as N

    classes = text.encode("ascii").translate(N._CODE_CLASSES)
    assert N._code_hint_classes(classes) == (N._CODE_HINT.search(text) is not None)
    assert N._code_candidate(classes) or N._CODE.search(text) is None


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=_CODE_ALPHABET + "$€£usdo1é💊w", max_size=40)
    | st.lists(st.sampled_from(["a1b2c3d4", "20 usd", "$5", "1.000", "www.", "x.com/", "://", "@ab", "é", " "])).map(
        "".join
    )
)
def test_fast_placeholder_steps_equal_the_plain_ones(text):
    import pillscan.normalize as N

    assert N._fast_placeholder_steps(text) == N._placeholder_steps(text)
    assert N._may_hold_code(text) or N._CODE.search(text) is None


@pytest.mark.parametrize(
    ("text", "candidate"),
    [("e5b37aed", True), ("order 12ab34cd", True), ("1234/abcd", True), ("ab12cd3", False), ("abcdefgh1", False),
     ("a1b2c3d4", True), ("a1 b2 c3 d4", False), ("12345678ab", True), ("ab_12cd34ef", True), ("", False)],
)  # fmt: skip
def test_code_candidate_examples(text, candidate):
    import pillscan.normalize as N

    assert N._code_candidate(text.encode("ascii").translate(N._CODE_CLASSES)) is candidate


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_HINT_ALPHABET + "XANAXé💊", max_size=60))
def test_normalising_with_byte_scans_or_regexes_gives_the_same(text):
    import pillscan.normalize as N

    if N.__file__.endswith(".py"):  # (a compiled module's globals are fixed; test_compiled.py covers it)
        saved = N._BYTE_SCANS
        try:
            N._BYTE_SCANS = True
            with_scans = N.normalize_with_flags(text)
            N._BYTE_SCANS = False
            with_regexes = N.normalize_with_flags(text)
        finally:
            N._BYTE_SCANS = saved
        assert with_scans == with_regexes
    else:
        assert N._BYTE_SCANS


def test_split_hint_finds_the_token_start_without_scanning_back():
    """Regression: for each separator between letters the split hint scanned back to the start of the token, so
    ``a-a-a-...`` (100k characters) took 10 s in the compiled build (tests/test_hostile_posts.py). It now takes the
    last two spaces from the byte scan; this checks it against the scan it replaced on random short texts."""
    import random

    import pillscan.normalize as normalize_module

    def scanned_back(data: bytes, a: int) -> bool:
        token = a
        while token > 0 and data[token - 1] != 32:
            token -= 1
        return token < 9 or data[token - 9 : token] != b"urltoken "

    rng = random.Random(0)
    checked = 0
    for _ in range(3000):
        data = bytes(rng.choice(b"ab -./*|urltoken") for _ in range(rng.randint(1, 30)))
        n, last_space, prev_space = len(data), -1, -1
        for i, c in enumerate(data):
            if c == 32:
                prev_space, last_space = last_space, i
            if c not in b".-*|/":
                continue
            got = normalize_module._letters_around(data, i, n, last_space, prev_space)
            if i >= 1 and i + 1 < n and 97 <= data[i - 1] <= 122 and 97 <= data[i + 1] <= 122:
                a = i - 1
            elif (
                i >= 2
                and i + 2 < n
                and data[i - 1] == data[i + 1] == 32
                and 97 <= data[i - 2] <= 122
                and 97 <= data[i + 2] <= 122
            ):
                a = i - 2
            else:
                assert got is False
                continue
            while a > 0 and 97 <= data[a - 1] <= 122:
                a -= 1
            assert got == scanned_back(data, a), (data, i)
            checked += 1
    assert checked > 1000
