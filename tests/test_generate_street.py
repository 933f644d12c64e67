"""Street talk, minimal pairs, tags that match the text, streaming and scale of the corpus generator."""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import unicodedata

import pandas as pd
import pytest
from click.testing import CliRunner

from pillscan.cli import cli
from pillscan.errors import InputError
from pillscan.generate import (
    COLUMNS,
    FAMILIES,
    generate_corpus,
    iter_corpus,
    render_post,
    write_corpus,
    write_corpus_stream,
)
from pillscan.generate import stream as stream_mod
from pillscan.generate.grammar import Draft, Family
from pillscan.generate.pools import load_pool
from pillscan.generate.stream import Fingerprints
from pillscan.generate.styles import STYLES, restyle
from pillscan.lexicon import load_lexicon


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return generate_corpus(6000, seed=21)


def _emoji_codes() -> set[str]:
    lex = load_lexicon()
    codes = {e for d in lex.drugs for e in d.emoji}
    codes |= {e for forms in lex.cues["emoji_code"].values() for e in forms}
    for forms in load_pool("street_en")["emoji"].values():
        codes |= set(forms)
    return {c.replace("\ufe0f", "") for c in codes}


def _squash(text: str) -> str:
    # Spaced and dotted letters are a restyling of the same word.
    return "".join(c for c in text.lower() if c.isalnum())


def _slang_forms() -> set[str]:
    lex = load_lexicon()
    forms = {f.lower() for d in lex.drugs for f in d.slang + d.ambiguous_slang + d.es}
    for pool in ("street_en", "street_es"):
        for items in load_pool(pool)["items"].values():
            forms |= {f.lower() for f in items}
    return forms


def _renders(n_seeds: int):
    for fam in FAMILIES.values():
        frames = [f for f, _, _ in fam.frames] or [None]
        for lang in fam.langs:
            for frame in frames:
                for seed in range(n_seeds):
                    yield fam, render_post(fam.name, lang, seed, 0, frame=frame)


def test_tags_match_the_rendered_text():
    # Families build alternatives eagerly; a tag drawn in a branch that was not chosen must not stick
    # (report_dealer_account was tagged emoji_code with no emoji in 21 of 80 renders).
    codes, slang = _emoji_codes(), _slang_forms()
    lex = load_lexicon()
    imprints = {i.lower().replace(" ", "") for d in lex.drugs for i in d.imprints}
    checked = 0
    for fam, post in _renders(25):
        text = post.text.replace("\ufe0f", "")
        low = post.text.lower()
        tactics = set(post.tactics.split(";")) - {""}
        if "emoji_code" in tactics:
            assert any(c in text for c in codes), (fam.name, post.text)
        if "slang" in tactics and post.style == "plain":
            squashed = _squash(post.text)
            assert any(_squash(f) in squashed for f in slang), (fam.name, post.text)
        if "imprint" in tactics:
            squashed = low.replace(" ", "")
            assert any(i in squashed for i in imprints), (fam.name, post.text)
        if post.style == "plain" and not tactics & {"deliberate_obfuscation", "indirect"}:
            squashed = _squash(post.text)
            for name in filter(None, post.drugs.split(";")):
                d = lex.drug(name)
                forms = d.names + d.ambiguous_slang + d.imprints
                found = any(_squash(f) in squashed for f in forms) or any(
                    e.replace("\ufe0f", "") in text for e in d.emoji
                )
                assert found, (fam.name, name, post.text)
        checked += 1
    assert checked > 3000


def test_report_dealer_account_is_tagged_emoji_code_only_with_an_emoji():
    # Tagged exactly when one of the drugs' own emoji codes is in the text (a 💊 beside a name is not one).
    codes = {e.replace("\ufe0f", "") for d in load_lexicon().drugs for e in d.emoji}
    tagged = 0
    for seed in range(80):
        post = render_post("report_dealer_account", "en", seed)
        has = any(c in post.text.replace("\ufe0f", "") for c in codes)
        assert ("emoji_code" in post.tactics.split(";")) == has, post.text
        tagged += has
    assert 0 < tagged < 80


