"""Drug names as pharmacy spam spells them on purpose (issue 12): swapped, doubled or dropped letters, ``I`` typed
for ``l``, a symbol inside the word. And the everyday words such spellings must not turn into."""

from __future__ import annotations

from pathlib import Path

import pytest

from pillscan.lexicon import load_lexicon
from pillscan.signals import extract_signals, spam_spellings


def drugs(text: str) -> set[str]:
    return {s.name for s in extract_signals(text) if s.name.startswith("drug:")}


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Buy VaIium online", "diazepam"),  # capital I for l: lower-cased it reads "vaiium"
        ("Va|ium 10mg", "diazepam"),
        ("Valiium, cheap", "diazepam"),
        ("Xan*ax 2mg", "alprazolam"),
        ("Xa-nax no rx", "alprazolam"),
        ("vicodinn 10/325", "hydrocodone"),
        ("Vicdoin overnight", "hydrocodone"),
        ("Ambein 10mg", "zolpidem"),
        ("phentermin 37.5", "phentermine"),
        ("Adipex-P", "phentermine"),
        ("Fioricet 50/325/40", "butalbital"),
        ("Meridia 15mg", "sibutramine"),
        ("Demerol 50mg", "meperidine"),
    ],
)
def test_spam_spellings_and_pharmacy_spam_names_are_recognised(text, drug):
    assert f"drug:{drug}" in drugs(text), text


@pytest.mark.parametrize(
    "text",
    [
        "no co-pay at our pharmacy",
        "we met date night at the concert",
        "mod alert: be nice in the comments",
        "the meth dose that killed him",
        "estoy am bien gracias",
        "ten ate pizza",
        "sub tex mex",
        "halcyon days",
        "a piano sonata",
    ],
)
def test_everyday_words_are_not_read_as_spam_spellings(text):
    assert drugs(text) == set(), text


def test_spellings_keep_the_first_letter_and_skip_short_or_odd_keys():
    assert spam_spellings("xanax")  # 5 letters: swaps, doubles and splits
    assert all(v[0] == "x" for v in spam_spellings("xanax"))
    assert "xnax" not in spam_spellings("xanax")  # dropped letters only for 6+ letters
    assert "valum" in spam_spellings("valium")
    for odd in ("", "abcd", "xan ax", "m30s", "x" * 3, "ab-cd", "\u0000\u0000\u0000\u0000\u0000"):
        assert spam_spellings(odd) == [], odd


WORDS = Path("/usr/share/dict/words")


@pytest.mark.skipif(not WORDS.exists(), reason="no English word list on this machine")
def test_no_spelling_made_only_of_english_words_names_a_drug():
    words = {w.strip().lower() for w in WORDS.read_text(encoding="utf-8", errors="replace").split()}
    lex = load_lexicon()
    forms = {f.lower() for d in lex.drugs for f in d.names + d.ambiguous_slang}
    leaks = []
    for d in lex.drugs:
        for form in d.brands + d.generics:
            for spelling in spam_spellings(form.lower()):
                if spelling not in forms and all(p in words for p in spelling.split()) and drugs(spelling):
                    leaks.append(spelling)
    assert leaks == []
