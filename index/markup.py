"""The markup docs tools write around their text, recognized: MDX's import lines and
components, MyST's targets and directive fences, admonition and container markers,
GitHub's alerts, Hugo's and Liquid's template tags, when a note is short enough to
answer whole, and HTML written inside Markdown read as its reader sees it. Pure
functions; structure.py reads blocks with them, chunking.py and the answer read text
(answer/rendered.py shows it as a built page reads).
"""

from __future__ import annotations

import bisect
import html
import re

from index.fences import ITEM_MARKER, fence_step
from index.notes import SLASH_BLOCKS

# An ES module import line, "import Tabs from '@theme/Tabs';" (MDX pages, Docusaurus).
IMPORT_FROM = r"import\s[^\n]*\bfrom\s*['\"][^'\"\n]+['\"]"
# Not text either, in a paragraph of its own: a container's marker line whose other end
# is in another chunk (":::" closing a ":::caution" the chunk before opened), and what
# Docusaurus reads as MDX in a .md page too: ES import lines and a component's tag
# ("import TOCInline from '@theme/TOCInline';", "<TOCInline toc={toc.slice(2)} />";
# a capitalized tag is a component, not HTML). Found on the Jest set by a reviewer.
MDX_LINES = re.compile(rf"[ \t]*:{{3,}}[^\n]*|(?:[ \t]*(?:{IMPORT_FROM};?"
                       r"|<[A-Z][\w.]*(?:\s[^\n]*)?/>)[ \t]*\n?)+")
# An HTML comment on lines of its own ("<!-- prettier-ignore -->" before an example,
# "<!-- TODO -->"): never rendered, so no block a reader could be answered with.
COMMENT = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.S)

# A line that opens or closes a fenced code block.
FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.M)

# A container's or admonition's marker line (":::tip", "::: details", "!!! note",
# "??? info", '=== "Tab"', "/// tip", "```{note}", "{{% note %}}", "> [!NOTE]"): shown
# inside a quote, it reads as markup, not text.
MARKER_LINE = re.compile(r"^[ \t]*(?::{3,}|!!!|\?\?\?\+?|===|(?:`{3,}|~{3,})[ \t]*\{|\{\{[<%]|\{%|\{\*[ \t]"
                         rf"|>[ \t]*\[!\w+\]|/{{3,}}[ \t]*(?:$|(?:{'|'.join(SLASH_BLOCKS)})\b))", re.M)


# mkdocs-autorefs' anchor, "[](){#strict-mode}": a link target with no text, never shown.
AUTOREF_ANCHOR = r"\[\]\(\)\{#[\w:.-]+\}"

# A line holding nothing but template tags: Hugo's shortcodes ("{{% note %}}",
# "{{< tabs tabTotal="4" >}}", Poetry's docs), Jekyll's and GitBook's Liquid tags
# ("{% hint style="info" %}", "{% raw %}"), kramdown's attribute lines ("{: .note
# .info}" under the paragraph it styles, Jekyll's docs) and FastAPI's code includes
# ("{* ../../docs_src/settings/tutorial001.py hl[2] *}", whose code is in a .py file),
# mkdocs-macros' placeholders ("{{ conversion_table_json }}", pydantic's docs: a table
# the build writes in) and mkdocs-autorefs' anchors ("[](){#model-and-field-level-
# include-and-exclude}", a link target with no text). The site renders them as a box,
# tabs or the file's code, or not at all; glued to the paragraph they wrap, they would
# open its first sentence and close its last.
_TAG_BODY = (r"(?:\{\{[<%](?:[^>%\n]|[>%](?!\}\}))*[>%]\}\}|\{%(?:[^%\n]|%(?!\}))*%\}"
             r"|\{:[^{}\n]*\}|\{\*[ \t][^\n]*?[ \t]\*\}|\{\{[ \t]*[\w.]+[ \t]*\}\}|" + AUTOREF_ANCHOR + ")")
TEMPLATE_TAG = re.compile(_TAG_BODY)
SHORTCODE_LINE = re.compile(rf"[ \t]*{_TAG_BODY}(?:[ \t]*{_TAG_BODY})*[ \t]*(?=\n|\Z)")


def without_shortcodes(text: str, s: int, e: int) -> tuple[int, int]:
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


# Hugo's shortcodes that show their body as code: "{{< code-toggle file=hugo >}}" (a
# configuration, shown in TOML, YAML and JSON tabs), "{{< highlight go >}}"; and
# Liquid's "{% highlight ruby %}" … "{% endhighlight %}" (Jekyll). Read as a paragraph,
# a TOML body's lines were joined into one sentence, and a YAML comment line would be a
# heading. Their tag lines are read as fences (code_fenced), the language taken from
# the opening tag.
_CODE_OPEN = re.compile(r"[ \t]*(?:\{\{<[ \t]*(code-toggle|highlight)\b((?:[^/>\n]|/(?!>)|>(?!\}\}))*)>\}\}"
                        r"|\{%-?[ \t]*(highlight)\b([^%\n]*?)-?%\})[ \t]*")
