"""Turn an Answer into Discord messages within Discord's limits. Pure: no network.

Limits (discord.com/developers/docs/resources/message, .../channel#embed-limits):
2,000 characters of content a message; an embed's description 4,096, a field's name
256 and value 1,024, 25 fields, 6,000 characters in all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from discord.utils import escape_markdown

from index.answer import Answer, Citation
from index.fences import fence_step

CONTENT_MAX = 2000
EMBED_TOTAL_MAX = 6000
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
EMBED_TITLE = "Sources"
# A quote longer than this is cut at a word with an ellipsis: enough to verify the
# passage at a glance, short enough for several citations to fit one embed.
QUOTE_MAX = 300
FOOTER_MAX = 2048  # an embed footer's limit
ABSTAIN_MESSAGE = "I couldn't find an answer to that in my sources. Try rephrasing, or ask about something they cover."
# The question shown above a slash answer (others do not see a slash command's
# arguments); also read back to rebuild a thread's history after a restart.
QUESTION_SHOWN_MAX = 300
FENCE = "```"
# A complete fenced block, a code span on one line, a Markdown link, a link already in
# <>, or a bare link: kept as they are (a link gets <> so Discord shows no preview);
# everything else is escaped. Nothing formats inside a code span, and an escape there
# would show its backslash (`UV\_INSTALL\_DIR`). A link to a page of the docs
# ("[caching](../concepts/cache.md)") leads nowhere from Discord: its words are shown.
_KEEP = re.compile(r"(?P<code>```[\s\S]*?```|(?<!`)`[^`\n]+`(?!`))"
                   r"|\[(?P<label>[^\]\n]+)\]\((?:<(?P<angled>https?://[^<>\n]+)>|"
                   r"(?P<target>https?://[^\s()<>]+(?:\([^\s()<>]*\)[^\s()<>]*)*))\)"
                   r"|!?\[(?P<words>[^\]\n]+)\]\((?!<?https?:)[^\s()<>]+\)"
                   r"|<(?P<bracketed>https?://[^\s<>]+)>|(?P<bare>https?://[^\s<>]+)")
_UNESCAPED_MARK = re.compile(r"(?<!\\)([*_~|`])")
_ESCAPED_ITEM = re.compile(r"^([ \t]*)\\([ \t]*)[-*] ", re.M)
# Not part of a bare link when they end it: "see https://example.com/docs." ends a sentence.
_TRAILING = ".,;:!?'\"*_"


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


def escape(text: str) -> str:
    """Source text made inert for Discord: Markdown escaped (``*``, ``_``, ``>``, a
    stray backtick), complete code fences and code spans kept, links wrapped in ``<>``
    so they show no preview, a relative link shown as its words."""
    out, at = [], 0
    for m in _KEEP.finditer(text):
        out.append(_escape_plain(text[at:m.start()]))
        at = m.end()
        if m["code"]:
            out.append(m["code"])
        elif m["label"]:
            out.append(f"[{_escape_plain(m['label'])}](<{m['angled'] or m['target']}>)")
        elif m["words"]:
            out.append(escape(m["words"]))
        elif m["bracketed"]:
            out.append(f"<{m['bracketed']}>")
        else:
            bare = m["bare"]
            url = _link_end(bare)
            out.append(f"<{url}>")
            at = m.start() + len(url)
    out.append(_escape_plain(text[at:]))
    return "".join(out)


def _link_end(url: str) -> str:
    """``url`` without the punctuation that ends the sentence around it, nor a closing
    bracket it did not open ("(see https://example.com/x)")."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")) or \
                (last == "]" and url.count("[") < url.count("]")):
            url = url[:-1]
        else:
            break
    return url


def _escape_plain(text: str) -> str:
    # Line by line: on a whole text, escape_markdown's list pattern ("^\s*-") reaches
    # over a blank line and leaves a lone backslash on it ("Parameters:\n\\\n- url").
    text = "\n".join(escape_markdown(line) for line in text.split("\n"))
    # It leaves the last mark of a kind alone (one with no partner after it); Discord
    # may still pair it with one on another line, or open a code span with a backtick.
    text = _UNESCAPED_MARK.sub(r"\\\1", text)
    # A list shows as a list, as the page shows it, its every item alike: escape_markdown
    # escapes "- " at a line's start, and "* " is a mark escaped above.
    return _ESCAPED_ITEM.sub(r"\1\2- ", text)


