"""How a chosen unit is shown in an answer: under the name it answers about (its label)
and its context line, with its citation marker where Markdown keeps it apart."""

from __future__ import annotations

import re
from dataclasses import replace

from index.answer.fields import FIELD
from index.answer.units import Candidate, own_heading
from index.chunking import FENCE_LINE
from index.answer.rendered import as_shown
from index.fences import ITEM_MARKER, fence_step
from index.lexical import LONG_OPTION
from index.markup import DELIMITER_ROW
from index.myst import enclosing_title, still_open
from index.notes import TAB_LINE, note_title
from index.structure import SECTION_SEP


# A heading that names something (an option, a setting, a command, an API) rather than
# describing a topic: it holds code punctuation or is one lower-case or camelCase word
# ("virtualenvs.create", "NO_PROXY", "--no-root", "install", "testEnvironment"), maybe
# with its signature or its type after it ("jest.fn(implementation?)", Jest's option
# headings "testEnvironmentOptions [Object]"), not "Options". Signatures and camelCase
# came with the Jest set: one more answer names its option there, no other set moves.
_NAME = r"(?:[\w$@~/{}<>:=+\-]*[._\-/:=$@{<][\w$@~/{}<>:=+.\-]*|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*)"
_NAMING = re.compile(rf"^{_NAME}(?:\(.*\)|\s+\[.*\])?$")


# How far into a unit its name counts as said (see label): about a line and a half.
LABEL_SEEN = 120

_BLOCK_START = re.compile(r"\||```|~~~|[-*+] |\d+[.)] |>")


def label(c: Candidate) -> str:
    """The name a unit answers about, when its section's heading is one the unit does
    not repeat: an option list's description rarely says the option's name. Else its
    section's own heading, when the unit does not repeat it ("Option 3. Husky.Net"
    over its "Use Case:" paragraph): the reader sees what the quote is about. Measured:
    answer hit on Prettier 0.613 -> 0.643 and MkDocs 0.755 -> 0.773, the other sets
    unchanged; a heading that names nothing (naming headings above) was shown before only
    in the citation."""
    headings = c.section.split(SECTION_SEP) if c.section else []
    # Repeated only far into the unit, the name comes too late: "Default: `2` … over the
    # `RETRY_TIMES` setting" read as no one's default (a reviewer's finding on Scrapy).
    # A quote that opens with an entry's field lines ("**Default:** `False`") names
    # nothing, whatever its text says after them ("Always recreate…" under `recreate`).
    text = "" if FIELD.match(c.text.lstrip()) else _words_of(c.text[:LABEL_SEEN])
    # A descriptive heading that names an option in it ("Override the detach sequence
    # (--detach-keys)", the Docker CLI's example headings) says more than a name above
    # it (the page's "attach"): the unit is shown under it (Docker CLI +1 question).
    naming = headings[-1:] if headings and LONG_OPTION.search(headings[-1]) else headings
    for heading in reversed(naming):
        if _NAMING.match(heading):
            return "" if _said(heading, text) else heading
    if headings and not _said(headings[-1], text):
        # "…on a CI server." is shown "…on a CI server: …"; "Options" as "Directory › Options".
        return own_heading(c.section).rstrip(" .:")
    return ""


def _said(heading: str, text: str) -> bool:
    # As a word: "platform" is not said by "platforms".
    return re.search(rf"(?<![\w-]){re.escape(_words_of(heading))}(?![\w-])", text) is not None


def _words_of(text: str) -> str:
    # "HTTP_PROXY, HTTPS_PROXY" is repeated by "`HTTP_PROXY`, `HTTPS_PROXY` set…"; not
    # "--no-root" by "no root" (other punctuation kept: dropped, 5 answers lost a name).
    return re.sub(r"[`*]", "", text.lower())


def shown_quote(c: Candidate, n: int, name: str | None = None) -> str:
    """How the answer shows unit ``c`` as its quote [n]: under its label (``name``, when
    the caller has it: label(c)) and context line."""
    name = label(c) if name is None else name
    # HTML written in Markdown is shown as it reads (the quote keeps it). A bare list item
    # (or a run of them) under the sentence introducing its list (units.BARE_ITEM), an
    # entry's description under its field lines (fields.under_fields).
    over = c.context or c.intro or _table_head(c)
    head = f"{as_shown(over)}\n" if over else ""
    shown = f"{head}{_text_shown(c)}"
    if c.trimmed:
        # Not on a closing fence's line: Markdown would not read it as closing the block.
        shown += "\n…" if FENCE_LINE.match(shown.rsplit("\n", 1)[-1]) else " …"
    elif c.kind in ("item", "lead", "section") and _list_goes_on(c):
        # Two of a list's six conditions read as the whole list (a reviewer's finding).
        shown += " …"
    if (note := _note_of(c)) and not shown.lower().startswith(note.lower()):
        # A note's body quoted without its opening line would read as the page's prose.
        # A block (a fence, a row, a quoted alert's "> ") keeps its first line to itself.
        shown = f"{note}:\n{shown}" if _BLOCK_START.match(shown) else f"{note}: {shown}"
    # A code block cut by a chunk or a trim is closed for the reader (never in the quote),
    # and one cut by a chunk says so as a trim does: closed, half a function read whole.
    if len(FENCE_LINE.findall(shown)) % 2:
        shown += "\n```" if c.trimmed else "\n…\n```"
    # A table, list or code block, or a unit under its context line (a head
    # row, a signature), keeps its first line to itself, as Markdown needs.
    sep = ":\n" if head or _BLOCK_START.match(shown) else ": "
    # A marker on a closing fence's line would leave the block open in a Markdown reader
    # (Discord), and one after a table row joins the table (a row need not open with
    # "|": "monolingual|`about`|…", Hugo's docs).
    last = shown.rsplit("\n", 1)[-1]
    row = last.lstrip().startswith("|") or ("|" in last and c.kind in ("row", "lead", "section", "item"))
    gap = "\n\n" if FENCE_LINE.match(last) or row else " "
    return f"{name + sep if name else ''}{shown}{gap}[{n}]"