_CODE_CLOSE = re.compile(r"[ \t]*(?:\{\{<[ \t]*/[ \t]*(code-toggle|highlight)[ \t]*>\}\}"
                         r"|\{%-?[ \t]*end(highlight)[ \t]*-?%\})[ \t]*")
def code_opener(line: str, body: str = "") -> str | None:
    """The fence a reader sees for a code shortcode's opening tag line ("```go"), or None.
    code-toggle's language is read from its ``body`` (TOML when not known)."""
    m = _CODE_OPEN.fullmatch(line)
    if m is None:
        return None
    if m.group(1) == "code-toggle":
        return "```" + _toggle_lang(body)
    args = (m.group(2) if m.group(1) else m.group(4)) or ""
    return "```" + (args.split() or [""])[0].strip("\"'")


def _toggle_lang(body: str) -> str:
    # code-toggle's body is written in TOML, YAML or JSON (Hugo shows all three).
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    if lines and lines[0].startswith("{"):
        return "json"
    return "toml" if any(re.match(r"[\w.\"'-]+\s*=|\[", ln) for ln in lines) or not lines else "yaml"


def code_fenced(text: str, shown: bool = False) -> str:
    """``text`` with each code shortcode's tag lines (_CODE_OPEN, _CODE_CLOSE) as fence
    lines: of the same length, offsets kept, for parsing; ``shown``, as a reader sees the
    block ("```go"). Inside a fenced code block a tag is an example of one, left as
    written (Jekyll's docs show "{% highlight ruby %}" in a ```liquid block). One pass
    over the lines: an opener without its closer costs nothing more."""
    if "{{<" not in text and "{%" not in text:
        return text
    lines = text.split("\n")
    fence = None  # the marker of the fenced block we are in
    opened = None  # (line index, kind) of the code tag waiting for its closer
    for n, line in enumerate(lines):
        if opened is None:
            is_fence, fence = fence_step(line, fence)
            if is_fence:
                continue
        if fence is not None:
            continue
        if opened is None:
            m = _CODE_OPEN.fullmatch(line)
            if m:
                opened = (n, m.group(1) or m.group(3))
            continue
        m = _CODE_CLOSE.fullmatch(line)
        if m and (m.group(1) or m.group(2)) == opened[1]:
            first = opened[0]
            indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
            if shown:
                lang = code_opener(lines[first], "\n".join(lines[first + 1 : n]))
                lines[first], lines[n] = indent + lang, indent + "```"
            else:
                close = line[: len(line) - len(line.lstrip())] + "```"
                lines[first], lines[n] = f"{indent + '```':<{len(lines[first])}}", f"{close:<{len(line)}}"
            opened = None
    return "\n".join(lines)


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


def short_note(text: str, s: int, e: int) -> bool:
    return (e - s <= NOTE_CHARS and not MARKER_LINE.search(text, s, e) and not FENCE_LINE.search(text, s, e)
            and not _HEADING_LINE.search(text, s, e))


# An HTML tag written in Markdown: '<dt class="option-term" id="option-cargo-add---dev">'.
# Only HTML's own tag names, so that "Vec<T>" or "<path>" in prose stays; not after a
# backslash, which Markdown shows as written ("\\<b>").
_HTML_TAG = re.compile(
    r"(?<!\\)</?(a|abbr|b|br|blockquote|caption|center|cite|code|col|colgroup|dd|del|details|dfn|div|dl|dt|em|"
    r"figcaption|figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|picture|pre|s|samp|small|source|span|strong|sub|"
    r"summary|sup|table|tbody|td|tfoot|th|thead|tr|u|ul|var)(?:\s[^<>]*)?/?>", re.I)
# Tags that break a line where they stand ("<p>First.</p><p>Second.</p>" is two lines,
# not "First.Second."); the others join their words.
_BREAKING = frozenset("blockquote br caption center dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 "
                      "hr li ol p picture pre summary table tbody td tfoot th thead tr ul".split())
# How an answer shows the tags a reader sees as formatting ("<code>--dev</code>" as `--dev`).
_SHOWN = {"code": "`", "em": "_", "i": "_", "strong": "**", "b": "**"}
_CHAR_REF = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
# A fenced code block (to a closing fence at least as long, or to the end of a chunk
# cut inside it) or a code span (its opening run of backticks whole, so that a long run
# costs one pass, not one per backtick). An indented code block is not told apart: in
# an HTML block, indented lines are the block's own. A list item may open with its
# fence ("- ```"), as fences.fence_step reads it.
FENCED = r"^[ \t]*(?:" + ITEM_MARKER + r")?(`{3,}|~{3,})[^\n]*(?:\n.*?^[ \t]*\1[`~]*[ \t]*$|.*\Z)"
_CODE = re.compile(FENCED + r"|(?<!`)(`+)(?!`)[^`\n]+?(?<!`)\2(?!`)", re.M | re.S)

