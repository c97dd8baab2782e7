"""The structure of a document: its title, its sections (heading paths) and its blocks
(paragraphs, list items, table rows, code), with exact character offsets.

Markdown is read with markdown-it-py, whose block tokens carry their line ranges; HTML is
first turned into Markdown (markdownify over BeautifulSoup), so both take one path; PDF
sections come from the file's outline. Everything here is a pure function of text.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache

SECTION_SEP = " › "
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Section:
    start: int
    end: int
    path: tuple[str, ...]  # headings from the outermost down, e.g. ("Options", "Password prompt")

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
    # read as opening a code block.
    fence: str = ""


@lru_cache(maxsize=1)
def _parser():
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
    for name in _COLON_ADMONITIONS:
        md.use(container_plugin, name,
               validate=lambda params, *_, n=name: re.match(rf"\{{?{n}\b", params.strip()) is not None)
    return md


# An ES module import line, "import Tabs from '@theme/Tabs';" (MDX pages, Docusaurus).
_IMPORT_FROM = r"import\s[^\n]*\bfrom\s*['\"][^'\"\n]+['\"]"
# A MyST cross-reference target, "(option-boolean-flag)=" on its own line before a
# heading: a label for Sphinx, nothing for a reader.
_MYST_TARGET = re.compile(r"[ \t]*\([\w.:-]+\)=[ \t]*")
# Not text either, in a paragraph of its own: a container's marker line whose other end
# is in another chunk (":::" closing a ":::caution" the chunk before opened), and what
# Docusaurus reads as MDX in a .md page too: ES import lines and a component's tag
# ("import TOCInline from '@theme/TOCInline';", "<TOCInline toc={toc.slice(2)} />";
# a capitalized tag is a component, not HTML). Found on the Jest set by a reviewer.
_MDX_LINES = re.compile(rf"[ \t]*:{{3,}}[^\n]*|(?:[ \t]*(?:{_IMPORT_FROM};?"
                        r"|<[A-Z][\w.]*(?:\s[^\n]*)?/>)[ \t]*\n?)+")
# An HTML comment on lines of its own ("<!-- prettier-ignore -->" before an example,
# "<!-- TODO -->"): never rendered, so no block a reader could be answered with.
_COMMENT = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.S)

# A line that opens or closes a fenced code block.
FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.M)

# A container's or admonition's marker line (":::tip", "::: details", "!!! note",
# "??? info", '=== "Tab"', "```{note}", "{{% note %}}", "> [!NOTE]"): shown inside a
# quote, it reads as markup, not text.
MARKER_LINE = re.compile(r"^[ \t]*(?::{3,}|!!!|\?\?\?\+?|===|(?:`{3,}|~{3,})[ \t]*\{|\{\{[<%]|\{%|>[ \t]*\[!\w+\])", re.M)

# Docusaurus' and VitePress' (whose "::: details" folds and "::: code-group" holds one
# example per package manager).
_COLON_ADMONITIONS = ("note", "tip", "info", "warning", "danger", "caution", "important", "success", "secondary",
                      "details", "code-group", "admonition", "seealso", "hint", "attention", "error", "dropdown",
                      "versionadded", "versionchanged", "deprecated")


_FRONT = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\+\+\+)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*[:=]\s*[\"']?(.*?)[\"']?\s*$", re.M)
# MDX (Docusaurus) pages open with ES module lines ("import Tabs from '@theme/Tabs';"):
# code for the site's build, not text for a reader.
_ESM = re.compile(rf"(?:[ \t]*\n|(?:{_IMPORT_FROM}|import\s+['\"][^'\"\n]+['\"]"
                  r"|export\s+(?:default|const|function|let|var|class)\b[^\n]*);?[ \t]*\n)+")
# Emphasis marks (* and _ opening or closing a word) and escapes; an underscore inside a
# word (NO_PROXY) is part of it. Code spans are kept as they are, backticks dropped.
_INLINE_MARKS = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)|\\(?=[^\w\s])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# A Markdown link's target, "(https://example.org/a_(b).html "title")": one level of
# parentheses inside, or "<my file.md>" with spaces, and an optional title.
LINK_TARGET = r"\((?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)"
_LINK = re.compile(r"!?\[([^\]]*)\]" + LINK_TARGET)


_DD_MARKER = re.compile(r"[ \t]*:[ \t]+(?=[-*+]|\d+[.)])")


def front_matter(text: str) -> tuple[int, str | None]:
    """Where the body starts after YAML/TOML front matter and MDX's import lines, and
    the front matter's title."""
    m = _FRONT.match(text)
    body, title = (m.end(), _FRONT_TITLE.search(m.group(0))) if m else (0, None)
    esm = _ESM.match(text, body)
    if esm and esm.group(0).strip():
        body = esm.end()
    return body, (title.group(1).strip() or None) if title else None