def _open_fence(text: str) -> bool:
    return text.count(FENCE) % 2 == 1


def split_content(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut after sentences where
    possible, then at spaces, and only as a last resort inside a word. A cut inside a
    code fence closes it and reopens it in the next piece, so no piece turns the rest
    of a message into code."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        if _open_fence(rest[:cut]):
            cut = _cut(rest, limit - len(FENCE) - 1)  # room for the closing fence
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip(" ")
        if _open_fence(piece):
            piece += "\n" + FENCE
            rest = FENCE + "\n" + rest
        pieces.append(piece)
    if rest.strip():
        pieces.append(rest.strip())
    return pieces


def _cut(text: str, room: int) -> int:
    window = text[:room]
    cut = max((m.end() for m in re.finditer(r"[.!?](?:\s\[\d+\])?\s|\n", window)), default=0)
    if cut < room // 2:
        cut = window.rfind(" ") + 1 if window.rfind(" ") > room // 2 else room
    return cut


# Files GitHub and GitLab show rendered: a line anchor needs their source view
# (``?plain=1``), or the link opens the rendered page at its top. Of what cited reads
# (index.sources.SUFFIXES) these; HTML is shown as source, PDF has pages, not lines.
RENDERED = (".md", ".markdown", ".mdx", ".rst", ".rest")


def source_link(c: Citation, base_url: str | None) -> str | None:
    """The URL of ``c``'s file under ``base_url`` (e.g. a repository's blob URL of the
    docs folder), at its lines (``#L12-L14``, in the source view of a file the forge
    renders), PDF page or HTML heading's anchor when known."""
    if not base_url:
        return None
    url = base_url.rstrip("/") + "/" + quote(c.source)
    if c.lines is not None:
        a, b = c.lines
        if c.source.lower().endswith(RENDERED):
            url += "?plain=1"
        url += f"#L{a}" if a == b else f"#L{a}-L{b}"
    elif c.page is not None:
        url += f"#page={c.page}"
    elif c.anchor:
        url += "#" + quote(c.anchor)  # a built page's heading (CITED_SOURCE_URL: the docs site)
    return url


def excerpt(text: str) -> str:
    """A quote as an embed field shows it, on one line: its prose, each code block as
    "…" (flattened to one line, a block read as neither code nor text, and a link in
    it was taken for one); a quote of code alone as its first line, as code. The
    whole quote is in the answer above."""
    prose, code, fence = [], [], None
    for line in text.split("\n"):
        is_fence, fence_after = fence_step(line, fence)
        if is_fence and fence is None:
            prose.append("…")
        elif fence is not None and not is_fence:
            code.append(line.strip())
        elif not is_fence:
            prose.append(line)
        fence = fence_after
    shown = " ".join(" ".join(prose).split())
    first = next((line for line in code if line and "`" not in line), "")
    return shown if shown.strip("… ") or not first else f"`{first}`"


def sources_embed(answer: Answer, source_url: str | None = None) -> dict | None:
    """The cited passages as embed fields: where (a field name cannot hold a link),
    then the link to the file and line when ``source_url`` is set, then the quote."""
    if not answer.citations:
        return None
    fields = []
    total = len(EMBED_TITLE)
    for c in answer.citations[:FIELDS_MAX]:
        # Escaped too: "__init__.py" would show as a bold "init.py".
        name = shorten(f"[{c.n}] {escape_markdown(c.where())}", FIELD_NAME_MAX)
        link = source_link(c, source_url)
        # Shortened before escaping, so an ellipsis never splits an escape; escaping
        # adds at most one character per character, kept within the field's limit.
        quote_text = escape(shorten(f"“{excerpt(c.as_read())}”", QUOTE_MAX))
        value = (f"[{escape_markdown(c.source)}]({link})\n" if link else "") + quote_text
        value = value[:FIELD_VALUE_MAX]
        if total + len(name) + len(value) > EMBED_TOTAL_MAX:
            break
        total += len(name) + len(value)
        fields.append({"name": name, "value": value, "inline": False})
    return {"title": EMBED_TITLE, "fields": fields}


def question_header(question: str) -> str:
    """The question as a quoted first line: ``> question``."""
    return "> " + escape(shorten(question, QUESTION_SHOWN_MAX)) + "\n"


def question_from_header(content: str) -> str | None:
    """The question in a message that starts with question_header(), else None."""
    if not content.startswith("> "):
        return None
    line = content[2:].split("\n", 1)[0]
    return re.sub(r"\\(.)", r"\1", line).strip("<>") or None


def footer(answer: Answer, note: str | None = None) -> str | None:
    """The line under a written answer's sources: why the extractive answer is shown
    (``note``), or that a model wrote it and how many of its sentences were removed."""
    if note:
        return shorten(f"Extractive answer: {note}", FOOTER_MAX)
    if answer.mode == "written":
        n = answer.dropped_sentences
        removed = f"; {n} unsupported sentence{'s' if n != 1 else ''} removed" if n else ""
        return f"Written by a language model; each sentence checked against its source{removed}."
    return None


def render_answer(answer: Answer, source_url: str | None = None, question: str | None = None,
                  note: str | None = None) -> list[Outgoing]:
    """The messages to send for ``answer``: its text, escaped and split when long, the
    last piece carrying the embed of cited passages (linked when ``source_url`` is
    set) with footer() under it. ``question``, when given, is shown quoted above the
    answer. An abstention is one short message."""
    head = question_header(question) if question else ""
    if answer.abstained:
        return [Outgoing(head + ABSTAIN_MESSAGE)]
    pieces = split_content(head + escape(answer.answer)) or [""]
    out = [Outgoing(p) for p in pieces[:-1]]
    embed = sources_embed(answer, source_url)
    line = footer(answer, note)
    if line and embed is not None:
        embed["footer"] = {"text": line}
        size = lambda: len(EMBED_TITLE) + len(line) + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])  # noqa: E731
        while embed["fields"] and size() > EMBED_TOTAL_MAX:
            embed["fields"].pop()
    elif line:
        pieces[-1] = (pieces[-1] + "\n-# " + escape(line))[:CONTENT_MAX]
    out.append(Outgoing(pieces[-1], embed))
    return out


