"""Platform styles: how a draft becomes a TikTok caption, a Telegram menu, an e-mail or a listing title.

A platform decides length, line breaks, hashtags, emoji density and casing. The same styles apply to
both labels, so none of them is a label cue on its own.
"""

from __future__ import annotations

import re
import unicodedata

from pillscan.generate import vocab
from pillscan.generate.grammar import Ctx, Draft

PLATFORMS = (
    "tiktok",
    "snapchat",
    "instagram",
    "facebook",
    "x",
    "telegram",
    "reddit",
    "sms",
    "email",
    "darknet",
    "web",
)

# (soft max characters, line joiner choices, hashtag range, decoration emoji probability)
_STYLE: dict[str, tuple[int, tuple[str, ...], tuple[int, int], float]] = {
    "tiktok": (220, (" ", " ", "\n"), (2, 7), 0.6),
    "snapchat": (140, ("\n", " ", "\n"), (0, 0), 0.5),
    "instagram": (600, ("\n", "\n", "\n\n", " "), (3, 12), 0.5),
    "facebook": (520, ("\n", " ", "\n\n"), (0, 2), 0.2),
    "x": (280, (" ", " ", "\n"), (0, 3), 0.3),
    "telegram": (700, ("\n",), (0, 2), 0.4),
    "reddit": (900, ("\n\n", " ", "\n"), (0, 0), 0.03),
    "sms": (170, (" ",), (0, 0), 0.08),
    "email": (1400, ("\n", " ", "\n\n"), (0, 0), 0.02),
    "darknet": (110, (" ",), (0, 0), 0.05),
    "web": (420, (" ",), (0, 0), 0.0),
}

#: Share of posts written as replies, which open with the @handles of the people answered (both labels alike:
#: an X reply starts "@friend @other ..." whatever it says, so a leading handle is no contact cue).
_REPLY_SHARE = {"x": 0.35, "instagram": 0.08, "tiktok": 0.08, "facebook": 0.05}


def _reply_handles(ctx: Ctx) -> str:
    """One to four @handles of personal accounts, as a reply opens."""
    handles = []
    for _ in range(ctx.num(1, 4 if ctx.platform == "x" else 2)):
        name = unicodedata.normalize("NFKD", ctx.pick(vocab.FIRST_NAMES).lower().replace(" ", ""))
        name = name.encode("ascii", "ignore").decode("ascii")
        tail = ctx.pick(("", "_", str(ctx.num(1, 99)), str(ctx.num(1970, 2009)), "_" + ctx.pick("abcdefghjkmnprstw")))
        handles.append(f"@{name}{tail}")
    return " ".join(handles)


_SPACE_PUNCT = re.compile(r"([.,!?:;()\"$%*/\-@'`~|_&#\[\]])")


def _trim(parts: list[str], keep: set[int], limit: int) -> list[str]:
    """Keep required parts and as many others (in order) as fit the soft limit."""
    out: list[str] = []
    total = 0
    for i, p in enumerate(parts):
        if i in keep or total + len(p) <= limit or not out:
            out.append(p)
            total += len(p) + 1
    return out


def tokenize_like_corpus(text: str) -> str:
    """Lower-case and space out punctuation, the way archived e-mail corpora store messages."""
    text = _SPACE_PUNCT.sub(r" \1 ", text.lower())
    return re.sub(r"[ \t]+", " ", text).strip()


def style(draft: Draft, ctx: Ctx) -> str:
    """Render a draft in the context's platform style."""
    platform = ctx.platform
    limit, joiners, (tlo, thi), p_emoji = _STYLE[platform]
    parts = [p for p in draft.parts if p]
    keys = [k.lower() for k in ctx.keywords]
    keep = set(draft.keep) | {i for i, p in enumerate(parts) if any(k in p.lower() for k in keys)}
    parts = _trim(parts, keep, limit)
    joiner = ctx.pick(joiners)
    if platform in ("tiktok", "instagram", "snapchat", "x", "telegram", "facebook") and ctx.chance(p_emoji):
        parts = [p + " " + ctx.pick(vocab.DECOR) if ctx.chance(0.45) else p for p in parts]
    body = joiner.join(parts)
    title = draft.title
    if not body.strip() and title:
        body, title = title, None

    if platform == "reddit":
        # Reddit: often only the post title is visible (feeds, dumps of titles).
        # A short title ("WTS", "selling extras") says too little to stand for the post, and a row's label
        # is about its text: only titles of some length are shown alone.
        if title and (not body or (len(title) >= 25 and ctx.chance(0.45))):
            text = title
        elif title:
            text = title + "\n\n" + body
        else:
            text = body
    elif platform == "email":
        subj = title or (parts[0][:60] if len(parts) > 1 else "")
        lead = ctx.pick(("Subject: ", "subject: ", "Subject: ", "Re: ", "Fwd: ", ""))
        text = f"{lead}{subj}\n{body}" if subj and ctx.chance(0.85) else body
        if ctx.chance(0.6):
            text = tokenize_like_corpus(text)
    elif platform == "darknet":
        text = title or body
        text = text.replace("\n", " ")
    elif platform == "web":
        if title and body:
            r = ctx.rng.random()
            text = title if r < 0.4 else (body if r < 0.7 else f"{title} {ctx.pick(('-', '—', ':', '|'))} {body}")
        else:
            text = title or body
    elif platform == "facebook" and title:
        text = f"{title}\n{body}" if ctx.chance(0.7) else body
    else:
        text = body if not title or ctx.chance(0.7) else f"{title}{joiner}{body}"

    lo, hi = tlo, thi
    if hi and draft.tags:
        words = list(draft.tags)
        if platform in ("tiktok", "instagram") and ctx.chance(0.6):
            words += ctx.some(vocab.GENERIC_TAGS, 1, 3)
        words = words[: ctx.num(lo, hi)] if words else []
        if words:
            tags = " ".join("#" + w.replace(" ", "").replace("'", "") for w in words)
            sep = "\n.\n.\n" if platform == "instagram" and ctx.chance(0.2) else ctx.pick((" ", "\n"))
            text = f"{text}{sep}{tags}"

    if platform in _REPLY_SHARE and ctx.chance(_REPLY_SHARE[platform]):
        text = f"{_reply_handles(ctx)} {text}"

    # Casing habits.
    if platform in ("snapchat", "sms", "tiktok") and ctx.chance(0.45):
        text = text.lower()
    elif platform in ("snapchat", "telegram", "darknet", "tiktok") and ctx.chance(0.07):
        text = text.upper()
    elif platform in ("x", "instagram", "facebook", "reddit") and ctx.chance(0.12):
        text = text.lower()
    return text.strip()
