"""The opening lines of notes, as the docs tools write them: admonitions (":::tip",
"!!! note", pymdownx's "/// tip"), containers, content tabs' "//// tab" and GitHub's
alerts, MkDocs Material's '=== "tab"' (MyST's directive fences: myst.py; MDX components: mdx.py); what a note's opener
is shown as over its body; the markdown-it rule that reads a content tab's body
(tabbed). structure.py reads the notes with them, markup.py and the answer show them."""

from __future__ import annotations

import re

from index.mdx import component_title
from index.myst import directive_title

# Admonitions and containers written with colons (":::tip"), as Docusaurus and VitePress
# write them (VitePress' "::: details" folds, its "::: code-group" holds one example per
# package manager).
COLON_ADMONITIONS = ("note", "tip", "info", "warning", "danger", "caution", "important", "success", "secondary",
                     "details", "code-group", "admonition", "seealso", "hint", "attention", "error", "dropdown",
                     "versionadded", "versionchanged", "deprecated")

# pymdownx.blocks, as FastAPI's docs write admonitions and tabs: "/// tip", "/// note |
# Technical Details", "//// tab | Python 3.10+" over a body, closed by a line of as many
# slashes. Read without a rule, "/// tip" was a paragraph of its own (a unit), and the
# tip's body no note. The names are pymdownx's; a Rust doc comment ("/// Returns…") is
# none of them.
SLASH_BLOCKS = ("note", "tip", "info", "warning", "danger", "caution", "important", "attention", "hint",
                "error", "success", "check", "question", "example", "quote", "abstract", "summary", "bug",
                "failure", "admonition", "details", "tab", "version-added", "version-changed", "version-removed",
                "deprecated")
# pydantic's own kinds ("/// version-added | v2.11"), shown as the site titles them.
_VERSION_NOTES = {"version-added": "Added in", "version-changed": "Changed in", "version-removed": "Removed in",
                  "deprecated": "Deprecated in"}
SLASH_OPEN = re.compile(rf"([ \t]*)/{{3,}}[ \t]*({'|'.join(SLASH_BLOCKS)})(?:[ \t]*\|[ \t]*([^\n]*?))?[ \t]*")
SLASH_CLOSE = re.compile(r"[ \t]*/{3,}[ \t]*")

# GitHub's alerts: a blockquote opening with "> [!NOTE]" (or TIP, IMPORTANT, WARNING,
# CAUTION) is rendered as a note box, its marker line as the box's title.
ALERT = re.compile(r"[ \t]*>[ \t]*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*$", re.I | re.M)

# A content tab's marker line as MkDocs Material writes it (pymdownx.tabbed):
# '=== "Mercurial"', its indentation and its label as groups. structure.py reads the
# tab's body; an answer shows the marker as its label, and over a quote of its body.
TAB_LINE = re.compile(r'^([ \t]*)===[+!]?[ \t]+"([^"\n]*)"[ \t]*$', re.M)

# The opening line of a note, with its kind and title: ":::tip[Use the CLI]", ":::note
# Title", '!!! warning "Title"', "??? info", "/// tip | Title", "> [!NOTE]".
_NOTE_OPEN = re.compile(r"[ \t]*(?::{3,}[ \t]*\{?(\w+)\}?(?:[ \t]*\[([^\]\n]*)\]|[ \t]+([^\n]*?))?"
                        r"|(?:!!!|\?\?\?\+?)[ \t]*(\w+)(?:[ \t]+\"([^\"\n]*)\")?"
                        r"|>[ \t]*\[!(\w+)\])[ \t]*")


# A collapsible block's title line as Markdown pages write it ("<details>" then
# "<summary>Fish</summary>", Starship's per-shell set-up): a label over its body, as a
# tab's is.
_SUMMARY = re.compile(r"[ \t]*(?:<details(?:\s[^<>\n]*)?>[ \t]*)?<summary(?:\s[^<>\n]*)?>(.*?)</summary>[ \t]*")
_TAG = re.compile(r"<[^<>\n]*>")


def note_title(line: str) -> str | None:
    """What a note's opening ``line`` is shown as over its body ("Tip", its title, a
    tab's label, a collapsible block's summary), or None when it opens no note."""
    if (m := _SUMMARY.fullmatch(line)) and (title := _TAG.sub("", m.group(1)).strip()):
        return title
    if m := SLASH_OPEN.fullmatch(line):
        if version := _VERSION_NOTES.get(m.group(2)):
            return f"{version} {m.group(3)}" if m.group(3) else version.split()[0]
        return m.group(3) or m.group(2).capitalize()
    if (title := directive_title(line)) is not None:
        return title
    if title := component_title(line):  # "<Note>", '<Accordion title="OpenAI">'
        return title
    if m := TAB_LINE.fullmatch(line):  # '=== "pip"': which tool an example is for
        return m.group(2)
    m = _NOTE_OPEN.fullmatch(line)
    if m is None:
        return None
    kind = m.group(1) or m.group(4) or m.group(6)
    if m.group(1) and kind.lower() not in COLON_ADMONITIONS:
        return None
    return m.group(2) or m.group(3) or m.group(5) or kind.capitalize()


# A colon container's closing line (":::"), which a site never shows.
COLON_CLOSE = re.compile(r"[ \t]*:{3,}[ \t]*")


def opener_shown(line: str) -> str | None:
    """A note's opening ``line`` as a page shows it inside a quote that runs past it
    (":::tip", "!!! tip" and "/// tip" as "Tip:", '!!! warning "Careful"' as "Careful:", a GitHub
    alert's "> [!TIP]" as "> Tip:", "<summary>Fish</summary>" as "Fish:", each at its
    indentation), or None when it opens no note of these forms."""
    m = SLASH_OPEN.fullmatch(line) or _NOTE_OPEN.fullmatch(line) or _SUMMARY.fullmatch(line)
    if m is None or (title := note_title(line)) is None:
        return None
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}> {title}:" if m.re is _NOTE_OPEN and m.group(6) else f"{indent}{title}:"


# A content tab as MkDocs Material writes it (pymdownx.tabbed): '=== "Docker"' over a
# body indented four spaces. Without a rule the body joins the marker's paragraph or is
# read as an indented code block, so the tables and code in tabs (Traefik's metrics,
# Hatch's VCS schemes) were no rows. mdit-py-plugins has no tabs plugin: this rule is
# admon_plugin's, for the "===" marker (TAB_LINE), emitting tabbed_open /
# tabbed_close around the body's own blocks.


def tabbed(state, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # an indented code block's line
    start, maximum = state.bMarks[start_line] + state.tShift[start_line], state.eMarks[start_line]
    if not state.src.startswith("===", start) or not TAB_LINE.match(state.src[start:maximum]):
        return False
    if silent:
        return True
    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "tabbed"
    state.blkIndent = state.sCount[start_line] + 4
    line = start_line
    while (line := line + 1) < end_line:
        # Ends at a line with text indented less than the body; blank lines, however
        # many, stay in it (as pymdownx.tabbed reads it; admon_plugin ends at two).
        if state.bMarks[line] + state.tShift[line] < state.eMarks[line] and state.sCount[line] < state.blkIndent:
            break
    state.lineMax = line
    token = state.push("tabbed_open", "div", 1)
    token.block, token.map, token.info = True, [start_line, line], state.src[start:maximum]
    state.md.block.tokenize(state, start_line + 1, line)
    state.push("tabbed_close", "div", -1).block = True
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = line
    return True