def test_minimal_pairs_share_their_core_and_differ_in_frame(corpus):
    pairs = corpus[corpus["pair"] != ""]
    assert len(pairs) > 600
    complete = 0
    for _, group in pairs.groupby("pair"):
        assert group["template"].nunique() == 1 and group["seed"].nunique() == 1
        assert group["frame"].is_unique
        assert (group["label"] == (group["frame"] == "supply")).all()
        assert group["drugs"].nunique() == 1 and group["platform"].nunique() == 1
        complete += len(group) == 3 and "supply" in set(group["frame"])
    assert complete > 150
    assert {"supply", "demand", "report", "warning", "use", "joke"} <= set(pairs["frame"])
    assert set(pairs["lang"]) == {"en", "es"}


def test_a_pair_is_the_same_sentence_as_supply_and_as_demand_report_warning():
    seen = {"demand": 0, "report": 0, "warning": 0}
    for seed in range(60):
        supply = render_post("street_pair_casual", "en", seed, 0)
        for frame in seen:
            twin = render_post("street_pair_casual", "en", seed, 0, frame=frame)
            assert twin.label == 0 and supply.label == 1
            assert twin.drugs == supply.drugs and twin.platform == supply.platform
            shared = set(supply.text.lower().split()) & set(twin.text.lower().split())
            seen[frame] += bool(shared)
    assert min(seen.values()) >= 55, seen


def test_street_names_emoji_and_spanish_appear(corpus):
    text = "\n".join(corpus["text"]).lower()
    for word in ("m30", "percs", "bars", "addy", "if anyone needs", "no fronts", "who wants"):
        assert word in text, word
    for emoji in ("🔌", "💊", "🅿", "🍫", "🔵"):
        assert emoji in text, emoji
    es = "\n".join(corpus.loc[corpus["lang"] == "es", "text"]).lower()
    assert any(w in es for w in ("vendo", "tengo", "ando surtido", "la pieza", "al privado", "entrego"))
    assert set(corpus.loc[corpus["style"] != "plain", "label"]) == {0, 1}  # styles are no label cue


def test_negatives_share_the_supply_cues(corpus):
    neg = corpus[corpus["label"] == 0]
    for cue in ("if anyone needs", "who wants", "🔌"):
        assert neg["text"].str.contains(cue, regex=False).any(), cue
    assert (neg["kind"] == "other_drug_sale").any() and (neg["kind"] == "joke_lyric").any()
    long_neg = neg[neg["text"].str.len() > 400]
    assert len(long_neg) > 20 and long_neg["drugs"].ne("").any()


def test_inline_offers_are_long(corpus):
    inline = corpus[corpus["kind"] == "inline_offer"]
    assert len(inline) > 50 and inline["text"].str.len().median() > 150
    assert (inline["label"] == 1).all()


@pytest.mark.parametrize("name", STYLES)
def test_unicode_styles_change_the_letters(name):
    out = restyle("Percs 30", name, ".")
    assert out != "Percs 30"
    if name in ("math_bold", "math_script", "math_sans_bold", "fullwidth", "circled"):
        assert unicodedata.normalize("NFKC", out).lower().replace(" ", "") in ("percs30", "percsⓢ30")
    with pytest.raises(ValueError, match="unknown style"):
        restyle("x", "nope")


def test_render_post_rejects_bad_frames():
    with pytest.raises(InputError, match="no frame"):
        render_post("street_pair_casual", "en", 1, frame="lullaby")
    with pytest.raises(InputError, match="not a minimal-pair"):
        render_post("report_dealer_account", "en", 1, frame="demand")


@pytest.mark.parametrize("name", ["s.csv", "s.csv.gz", "s.jsonl", "s.parquet"])
def test_streamed_file_equals_the_frame_written(tmp_path, name):
    df = generate_corpus(700, seed=5)
    write_corpus(df, tmp_path / f"a{name}")
    offers = write_corpus_stream(tmp_path / f"b{name}", 700, 5)
    assert offers == int(df["label"].sum())
    if name.endswith("parquet"):
        assert pd.read_parquet(tmp_path / f"b{name}").equals(pd.read_parquet(tmp_path / f"a{name}"))
    else:
        assert (tmp_path / f"a{name}").read_bytes() == (tmp_path / f"b{name}").read_bytes()


def test_empty_corpus_writes_a_header(tmp_path):
    write_corpus_stream(tmp_path / "e.csv", 0, 1)
    assert (tmp_path / "e.csv").read_text().strip() == ",".join(COLUMNS)


