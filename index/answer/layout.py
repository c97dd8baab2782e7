"""The layout of a passage: its sections and blocks, offsets into its text, read as its
source lays them out. A chunk is a cut of a page: it may begin inside a list item, a
table or a code block, or on the fence of a block the page indents, and read alone as
Markdown it would come out wrong. answer/units.py makes its units from this layout."""

from __future__ import annotations

import re

from index.chunking import FENCE_LINE, carried_kind
from index.search import Hit

# A fence closing four or more spaces in: inside a content tab or a list item.
_INDENTED_CLOSE = re.compile(r"\n( {4,})(?:`{3,}|~{3,})[ \t]*(?=\n|\Z)")


def passage_structure(hit: Hit):
    """Sections and blocks of a structured passage, offsets into its text. A passage
    that begins inside a code block or a table is read with what it carries (the opening
    fence, the head row) before it; one that begins on the fence of an indented block,
    with that block dedented (see _indented_block_end)."""
    from index.structure import Block, Section, markdown_structure

    carried = carried_kind(hit.fence)
    if carried == "front":
        # Key-value lines, not Markdown: they answer whole, as the block they were.
        return [], [Block(0, len(hit.text.rstrip()), "item")]
    if carried == "item":
        # Inside a definition or list item its lines are indented; read alone, they
        # would be an indented code block. They are read dedented instead.
        text, at = _dedented(hit.text)
        _, _, blocks = markdown_structure(text)
        return [], [Block(at[b.start], at[b.end - 1] + 1, b.kind) for b in blocks if b.end > b.start]
    fence, text, where = hit.fence, hit.text, None
    if not carried:
        cut = _indented_block_end(hit)
        if not cut:
            _, sections, blocks = markdown_structure(hit.text)
            return sections, blocks
        # Read with the block dedented, as its source indents it; the text after as written.
        head, where = _dedented(text[:cut])
        text, where = head + text[cut:], where + list(range(cut, len(text)))
    elif carried == "table":
        # A table in a content tab or a list is indented: read dedented, with its head
        # row and |---| line, or an indented |---| line is no table and its rows one
        # sentence (Traefik's metrics tables, after the first chunk of each).
        fence = "\n".join(ln.strip() for ln in fence.split("\n"))
        text, where = _dedented(text)
    pad = len(fence) + 1 if fence else 0
    _, sections, blocks = markdown_structure(f"{fence}\n{text}" if fence else text)

    def at(x: int, end: bool = False) -> int:
        x = min(max(x - pad, 0), len(text))
        if where is None:
            return x
        # An end maps to just after its last character; a start to its first.
        return (where[x - 1] + 1 if x else 0) if end else (where[x] if x < len(text) else len(hit.text))

    blocks = [Block(at(b.start), at(b.end, True), b.kind) for b in blocks if at(b.end, True) > at(b.start)]
    sections = [Section(at(s.start), at(s.end, True), s.path) for s in sections]
    return sections, blocks


def _indented_block_end(hit: Hit) -> int:
    """Where the code block a chunk opens with ends, when the chunk begins on the fence
    of a block its source indents (a content tab's example): a chunk's text starts at
    the fence, so read as written its closing fence, four spaces in, closes nothing,
    and the prose after it would be read as code up to the next fence (Ruff's FAQ). 0
    otherwise."""
    text = hit.text
    if not FENCE_LINE.match(text) or text[:1] in " \t":
        return 0
    close = _INDENTED_CLOSE.search(text)
    if close is None:
        return 0
    inner = text[text.find("\n") + 1 : close.start()].split("\n")
    if any(ln.strip() and len(ln) - len(ln.lstrip(" ")) < len(close.group(1)) for ln in inner):
        return 0
    return close.end()


def _dedented(text: str) -> tuple[str, list[int]]:
    """``text`` with its lines after the first dedented by their common indentation, and
    where each of its characters was in ``text``."""
    lines = text.splitlines(keepends=True)
    k = min((len(ln) - len(ln.lstrip(" ")) for ln in lines[1:] if ln.strip()), default=0)
    out, where, at = [], [], 0
    for n, ln in enumerate(lines):
        cut = min(k, len(ln) - len(ln.lstrip(" "))) if n else 0
        out.append(ln[cut:])
        where.extend(range(at + cut, at + len(ln)))
        at += len(ln)
    return "".join(out), where
