"""Post kinds: the label each kind carries and how often each is drawn within its label."""

from __future__ import annotations

from pillscan.generate import euphemism, lookalike, nonoffers, offers, siblings, street, tokens  # noqa: F401  (importing registers the families)
from pillscan.generate.grammar import REGISTRY, Family

# Share of each kind among the rows of its label (before language filtering).
OFFER_KINDS: dict[str, float] = {
    "plain_ad": 0.15,
    "menu": 0.12,
    "emoji_code": 0.10,
    "obfuscated_ad": 0.10,
    "pharmacy_spam": 0.20,
    "indirect_solicitation": 0.08,
    "prescription_resale": 0.08,
    "darknet_listing": 0.17,
    # First-person supply as people post it ("got X if anyone needs"); its families write minimal pairs.
    "casual_supply": 0.22,
    # An offer run into a long everyday post (the robustness target), with twins that are not offers.
    "inline_offer": 0.06,
}
NON_OFFER_KINDS: dict[str, float] = {
    "news": 0.09,
    "harm_reduction": 0.07,
    "patient_review": 0.11,
    "recovery_grief": 0.06,
    "legit_pharmacy": 0.05,
    "pharmacy_catalog": 0.07,
    "legal_goods_sale": 0.10,
    "everyday_slang": 0.07,
    "wanted_to_buy": 0.06,
    "dealer_report": 0.05,
    "chatter": 0.09,
    "generic_spam": 0.08,
    "other_drug_sale": 0.05,
    "lifestyle_spam": 0.05,
    "personal_use": 0.05,
    "joke_lyric": 0.04,
}
KIND_LABEL: dict[str, int] = {**{k: 1 for k in OFFER_KINDS}, **{k: 0 for k in NON_OFFER_KINDS}}
FAMILIES: dict[str, Family] = {f.name: f for f in REGISTRY}


def families_for(kind: str, lang: str) -> list[Family]:
    """The families of a kind that can write in ``lang``."""
    return [f for f in REGISTRY if f.kind == kind and lang in f.langs]


def kind_weights(label: int, lang: str) -> dict[str, float]:
    """Kind weights for a label restricted to kinds that have a family in ``lang``, normalised."""
    table = OFFER_KINDS if label == 1 else NON_OFFER_KINDS
    w = {k: v for k, v in table.items() if families_for(k, lang)}
    total = sum(w.values())
    return {k: v / total for k, v in w.items()}