def test_bad_options_fail_before_a_file_is_written(tmp_path):
    with pytest.raises(InputError, match="obfuscation"):
        write_corpus_stream(tmp_path / "x.csv", 10, obfuscation=[1])
    with pytest.raises(InputError, match="unknown extension"):
        write_corpus_stream(tmp_path / "x.xlsx", 10)
    with pytest.raises(InputError, match="n must be"):
        iter_corpus(-1)
    assert not list(tmp_path.iterdir())


def test_fingerprints_hold_across_spills():
    fp = Fingerprints(spill=64)
    values = [hashlib.blake2b(str(i).encode(), digest_size=8).digest() for i in range(1000)]
    ints = [int.from_bytes(v, "little") for v in values]
    for h in ints[:500]:
        fp.add(h)
    assert len(fp) == 500
    assert all(h in fp for h in ints[:500])
    assert not any(h in fp for h in ints[500:])


def _tiny(ctx) -> Draft:
    return Draft([ctx.pick(("the only text", "the other text"))])


def test_a_family_that_runs_dry_is_retired_once_and_the_corpus_goes_on(monkeypatch, caplog):
    tiny = Family("tiny_family", "chatter", 0, ("en",), (("sms", 1.0),), _tiny, weight=50.0)
    monkeypatch.setitem(FAMILIES, "tiny_family", tiny)
    real = stream_mod.families_for

    def with_tiny(kind, lang):
        fams = real(kind, lang)
        return [*fams, tiny] if kind == "chatter" and lang == "en" else fams

    monkeypatch.setattr(stream_mod, "families_for", with_tiny)
    with caplog.at_level(logging.WARNING, logger="pillscan.generate"):
        rows = list(iter_corpus(1500, seed=3, langs=("en",), obfuscation=[1, 0, 0, 0]))
    assert len(rows) == 1500
    assert len({r.text for r in rows}) == 1500
    assert sum(r.template == "tiny_family" for r in rows) <= 2
    retired = [r for r in caplog.records if "tiny_family" in r.getMessage()]
    assert len(retired) == 1 and "ran out of new texts" in retired[0].getMessage()


def test_cli_generate_streams_gzip(tmp_path):
    out = tmp_path / "c.csv.gz"
    res = CliRunner().invoke(cli, ["generate", "--n", "300", "--seed", "2", "-o", str(out)])
    assert res.exit_code == 0, res.output
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        back = pd.read_csv(fh, keep_default_na=False)
    assert len(back) == 300 and list(back.columns) == list(COLUMNS)


@pytest.mark.slow
def test_350k_rows_stream_without_duplicates(tmp_path):
    # Past the old limit (the grammar ran dry between 150k and 1.2M rows and nothing was written) and past
    # the row (~300k for seed 0) where the first families retire. ~7 min on a loaded 2-core machine.
    out = tmp_path / "big.csv"
    write_corpus_stream(out, 350_000, 9)
    df = pd.read_csv(out, keep_default_na=False, usecols=["text", "label"])
    assert len(df) == 350_000 and df["text"].is_unique
    assert abs(df["label"].mean() - 0.35) < 0.02


def test_embedded_posts_keep_the_inner_post_and_the_chatter():
    chatter = load_pool("around_en")["chatter"]
    for name, label in (("inline_any_offer", 1), ("inline_any_mention", 0)):
        for seed in range(30):
            post = render_post(name, "en", seed)
            assert post.label == label and post.kind == ("inline_offer" if label else "chatter")
            assert sum(line in post.text for line in chatter) >= 1, post.text
            if label:
                assert post.drugs or "indirect" in post.tactics, post.text


def test_inline_twins_share_the_chatter_around_them():
    for seed in range(20):
        supply = render_post("street_inline_chatter", "en", seed, 0)
        demand = render_post("street_inline_chatter", "en", seed, 0, frame="demand")
        chatter = [line for line in load_pool("around_en")["chatter"] if line in supply.text]
        assert chatter and all(line in demand.text for line in chatter)


@pytest.mark.parametrize("pool", ["street_en", "street_es"])
def test_every_frame_phrase_names_the_core(pool):
    # A twin that drops the pill is no longer the same sentence in another frame.
    data = load_pool(pool)
    for frame in ("supply", "demand", "report", "warning", "use", "joke"):
        for phrase in data[frame]:
            assert "{item}" in phrase or "{quote}" in phrase, (pool, frame, phrase)


