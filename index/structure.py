"""The structure of a document: its title, its sections (heading paths) and its blocks
(paragraphs, list items, table rows, code), with exact character offsets.

Markdown is read with markdown-it-py, whose block tokens carry their line ranges; HTML is
first turned into Markdown (html_page.py), so both take one path; the markup docs tools
write around their text is recognized in markup.py; PDF sections come from the file's
outline. Everything here is a pure function of text.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from index.front_matter import front_fields, front_matter
from index.markup import (COMMENT, MDX_LINES, REFERENCE_LINK, TEMPLATE_TAG, code_fenced, short_note,
                          without_shortcodes)
from index.mdx import mdx_lines, mover
from index.myst import DIRECTIVE, DIRECTIVE_OPTIONS, MYST_TARGET, NO_TEXT_DIRECTIVES, PROSE_DIRECTIVES
from index.notes import ALERT, COLON_ADMONITIONS, SLASH_OPEN, tabbed

SECTION_SEP = " › "
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Section:
    start: int
    end: int
    path: tuple[str, ...]  # headings from the outermost down, e.g. ("Options", "Password prompt")
    anchor: str = ""  # the id a link to its heading ends with (HTML: page.html#anchor)

    @property
    def label(self) -> str:
        return SECTION_SEP.join(self.path)


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str  # heading | paragraph | item | header (a table's head row) | row | code | html
    # Where a chunk opening with this block starts, when not at the block: a short MyST
    # note is an item without its fence lines, but a chunk holding it holds them too,
    # or its closing fence would read as opening a code block.
    opens: int | None = None
    # What a chunk opening with this block carries (Chunk.fence): a long MyST note's
    # opening fence line, for its blocks after the first, or its closing fence would
    # read as opening a code block; front matter's fence ("---"), marking its lines.
    fence: str = ""


@lru_cache(maxsize=2)
def _parser(mdx: bool = False):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.deflist import deflist_plugin

    # Definition lists: Sphinx's options and API entries (<dl>, which markdownify
    # writes as "term" / ":   definition") and Markdown's def_list extension.
    # Admonitions ("!!! tip" and "??? note" over an indented body, as MkDocs and
    # Python-Markdown write them): without the plugin the body is an indented code
    # block, and the tip is neither read as prose nor found by a question.
    md = MarkdownIt("commonmark").enable("table").use(deflist_plugin).use(admon_plugin)
    # Docusaurus' admonitions (":::tip Title" ... ":::", MyST's ":::{tip}"): without the
    # plugin the marker lines are read as part of the paragraphs they touch.
    for name in COLON_ADMONITIONS:
        md.use(container_plugin, name,
               validate=lambda params, *_, n=name: re.match(rf"\{{?{n}\b", params.strip()) is not None)
    # pymdownx.blocks ("/// tip" … "///", notes.SLASH_OPEN): the same rule, with slashes.
    md.use(container_plugin, "slash", marker="/",
           validate=lambda params, *_: SLASH_OPEN.fullmatch("///" + params) is not None)
    md.block.ruler.before("fence", "tabbed", tabbed, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    if mdx:
        # MDX has no HTML blocks: a component's tag on its line ("<Step title=…>") is
        # JSX, and the lines after it are Markdown. Read as CommonMark's HTML block, the
        # fence after "<Step>" was raw HTML up to the next blank line, and its closing
        # fence opened a code block instead (crewAI: 9 chunks began with one).
        md.disable("html_block")
    return md


# Emphasis marks (* and _ opening or closing a word) and escapes; an underscore inside a
# word (NO_PROXY) is part of it. Code spans are kept as they are, backticks dropped.
_INLINE_MARKS = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)|\\(?=[^\w\s])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# A Markdown link's target, "(https://example.org/a_(b).html "title")": one level of
# parentheses inside, or "<my file.md>" with spaces, and an optional title.
LINK_TARGET = r"\((?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)"
# An HTML block that is one entry of a list or definition list.
_HTML_ENTRY = re.compile(r"[ \t]*<(?:dt|li)[\s>]", re.I)
# A heading written as HTML in Markdown: ripgrep's FAQ puts each question between
# '<h3 name="config">' and '</h3>' lines, READMEs open with '<h1 align="center">'.
# Read as an HTML block, the FAQ was one section and its questions no headings.
_HTML_HEADING = re.compile(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>\s*", re.I | re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]" + LINK_TARGET)


_DD_MARKER = re.compile(r"[ \t]*:[ \t]+(?=[-*+]|\d+[.)])")


# Not text of a heading: an inline HTML or component tag ("input <NonInheritBadge />",
# "<Badge text="beta" />", VitePress and Docusaurus) and an attribute list with the
# closing hashes before it ("Version ## {: #version }", MkDocs' attr_list). Left in,
# "input" is no longer a heading that names an option (answer/shown.label).
_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>")
_ATTR_LIST = re.compile(r"(?:\s+#+)?\s*\{:?\s*[#.][^{}]*\}\s*$")


def plain(inline: str) -> str:
    """A heading's text without Markdown marks: "`--no-root`" -> "--no-root",
    "**Note** on `NO_PROXY`" -> "Note on NO_PROXY", "input <Badge />" -> "input",
    "x \\[array&lt;string&gt;]" -> "x [array<string>]", "[`Field()`][pydantic.Field]"
    -> "Field()"."""
    def prose(part: str) -> str:  # outside code spans, whose text is kept as written
        # Character references read as the characters they stand for (Jest's option
        # headings: "\\[array&lt;string&gt;]" is "[array<string>]"), after the tags go.
        # A template tag is no text either ("Marking lines {%- include badge.html -%}",
        # Jekyll's docs; "Render hooks {{< new-in 0.120.0 >}}", Hugo's).
        return html.unescape(_INLINE_MARKS.sub("", _TAG.sub("", TEMPLATE_TAG.sub("", part))))

    # A link shows its words: "via [`Annotated`][typing.Annotated] Metadata".
    text = REFERENCE_LINK.sub(r"\1", _LINK.sub(r"\1", _ATTR_LIST.sub("", inline)))
    parts, at = [], 0
    for m in _CODE_SPAN.finditer(text):
        parts.append(prose(text[at : m.start()]))
        parts.append(m.group(2).strip())
        at = m.end()
    parts.append(prose(text[at:]))
    return " ".join("".join(parts).split())


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _line_start(text: str, starts: list[int], line: int) -> int:
    """Where line ``line`` starts (the text's end past its last line)."""
    return starts[line] if line < len(starts) else len(text)


def _span(text: str, starts: list[int], first: int, last: int) -> tuple[int, int]:
    """Character span of lines [first, last), whitespace trimmed."""
    s, e = _line_start(text, starts, first), _line_start(text, starts, last)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def markdown_structure(text: str, mdx: bool = False) -> tuple[str | None, list[Section], list[Block]]:
    """Title, sections and blocks of Markdown ``text`` (offsets into ``text`` itself);
    ``mdx``: read as MDX reads it (see mdx_lines).

    Front matter holding fields of its own is a section, one block (front_fields);
    its ``title`` is the page's. Sections run from one heading to the next, whatever their levels;
    text before the first heading has an empty path.
    """
    body, title = front_matter(text)
    lines = front_fields(text)
    front = None if lines is None else Block(lines[0], lines[1], "item", fence=lines[2])
    moved: list[tuple[int, int, int]] = []
    if mdx:
        text, moved = mdx_lines(text, body)
    starts = _line_starts(text)
    # Parse only the body, but keep line numbers of the whole text.
    blocks, headings = _blocks(text, body, starts, mdx=mdx)
    if title is None:
        title = next((h for _, level, h in headings if level == 1 and h), None)
    sections = _sections(text, body, headings)
    if moved:
        at = mover(moved)
        blocks = [replace(b, start=at(b.start), end=at(b.end), opens=None if b.opens is None else at(b.opens))
                  for b in blocks]
        sections = [replace(x, start=at(x.start), end=at(x.end)) for x in sections]
    if front is not None:
        sections, blocks = [Section(front.start, front.end, ())] + sections, [front] + blocks
    return title, sections, blocks


def _blocks(text: str, at: int, starts: list[int], end: int | None = None,
            mdx: bool = False) -> tuple[list[Block], list[tuple[int, int, str]]]:
    """Blocks and headings (char start, level, text) of ``text[at:end]``, parsed alone,
    with offsets into ``text``."""
    offset_lines = text.count("\n", 0, at)
    tokens = _parser(mdx).parse(code_fenced(text[at:end]))
    blocks: list[Block] = []
    headings: list[tuple[int, int, str]] = []  # (char start, level, text)
    # Inside a list item whose lines are already a block, its paragraphs and code are
    # not blocks of their own; a nested list's items are.
    covered = False
    levels: list[bool] = []
    in_head = False
    entry_level = -1  # token level of the definition-list entry being covered
    note_close: tuple[str, int] | None = None  # the closing token of the short note being covered
    for i, t in enumerate(tokens):
        if note_close == (t.type, t.level):
            covered, note_close = levels.pop(), None
            continue
        if (t.type == "admonition_open" or t.type.startswith("container_") and t.type.endswith("_open")
                or t.type == "blockquote_open" and t.map and ALERT.match(text, starts[t.map[0] + offset_lines])) \
                and not covered and note_close is None and t.map:
            # A short admonition answers whole, as a MyST note does (see markup.NOTE_CHARS).
            s, e = _span(text, starts, t.map[0] + offset_lines + 1, t.map[1] + offset_lines)
            options = DIRECTIVE_OPTIONS.match(text, s, e)  # MyST's ":::{tip}" takes options too
            s = options.end() if options else s
            if s < e and short_note(text, s, e):
                blocks.append(Block(s, e, "item", opens=starts[t.map[0] + offset_lines]))
                levels.append(covered)
                covered, note_close = True, (t.type[: -len("_open")] + "_close", t.level)
            continue
        if t.type == "dl_open":
            levels.append(covered)
            continue
        if t.type == "dl_close":
            covered = levels.pop() if levels else False
            continue
        if t.type == "dt_open":
            if not covered and t.map:
                # An entry is its term and its definition, one block like a list item:
                # "--jobs N" is what "Run N jobs in parallel." is about.
                dd = next((u for u in tokens[i + 1 :] if u.type == "dd_open" and u.level == t.level), None)
                end = dd.map[1] if dd is not None and dd.map else t.map[0] + 1
                s, e = _span(text, starts, t.map[0] + offset_lines, end + offset_lines)
                if e > s:
                    blocks.append(Block(s, e, "item"))
                covered, entry_level = True, t.level
            continue
        if t.type == "dd_close" and t.level == entry_level:
            covered, entry_level = False, -1
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            levels.append(covered)
            covered = False
            continue
        if t.type in ("bullet_list_close", "ordered_list_close"):
            covered = levels.pop() if levels else False
            continue
        if t.type == "list_item_close":
            covered = False
            continue
        if t.type == "list_item_open":
            if t.map:
                # An item ends where its first nested list begins or where it ends.
                end = t.map[1]
                depth = 0
                for u in tokens[i + 1 :]:
                    if u.type == "list_item_open":
                        depth += 1
                    elif u.type == "list_item_close":
                        if depth == 0:
                            break
                        depth -= 1
                    if u.type in ("bullet_list_open", "ordered_list_open") and u.map:
                        end = u.map[0]
                        break
                s, e = _span(text, starts, t.map[0] + offset_lines, end + offset_lines)
                # A list that opens a definition shares the ":   " line with it.
                marker = _DD_MARKER.match(text, s, e)
                s = marker.end() if marker else s
                if e > s:
                    blocks.append(Block(s, e, "item"))
            covered = True
            continue
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        if not t.map:
            continue
        a, b = t.map[0] + offset_lines, t.map[1] + offset_lines
        if t.type == "heading_open":
            s, e = _span(text, starts, a, b)
            level = int(t.tag[1])
            headings.append((s, level, plain(tokens[i + 1].content)))
            blocks.append(Block(s, e, "heading"))
        elif t.type == "paragraph_open" and not covered:
            s, e = without_shortcodes(text, *_span(text, starts, a, b))
            if e > s and not (MYST_TARGET.fullmatch(text, s, e) or MDX_LINES.fullmatch(text, s, e)):
                blocks.append(Block(s, e, "paragraph"))
        elif t.type == "tr_open":
            s, e = _span(text, starts, a, b)
            blocks.append(Block(s, e, "header" if in_head else "row"))
        elif t.type in ("fence", "code_block") and not covered:
            directive = DIRECTIVE.match(t.info) if t.type == "fence" else None
            name = directive.group(1).lower() if directive else ""
            if name in PROSE_DIRECTIVES:
                blocks += _directive_blocks(text, starts, a, b)
            elif name not in NO_TEXT_DIRECTIVES:
                s, e = _span(text, starts, a, b)
                blocks.append(Block(s, e, "code"))
        elif t.type == "html_block" and not covered:
            s, e = _span(text, starts, a, b)
            heading = _HTML_HEADING.fullmatch(text, s, e)
            title = " ".join(plain(heading.group(2)).split()) if heading else ""
            if title:
                headings.append((s, int(heading.group(1)), title))
                blocks.append(Block(s, e, "heading"))
            elif not (COMMENT.fullmatch(text, s, e) or MDX_LINES.fullmatch(text, s, e)):
                # An option list written as HTML (Cargo's command pages: "<dt>--depth
                # <em>depth</em></dt><dd>Maximum display depth…</dd>") answers by entry,
                # as a Markdown list or definition list does.
                blocks.append(Block(s, e, "item" if _HTML_ENTRY.match(text, s, e) else "html"))
    blocks = [b for b in blocks if b.end > b.start]
    blocks.sort(key=lambda b: b.start)
    return blocks, headings


def _directive_blocks(text: str, starts: list[int], first: int, last: int) -> list[Block]:
    """The blocks of a directive fence's body (lines ``first`` to ``last``, its fence
    lines included): one item when short (see markup.short_note), else its own blocks, a
    heading inside read as a paragraph (it opens no section), each after the first
    carrying the opening fence line (Block.fence)."""
    def start(line: int) -> int:
        return _line_start(text, starts, line)

    at, end = start(first + 1), start(last)
    closing = text[start(last - 1) : end].strip()
    if last - first > 1 and closing and set(closing) <= {"`", "~"}:  # not when the fence runs to the end
        end = start(last - 1)
    options = DIRECTIVE_OPTIONS.match(text, at, end)
    at = options.end() if options else at
    if at >= end:
        return []
    inner, _ = _blocks(text, at, starts, end)
    if inner and short_note(text, inner[0].start, inner[-1].end):
        return [Block(inner[0].start, inner[-1].end, "item", opens=start(first))]
    fence = text[start(first) : start(first + 1)].strip()
    return [replace(b, kind="paragraph" if b.kind == "heading" else b.kind, opens=start(first) if n == 0 else None,
                    fence="" if n == 0 else fence) for n, b in enumerate(inner)]


def _sections(text: str, body: int, headings: list[tuple[int, int, str]]) -> list[Section]:
    out: list[Section] = []
    stack: list[tuple[int, str]] = []
    first = headings[0][0] if headings else len(text)
    if text[body:first].strip():
        out.append(Section(body, first, ()))
    for n, (start, level, name) in enumerate(headings):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, name))
        end = headings[n + 1][0] if n + 1 < len(headings) else len(text)
        out.append(Section(start, end, tuple(h for _, h in stack if h)))
    return out