def unrepeated(chosen: list[Candidate]) -> list[Candidate]:
    """The quotes of an answer, a reference entry's description shown under its field
    lines (Candidate.intro, fields.under_fields) only when no other quote of the entry
    quotes those lines, and no quote before it shows them over itself: read twice, they
    say nothing more. A bare item's introduction is kept (units.BARE_ITEM)."""
    out: list[Candidate] = []
    for n, c in enumerate(chosen):
        lines = [ln for ln in c.intro.split("\n") if ln.strip()]
        if lines and all(FIELD.fullmatch(ln) for ln in lines):
            def shows(d: Candidate, own: bool) -> bool:
                return (d.hit.source == c.hit.source and d.section == c.section
                        and all(ln in (f"{d.intro}\n{d.text}" if own else d.text) for ln in lines))
            if any(shows(d, m < n) for m, d in enumerate(chosen) if m != n):
                c = replace(c, intro="")
        out.append(c)
    return out


def _list_goes_on(c: Candidate) -> bool:
    """Does ``c`` (an item, a run of items, or an introduction with the first items of its
    list) end on an item of a list that holds more items after it, at the same
    indentation (past what is nested in that item)?"""
    lines = c.text.split("\n")
    last = next((k for k in range(len(lines) - 1, -1, -1) if _ITEM_MARK.match(lines[k].lstrip(" \t"))), None)
    if last is None or (c.kind == "lead" and last == 0):
        return False
    own = _indent(c) if last == 0 else _width(_leading(lines[last]))
    for line in c.hit.text[c.end - c.hit.start :].split("\n")[1:]:
        if not line.strip():
            continue
        lead = _width(_leading(line))
        if lead <= own:
            return lead == own and bool(_ITEM_MARK.match(line.lstrip(" \t")))
    return False


_ITEM_MARK = re.compile(ITEM_MARKER)


def _indent(c: Candidate) -> int:
    """How far ``c``'s first line is indented in its source: a code block in a content tab
    or a list item. 0 when it starts inside a line. A unit opening its chunk takes the
    indentation from the chunk's before; with a fence, when the chunks overlap (no
    before), its closing fence's, or else its other lines' common indentation."""
    before = c.hit.text[: c.start - c.hit.start]
    if c.start == c.hit.start:
        before = c.hit.before + before  # the chunk's first line's indentation is its before's
    line = before[before.rfind("\n") + 1 :]
    if line.strip(" \t"):
        return 0
    if line or c.start > c.hit.start or not FENCE_LINE.match(c.text):
        return _width(line)
    rest = [ln for ln in c.text.split("\n")[1:] if ln.strip()]
    # The closing fence's, when the unit runs on past the block ("All of the above rules
    # apply…" at the margin after a tab's example).
    close = next((ln for ln in rest if FENCE_LINE.match(ln)), None)
    return _width(_leading(close)) if close is not None else min((_width(_leading(ln)) for ln in rest), default=0)


def _leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _width(space: str) -> int:
    return len(space.expandtabs(4))


def _without_columns(space: str, n: int) -> str:
    """The white space ``space`` less its first ``n`` columns; what is left stays as
    written (a Makefile recipe's tab is a tab)."""
    col = 0
    for i, ch in enumerate(space):
        if col >= n:
            return space[i:]
        col = col + 4 - col % 4 if ch == "\t" else col + 1
    return ""


