"""The detection model: the behaviour users rely on, with the bundled default model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pillscan.model import MEDIUM_CHARS, NARROW_CHARS, WHOLE_TEXT_CHARS, WINDOW_CHARS, load_model
from pillscan.pipeline import TextNormalizer

ROOT = Path(__file__).resolve().parents[1]

OFFERS = [
    "Percs 30s 💊🔌 snap me, cashapp/zelle, ships discreet",
    "x@n@x bars 2mg in stock, tg @plugname, menu in bio",
    "vendo pastillas azules m30, envíos a todo el país, pedidos por whatsapp",
    "adderall 30mg orange, 10 for $80, dm me, apple pay or cashapp, meet up or mail",
]
NON_OFFERS = [
    "Police in Tucson seized 40,000 fake pills stamped M30 that contained fentanyl, officials said Tuesday.",
    "Finally got my Adderall prescription refilled after 3 pharmacies said they were out.",
    "Jordan 4 Retro size 10, worn twice. $180 firm. DM me, CashApp or Zelle, ships tomorrow",
    "He said bars meaning rap lyrics, relax",
    "My son died from a fake Percocet. Talk to your kids. One pill can kill.",
]


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_clear_offers_are_flagged_and_hard_negatives_are_not(model):
    results = model.score(OFFERS + NON_OFFERS)
    offers, others = results[: len(OFFERS)], results[len(OFFERS) :]
    assert all(r.decision == "offer" for r in offers), [(r.score, t) for r, t in zip(offers, OFFERS, strict=True)]
    assert all(r.decision == "clean" for r in others), [(r.score, t) for r, t in zip(others, NON_OFFERS, strict=True)]
    assert min(r.score for r in offers) > max(r.score for r in others)


def test_flagged_results_carry_drugs_signals_and_reasons(model):
    [result] = model.score([OFFERS[0]])
    assert "oxycodone" in result.drugs
    names = {s.name for s in result.signals}
    assert "contact:snapchat" in names and "payment:cashapp" in names
    for sig in result.signals:
        assert OFFERS[0][sig.start : sig.end] == sig.text
    assert any("oxycodone" in reason for reason in result.reasons)


def test_seed_article_paragraphs_are_not_flagged(model):
    article = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    paragraphs = [p for p in article.split("\n\n") if p.strip()]
    assert len(paragraphs) > 5
    flagged = [
        (r.score, p[:60]) for r, p in zip(model.score(paragraphs), paragraphs, strict=True) if r.decision != "clean"
    ]
    assert not flagged
    # The article as a whole is scored in windows, some of which lose the news framing around a sentence
    # such as "they can order this drug on ... Snapchat": it may reach the review band, never an offer.
    assert model.explain(article).result.decision != "offer"


def test_an_offer_cannot_hide_inside_a_long_innocent_post(model):
    filler = "We went to the lake this weekend and the weather was lovely, the kids swam all day. " * 40
    long_post = filler + OFFERS[0] + " " + filler
    assert len(long_post) > 5000
    assert model.score([long_post])[0].decision == "offer"


CHATTER = (
    "So the move is finally done, boxes everywhere and the cat hides under the bed all day. Painted the kitchen "
    "a light green which my sister hates. Work starts again Monday, new manager, fingers crossed. We tried the "
    "ramen place on 5th and it was honestly great, the line was long but worth it. "
)


def test_an_offer_run_inline_into_chatter_is_found(model):
    # No paragraph break to split on: the offer sits mid-sentence between two runs of ordinary chatter.
    post = CHATTER * 2 + "got percs and bars if anyone needs, 20 a piece, hmu on snap. " + CHATTER * 2
    assert len(post) > 1000
    assert model.score([post])[0].decision == "offer"


def test_a_long_report_that_lists_pills_is_not_an_offer(model):
    # Narrow pieces of a long text lose their framing ("pills such as Xanax, Adderall or Oxy" in a news story):
    # a piece only counts when it shows supply itself.
    report = (
        CHATTER + "The county coroner said the victims believed they had taken pills such as Xanax, Adderall or "
        "Oxy, but the tablets were pressed with fentanyl. Investigators said 12 pills were found at the house. "
    ) * 3
    assert len(report) > 1000
    assert model.score([report])[0].decision != "offer"


def test_fast_path_equals_the_plain_pipeline(model):
    from pillscan.generate import generate_corpus

    texts = [t for t in generate_corpus(400, seed=11)["text"] if len(t) <= MEDIUM_CHARS]  # scored whole only
    expected = model.pipeline.decision_function(texts)
    # The pipeline computes TF-IDF in float32, pillscan's scorer in float64: equal to float32 precision.
    np.testing.assert_allclose(model.decision_function(texts, cascade=False), expected, rtol=0, atol=1e-5)
    # The cascade clears some texts early: those get a low score, and it changes almost no decision.
    with_cascade = model.decision_function(texts, cascade=True)
    changed = ~np.isclose(with_cascade, expected, rtol=0, atol=1e-5)
    assert changed.any(), "the cascade cleared nothing on a corpus with many non-offers"
    assert (model.calibrate(with_cascade[changed]) < model.thresholds["review"]).all()
    full = [model.decide(p) for p in model.calibrate(expected)]
    fast = [model.decide(p) for p in model.calibrate(with_cascade)]
    assert sum(a != b for a, b in zip(full, fast, strict=True)) <= 0.01 * len(texts)


def test_score_reuses_each_normalised_text_and_gives_what_the_plain_steps_give(model):
    # score() hands the normalised text it already has (texts scored whole) to the cue reasons instead of
    # normalising a flagged text again (issue 16): the results equal those of the plain steps, short and long.
    from pillscan.generate import generate_corpus
    from pillscan.intent import cue_reasons
    from pillscan.model import reasons_from_signals
    from pillscan.normalize import normalize_text
    from pillscan.records import Result
    from pillscan.signals import drugs_named, extract_signals

    texts = list(generate_corpus(300, seed=5)["text"]) + OFFERS + NON_OFFERS
    texts += [CHATTER * 2 + OFFERS[1], (OFFERS[0] + " ") * 30, "x" * (WINDOW_CHARS + 1), OFFERS[3] + " " + CHATTER]
    got = model.score(texts, evidence="all")
    probs = model.predict_proba(texts).tolist()
    for text, prob, result in zip(texts, probs, got, strict=True):
        signals = extract_signals(text)
        reasons = reasons_from_signals(signals) + cue_reasons(text)
        assert result == Result(round(prob, 4), model.decide(prob), drugs_named(signals), signals, reasons), text
    raw, normalized = model._decide(texts, cascade=True)
    assert raw.tolist() == model.decision_function(texts).tolist()
    for text, norm in zip(texts, normalized, strict=True):
        assert norm == normalize_text(text) if len(text) <= WHOLE_TEXT_CHARS else norm is None
    assert sum(r.decision != "clean" for r in got) >= len(OFFERS)


def test_explain_names_the_words_that_drive_an_offer(model):
    exp = model.explain(OFFERS[1])
    words = " ".join(w for w, _ in exp.top_terms).lower()
    assert exp.top_terms and all(v > 0 for _, v in exp.top_terms)
    assert "x@n@x" in words or "bars" in words or "2mg" in words


def test_explain_of_a_long_text_does_not_credit_words_far_from_the_offer(model):
    """Occlusion blanks a word in place: cutting it out shifted every later window of a long text, so words
    far before the offer got its weight (a real spam e-mail: ten words at exactly 0.368 each)."""
    early = "orchard pencil lantern harbor velvet meadow copper riddle basin thimble falcon prairie candle " * 7
    near = "the weather was grey and we talked about football, homework, cousins and the long drive north. " * 7
    tail = "Percocet 10mg available, 3 for $60, dm me on snap."
    text = early + near + tail
    assert len(text) > WHOLE_TEXT_CHARS and len(near) > WINDOW_CHARS  # no window holds an early word and the offer
    exp = model.explain(text, top=8)
    named = [w.lower() for w, _ in exp.top_terms + exp.counter_terms]
    assert "percocet" in named
    assert not set(named) & set(early.split()), named


def test_text_normalizer_follows_the_transformer_contract():
    norm = TextNormalizer()
    assert norm.fit(["a"]) is norm
    assert norm.transform(["X 4 N 4 X", None]) == ["xanax", ""]
    assert list(norm.get_feature_names_out()) == ["normalized_text"]


@pytest.mark.slow
def test_default_model_card_matches_what_pillscan_train_generates(model):
    """`pillscan train` with no options regenerates exactly the default model's training rows."""
    from pillscan.generate import generate_corpus
    from pillscan.train import TrainConfig, _fingerprint

    config = TrainConfig()
    training = model.card["training"]
    assert training["generator_seed"] == config.seed and training["generated_rows"] == config.n
    corpus = generate_corpus(config.n, seed=config.seed, positive_rate=config.positive_rate)
    corpus = corpus[~corpus["kind"].isin(config.exclude_kinds)].reset_index(drop=True)
    assert len(corpus) == training["rows"]
    assert _fingerprint(corpus) == training["sha256"]


