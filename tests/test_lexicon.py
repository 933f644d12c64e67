"""The lexicons load from package data and hold what the generator and signals rely on."""

from pillscan.lexicon import load_lexicon


def test_lexicon_loads_drugs_and_cue_groups():
    lex = load_lexicon()
    names = {d.canonical for d in lex.drugs}
    assert {"alprazolam", "oxycodone", "amphetamine", "fentanyl"} <= names
    assert "xanax" in lex.drug("alprazolam").brands
    assert {"contact", "payment", "shipping", "no_prescription"} <= set(lex.cues)


def test_every_drug_has_a_name_and_no_blank_forms():
    for drug in load_lexicon().drugs:
        assert drug.names, drug.canonical
        for form in drug.names + drug.imprints + drug.ambiguous_slang:
            assert form.strip() == form and form, (drug.canonical, form)