def _dedented(text: str, n: int) -> str:
    """``text`` with ``n`` columns of indentation taken off its lines, up to the first line
    indented less (the indented block ended: a code block after a note keeps its own
    indentation). The quote starts after its first line's indentation, its other lines
    keep theirs: a fence closing four spaces in, past the three Markdown allows, left the
    block open in a chat (a content tab's example, pydantic's install page). A content
    tab's marker ('=== "Zsh"') is shown at the margin and its body dedented as deep as
    the tab sits, whatever ``n``: a quote running over tabs (Ruff's "run one of the
    following:" over a tab per shell) showed their code four spaces in, fences raw."""
    if "\n" not in text:
        return text
    first, *rest = text.split("\n")
    out = [first]
    depth = n  # columns taken off: the quote's own, or the body of the tab being read
    for k, ln in enumerate(rest):
        lead = _leading(ln)
        width = _width(lead)
        if ln.strip() and width + 4 >= n and TAB_LINE.match(ln):
            out.append(ln[len(lead) :])
            depth = width + 4
            continue
        if ln.strip() and width < depth:
            if width < n:
                out += rest[k:]
                break
            depth = n  # the tab's body ended; the quote's own block goes on
        out.append(_without_columns(lead, depth) + ln[len(lead) :] if ln.strip() else "")
    return "\n".join(out)


def _opened(c: Candidate) -> str:
    """The text of ``c``'s chunk before it; a chunk begun inside a directive or a code
    block carries that block's opening fence line (Chunk.fence)."""
    before = c.hit.text[: c.start - c.hit.start]
    return f"{c.hit.fence}\n{before}" if c.hit.fence else before


def _table_head(c: Candidate) -> str:
    """The head row of the table a quote opens inside, when the quote has no context line
    of its own: a section's run of rows (units' "section" unit leaves the head row out)
    was shown under no column names (a reviewer's finding: six option rows)."""
    if not c.text.lstrip().startswith("|"):
        return ""
    run = []
    # A chunk opening inside the table carries its head row and |---| line (_opened).
    for line in reversed(_opened(c).rstrip("\n").split("\n")):
        if not line.lstrip().startswith("|"):
            break
        run.append(line)
    if len(run) >= 2 and DELIMITER_ROW.fullmatch(run[-2]):
        return run[-1].strip()
    return ""


def _text_shown(c: Candidate) -> str:
    """``c``'s text as shown, read with the fences open before it (myst.still_open): a
    directive's closing fence is then not shown, and a quote from inside a code block
    is shown as one (its opening line before it). The directives' titles are left to
    _note_of. A quote whose first line closes the code block starts after it."""
    opened = _opened(c)
    openers, code = still_open(opened) if FENCE_LINE.search(opened) else ([], None)
    text = _dedented(c.text, _indent(c))
    if not openers and code is None:
        return as_shown(text)
    if code is not None and FENCE_LINE.match(c.context):
        code = None  # the context line shown over the unit is that opening line
    if code is not None:
        first, _, rest = text.partition("\n")
        if fence_step(first, fence_step(code, None)[1])[1] is None:
            code, text = None, rest.lstrip("\n")
    # The opening line at the margin: indented (inside a component, an item), it would
    # follow the label on its line and open nothing.
    shown = as_shown("\n".join(openers + ([code.lstrip()] if code is not None else []) + [text])).split("\n")
    return "\n".join(shown[len(openers):])


def _note_of(c: Candidate) -> str | None:
    """The title of the note (a tip, a warning, a tab) whose body ``c`` opens, if any, or
    of the MyST directive it is inside (which of the tabs a path or a command is for)."""
    before = c.hit.text[: c.start - c.hit.start]
    line_start = before.rfind("\n") + 1
    if not before[line_start:].strip(" \t>"):  # else the unit starts inside a line
        lines = [ln for ln in before[:line_start].split("\n") if ln.strip(" \t>")]
        if lines and (title := note_title(lines[-1])):
            return title
    opened = _opened(c)
    return enclosing_title(opened) if "{" in opened else None


_MARKER_LINE = re.compile(r"\n\n\[\d+\]\Z")  # a quote's marker on a line of its own, after a block
# A quote ending on a list item: the next one run on after its marker would read as
# part of that item ("- **Multiple Arguments**: No [1] When linting files…").
_ITEM_END = re.compile(rf"(?:\A|\n)[ \t]*{ITEM_MARKER}[^\n]*\[\d+\]\Z")


def as_answer(parts: list[str], labelled: list[bool] | None = None, places: list | None = None) -> str:
    """The shown quotes as one answer, run together as sentences are; a quote that opens
    with a fence, a row or a list item starts a line, or Markdown reads it as text (a
    fence after "…a file-like object. [1] " opened no block). One shown under its label
    (``labelled``), or after a quote whose marker stands on a line of its own (after a
    block) or ends a list item, starts a paragraph: run on, "…| [1] Directory ›
    Options:" read as if [1] were the next quote's (a reviewer's finding on Starship's
    option tables). So does one from another section or file than the quote before
    (``places``: each quote's file and section): an unlabelled one (its text names its
    heading) ran on as if the FAQ answer before it went on into a CLI page (a reviewer's
    finding)."""
    labelled = labelled or [False] * len(parts)
    places = places or [None] * len(parts)
    out = parts[:1]
    for prev, part, own, was, at in zip(parts, parts[1:], labelled[1:], places, places[1:]):
        if own or _MARKER_LINE.search(prev) or _ITEM_END.search(prev) or was != at:
            out.append("\n\n" + part)
        else:
            out.append(("\n" if _BLOCK_START.match(part) else " ") + part)
    return "".join(out)