def test_public_api_exposes_the_model():
    import pillscan

    model = pillscan.load_model()
    assert isinstance(model, pillscan.Model)
    [result] = model.score([OFFERS[2]])
    assert isinstance(result, pillscan.Result) and result.decision == "offer"
    assert isinstance(model.explain(OFFERS[2]), pillscan.Explanation)


def test_texts_over_the_window_are_scored_in_windows_and_shorter_ones_whole():
    from pillscan.model import _windows

    words = ["harbor", "lantern", "velvet", "orchard", "pebble", "saddle", "thimble", "walnut", "quarry", "tundra"]
    text = "85% off vicodin | " + " ".join(words[i % len(words)] + str(i) for i in range(120))
    assert len(text) > WINDOW_CHARS
    pieces, owners = _windows([text, text[:WINDOW_CHARS]])
    assert pieces[0] == text and text[:250] in pieces  # whole, and the 250-character window holding the pitch
    assert owners.count(1) == 1 and pieces[owners.index(1)] == text[:WINDOW_CHARS]  # short texts: whole only


# A spam pitch and a tail of dictionary words (as spam adds to poison filters), about 450 characters.
SALAD = (
    "harbor lantern velvet orchard pebble saddle thimble walnut quarry tundra meadow copper ribbon falcon granite "
    "willow canvas ember lagoon marble prairie cobalt juniper fathom bramble cinder hollow ivory kestrel mosaic "
    "nectar obsidian parcel quiver russet sorrel tallow umber vesper wicker yarrow zephyr anchor beacon cradle "
    "dapple ferrule gable hamlet inlet jostle kindle "
)