def test_brand_name_posts_say_their_frame_and_share_the_lines_of_offers():
    frames = {"tweet_pills_supply": ("supply", 1), "tweet_pills_use": ("use", 0), "tweet_pills_demand": ("demand", 0)}
    for name, (frame, label) in frames.items():
        posts = [render_post(name, "en", seed) for seed in range(40)]
        assert all(p.frame == frame and p.label == label and p.drugs for p in posts), name
    # The most common brand carries no label on its own: it is in offers and in use alike.
    supply = " ".join(render_post("tweet_pills_supply", "en", s).text.lower() for s in range(200))
    use = " ".join(render_post("tweet_pills_use", "en", s).text.lower() for s in range(200))
    assert "xanax" in supply and "xanax" in use


def test_legal_menus_look_like_pill_menus():
    posts = [render_post("plug_legal_menu", "en", seed) for seed in range(30)]
    assert all(p.label == 0 and not p.drugs and p.text.count("\n") >= 2 for p in posts)
    assert any(" for " in p.text for p in posts)


def _frames_of(name: str, seed: int) -> dict[str, object]:
    return {f: render_post(name, "en", seed, 0, frame=f) for f, _, _ in FAMILIES[name].frames}


def test_counterfeit_claims_borrow_the_warning_words_in_every_frame():
    # issue 12: a seller says fakes are killing people but his are real / tested; the warning says the same words.
    warning_words = ("fake", "pressed", "presses", "fent", "dying", "od'd", "killing", "dropping", "taking people out")
    for seed in range(40):
        frames = _frames_of("street_pair_counterfeit", seed)
        supply = frames["supply"]
        assert supply.label == 1 and supply.kind == "casual_supply" and supply.drugs, supply.text
        assert any(w in supply.text.lower() for w in warning_words), supply.text
        for frame in ("demand", "report", "warning"):
            twin = frames[frame]
            assert twin.label == 0 and twin.drugs == supply.drugs, (frame, twin.text)
    # The warning twin says "test strips" / "stay safe" too, and some warnings quote the seller's claim.
    warnings = " ".join(_frames_of("street_pair_counterfeit", s)["warning"].text.lower() for s in range(80))
    assert "test strips" in warnings and '"' in warnings


def test_bare_prices_and_tier_menus_are_in_offers_and_in_their_negatives(corpus):
    shapes = {"for the 30s": r"\d for the \d\ds", "minimum": r"minimum \d", "lowball": "lowball"}
    # Each shape in both labels of the corpus, and written by a legal or other-drug seller (rendered from those
    # families: a 6,000-row corpus holds a handful of such rows, and which kinds they fall in is the draw's luck).
    sellers = " ".join(
        render_post(name, "en", seed).text
        for name in ("plug_legal_goods", "plug_legal_menu", "street_other_drug_menu", "lookalike_goods_sale")
        for seed in range(300)
    )
    for name, pattern in shapes.items():
        has = corpus["text"].str.contains(pattern, regex=True)
        assert set(corpus.loc[has, "label"]) == {0, 1}, name
        assert re.search(pattern, sellers), name
    # Tier lines ("1 - 10" one a line) are rarer than a 6,000-row corpus shows in both labels every time: rendered
    # from the families that write them, in offers and in legal and other-drug posts alike.
    tiers = re.compile(r"(?m)^\d{1,3} ?(?:-|=|:) ?\d{2,4}$")
    for name, label in (("street_pair_casual", 1), ("plug_legal_goods", 0), ("street_other_drug_menu", 0)):
        posts = [render_post(name, "en", seed) for seed in range(300)]
        assert all(p.label == label for p in posts), name
        assert any(tiers.search(p.text) for p in posts), name


def test_indirect_hints_tag_no_drug_in_either_twin():
    # The hint names no pill: the drug drawn for it must not tag one twin through a loose match ("addi" in "adding").
    for seed in range(60):
        frames = _frames_of("street_pair_hint", seed)
        assert frames["supply"].drugs == frames["demand"].drugs == "", seed


def test_street_menus_of_pills_and_of_other_goods_share_bare_price_lines():
    # "percs 10s - 15" / "bars 5": a menu line without a currency is in pill menus and in legal / other-drug menus.
    bare = re.compile(r"(?m)^[^\d\n]*[a-z][^\d\n]* ?(?:-|:|=|…)? \d{1,2}$")
    for name, label in (("street_menu_bare", 1), ("plug_legal_menu", 0), ("street_other_drug_menu", 0)):
        posts = [render_post(name, "en", seed) for seed in range(60)]
        assert all(p.label == label for p in posts), name
        assert sum(bool(bare.search(p.text.lower())) for p in posts) >= 3, name
    assert all(render_post("street_menu_bare", "en", seed).drugs for seed in range(60))


