"""Random tokens in ordinary posts: order and tracking numbers, promo and referral codes, wallet addresses,
hashes, pasted keys, links with ids, base64 blobs (issue 12, precision).

Real exports are full of them, and a model that never saw one in a negative learns that any odd mixed
letters-and-digits run looks like an offer. The negatives here carry them in everyday contexts, on their own
and inside sentences; a share of real offers carries them too (an order number in a spam pharmacy mail, a
referral code or a wallet in a dealer's post), so that a token decides nothing either way. (A pair family that
wrote the same pill and tokens as a warning lowered held-out PR-AUC and the offer threshold on two seeds.)
Sentences live in ``pools/tokens.json``; each token is drawn at random from the post's stream.
"""

from __future__ import annotations

import base64
import string

from pillscan.generate.grammar import Ctx, Draft, family
from pillscan.generate.pools import load_pool

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_UPPER_DIGITS = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits
_SITES = ("example.com", "shop.example.net", "bit.ly", "tinyurl.com", "drive.google.com", "youtu.be", "imgur.com")
_CHATTER_PLATFORMS = {"x": 1.0, "reddit": 1.0, "sms": 1.0, "facebook": 0.6, "email": 0.8, "telegram": 0.4}
_SOCIAL = {"x": 1.0, "instagram": 1.0, "telegram": 0.8, "snapchat": 0.6, "facebook": 0.5, "email": 0.8}


def _chars(ctx: Ctx, alphabet: str, lo: int, hi: int) -> str:
    return "".join(ctx.pick(alphabet) for _ in range(ctx.num(lo, hi)))


def _bytes(ctx: Ctx, n: int) -> bytes:
    return bytes(ctx.num(0, 255) for _ in range(n))


def _blob(ctx: Ctx) -> str:
    raw = _bytes(ctx, ctx.pick((9, 12, 16, 24, 32, 45, 60, 60)))
    if ctx.chance(0.3):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return base64.b64encode(raw).decode()


def _hash(ctx: Ctx) -> str:
    digest = _bytes(ctx, ctx.pick((4, 16, 20, 32))).hex()
    return digest.upper() if ctx.chance(0.15) else digest