# Not text of a heading: an inline HTML or component tag ("input <NonInheritBadge />",
# "<Badge text="beta" />", VitePress and Docusaurus) and an attribute list with the
# closing hashes before it ("Version ## {: #version }", MkDocs' attr_list). Left in,
# "input" is no longer a heading that names an option (pipeline.label).
_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>")
_ATTR_LIST = re.compile(r"(?:\s+#+)?\s*\{:?\s*[#.][^{}]*\}\s*$")


def plain(inline: str) -> str:
    """A heading's text without Markdown marks: "`--no-root`" -> "--no-root",
    "**Note** on `NO_PROXY`" -> "Note on NO_PROXY", "input <Badge />" -> "input",
    "x \\[array&lt;string&gt;]" -> "x [array<string>]"."""
    def prose(part: str) -> str:  # outside code spans, whose text is kept as written
        # Character references read as the characters they stand for (Jest's option
        # headings: "\\[array&lt;string&gt;]" is "[array<string>]"), after the tags go.
        return html.unescape(_INLINE_MARKS.sub("", _TAG.sub("", part)))

    text = _LINK.sub(r"\1", _ATTR_LIST.sub("", inline))
    parts, at = [], 0
    for m in _CODE_SPAN.finditer(text):
        parts.append(prose(text[at : m.start()]))
        parts.append(m.group(2).strip())
        at = m.end()
    parts.append(prose(text[at:]))
    return " ".join("".join(parts).split())


# A line holding nothing but template tags: Hugo's shortcodes ("{{% note %}}",
# "{{< tabs tabTotal="4" >}}", Poetry's docs), Jekyll's and GitBook's Liquid tags
# ("{% hint style="info" %}"). The site renders them as a box or tabs; glued to the
# paragraph they wrap, they would open its first sentence and close its last.
_TAG_BODY = r"(?:\{\{[<%](?:[^>%\n]|[>%](?!\}\}))*[>%]\}\}|\{%(?:[^%\n]|%(?!\}))*%\})"
SHORTCODE_LINE = re.compile(rf"[ \t]*{_TAG_BODY}(?:[ \t]*{_TAG_BODY})*[ \t]*(?=\n|\Z)")


def _without_shortcodes(text: str, s: int, e: int) -> tuple[int, int]:
    """The span [s, e) without the template-tag lines (SHORTCODE_LINE) that open or
    close it."""
    while s < e:
        m = SHORTCODE_LINE.match(text, s, e)
        if not m:
            break
        s = m.end()
        while s < e and text[s].isspace():
            s += 1
    while e > s:
        line = text.rfind("\n", s, e) + 1 or s
        if not SHORTCODE_LINE.fullmatch(text, line, e):
            break
        e = line
        while e > s and text[e - 1].isspace():
            e -= 1
    return s, e


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


def markdown_structure(text: str) -> tuple[str | None, list[Section], list[Block]]:
    """Title, sections and blocks of Markdown ``text`` (offsets into ``text`` itself).

    Front matter is skipped (its ``title`` is used). Sections run from one heading to
    the next, whatever their levels; text before the first heading has an empty path.
    """
    body, title = front_matter(text)
    starts = _line_starts(text)
    # Parse only the body, but keep line numbers of the whole text.
    blocks, headings = _blocks(text, body, starts)
    if title is None:
        title = next((h for _, level, h in headings if level == 1 and h), None)
    return title, _sections(text, body, headings), blocks


