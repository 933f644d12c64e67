"""The lexicons: one source of truth for the generator and the signal extractors.

Lexicons are JSON package data under ``pillscan/lexicons/``; they load once and are cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Drug", "Lexicon", "leet_vocabulary", "load_lexicon"]


@dataclass(frozen=True)
class Drug:
    """A prescription-type pill and every surface form it is sold under."""

    canonical: str
    drug_class: str
    in_scope: bool
    brands: tuple[str, ...]
    generics: tuple[str, ...]
    slang: tuple[str, ...]
    ambiguous_slang: tuple[str, ...]
    imprints: tuple[str, ...]
    doses: tuple[str, ...]
    colours: tuple[str, ...]
    emoji: tuple[str, ...]
    misspellings: tuple[str, ...]
    es: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Unambiguous names: brands, generics, strong slang, misspellings and Spanish terms."""
        return self.brands + self.generics + self.slang + self.misspellings + self.es


@dataclass(frozen=True)
class Lexicon:
    """All lexicons. ``cues[group][name]`` lists surface forms; the signal name is ``group:name``."""

    drugs: tuple[Drug, ...]
    cues: dict[str, dict[str, tuple[str, ...]]]
    # Whether brand and generic names are also matched as spam misspells them (pillscan.signals.spam_spellings):
    # ``"spam_spellings": true`` in drugs.json; lexicons without the key (older ones) match names as written.
    spam_spellings: bool = False
    # Whether ambiguous slang right next to its own drug's emoji code ("bars 🍫") is the drug (pillscan.signals):
    # ``"coded_slang": true`` in drugs.json; lexicons without the key (older ones) back slang as before.
    coded_slang: bool = False

    def drug(self, canonical: str) -> Drug:
        """The drug with this canonical name (KeyError if unknown)."""
        for drug in self.drugs:
            if drug.canonical == canonical:
                return drug
        raise KeyError(canonical)

    @property
    def in_scope_drugs(self) -> tuple[Drug, ...]:
        """Drugs pillscan flags offers of (lifestyle drugs such as sildenafil excluded)."""
        return tuple(d for d in self.drugs if d.in_scope)


def _read_json(name: str) -> dict:
    return json.loads(resources.files("pillscan.lexicons").joinpath(name).read_text(encoding="utf-8"))


@cache
def load_lexicon() -> Lexicon:
    """Load (once) and return the bundled lexicons."""
    raw = _read_json("drugs.json")
    raw_drugs = raw["drugs"]
    drugs = tuple(
        Drug(
            canonical=d["canonical"],
            drug_class=d["drug_class"],
            in_scope=bool(d.get("in_scope", True)),
            **{
                k: tuple(d.get(k, ()))
                for k in (
                    "brands",
                    "generics",
                    "slang",
                    "ambiguous_slang",
                    "imprints",
                    "doses",
                    "colours",
                    "emoji",
                    "misspellings",
                    "es",
                )
            },
        )
        for d in raw_drugs
    )
    raw_cues = _read_json("cues.json")
    cues = {
        group: {name: tuple(forms) for name, forms in names.items()}
        for group, names in raw_cues.items()
        if not group.startswith("_")
    }
    return Lexicon(
        drugs=drugs,
        cues=cues,
        spam_spellings=bool(raw.get("spam_spellings", False)),
        coded_slang=bool(raw.get("coded_slang", False)),
    )


_LEET_LETTERS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if not str(key).startswith("_") for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


@cache
def leet_vocabulary() -> frozenset[str]:
    """The words a leetspeak token may stand for (``x4n4x`` → ``xanax``, ``s3ll1ng`` → ``selling``): every
    alphabetic word of 3+ letters in the drug, cue and intent lexicons, lower case. Leetspeak disguises a word
    someone wants a filter to miss; a token that de-obfuscates to no such word is a code (a hash, an order
    number, a base64 blob), not leetspeak (see ``pillscan.normalize``)."""
    texts = _strings(_read_json("drugs.json")["drugs"]) + _strings(_read_json("cues.json"))
    texts += _strings(_read_json("intent.json"))
    words = set()
    for token in re.findall(r"[a-z0-9@$]+", " ".join(texts).lower()):
        letters = sum(c.isalpha() for c in token)
        if letters > len(token) - letters:  # a lexicon form in leetspeak ("0xy", "v1agra") counts as its word
            word = token.translate(_LEET_LETTERS)
            if len(word) >= 3 and word.isalpha():
                words.add(word)
    return frozenset(words)