def _uuid(ctx: Ctx) -> str:
    h = _bytes(ctx, 16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _tracking(ctx: Ctx) -> str:
    return ctx.pick(
        (
            "1Z" + _chars(ctx, _UPPER_DIGITS, 16, 16),
            _chars(ctx, string.digits, 12, 22),
            _chars(ctx, string.ascii_uppercase, 2, 2) + _chars(ctx, string.digits, 9, 9) + "US",
            "TBA" + _chars(ctx, string.digits, 12, 12),
        )
    )


def _order(ctx: Ctx) -> str:
    return ctx.pick(
        (
            _chars(ctx, _UPPER_DIGITS, 6, 10),
            f"{_chars(ctx, string.digits, 3, 3)}-{_chars(ctx, string.digits, 7, 7)}-{_chars(ctx, string.digits, 7, 7)}",
            f"ORD-{ctx.num(2019, 2026)}-{_chars(ctx, string.digits, 4, 6)}",
            f"{_chars(ctx, _UPPER_DIGITS, 4, 4)}-{_chars(ctx, _UPPER_DIGITS, 4, 4)}",
        )
    )


def _promo(ctx: Ctx) -> str:
    word = ctx.pick(("SAVE", "SPRING", "WELCOME", "FREE", "VIP", "HOLA", "PROMO", "BF", "GIFT", "FLASH"))
    return ctx.pick((f"{word}{ctx.num(5, 75)}", _chars(ctx, _UPPER_DIGITS, 6, 12), _chars(ctx, _ALNUM, 8, 12)))


def _ref(ctx: Ctx) -> str:
    return ctx.pick((_chars(ctx, _ALNUM, 6, 10), _chars(ctx, string.ascii_lowercase + string.digits, 7, 9)))


def _wallet(ctx: Ctx) -> str:
    return ctx.pick(
        (
            "bc1q" + _chars(ctx, _BECH32, 38, 38),
            ctx.pick("13") + _chars(ctx, _B58, 25, 33),
            "0x" + _bytes(ctx, 20).hex(),
            "4" + _chars(ctx, _B58, 94, 94),  # monero
        )
    )


def _key(ctx: Ctx) -> str:
    return ctx.pick(
        (
            "sk-" + _chars(ctx, _ALNUM, 32, 48),
            "AKIA" + _chars(ctx, _UPPER_DIGITS, 16, 16),
            "ghp_" + _chars(ctx, _ALNUM, 36, 36),
            _chars(ctx, _ALNUM, 24, 40),
        )
    )


def _link(ctx: Ctx) -> str:
    site = ctx.pick(_SITES)
    tail = ctx.pick((_ref(ctx), _blob(ctx).replace("/", "_").replace("+", "-").rstrip("="), _uuid(ctx)))
    query = ctx.pick(("", f"?ref={_ref(ctx)}", f"?id={_chars(ctx, string.digits, 6, 9)}", f"?s={ctx.num(1, 30)}"))
    return f"https://{site}/{ctx.pick(('p/', 'i/', 'r/', '', 'd/'))}{tail}{query}"


def token_slots(ctx: Ctx) -> dict[str, str]:
    """One random value per token slot of ``pools/tokens.json`` (all drawn, so that frames share them)."""
    pool = load_pool("tokens")
    return {
        "order": _order(ctx),
        "tracking": _tracking(ctx),
        "promo": _promo(ctx),
        "ref": _ref(ctx),
        "wallet": _wallet(ctx),
        "hash": _hash(ctx),
        "key": _key(ctx),
        "link": _link(ctx),
        "blob": _blob(ctx),
        "uuid": _uuid(ctx),
        "good": ctx.pick(pool["goods"]),
        "app": ctx.pick(pool["apps"]),
        "carrier": ctx.pick(pool["carriers"]),
    }


def _line(ctx: Ctx, key: str, slots: dict[str, str]) -> str:
    return ctx.pick(load_pool("tokens")[key]).format_map(slots)


@family("chatter", 0, _CHATTER_PLATFORMS, weight=1.5)
def tokens_in_chatter(ctx: Ctx) -> Draft:
    """Everyday posts holding a random token: order/tracking number, code, wallet, hash, key, link or blob."""
    return Draft([_line(ctx, "chatter_es" if ctx.lang == "es" else "chatter_en", token_slots(ctx))], keep={0})


@family("chatter", 0, _CHATTER_PLATFORMS, weight=1.5)
def tokens_alone(ctx: Ctx) -> Draft:
    """A post that is nothing but a token or two: a pasted hash, key, wallet, order number, link or blob."""
    return Draft([_line(ctx, "alone", token_slots(ctx))], keep={0})


@family("generic_spam", 0, {"email": 1.0, "sms": 1.0}, langs=("en",), weight=0.8)
def tokens_in_spam(ctx: Ctx) -> Draft:
    """Parcel, prize, phishing and crypto spam with tracking numbers, codes, wallets and links."""
    return Draft([_line(ctx, "spam_en", token_slots(ctx))], keep={0})


def _offer(ctx: Ctx, pool: str) -> Draft:
    """One offer line of ``pool`` with its tokens, a pill and a price."""
    slots = token_slots(ctx)
    slots["pill"] = ctx.product(ctx.drug(), rich=0.6)
    slots["price"] = ctx.price(5, 60)
    return Draft([_line(ctx, pool, slots)], keep={0})


@family("pharmacy_spam", 1, _SOCIAL, langs=("en",), weight=0.6)
def tokens_offer(ctx: Ctx) -> Draft:
    """Offers carrying order and tracking numbers, promo and referral codes, wallets or links."""
    return _offer(ctx, "offer_en")


@family("legal_goods_sale", 0, _SOCIAL, langs=("en",), weight=0.6)
def tokens_legal_sale(ctx: Ctx) -> Draft:
    """Legal goods sold with promo and referral codes, order and tracking numbers, a wallet to pay to."""
    return Draft([_line(ctx, "legal_en", token_slots(ctx))], keep={0})


@family("casual_supply", 1, _SOCIAL, langs=("es",), weight=0.4)
def tokens_offer_es(ctx: Ctx) -> Draft:
    """Spanish offers with a wallet, order or tracking number, or a referral code."""
    return _offer(ctx, "offer_es")