def _blocks(text: str, at: int, starts: list[int], end: int | None = None) -> tuple[list[Block], list[tuple[int, int, str]]]:
    """Blocks and headings (char start, level, text) of ``text[at:end]``, parsed alone,
    with offsets into ``text``."""
    offset_lines = text.count("\n", 0, at)
    tokens = _parser().parse(text[at:end])
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
                or t.type == "blockquote_open" and t.map and _ALERT.match(text, starts[t.map[0] + offset_lines])) \
                and not covered and note_close is None and t.map:
            # A short admonition answers whole, as a MyST note does (see NOTE_CHARS).
            s, e = _span(text, starts, t.map[0] + offset_lines + 1, t.map[1] + offset_lines)
            options = _DIRECTIVE_OPTIONS.match(text, s, e)  # MyST's ":::{tip}" takes options too
            s = options.end() if options else s
            if s < e and _short_note(text, s, e):
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
            s, e = _without_shortcodes(text, *_span(text, starts, a, b))
            if e > s and not (_MYST_TARGET.fullmatch(text, s, e) or _MDX_LINES.fullmatch(text, s, e)):
                blocks.append(Block(s, e, "paragraph"))
        elif t.type == "tr_open":
            s, e = _span(text, starts, a, b)
            blocks.append(Block(s, e, "header" if in_head else "row"))
        elif t.type in ("fence", "code_block") and not covered:
            directive = _DIRECTIVE.match(t.info) if t.type == "fence" else None
            name = directive.group(1).lower() if directive else ""
            if name in _PROSE_DIRECTIVES:
                blocks += _directive_blocks(text, starts, a, b)
            elif name not in _NO_TEXT_DIRECTIVES:
                s, e = _span(text, starts, a, b)
                blocks.append(Block(s, e, "code"))
        elif t.type == "html_block" and not covered:
            s, e = _span(text, starts, a, b)
            if not (_COMMENT.fullmatch(text, s, e) or _MDX_LINES.fullmatch(text, s, e)):
                blocks.append(Block(s, e, "html"))
    blocks = [b for b in blocks if b.end > b.start]
    blocks.sort(key=lambda b: b.start)
    return blocks, headings


# A MyST directive written as a fence ("```{note}", "```{admonition} Title",
# "```{toctree}"; Sphinx projects writing Markdown: Black, Jupyter Book): its body is
# Markdown a reader sees as a note, not code, so it is read for its blocks. Code
# directives stay code; the ones whose body is no text for a reader (a table of
# contents, an include, an image's path) are no blocks at all.
_DIRECTIVE = re.compile(r"\s*\{([\w:-]+)\}")
# Read as text: the directives whose body is prose for a reader. Any other one (a code
# cell, "{r}", "{doctest}", "{csv-table}", a directive of some extension) stays code,
# as it was before MyST was read at all.
_PROSE_DIRECTIVES = frozenset({"note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
                               "error", "admonition", "seealso", "versionadded", "versionchanged", "deprecated",
                               "dropdown", "topic", "sidebar", "margin", "rubric", "epigraph", "pull-quote",
                               "highlights", "card", "grid-item-card", "tab-item", "tab-set", "div", "glossary",
                               "list-table", "figure"})
_NO_TEXT_DIRECTIVES = frozenset({"toctree", "contents", "include", "literalinclude", "image", "tableofcontents",
                                 "autosummary"})
# A directive's options open its body (":maxdepth: 2", ":class: tip"), or MyST's
# YAML between "---" lines.
_DIRECTIVE_OPTIONS = re.compile(r"(?:[ \t]*:[\w-]+:[^\n]*\n)+|[ \t]*---[ \t]*\n.*?\n[ \t]*---[ \t]*\n", re.S)


# GitHub's alerts: a blockquote opening with "> [!NOTE]" (or TIP, IMPORTANT, WARNING,
# CAUTION) is rendered as a note box, its marker line as the box's title.
_ALERT = re.compile(r"[ \t]*>[ \t]*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*$", re.I | re.M)


# A short note (a MyST directive's, an admonition's, a container's body) answers whole,
# as a list item does: "Do not parallelize CLI tests with threads." alone lost the
# sentence after it that names pytest-xdist. Answer units' own limit
# (answer.units.MAX_UNIT_CHARS). Measured on the eleven dev sets (admonitions and
# containers; MyST notes came first): answer hit Jest +1, Prettier +2, uvicorn −1,
# Vite −1; right file +4 over the sets.
NOTE_CHARS = 600


# A note holding a heading answers no more whole than its sections would; one holding a
# code block is not cut as prose when it exceeds a chunk (an item's pieces carry no fence).
_HEADING_LINE = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)", re.M)


def _short_note(text: str, s: int, e: int) -> bool:
    return (e - s <= NOTE_CHARS and not MARKER_LINE.search(text, s, e) and not FENCE_LINE.search(text, s, e)
            and not _HEADING_LINE.search(text, s, e))


def _directive_blocks(text: str, starts: list[int], first: int, last: int) -> list[Block]:
    """The blocks of a directive fence's body (lines ``first`` to ``last``, its fence
    lines included): one item when short (see _short_note), else its own blocks, a
    heading inside read as a paragraph (it opens no section), each after the first
    carrying the opening fence line (Block.fence)."""
    def start(line: int) -> int:
        return _line_start(text, starts, line)

    at, end = start(first + 1), start(last)
    closing = text[start(last - 1) : end].strip()
    if last - first > 1 and closing and set(closing) <= {"`", "~"}:  # not when the fence runs to the end
        end = start(last - 1)
    options = _DIRECTIVE_OPTIONS.match(text, at, end)
    at = options.end() if options else at
    if at >= end:
        return []
    inner, _ = _blocks(text, at, starts, end)
    if inner and _short_note(text, inner[0].start, inner[-1].end):
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