def render_draft(text: str, question: str | None = None) -> str:
    """A written answer while it arrives: escaped, marked as unfinished, and within
    one message (the end of a long draft is cut; the checked answer replaces it)."""
    head = question_header(question) if question else ""
    body = escape(shorten(text, CONTENT_MAX - len(head) - 200))
    return (head + body + " …")[:CONTENT_MAX]


def render_sync(report) -> str:
    """A SyncReport (index.sync) as one line for /reindex."""
    line = report.summary()
    if report.skipped:
        shown = "; ".join(f"{escape(s.rel)}: {escape(s.reason)}" for s in report.skipped[:5])
        line += f" (skipped: {shown}" + (" …)" if len(report.skipped) > 5 else ")")
    return shorten(line, CONTENT_MAX - 40)


def render_sources(records, limit: int = CONTENT_MAX) -> str:
    """The indexed files as one message, trimmed to fit."""
    if not records:
        return "Nothing is indexed yet."
    n, chunks = len(records), sum(r.chunks for r in records)
    lines = [f"**{n} file{'s' * (n != 1)}, {chunks} passage{'s' * (chunks != 1)}**"]
    for r in records:
        line = f"• {escape(r.path)} ({r.chunks} passage{'s' * (r.chunks != 1)})"
        if sum(len(x) + 1 for x in lines) + len(line) + 40 > limit:
            lines.append(f"… and {len(records) - len(lines) + 1} more")
            break
        lines.append(line)
    return "\n".join(lines)
