"""The synthetic corpus generator: rates, determinism, uniqueness, obfuscation, files and the CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from pillscan.cli import cli
from pillscan.errors import InputError
from pillscan.generate import (
    COLUMNS,
    FAMILIES,
    PLATFORMS,
    generate_corpus,
    near_duplicate_key,
    render_post,
    write_corpus,
)
from pillscan.generate.kinds import NON_OFFER_KINDS, OFFER_KINDS, kind_weights
from pillscan.lexicon import load_lexicon

N = 5000


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return generate_corpus(N, seed=7)


def test_rows_have_every_column_and_valid_values(corpus):
    assert list(corpus.columns) == list(COLUMNS)
    assert len(corpus) == N
    assert corpus["id"].is_unique
    assert set(corpus["label"]) == {0, 1}
    assert set(corpus["obfuscation"]) == {0, 1, 2, 3}
    assert corpus["text"].str.strip().str.len().min() >= 2
    assert set(corpus["template"]) <= set(FAMILIES)


def test_grammar_has_at_least_80_families_across_both_labels():
    labels = [f.label for f in FAMILIES.values()]
    assert len(FAMILIES) >= 80
    assert labels.count(1) >= 35 and labels.count(0) >= 35


def test_positive_rate_is_honoured(corpus):
    assert abs(corpus["label"].mean() - 0.35) < 0.03
    other = generate_corpus(2000, seed=1, positive_rate=0.7)
    assert abs(other["label"].mean() - 0.7) < 0.04


def test_every_kind_appears_at_its_rate(corpus):
    lang_w = {"en": 0.8, "es": 0.2}
    for label, table in ((1, OFFER_KINDS), (0, NON_OFFER_KINDS)):
        rows = corpus[corpus["label"] == label]
        assert set(table) <= set(rows["kind"]), set(table) - set(rows["kind"])
        # Negatives drawn on their own follow the kind weights; the twins of minimal pairs come on top.
        drawn = rows[(rows["pair"] == "") | (rows["label"] == 1)]
        share = drawn["kind"].value_counts(normalize=True)
        for kind in table:
            expected = sum(w * kind_weights(label, lang).get(kind, 0.0) for lang, w in lang_w.items())
            assert abs(share.get(kind, 0.0) - expected) < 0.03, (kind, share.get(kind, 0.0), expected)


def test_every_platform_and_language_appears(corpus):
    assert set(corpus["platform"]) == set(PLATFORMS)
    share = corpus["lang"].value_counts(normalize=True)
    assert abs(share["es"] - 0.2) < 0.03
    only_es = generate_corpus(300, seed=2, langs=("es",))
    assert set(only_es["lang"]) == {"es"}
    assert set(only_es["label"]) == {0, 1}


def test_obfuscation_levels_follow_the_weights():
    df = generate_corpus(3000, seed=3, obfuscation=[0.1, 0.2, 0.3, 0.4])
    share = df["obfuscation"].value_counts(normalize=True)
    for level, w in enumerate((0.1, 0.2, 0.3, 0.4)):
        assert abs(share[level] - w) < 0.03


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    write_corpus(generate_corpus(800, seed=11), a)
    write_corpus(generate_corpus(800, seed=11), b)
    write_corpus(generate_corpus(800, seed=12), c)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_no_exact_and_few_near_duplicates(corpus):
    assert corpus["text"].is_unique
    keys = corpus["text"].map(near_duplicate_key)
    assert keys.duplicated().mean() < 0.03


def test_level_3_changes_most_rows_and_level_0_reproduces(corpus):
    heavy = corpus[corpus["obfuscation"] == 3]
    plain = [render_post(r.template, r.lang, int(r.seed), 0, frame=r.frame or None).text for r in heavy.itertuples()]
    changed = sum(p != t for p, t in zip(plain, heavy["text"], strict=True))
    assert changed / len(heavy) > 0.9
    # Obfuscation hits both labels, so it is not a label cue by itself.
    assert set(heavy["label"]) == {0, 1}
    for r in corpus[corpus["obfuscation"] == 0].head(200).itertuples():
        frame = r.frame if r.pair else None
        assert render_post(r.template, r.lang, int(r.seed), 0, frame=frame).text == r.text


def test_every_offer_names_an_in_scope_drug_or_is_indirect(corpus):
    lex = load_lexicon()
    in_scope = {d.canonical for d in lex.in_scope_drugs}
    offers = corpus[corpus["label"] == 1]
    for r in offers.itertuples():
        drugs = set(filter(None, r.drugs.split(";")))
        assert drugs & in_scope or "indirect" in r.tactics.split(";"), (r.template, r.text)
    # At level 0 and without deliberate misspelling, a lexicon form of a drug is in the text itself.
    plain = offers[(offers["obfuscation"] == 0) & ~offers["tactics"].str.contains("deliberate_obfuscation")]
    plain = plain[~plain["tactics"].str.contains("indirect")]
    for r in plain.itertuples():
        forms = set()
        for name in r.drugs.split(";"):
            d = lex.drug(name)
            forms.update(f.lower() for f in d.names + d.imprints + d.ambiguous_slang + d.emoji)
        text = r.text.lower()
        assert any(f in text for f in forms), (r.template, r.text)


def test_all_in_scope_drugs_appear_in_both_labels(corpus):
    # The rarest drugs (weight 0.2, a few rows in each label per 5,000) are counted over two corpora, so that no
    # seed's luck decides the test: one drug in 26 missing from one label of one corpus happens by chance.
    lex = load_lexicon()
    both = pd.concat([corpus, generate_corpus(N, seed=8)])
    for label in (0, 1):
        seen = set(";".join(both.loc[both["label"] == label, "drugs"]).split(";"))
        missing = {d.canonical for d in lex.in_scope_drugs} - seen
        assert not missing, (label, missing)


@pytest.mark.parametrize("name", ["c.csv", "c.csv.gz", "c.jsonl", "c.jsonl.gz", "c.parquet"])
def test_write_corpus_by_extension_round_trips(tmp_path, name):
    df = generate_corpus(60, seed=4)
    path = write_corpus(df, tmp_path / name)
    if "csv" in name:
        back = pd.read_csv(path, keep_default_na=False)
    elif "jsonl" in name:
        back = pd.read_json(path, lines=True, dtype=False)
    else:
        back = pd.read_parquet(path)
    assert back["text"].tolist() == df["text"].tolist()
    assert back["label"].tolist() == df["label"].tolist()


def test_unknown_extension_and_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="unknown extension"):
        write_corpus(generate_corpus(5), tmp_path / "c.xlsx")
    with pytest.raises(InputError, match="obfuscation"):
        generate_corpus(5, obfuscation=[1, 2])
    with pytest.raises(InputError, match="languages"):
        generate_corpus(5, langs=("fr",))
    with pytest.raises(InputError, match="positive_rate"):
        generate_corpus(5, positive_rate=1.5)


def test_cli_generate_writes_a_file_and_stdout(tmp_path):
    runner = CliRunner()
    out = tmp_path / "corpus.jsonl"
    args = ["generate", "--n", "40", "--seed", "5", "--positive-rate", "0.5", "--lang", "en,es"]
    res = runner.invoke(cli, [*args, "--obfuscation", "1,0,0,0", "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_json(out, lines=True, dtype=False)
    assert len(df) == 40 and set(df["obfuscation"]) == {0}
    res = runner.invoke(cli, ["generate", "--n", "5", "--seed", "5", "-o", "-"])
    assert res.exit_code == 0
    assert res.stdout.startswith(
        "id,text,label,kind,platform,lang,drugs,tactics,obfuscation,template,seed,pair,frame,style"
    )
    res = runner.invoke(cli, ["generate", "--n", "5", "-o", str(tmp_path / "x.txt")])
    assert res.exit_code != 0 and isinstance(res.exception, InputError)


@pytest.mark.slow
def test_100k_rows_are_unique():
    # Its speed is measured by benchmarks/generate_scale.py, not asserted here.
    df = generate_corpus(100_000, seed=0)
    assert df["text"].is_unique
    assert df["text"].map(near_duplicate_key).duplicated().mean() < 0.03


def test_sale_and_spam_cues_are_shared_across_labels(corpus):
    # Held-out-family evaluation relies on general cues living in both labels: word-salad tails in
    # pharmacy spam AND ordinary spam, short links in offers' lookalikes, "=" emoji legends in warnings.
    salad = corpus["tactics"].str.contains("filler_words")
    spam = corpus[salad]
    assert set(spam["label"]) == {0, 1}
    assert (spam[spam.label == 0].kind == "generic_spam").any()
    negatives = corpus[corpus.label == 0]
    assert negatives.text.str.contains("t.co/", regex=False).any()
    assert (negatives.kind == "harm_reduction").any() and negatives.text.str.contains(" = | → ").any()


def test_pharmacy_spam_talks_about_health_and_doctors_as_legit_pharmacies_do(corpus):
    # issue 12: the generator's spam never said "medical", "treatment" or "refill" while legit pharmacy and patient
    # posts did, so one such word (removing "medical" from "no medical questions asked": +3.1 log-odds) cleared real
    # spam. Both labels now use the wording.
    words = r"\b(?:medical|health|treatment|refill|medications?|doctors?|consultation|patients|insurance)\b"
    uses = corpus.text.str.lower().str.contains(words)
    spam = corpus.kind == "pharmacy_spam"
    assert uses[spam].mean() > 0.25, uses[spam].mean()
    assert uses[corpus.label == 0].sum() > uses[spam].sum() / 2


def test_short_mangled_evidence_is_found_after_an_archive_spaces_it_out():
    # An offer whose one drug was mangled to "x@n@x" lost its drug (and its tag) when the e-mail style spaced
    # the symbols out ("x @ n @ x"): test_every_offer_names_an_in_scope_drug_or_is_indirect caught it once the
    # corpus's random draws moved.
    from pillscan.generate.grammar import _View
    from pillscan.generate.platforms import tokenize_like_corpus

    assert _View(tokenize_like_corpus("order x@n@x now")).has("x@n@x")
    assert _View("order x @ n @ x now").has("x@n@x")
    assert not _View("order xanax now").has("x@n@x")
    assert not _View("box @ n @ x").has("x@n@x")  # still a whole token


def test_replies_open_with_handles_in_both_labels():
    # X replies open with the @handles of the people answered, whatever they say: a leading handle is no contact
    # cue (real reply tweets were flagged at 0.7-0.9 on their handles alone).
    from pillscan.generate import generate_corpus

    corpus = generate_corpus(4000, seed=9)
    replies = corpus[corpus["text"].str.match(r"@\w+ ")]
    assert set(replies["label"]) == {0, 1}
    x = corpus[corpus["platform"] == "x"]
    assert 0.2 < x["text"].str.match(r"@\w+ ").mean() < 0.5