# Elements whose content a reader never sees.
_HIDDEN_TAGS = ["script", "style", "noscript", "template", "head", "svg", "iframe", "object", "button"]
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def html_to_markdown(markup: str) -> tuple[str, str | None]:
    """The visible text of an HTML page as Markdown (headings, lists, tables, code kept),
    and its <title>. Hidden elements (``hidden``, ``aria-hidden``, ``display:none``) are
    left out, but for a tab's panel, which a click shows."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else None
    # A docs site's page is its content plus chrome repeated on every page (menus,
    # sidebars, footers, the "¶" anchors beside headings): read the page's main
    # element when it marks one, and leave the chrome out either way, or every page
    # would answer "where is the changelog?" with its sidebar.
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        soup = main
    chrome = soup.find_all(["nav", "footer"]) + soup.find_all(
        attrs={"role": ["navigation", "search", "banner", "contentinfo", "complementary"]})
    # A page's own header and asides stay (an article's <header> holds its title, an
    # <aside> in the text is a note); the site's, outside any article, go.
    chrome += [t for t in soup.find_all(["header", "aside"]) if t.find_parent(["article", "main", "section"]) is None]
    # Sphinx's "[source]" and "[docs]" links beside each API entry (viewcode) are
    # chrome too: they would sit in every signature a chunk carries.
    chrome += soup.find_all("a", class_="headerlink") + soup.find_all(class_=["viewcode-link", "viewcode-back"])
    for tag in chrome:
        if not tag.decomposed:  # inside chrome already gone
            tag.decompose()
    # A tab's panel (sphinx-tabs, Docusaurus: role="tabpanel") is hidden until its tab
    # is clicked, so it is read like the one shown, under its tab's label ("Windows"):
    # the Flask dev set's Windows commands were only there. Read before the buttons
    # holding the labels go.
    for panel in soup.find_all(attrs={"role": "tabpanel"}):
        tab = soup.find(id=panel.get("aria-labelledby")) if panel.get("aria-labelledby") else None
        name = " ".join(tab.get_text(" ").split()) if tab is not None else ""
        if name and not " ".join(panel.get_text(" ").split()).startswith(name):
            label = soup.new_tag("p")
            label.string = name + ":"
            panel.insert(0, label)
    for tag in soup(_HIDDEN_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = tag.attrs or {}
        if attrs.get("role") == "tabpanel":
            continue
        if ("hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
                or _HIDDEN_STYLE.search(str(attrs.get("style", "")))):
            tag.decompose()
    # Links keep their text only and images go: URLs would fill quotes and embeddings
    # with noise a reader does not see. Nothing is escaped: the text is only ever read
    # for its blocks, never rendered, and "use\_directory\_urls" in a quote is neither
    # what the page shows nor what a reader searches for (HTML copies of the MkDocs dev
    # set: answer hit 0.700 with markdownify's escapes).
    md = MarkdownConverter(heading_style="ATX", bullets="-", strip=["a", "img"], escape_misc=False,
                           escape_underscores=False, escape_asterisks=False, code_language="").convert_soup(soup)
    lines = [line.rstrip() for line in md.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text, title or None


def pdf_sections(reader, page_texts: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(page index, offset in that page's text, heading path) of each outline entry,
    in reading order; empty when the PDF has no outline. An entry's offset is where
    its title appears on its page, else the page's start."""
    entries: list[tuple[int, int, tuple[str, ...]]] = []

    def walk(items, path: tuple[str, ...]):
        last: tuple[str, ...] | None = None
        for item in items:
            if isinstance(item, list):
                if last is not None:
                    walk(item, last)
                continue
            title = " ".join(str(getattr(item, "title", "") or "").split())
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # noqa: BLE001 - a broken outline entry only loses that heading
                log.debug("an outline entry has no page", exc_info=True)
                page = None
            last = path + (title,)
            if page is not None and page >= 0 and title:
                text = page_texts[page] if page < len(page_texts) else ""
                at = text.lower().find(title.lower())
                entries.append((page, max(at, 0), last))

    try:
        walk(reader.outline, ())
    except Exception:  # noqa: BLE001 - pypdf raises many types on odd outlines; pages still index
        log.debug("reading a PDF outline failed", exc_info=True)
        return []
    entries.sort(key=lambda e: (e[0], e[1]))
    return entries
