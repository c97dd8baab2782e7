"""Turn an Answer into Discord messages within Discord's limits. Pure: no network.

Limits (discord.com/developers/docs/resources/message, .../channel#embed-limits):
2,000 characters of content a message; an embed's description 4,096, a field's name
256 and value 1,024, 25 fields, 6,000 characters in all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.answer import Answer

CONTENT_MAX = 2000
EMBED_TOTAL_MAX = 6000
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
EMBED_TITLE = "Sources"
# A quote longer than this is cut at a word with an ellipsis: enough to verify the
# passage at a glance, short enough for several citations to fit one embed.
QUOTE_MAX = 300
ABSTAIN_MESSAGE = "I couldn't find an answer to that in my sources. Try rephrasing, or ask about something they cover."


@dataclass(frozen=True)
class Outgoing:
    content: str
    embed: dict | None = None  # discord.Embed.from_dict() input


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def split_content(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut after sentences where
    possible, then at spaces, and only as a last resort inside a word."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max((m.end() for m in re.finditer(r"[.!?](?:\s\[\d+\])?\s", window)), default=0)
        if cut < limit // 2:
            cut = window.rfind(" ") + 1 if window.rfind(" ") > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def sources_embed(answer: Answer) -> dict | None:
    if not answer.citations:
        return None
    fields = []
    total = len(EMBED_TITLE)
    for c in answer.citations[:FIELDS_MAX]:
        name = shorten(f"[{c.n}] {c.where()}", FIELD_NAME_MAX)
        value = shorten(f"“{c.quote}”", min(QUOTE_MAX, FIELD_VALUE_MAX))
        if total + len(name) + len(value) > EMBED_TOTAL_MAX:
            break
        total += len(name) + len(value)
        fields.append({"name": name, "value": value, "inline": False})
    return {"title": EMBED_TITLE, "fields": fields}


def render_answer(answer: Answer) -> list[Outgoing]:
    """The messages to send for ``answer``: its text (split when long), the last piece
    carrying the embed of cited passages. An abstention is one short message."""
    if answer.abstained:
        return [Outgoing(ABSTAIN_MESSAGE)]
    pieces = split_content(answer.answer) or [""]
    out = [Outgoing(p) for p in pieces[:-1]]
    out.append(Outgoing(pieces[-1], sources_embed(answer)))
    return out


def render_sources(records, limit: int = CONTENT_MAX) -> str:
    """The indexed files as one message, trimmed to fit."""
    if not records:
        return "Nothing is indexed yet."
    lines = [f"**{len(records)} files, {sum(r.chunks for r in records)} passages**"]
    for r in records:
        line = f"• {r.path} ({r.chunks} passages)"
        if sum(len(x) + 1 for x in lines) + len(line) + 40 > limit:
            lines.append(f"… and {len(records) - len(lines) + 1} more")
            break
        lines.append(line)
    return "\n".join(lines)