def test_a_medium_text_with_pill_and_supply_is_scored_in_narrow_pieces_too(model):
    # issue 12: a 300-600-character spam e-mail was scored whole only, and the text after its pitch diluted it.
    from pillscan.model import _narrow_candidates
    from pillscan.signals import normalize_and_count

    chatter = CHATTER.replace(". ", ".\n")
    spam = "[ lilac ] 86 % - off vicodin .\n" + chatter
    no_supply = "my doctor switched me from vicodin to something milder .\n" + chatter
    short = "86 % - off vicodin .\n" + chatter[: MEDIUM_CHARS - 30]
    texts = [spam, no_supply, short]
    assert MEDIUM_CHARS < len(spam) <= WINDOW_CHARS and MEDIUM_CHARS < len(no_supply) <= WINDOW_CHARS
    assert len(short) <= MEDIUM_CHARS
    normalized, counts = normalize_and_count(texts)
    assert _narrow_candidates(texts, np.ones(3, bool), normalized, counts).tolist() == [True, False, False]
    # The text is scored whole and in pieces (here its lines), the maximum taken; a piece counts only with pill
    # and supply evidence in it.
    whole = model.pipeline.decision_function(texts)
    got = model.decision_function(texts, cascade=False)
    pitch = model.pipeline.decision_function([spam.split("\n")[0]])[0]
    assert pitch > whole[0] + 1.0, (pitch, whole[0])
    np.testing.assert_allclose(got, [pitch, *whole[1:]], rtol=0, atol=1e-5)
    assert model.score([spam])[0].decision == "offer"


def test_narrow_pieces_are_scored_only_where_they_count_with_the_same_result(model, monkeypatch):
    # Pieces without pill and supply evidence of their own are dropped before the model is paid for them; the
    # scores equal those of scoring every piece (with the cascade) and masking the rest.
    from pillscan.generate import generate_corpus
    from pillscan.intent import pill_evidence, supply_evidence
    from pillscan.model import Model

    texts = [t for t in generate_corpus(600, seed=13)["text"] if len(t) > MEDIUM_CHARS]
    texts += ["fwd : 85 % off vicodin . cheap , order here . " + SALAD, CHATTER * 3 + OFFERS[3] + CHATTER]
    got = model.decision_function(texts)

    def every_piece(self, pieces):
        raw, normalized, counts = self._unique_raw_scores(pieces, cascade=True)
        raw[~(pill_evidence(counts) & supply_evidence(normalized, counts))] = -np.inf
        return raw

    monkeypatch.setattr(Model, "_piece_raw", every_piece)
    np.testing.assert_allclose(got, model.decision_function(texts), rtol=1e-12, atol=1e-12)


def test_medium_texts_are_cut_into_lines_and_long_ones_into_overlapping_pieces():
    from pillscan.model import _narrow_windows

    lines = ["fwd : 85 % off vicodin", "", "x" * 130, "y" * (NARROW_CHARS * 2 + 30), "   ", "phone : 555 - 0100"]
    medium = "\n".join(lines)
    long_window = "z" * 250
    alone = np.array([True, False, False])  # the medium text is its own only window; the long one has two
    candidates = np.array([True, True, False])
    pieces, owners = _narrow_windows([medium, long_window, long_window], [0, 1, 1], alone, candidates)
    # A medium text: each non-blank line up to 1.5 x NARROW_CHARS whole, a longer one in pieces end to end.
    y = lines[3]
    assert pieces[:5] == [
        lines[0],
        lines[2],
        y[:NARROW_CHARS],
        y[NARROW_CHARS : 2 * NARROW_CHARS],
        y[2 * NARROW_CHARS :],
    ]
    assert pieces[5] == lines[5] and owners[:6] == [0] * 6
    # A long text's window: NARROW_CHARS pieces at half that stride; windows that are no candidate: none.
    step = NARROW_CHARS // 2
    assert pieces[6:] == [long_window[s : s + NARROW_CHARS] for s in range(0, len(long_window) - step, step)]
    assert set(owners[6:]) == {1}