# A reference-style link, "[`process.emitWarning()`][emit_warning]" or "[semi-space][]":
# its label names a definition at the end of the file, which no reader sees (Node's
# API docs write most links so, Cargo's many). Not after a word, a bracket or a
# backtick: "args[0][1]" is code. Its words may wrap, not across a blank line.
REFERENCE_LINK = re.compile(r"(?<![\w\]`\\])\[((?:[^\[\]\n`]|\n(?![ \t]*\n)|`[^`\n]*`)+)\]\[[^\[\]\n]*\]")


def without_tags(text: str, shown: bool = False) -> str:
    """``text`` without the HTML tags and comments written in it, its character
    references read ("&lt;" is "<"), as Markdown shows it; ``shown``: code, emphasis
    and bold as Markdown's own marks, for an answer. Code blocks and code spans keep
    all: there a tag is the example ("<div id="app">")."""
    if "<" not in text and "&" not in text:
        return text
    out, at, row = [], 0, bool(_ROW.match(text))
    for m in _CODE.finditer(text) if "`" in text or "~~~" in text else ():
        out += [_untagged(text[at : m.start()], shown, row if at else None), m.group(0)]
        # Whether the line the next piece starts on is a table row: found once per line
        # (a long row of code spans is not scanned again for each).
        if (nl := text.rfind("\n", at, m.end())) >= 0:
            row = bool(_ROW.match(text, nl + 1))
        at = m.end()
    out.append(_untagged(text[at:], shown, row if at else None))
    read = "".join(out)
    # A line break a tag made at either end (a quote opening with "<dl>") is no text.
    return read.strip("\n") if read != text else text


def _untagged(text: str, shown: bool, row: bool | None = None) -> str:
    """``text`` (a piece outside code) without its tags; ``row``: whether the line it
    starts in mid-way is a table row (None: it starts a line)."""
    if "<!--" in text:
        text = _without_comments(text)
    if "<" in text:
        rows = _row_spans(text, row) if "|" in text or row else ()

        def tag(m: re.Match) -> str:
            name = m.group(1).lower()
            if shown and name in _SHOWN:
                return _SHOWN[name]
            if name not in _BREAKING:
                return ""
            # In a table row a break is a space: a new line would end the row ("| a<br />b |"
            # read as a row cut in two; Traefik's option tables put one in most cells).
            i = bisect.bisect_right(rows, m.start())
            return " " if i % 2 else "\x00"
        text = _HTML_TAG.sub(tag, text)
        if "\x00" in text:
            # Each break and the blank space around it is one line break. Split, not a
            # regex: "\s*\x00" backtracks over every space of a long run of them.
            parts = text.split("\x00")
            inner = [p.strip() for p in parts[1:-1]]
            text = "\n".join([parts[0].rstrip(), *(p for p in inner if p), parts[-1].lstrip()])
    return _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


# A Markdown table row: a line that opens with "|".
_ROW = re.compile(r"[ \t]*\|")
_ROW_LINE = re.compile(r"^[ \t]*\|.*$", re.M)
_PADDING = re.compile(r"[ \t]{2,}(?=\|)|(?<=\|)[ \t]{2,}")
# A table's delimiter row ("|---|:--:|", "--- | ---"), the line under its head row.
DELIMITER_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*")


def unpadded(text: str) -> str:
    """``text`` with its table rows' cells without the blank space that pads each to its
    column's widest: Traefik pads the cells of its option tables to 300 characters, which
    a chat message shows as they are."""
    if "|  " not in text and "  |" not in text:
        return text
    out, in_code = [], False
    for line in text.split("\n"):
        if FENCE_LINE.match(line):
            in_code = not in_code
        # A code block's lines are shown as written: an ASCII tree ("|   |-- index.md").
        out.append(_PADDING.sub(" ", line).lstrip() if not in_code and _ROW.match(line) else line)
    return "\n".join(out)


def _row_spans(text: str, first: bool | None) -> list[int]:
    """The table rows' lines of ``text`` as a flat sorted list [start, end, start, end…]
    (a position is in a row when bisect_right of it is odd). ``first``: whether its first
    line, begun before ``text``, is a row (None: ``text`` starts a line)."""
    spans = []
    for m in _ROW_LINE.finditer(text):
        if m.start() or first is None:
            spans += [m.start(), m.end()]
    if first:
        end = text.find("\n")
        spans = [0, len(text) if end < 0 else end] + spans
    return spans


def _without_comments(text: str) -> str:
    # By hand, not "<!--.*?-->": with no closer left, the pattern would scan to the end
    # from every opener (a file of "<!--" took minutes).
    out, at = [], 0
    while (start := text.find("<!--", at)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        out.append(text[at:start])
        at = end + 3
    out.append(text[at:])
    return "".join(out)
