"""Answer units: the spans of a passage an answer can be made of, shaped like the source.

A unit is a sentence; a list item, a table row or a code block; a sentence ending with
":" together with the list, rows or code it introduces; a code block with the sentence
before it; a sentence that leans on the one before ("It…", "This option…") together
with that one, or that answers the one before when it asks; or a short section's whole
body (an option's description, type and default). Units stay short (MAX_UNIT_CHARS;
longer ones are cut at a line or sentence end and shown with "…"). A passage that
begins inside a table, a code block or a long definition is read with what its chunk
carries (Chunk.fence): the head row, the opening fence, the entry's first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.answer.fields import under_fields
from index.answer.layout import passage_structure
from index.chunking import FENCE_LINE, carried_kind, readable
from index.markup import unpadded, without_tags
from index.search import Hit
from index.sentences import split_sentences
from index.sources import MARKDOWN_READ
from index.structure import SECTION_SEP


# Long enough for an option with its description or a short list; short enough to
# read in a chat message. The figure, not a measurement.
MAX_UNIT_CHARS = 600
# A sentence opening with one of these names its subject only through the sentence before.
_LEANS = re.compile(r"^(?:It|Its|It's|This|That|These|Those|They|Their|Such|Both|The latter|The former|"
                    r"Here|There|Then|Otherwise|However|Instead|Also|In this case|In that case)\b"
                    # or after a short opening phrase: "As in the case of `x`, this means…",
                    # "When set, it overrides…"
                    r"|^[A-Z][^.,;:!?\n]{0,60},\s+(?:it|its|this|that|these|those|they|such)\b")
_LISTLIKE = ("item", "row", "header", "code")
# A list item this short says little alone ("- `DOWNLOAD_DELAY`: `delay`", "16. The
# `request_finished` signal is sent."): it is shown under the sentence that introduces
# its list ("For other downloader slots default settings values will be used:"), as a row
# is under its head row. Only shown: embedded with it too, items won over their lead unit
# (the sentence and the whole list) and answers came in pieces (dev sets, round 24:
# answer hit 0.781 -> 0.780, one question fewer on Black, Cargo, Click, Hatch and pip,
# and pip's SOCKS5 question no longer declined).
BARE_ITEM = 80
MAX_INTRO = 200  # a longer introduction would outweigh the item under it
_WORDY = re.compile(r"\w")


@dataclass(frozen=True)
class Unit:
    start: int  # offsets into the passage's text
    end: int
    # sentence | item | row | code | lead (":" or a code block's explanation + what
    # follows) | pair (with the sentence before, which it leans on or answers) |
    # section (a short section's body)
    kind: str
    trimmed: bool = False
    section: str = ""  # heading path of the unit itself (a chunk may hold subsections)
    # Shown and embedded with it, never quoted: a table row's head row, the opening
    # fence of a code block begun in the chunk before, the first line of the long
    # definition or list item the chunk continues.
    context: str = ""
    # Shown over it, never embedded: a bare list item's introduction (see BARE_ITEM), a
    # reference entry's field lines (fields.under_fields).
    intro: str = ""


def read_chars(text: str) -> int:
    """How long ``text`` reads: without its HTML tags, table cells unpadded (Traefik's
    option tables pad each cell of a row to 300 characters and wrap each option's name
    in an anchor tag of 150)."""
    return len(unpadded(without_tags(text)))


def _fits(text: str, s: int, e: int) -> bool:
    """Does text[s:e] read within MAX_UNIT_CHARS (as _trim measures it)?"""
    return e - s <= MAX_UNIT_CHARS or read_chars(text[s:e]) <= MAX_UNIT_CHARS


def _trim(text: str, s: int, e: int, limit: int = MAX_UNIT_CHARS) -> tuple[int, bool]:
    """End of the span [s, e) cut to ``limit`` characters as read (read_chars) at a line,
    sentence or word end."""
    if e - s <= limit or read_chars(text[s:e]) <= limit:
        return e, False
    # The furthest raw end that reads within the limit, searched as if reading grew
    # with the text (it nearly does: a prefix ending in a cell's padding is measured
    # without it; one ending inside a tag or a comment reads it raw, so too long).
    lo, hi = s + limit, e - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if read_chars(text[s:mid].rstrip()) <= limit else (lo, mid - 1)
    cut = _cut_back(text, s, lo)
    if read_chars(text[s:cut]) > limit:
        # Cut back into a comment or tag the longer prefix closed: cut as stored instead.
        cut = _cut_back(text, s, s + limit)
    return cut, True


def _cut_back(text: str, s: int, cut: int) -> int:
    """``cut`` moved back to a line, sentence or word end, never inside an HTML tag or
    comment (only whole ones are read as such: '<dt class="option-term"' would be shown
    as it is)."""
    for sep in ("\n", ". ", " "):
        at = text.rfind(sep, s + (cut - s) // 3, cut)
        if at > s:
            cut = at + (1 if sep == ". " else 0)
            break
    lt = text.rfind("<", s, cut)
    if lt > s and text.find(">", lt, cut) < 0 and re.match(r"</?[A-Za-z]", text[lt : lt + 2]):
        cut = lt
    opener = text.rfind("<!--", s, cut)
    if opener > s and text.find("-->", opener, cut) < 0:
        cut = opener
    while cut > s and text[cut - 1].isspace():
        cut -= 1
    return cut


def _unit(text: str, s: int, e: int, kind: str) -> Unit:
    end, trimmed = _trim(text, s, e)
    return Unit(s, end, kind, trimmed)


def _full_path(chunk_path: tuple[str, ...], local: tuple[str, ...]) -> str:
    """The heading path of a spot in a chunk: the chunk's own path joined with the
    headings inside the chunk before that spot (the chunk usually opens with its own
    heading, which must not be counted twice)."""
    if not local:
        return SECTION_SEP.join(chunk_path)
    if local[0] in chunk_path:
        # The last one: a generated reference repeats its kind headings down the path
        # ("promtool query › Flags › promtool query analyze › Flags"); cut at the
        # first, the analyze command's flags were cited as the query command's.
        chunk_path = chunk_path[: len(chunk_path) - 1 - chunk_path[::-1].index(local[0])]
    return SECTION_SEP.join(chunk_path + local)


# A sentence that asks ("A common question is **"how many workers should I run?"**.")
# is answered by the one after it.
_ASKED = re.compile(r"\?[\s*_\"'”)]*[.:]?$")


def _prose_units(text: str, spans: list[tuple[int, int]]) -> list[Unit]:
    out = []
    for n, (s, e) in enumerate(spans):
        if n > 0 and (_LEANS.match(text[s:e]) or _ASKED.search(text[spans[n - 1][0] : spans[n - 1][1]])) \
                and _fits(text, spans[n - 1][0], e):
            out.append(Unit(spans[n - 1][0], e, "pair"))
        else:
            out.append(_unit(text, s, e, "sentence"))
    return out


# A short note read as one item (structure.py: "> [!TIP]", ":::tip", "!!! tip" over
# its body): after a list, it is no item of it, and the list's introduction is not its
# ("These modules will be shown if…:" over Starship's "> Multiple custom modules…").
_NOTE_ITEM = re.compile(r"[ \t]*(?:>|:{3,}|!!!|\?\?\?)")


def _introduces(text: str, block) -> bool:
    return text[block.start : block.end].rstrip().endswith(":")


def is_structured(hit: Hit) -> bool:
    """Is the passage Markdown (HTML and a PDF's pages are read as Markdown), cut at its headings?"""
    return hit.source.lower().endswith((*MARKDOWN_READ, ".pdf"))


def units_of(hit: Hit) -> list[Unit]:
    """The answer units of one passage, in order."""
    text = hit.text
    if not is_structured(hit):
        return [replace(u, section=hit.section) for u in _prose_units(text, split_sentences(text))]
    sections, blocks = passage_structure(hit)
    out: list[Unit] = []
    # The head row of the table being read; a passage that begins inside a table carries
    # it (Chunk.fence).
    carried = carried_kind(hit.fence)
    head = hit.fence.split("\n", 1)[0].strip() if carried == "table" else ""
    # A wrapper tag on lines of its own ('<div class="termy">' around FastAPI's console
    # blocks) stands between an introduction and what it introduces, and says nothing.
    wordless = {n for n, b in enumerate(blocks)
                if b.kind == "html" and not _WORDY.search(readable(text[b.start : b.end]))}
    intro, intro_col = "", -1  # the sentence introducing the list being read (see BARE_ITEM), its items' column
    for n, b in enumerate(blocks):
        # A code block right after the sentence introducing it ("Use `:any_of` to indicate
        # that the user can choose which licence applies:") is shown under it when quoted
        # alone, as a bare item is (a reviewer's finding on Homebrew: the example was
        # quoted without the sentence that said what it shows).
        introduced = intro if b.kind == "code" and _after_paragraph(blocks, n, wordless) else ""
        if b.kind == "header":
            head = text[b.start : b.end].strip()
        elif b.kind != "row":
            head = ""
        if b.kind != "item" and n not in wordless or b.kind == "item" and _NOTE_ITEM.match(text, b.start):
            intro = ""
        if b.kind in ("heading", "header"):
            continue
        if b.kind == "row":
            # A row alone does not say which column is the default and which the
            # type: its table's head row goes with it (shown, and embedded).
            out.append(replace(_unit(text, b.start, b.end, "row"), context=head))
            if n and blocks[n - 1].kind == "header" and not _WORDY.search(head.split("\n", 1)[0]):
                # An HTML table without a <thead> comes out of markdownify under an
                # empty head row ("|  |  |"); its first row names the columns.
                head = text[b.start : b.end].strip()
            continue
        if b.kind == "code" and n and blocks[n - 1].kind == "paragraph" and not _introduces(text, blocks[n - 1]):
            # An example brings the sentence before it, which says what it shows:
            # "The Headers data type is case-insensitive…" above a block of headers.
            # (A block alone won over its explanation; with it, the unit holding the
            # expected words came first for 74 -> 78 of 122 httpx questions, 60 -> 64 of
            # 120 Poetry, and 58 -> 58 of 110 MkDocs: bench/RESULTS.md.)
            lead = split_sentences(text, blocks[n - 1].start, blocks[n - 1].end)
            if lead and _fits(text, lead[-1][0], b.end):
                out.append(Unit(lead[-1][0], b.end, "lead"))
                continue
        if (b.kind == "code" and hit.intro and out and out[-1].kind == "lead" and out[-1].start == 0
                and b.end <= out[-1].end):
            # Nor alone after the sentence preceded() brought for it ("Here is an example
            # for a 404 exception:"): chosen alone, it was quoted without it, what the
            # passage was begun earlier for. (No unit alone after any introducing
            # sentence: answer hit 0.7802 -> 0.7791 on twenty-one sets, Jest -3,
            # requests -2; bench/RESULTS.md round 25.)
            continue
        if b.kind in ("item", "code"):
            unit = _unit(text, b.start, b.end, b.kind)
            if introduced:
                unit = replace(unit, intro=introduced)
            if b.kind == "item" and intro:
                # Not a nested item: its parent item introduces it, not the sentence.
                col = b.start - (text.rfind("\n", 0, b.start) + 1)
                intro_col = col if intro_col < 0 else intro_col
                if col == intro_col and read_chars(text[b.start : b.end]) <= BARE_ITEM:
                    unit = replace(unit, intro=intro)
            out.append(unit)
            if b.kind == "code":
                out.extend(_code_windows(text, unit, b.end))
            continue
        spans = split_sentences(text, b.start, b.end)
        units = _prose_units(text, spans)
        if spans and _introduces(text, b) and spans[-1][1] - spans[-1][0] <= MAX_INTRO:
            intro, intro_col = text[spans[-1][0] : spans[-1][1]].strip(), -1
        follow = [f for k, f in enumerate(blocks[n + 1 :], n + 1) if k not in wordless] \
            if units and _introduces(text, b) else []
        if follow and follow[0].kind in _LISTLIKE:
            # The introduction brings what it introduces: whole blocks while they fit.
            s = spans[-1][0]
            end = follow[0].end
            for f in follow:
                if f.kind not in _LISTLIKE or not _fits(text, s, f.end) or _NOTE_ITEM.match(text, f.start):
                    break
                end = f.end
            units[-1] = _unit(text, s, end, "lead")
        out.extend(units)
    # A short section whole (<= MAX_UNIT_CHARS, more than one unit):
    # answer hit on the dev sets +0.024 (httpx), +0.034 (Poetry), +0.018 (MkDocs).
    out.extend(_section_units(text, sections, blocks, out))
    if carried == "code":
        # The rest of a code block begun in the chunk before is shown under its opening
        # fence line, or its closing fence would open a block in the reader's chat.
        out = [replace(u, context=hit.fence) if u.kind == "code" and u.start == 0 else u for u in out]
    elif carried == "item":
        # The rest of a long definition or list item: each unit is shown (and embedded)
        # under the entry's first line ("requests.request(method, url, **kwargs)").
        out = [replace(u, context="\n".join(filter(None, (hit.fence, u.context)))) for u in out]
    out = under_fields(text, sections, blocks, out)
    chunk_path = tuple(p for p in hit.section.split(SECTION_SEP) if p) if hit.section else ()
    placed = []
    for u in out:
        local = next((s.path for s in reversed(sections) if s.start <= u.start), ())
        placed.append(replace(u, section=_full_path(chunk_path, local)))
    return placed


# A long code block is also read on, window after window of whole lines (each shown
# under the block's opening fence, shown.py): a CLI's `--help` output or a long config
# example holds the line asked about past its first MAX_UNIT_CHARS ("--range", 450
# lines into Ruff's help). At most this many more per block and chunk.
CODE_WINDOWS = 6


def _after_paragraph(blocks, n: int, wordless: set[int]) -> bool:
    """Is block ``n`` right after a paragraph (wordless wrapper tags between)?"""
    k = n - 1
    while k in wordless:
        k -= 1
    return k >= 0 and blocks[k].kind == "paragraph"


def _code_windows(text: str, first: Unit, end: int) -> list[Unit]:
    """The windows of a code block after its trimmed ``first`` unit, to ``end``."""
    out, unit = [], first
    while unit.trimmed and len(out) < CODE_WINDOWS:
        # The next window opens on the window's last paragraph when the cut split it and
        # it began in the window's back half: a config example's comment stays with the
        # key it explains ("# …thus avoiding collecting duplicate targets." over
        # "[ match_first_network: … ]", Prometheus), which the cut had put apart.
        start = text.find("\n", unit.end, end) + 1
        if start and text[start : start + 1].strip() and text[unit.end : start].strip() == "":
            blank = text.rfind("\n\n", unit.start + (unit.end - unit.start) // 2, unit.end)
            start = blank + 2 if blank >= 0 else start
        while start and start < end and text[start] == "\n":
            start += 1  # a window opens on its first line, not on a blank one
        rest = text[start:end].strip()
        if not start or not rest or "\n" not in rest and FENCE_LINE.match(rest):
            break  # only the closing fence is left
        unit = _unit(text, start, end, "code")
        if unit.end <= start:
            break
        out.append(unit)
    return out


def _section_units(text: str, sections, blocks, units: list[Unit]) -> list[Unit]:
    """The body of each short section as one unit, when it holds more than one unit:
    an option's heading is followed by its description, its type and its default, in
    separate paragraphs, and the question may ask for any of them."""
    out = []
    for sec in sections:
        if not sec.path:
            continue
        body = [b for b in blocks if sec.start <= b.start < sec.end and b.kind not in ("heading", "header")]
        if not body:
            continue
        s, e = body[0].start, body[-1].end
        if not _fits(text, s, e) or sum(1 for u in units if s <= u.start < e) < 2:
            continue
        out.append(Unit(s, e, "section"))
    return out


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    k: int  # which unit of its chunk
    start: int  # offsets into the source's extracted text
    end: int
    text: str
    kind: str = "sentence"
    trimmed: bool = False
    section: str = ""  # the unit's own heading path
    context: str = ""  # see Unit.context
    intro: str = ""  # see Unit.intro

    @property
    def lines(self) -> tuple[int, int] | None:
        return quote_lines(self.hit, self.start - self.hit.start, self.text)


def quote_lines(hit: Hit, offset: int, quote: str) -> tuple[int, int] | None:
    """First and last line of ``quote``, found at ``offset`` in ``hit``'s text; None
    for sources without lines."""
    if hit.line is None:
        return None
    first = hit.line + hit.text.count("\n", 0, offset)
    return first, first + quote.count("\n")


def candidates(hits: list[Hit], dedupe: bool = True) -> list[Candidate]:
    """Units of the hits, deduplicated (chunks overlap) unless told not to."""
    seen = set()
    out = []
    for h in hits:
        for k, u in enumerate(units_of(h)):
            key = (h.source, h.start + u.start, h.start + u.end)
            if dedupe and key in seen:
                continue
            seen.add(key)
            text = h.text[u.start : u.end]
            if not _WORDY.search(readable(text).replace("![]", "")):
                continue  # an image without words ("![](/img/failed.png)") answers nothing
            out.append(Candidate(h, k, h.start + u.start, h.start + u.end, text, u.kind, u.trimmed, u.section, u.context,
                                 u.intro))
    return out


# A heading that is one plain capitalised word ("Options", "Variables", "Example"),
# which a reference repeats under every entry it documents (Starship's configuration
# page has 106 "Options"): it says what kind of thing a unit is, not what it is about.
_KIND_HEADING = re.compile(r"[A-Z][a-z]+")


def own_heading(section: str) -> str:
    """The heading a unit is read and shown under: its section's last, or with the one
    above it when the last names only a kind ("Directory › Options"): the row
    "truncation_length | 1" of Spack's options read as the Directory module's."""
    headings = section.split(SECTION_SEP) if section else []
    if len(headings) > 1 and _KIND_HEADING.fullmatch(headings[-1]):
        return SECTION_SEP.join(headings[-2:])
    return headings[-1] if headings else ""
