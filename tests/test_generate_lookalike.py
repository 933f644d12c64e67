"""Look-alike negatives (issue 12): the pill seller's shape selling something else; real pharmacies naming controlled
pills in their notices; vitamin sales in the pharmacy spammer's shape."""

from __future__ import annotations

import re

import pytest

from pillscan.generate import FAMILIES, render_post
from pillscan.generate.lookalike import GOODS
from pillscan.generate.pools import load_pool

SEEDS = range(60)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


_OFFERS = {
    "en": ("street_pair_casual", "street_pair_several", "street_menu_bare"),
    "es": ("street_pair_casual_es", "street_pair_several_es"),
}


@pytest.mark.parametrize(
    ("lang", "cues"),
    [
        ("en", ("hmu", "2 for", "restocked", "🤑", "📦", "who wants", "each")),
        ("es", ("mayoreo", "envíos", "la pieza", "al privado", "surtido")),
    ],
)
def test_supply_cues_are_in_pill_offers_and_in_look_alikes(lang, cues):
    # No cue of the sale shape is a label on its own: pill sellers (the street families) and look-alike sellers
    # both write it.
    offers = " ".join(render_post(name, lang, seed).text.lower() for name in _OFFERS[lang] for seed in range(300))
    look = " ".join(
        render_post(name, lang, seed).text.lower()
        for name in ("lookalike_goods_sale", "lookalike_carts_sale")
        for seed in range(300)
    )
    for cue in cues:
        assert cue in look and cue in offers, (lang, cue)


def test_look_alike_goods_name_no_pill_and_cover_every_good():
    words = {
        goods: {w for item in load_pool("lookalike")["en"]["products"][goods]["items"] for w in _words(item)}
        for goods, _ in GOODS
    }
    seen = set()
    for name, kind in (("lookalike_goods_sale", "legal_goods_sale"), ("lookalike_carts_sale", "other_drug_sale")):
        for lang in ("en", "es"):
            for seed in SEEDS:
                post = render_post(name, lang, seed)
                assert (post.label, post.kind, post.drugs) == (0, kind, ""), post.text
                if lang == "en":
                    seen |= {goods for goods, w in words.items() if w & _words(post.text)}
    assert seen == {goods for goods, _ in GOODS}


def test_pharmacy_notices_name_a_controlled_pill_and_vitamin_sales_none():
    for lang in ("en", "es"):
        pill_emoji = 0
        for seed in SEEDS:
            notice = render_post("pharmacy_account_notice", lang, seed)
            assert (notice.label, notice.kind) == (0, "legit_pharmacy") and notice.drugs, notice.text
            sale = render_post("vitamin_flash_sale", lang, seed)
            assert (sale.label, sale.kind, sale.drugs) == (0, "legal_goods_sale", ""), sale.text
            pill_emoji += "💊" in sale.text
        assert pill_emoji >= len(SEEDS) // 3, lang  # the pharmacy-spam shape: 💊, counts, mg, percent off


@pytest.mark.parametrize(
    "name",
    [
        "lookalike_goods_sale",
        "lookalike_carts_sale",
        "pharmacy_account_notice",
        "vitamin_flash_sale",
    ],
)
def test_look_alike_families_are_deterministic_by_seed(name):
    for lang in FAMILIES[name].langs:
        frames = [f for f, _, _ in FAMILIES[name].frames] or [None]
        for frame in frames:
            a = [render_post(name, lang, s, 2, frame=frame).text for s in range(20)]
            assert a == [render_post(name, lang, s, 2, frame=frame).text for s in range(20)]
            assert len(set(a)) >= 18, (name, lang, frame)
