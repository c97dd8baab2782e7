"""Cut extracted text into sentence-aware, overlapping chunks with exact offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Callable

from index.sentences import sentence_start
from index.sources import Extracted
from index.splitter import Splitter, as_splitter
from index.markup import FENCE_LINE, code_opener, without_tags
from index.front_matter import FRONT_FENCES
from index.structure import LINK_TARGET, SECTION_SEP, Section

# Recorded in the store: a store cut by another version of this module (or of the text
# extraction it cuts) is refused, not mixed, until `cited index --rebuild`. Bumped with
# every change to what a chunk holds or how it is embedded; bench/RESULTS.md names the
# version each change came with (`git log -S sections-N` the commit). Lately: sections-36
# reads each Sphinx API entry of a built HTML page as a section (html_page._sphinx_entries);
# sections-37 keeps an HTML heading's anchor (html_page._anchor) with the chunks under it;
# sections-38 opens an HTML note box's body with its title (html_page._admonitions), and
# reads "a.k.a." (any dotted abbreviation) as no sentence end; sections-39 keeps the white
# space between a chunk and the one before (Chunk.before) and shows a reST cross-reference
# without a title as its section's title (rst.rst_labels); sections-41 takes a line of
# nothing but a mkdocs-macros placeholder ("{{ libraries }}") for no text; sections-42
# an autorefs anchor line too, a heading's reference link as its words, pydantic's
# version notes ("/// version-added | v2.11") as notes; sections-43 a Sphinx attribute's
# type after its name ("`encoding: str | None`"); sections-44 an HTML page's bold or
# italic name holding an asterisk as code ("`**kwargs`", was "****kwargs**");
# sections-45 a MyST target whose label holds a slash ("(labels/line-length)=") for no text;
# sections-46 an extension's reST directive named by an option (tox's ".. conf:: :keys:
# requires") as an entry under that name with its other options as field lines, and a
# directive's prose with brackets in it as text, not code; sections-47 a bracket only
# after a word ("f(x)") as code in an unknown directive, Sphinx's own entries with their
# ":type:" and ":default:" as field lines, ":name:" no entry's name; sections-48 an HTML
# note box that is only its title ("Added in 25.1.0") as a sentence, not an opening;
# sections-49 a heading written as HTML in Markdown ("<h3 name=…>") opens a section;
# sections-50 Asciidoctor's note tables read as notes, its TOC and footer left out;
# sections-51 HTML parsed by lxml (a minified page's tables), Docusaurus' code lines,
# notes, tabs and "On this page" list; sections-52 front matter with fields of its own
# a section; sections-53 a site generator's keys not counted as such fields.
CHUNKER = "sections-53"


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int
    end: int
    page: int | None
    line: int | None = None  # 1-based line of ``start``, for formats with lines
    section: str = ""  # heading path, "Options › Password prompt"
    title: str | None = None  # the file's title
    # What a chunk that begins inside a block needs before it to be read right: a code
    # block's opening fence line, a table's head row and its |---| line, or the first
    # line of a list item or definition (an API entry's signature) too long for one chunk;
    # or front matter's fence ("---"): the chunk is its lines (front_matter.front_fields).
    fence: str = ""
    # The anchors of the sections it holds (HTML: page.html#anchor): (section label, id).
    anchors: tuple[tuple[str, str], ...] = ()
    # The white space between the chunk before and this one ("\n\n"), for a quote that
    # runs on from it exactly (neighbours.completed); "" when they overlap.
    before: str = ""

    @property
    def context(self) -> str:
        return context_header(self.title, self.section)

    @property
    def embed_text(self) -> str:
        return indexed_text(self.title, self.section, self.text, self.fence)

    @property
    def text_hash(self) -> str:
        # Over what is embedded: the same words under another heading get a new vector.
        return hashlib.sha1(self.embed_text.encode("utf-8", "surrogatepass")).hexdigest()


def context_header(title: str | None, section: str) -> str:
    """"Title › Section › Subsection", the title left out when the first heading repeats it."""
    parts = [p for p in section.split(SECTION_SEP) if p] if section else []
    if title and (not parts or parts[0].casefold() != title.casefold()):
        parts.insert(0, title)
    return SECTION_SEP.join(parts)


# A Markdown link's target: "[the guide](https://example.org/docs/guide.html)".
_LINK_TARGET = re.compile(r"(?<=\])" + LINK_TARGET)


# A MyST role, "{doc}`Editor / IDE <./editors>`" or "{meth}`~click.Context.invoke`":
# the page shows the title, or the target without its "~" and role.
_ROLE = re.compile(r"(?<![`\w])\{[\w:-]+\}`~?([^`<\n]*?)[ \t]*(?:<[^`<>\n]*>)?`")


def readable(text: str) -> str:
    """``text`` as its reader sees it: a link's words without its target, a MyST role's
    title without its role and target, HTML written in Markdown without its tags.
    Targets and attributes are read by no one but fill BM25 and the embedding with
    "https", "github" and "com", so a question about HTTPS found the contributing
    guide's clone URLs before the page on running with HTTPS (uvicorn dev set), and an
    option list written as HTML (Cargo's command pages) read as "dt class option term
    id option cargo add"."""
    if "](" in text:
        text = _LINK_TARGET.sub("", text)
    if "}`" in text:
        text = _ROLE.sub(r"\1", text)
    return without_tags(text)


def with_context(context: str, text: str) -> str:
    """What is embedded and what BM25 indexes: the contextual header, then the text as
    read (the quote never includes the header, and keeps its links)."""
    text = readable(text)
    return f"{context}\n\n{text}" if context else text


def carried_kind(fence: str) -> str:
    """What a chunk's ``fence`` (see Chunk.fence) carries: "code", "table", "item",
    "front" (it is a page's front matter, front_matter.front_fields) or ""."""
    if not fence:
        return ""
    if fence in FRONT_FENCES:
        return "front"
    if FENCE_LINE.match(fence):
        return "code"
    return "table" if "\n" in fence else "item"


# The first line of a long list item or definition is carried by the chunks it
# continues into when it is at most this long: a term or a signature ("requests.request(
# method, url, **kwargs)"), not a paragraph that happens to open a list item.
ITEM_LEAD_CHARS = 160


def indexed_text(title: str | None, section: str, text: str, fence: str = "") -> str:
    """A chunk as it is embedded and as BM25 indexes it: its contextual header, the first
    line it carries from a block begun before it (a table's head row names the columns
    of its rows), then its text."""
    body = fence.partition("\n")[0] + "\n" + text if fence and fence not in FRONT_FENCES else text
    return with_context(context_header(title, section), body)


# Blocks of at most this many tokens are repeated at the start of the next chunk of
# their section, so an introduction ("Set it like this:") stays with what follows.
CARRY_TOKENS = 48


def chunk(extracted: Extracted, split) -> list[Chunk]:
    """Chunks of ``extracted`` such that ``extracted.text[c.start:c.end] == c.text``.

    Structured sources (Markdown, HTML, PDF with an outline) are cut section by section,
    so a chunk never straddles two sections, and whole blocks are packed into chunks, so
    a code block, list item or table row that fits is never cut. PDFs are split page by
    page so each chunk has one page number. Plain text is cut by the prose splitter.
    """
    sp = as_splitter(split)
    text = extracted.text
    out: list[Chunk] = []
    sections = extracted.sections or [Section(0, len(text), ())]
    covered = 0
    for sec in sections:
        ctx = context_header(extracted.title, sec.label)
        # What the header costs is taken off the chunk size: header and text together
        # must fit what the model reads.
        budget = max(sp.size - (sp.count_tokens(ctx) + 2 if ctx else 0), sp.size // 2)
        if extracted.pages is not None:
            for page in extracted.pages:
                lo, hi = max(page.start, sec.start), min(page.end, sec.end)
                if hi > lo:
                    out += _located(text, lo, hi, sp, budget, page.number, sec.label, extracted.title)
        elif extracted.blocks is not None:
            if sec.start < covered:
                continue  # inside a section already chunked whole with its parent
            end = _whole_end(sections, sec) if sec.path else sec.end
            if end > sec.end and sp.count_tokens(text[sec.start : end]) <= budget:
                # The section and its subsections fit one chunk: keep them together (a
                # command and its options); units still cite their own subsection.
                blocks = [b for b in extracted.blocks if sec.start <= b.start < end]
                covered = end
            else:
                blocks = [b for b in extracted.blocks if sec.start <= b.start < sec.end]
            out += _packed(text, blocks, sp, budget, sec.label, extracted.title)
        else:
            out += _located(text, sec.start, sec.end, sp, budget, None, sec.label, extracted.title)
    out = _with_anchors(out, sections)
    out = out[:1] + [_after(p, c, text) for p, c in zip(out, out[1:])]
    return _with_lines(text, out) if extracted.lines else out


def _after(prev: Chunk, c: Chunk, text: str) -> Chunk:
    gap = text[prev.end : c.start]
    return replace(c, before=gap) if 0 < len(gap) <= 16 and not gap.strip() else c


def _with_anchors(chunks: list[Chunk], sections: list[Section]) -> list[Chunk]:
    anchored = [s for s in sections if s.anchor]
    if not anchored:
        return chunks
    return [replace(c, anchors=tuple((s.label, s.anchor) for s in anchored if s.start < c.end and c.start < s.end))
            for c in chunks]


def _whole_end(sections: list[Section], sec: Section) -> int:
    """Where ``sec`` ends together with its subsections (sections whose path extends its own)."""
    end = sec.end
    for s in sections:
        if s.start >= sec.end and len(s.path) > len(sec.path) and s.path[: len(sec.path)] == sec.path:
            end = max(end, s.end)
        elif s.start >= end:
            break
    return end


def _located(text, lo, hi, sp: Splitter, budget: int, page, section, title) -> list[Chunk]:
    split = sp.split_text if budget >= sp.size or sp.resized is None else sp.resized(budget)
    fits = lambda piece: sp.count_tokens(piece) <= min(budget, sp.size)  # noqa: E731
    return [replace(c, section=section, title=title) for c in _locate(text, lo, hi, split, page, fits)]


def _packed(text: str, blocks, sp: Splitter, budget: int, section: str, title) -> list[Chunk]:
    """Whole blocks packed in order into chunks of at most ``budget`` tokens; a block
    too big for one chunk is cut by the prose splitter. A section holding only its
    heading makes no chunk (the heading is in its subsections' headers)."""
    if not blocks or all(b.kind == "heading" for b in blocks):
        return []
    out: list[Chunk] = []
    group: list = []
    head, head_cost = "", 0  # the head row and |---| line of the table being packed
    heads: dict[int, tuple[str, int]] = {}  # each packed row's table head and its cost, by the row's start

    def carried_cost(first) -> int:
        return heads[first.start][1] if first.kind == "row" else 0

    def cost(first, end: int) -> int:
        # Counted over the span, not summed over blocks: what lies between blocks (a
        # table's |---| line, a list's markers) costs tokens too. Rows carried under
        # their head row leave room for it. Without HTML tags, as it is embedded: an
        # option entry written in HTML is half tags (Cargo's), and would be cut for them.
        # (Link targets, also not embedded, still count: counted out too, chunks of
        # linked prose grew, Vite -4, Jest -2.)
        return sp.count_tokens(without_tags(text[_opening(first) : end])) + carried_cost(first)

    def flush():
        nonlocal group
        if group and not all(b.kind == "heading" for b in group):
            s, e = group[0].start, group[-1].end
            lead = heads[s][0] if group[0].kind == "row" else group[0].fence
            s = _opening(group[0])
            out.append(Chunk(text[s:e], s, e, None, section=section, title=title, fence=lead))
        last = group[-1] if group else None
        group = []
        return last

    packed_to = 0  # where the blocks packed so far end
    for b in blocks:
        # A definition's nested list items are blocks too (units answer with them), but
        # its entry, packed whole or cut into pieces, already holds them.
        if b.end <= packed_to:
            continue
        packed_to = max(packed_to, b.end)
        if b.kind == "header":
            line_end = text.find("\n", b.end + 1)  # the |---| line under the head row
            head = text[b.start : line_end if line_end >= 0 else len(text)].strip()
            head_cost = sp.count_tokens(head.split("\n", 1)[0]) + 1
        elif b.kind != "row":
            head, head_cost = "", 0
        if b.kind == "row":
            heads[b.start] = (head, head_cost)
        if cost(b, b.end) > budget:
            flush()
            lead = _item_lead(text[b.start : b.end]) if b.kind == "item" else ""
            # Room is left for what the later pieces carry (embedded with them); a lead
            # that would take half of each piece is not worth it.
            room = budget - (sp.count_tokens(lead) + 1 if lead else 0)
            if room < budget // 2:
                lead, room = "", budget
            pieces = _located(text, b.start, b.end, sp, room, None, section, title)
            first = text[b.start : b.end].split("\n", 1)[0].strip()
            if b.kind == "code":
                # A piece after the first begins inside the block: without its opening
                # fence, the closing one would be read as opening a new block. (An indented
                # block has none; a code shortcode's tag stands for the one shown, "```go".)
                fence = first if FENCE_LINE.match(first) else code_opener(first)
                if fence:
                    pieces = [replace(c, fence=fence) if c.start > b.start else c for c in pieces]
            elif b.fence in FRONT_FENCES:
                pieces = [replace(c, fence=b.fence) for c in pieces]
            elif lead:
                # A long definition (an API entry: its signature, then parameters) or
                # list item: the later pieces say what they are part of.
                pieces = [replace(c, fence=lead) if c.start > b.start else c for c in pieces]
            out += pieces
            continue
        if group and cost(group[0], b.end) > budget:
            # A table's head row does not end a chunk without its rows (there it reads
            # as a sentence of its own): it opens the next chunk with them, when it fits
            # there with the first row.
            # (A paragraph ending with ":" moved the same way: -3 questions on the seven dev sets.)
            opener = None
            if len(group) > 1 and group[-1].kind == "header" and cost(group[-1], b.end) <= budget:
                opener = group.pop()
            last = flush()
            if opener is not None:
                group = [opener, b]
                continue
            # A short last block opens the next chunk too. (Carrying a short code block
            # with the sentence introducing it moved the chunks after: answer hit fell
            # on four of the first eleven dev sets, bench/RESULTS.md round 25; the answer
            # reads that sentence from the chunk before instead, neighbours.preceded.)
            if (last is not None and last.kind != "heading"
                    and sp.count_tokens(text[last.start : last.end]) <= CARRY_TOKENS and cost(last, b.end) <= budget):
                group = [last]
        group.append(b)
    flush()
    return out


def _opening(block) -> int:
    """Where a chunk opening with ``block`` starts (see Block.opens)."""
    return block.start if block.opens is None else block.opens


def _item_lead(item: str) -> str:
    """What the later pieces of a long list item or definition carry: its first line,
    when that is a term or a signature (short, with the rest below it). Not when the
    item holds a fenced code block: a piece inside the block needs its fence more, and
    one thing is carried."""
    first, sep, rest = item.partition("\n")
    first = first.strip()
    if not sep or not rest.strip() or len(first) > ITEM_LEAD_CHARS or FENCE_LINE.search(rest):
        return ""
    return first


def _with_lines(text: str, chunks: list[Chunk]) -> list[Chunk]:
    # Chunk starts only move forward, so counting newlines from the previous start
    # keeps this linear in the text's length however many chunks there are.
    out, line, at = [], 1, 0
    for c in chunks:
        line += text.count("\n", at, c.start)
        at = c.start
        out.append(replace(c, line=line))
    return out


SENTENCE_BACK = 300


def _locate(text: str, lo: int, hi: int, split: Splitter, page: int | None,
            fits: Callable[[str], bool] = lambda piece: True) -> list[Chunk]:
    # The splitter returns strings, not positions; each piece is found again in the
    # text, searching forward from the previous piece's start (pieces overlap).
    out: list[Chunk] = []
    cursor = lo
    for piece in split(text[lo:hi]):
        if not piece.strip():
            continue
        at = text.find(piece, cursor, hi)
        if at >= 0:
            start, end = at, at + len(piece)
        else:
            # The splitter may fold whitespace; match the words with any spacing.
            pattern = r"\s+".join(re.escape(w) for w in piece.split())
            m = re.compile(pattern).search(text, cursor, hi)
            if not m:
                continue
            start, end = m.start(), m.end()
        if out:
            # The splitter's sentences end at any full stop: a piece that starts after
            # "U.N." or "e.g." starts mid-sentence. It starts with its sentence instead,
            # when that starts within SENTENCE_BACK characters (else it stays: code) and
            # the piece still fits what the model reads.
            window = max(lo, out[-1].start + 1, start - SENTENCE_BACK)
            back = sentence_start(text, start, window)
            if back < start and (back > window or window == lo) and fits(text[back:end]):
                start = back
        out.append(Chunk(text[start:end], start, end, page))
        cursor = start + 1
    return out