@pytest.mark.parametrize("name", ["euphemism_pair", "euphemism_pair_es"])
def test_euphemism_offers_name_no_pill_and_their_twins_share_the_euphemism(name):
    # issue 12: an indirect offer ("restocked on the blue ones for finals week, vouched only") names no pill; its
    # request, report, warning and joke twins say the same euphemism and supply nothing.
    lang = "es" if name.endswith("_es") else "en"
    hints = load_pool("euphemism")[lang]["hints"]
    for seed in range(40):
        frames = {f: render_post(name, lang, seed, 0, frame=f) for f, _, _ in FAMILIES[name].frames}
        supply = frames.pop("supply")
        assert supply.label == 1 and supply.kind == "indirect_solicitation" and not supply.drugs, supply.text
        assert "indirect" in supply.tactics.split(";"), supply.tactics
        said = [h for h in hints if h in supply.text.lower()]
        assert said, supply.text
        for frame, twin in frames.items():
            assert twin.label == 0 and not twin.drugs and "indirect" not in twin.tactics, (frame, twin.text)
            assert any(h in twin.text.lower() for h in said), (frame, said, twin.text)


def test_euphemism_cues_are_in_offers_and_in_negatives():
    # Each cue of an indirect offer is also written by someone who sells nothing (a shop, a study-tips post, a
    # request, a warning), so no cue is a label on its own.
    pool = load_pool("euphemism")
    for lang, cues in (
        ("en", ("restocked", "vouch", "the usual", "vitamins", "candy", "pay before", "festival", "finals", "blue")),
        ("es", ("vitaminas", "dulces", "lo de siempre", "festi", "exámenes", "adelantado")),
    ):
        texts = {0: "", 1: ""}
        names = ("euphemism_pair", "euphemism_legal_shop", "euphemism_everyday")
        for name in (n + "_es" if lang == "es" and n == "euphemism_pair" else n for n in names):
            for f in [f for f, _, _ in FAMILIES[name].frames] or [None]:
                for seed in range(150):
                    post = render_post(name, lang, seed, 0, frame=f)
                    texts[post.label] += " " + post.text.lower()
        for cue in cues:
            assert cue in texts[0] and cue in texts[1], (lang, cue)
    for lang in ("en", "es"):
        for key in ("supply", "demand", "report", "warning", "joke"):
            for phrase in pool[lang][key]:
                assert "{hint}" in phrase or "{quote}" in phrase, (lang, key, phrase)


def _slang_with_code(text: str) -> bool:
    """Whether ``text`` writes a pill's street name next to its own emoji code ("bars 🍫", "🔵 blues")."""
    street = load_pool("street_en")
    low = text.lower()
    for canonical, codes in street["emoji"].items():
        for slang in street["items"].get(canonical, ()):
            for code in codes:
                if f"{slang} {code}" in low or f"{code} {slang}" in low:
                    return True
    return False


def test_pill_offers_write_slang_with_its_emoji_code_and_legal_sales_do_not():
    # issue 12: "bars 🍫 $4" is the Xanax-bar code with a price; the generator's pill offers pair a street name with
    # its code often enough to learn it, and the look-alike sales of snacks and goods never write that pair.
    offers = [render_post("street_pair_casual", "en", seed).text for seed in range(300)]
    assert sum(map(_slang_with_code, offers)) >= 15
    for name in ("lookalike_goods_sale", "plug_legal_goods", "plug_legal_menu", "euphemism_legal_shop"):
        for seed in range(200):
            post = render_post(name, "en", seed)
            assert post.label == 0 and not _slang_with_code(post.text), (name, post.text)


def test_spanish_legal_sales_say_plug_and_name_no_pill():
    # The plug word and 🔌 sell perfumes and sneakers too, in Spanish as in English: negatives with the seller's shape.
    posts = [render_post("plug_legal_goods_es", "es", seed) for seed in range(300)]
    assert all(p.label == 0 and not p.drugs for p in posts)
    assert sum("plug" in p.text.lower() for p in posts) >= 10
    assert sum("🔌" in p.text for p in posts) >= 10
