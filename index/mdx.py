"""MDX pages as MDX reads them: no indented code blocks (mdx_lines, for structure.py),
and components on lines of their own (Mintlify's `<ParamField>` and `<Accordion>`,
Starlight's and Docusaurus' `<TabItem>`) shown as a reader of the built page sees them:
a box's or a tab's title over its body, a field's name, type and default, no tag lines.
The quote keeps them as written."""

from __future__ import annotations

import bisect
import re

from index.fences import fence_step

# One component tag alone on its line: "<Accordion title="OpenAI">", "</Tab>", "<Card
# title="x" />". A capitalized name is a component, not HTML.
_TAG_LINE = re.compile(r"([ \t]*)<(/?)([A-Z][\w.]*)((?:\s+[\w:-]+(?:=(?:\"[^\"\n]*\"|'[^'\n]*'|\{[^{}\n]*\}))?)*)"
                       r"\s*(/?)>[ \t]*")
_ATTR = re.compile(r"([\w:-]+)(?:=(?:\"([^\"\n]*)\"|'([^'\n]*)'|\{([^{}\n]*)\}))?")
# Boxes whose kind is their title when they have none (Mintlify's <Note>, Starlight's
# <Aside type="caution">).
_BOXES = frozenset({"note", "tip", "warning", "info", "check", "caution", "danger", "important", "aside", "callout"})
# A field of an API or a configuration (Mintlify's <ParamField path="location"
# type="str" default="…">, <ResponseField name="id">): its name is in one of these.
_FIELD_NAMES = ("path", "query", "body", "header", "name")


def component_title(line: str) -> str | None:
    """What a component's opening tag ``line`` is shown as over its body ("OpenAI",
    "Tip", "`location` (str, default: "./.checkpoints")"), "" for a tag that shows
    nothing (a closing tag, <Steps>, <CodeGroup>), or None when ``line`` is no
    component tag line."""
    m = _TAG_LINE.fullmatch(line)
    if m is None:
        return None
    if m.group(2):
        return ""
    name = m.group(3)
    attrs = {a.group(1).lower(): next((v for v in a.group(2, 3, 4) if v is not None), "")
             for a in _ATTR.finditer(m.group(4))}
    field = next((attrs[k] for k in _FIELD_NAMES if attrs.get(k)), None)
    if field is not None and name.lower().endswith("field"):
        facts = [attrs.get("type", ""), f"default: {attrs['default']}" if attrs.get("default") else "",
                 "required" if "required" in attrs else ""]
        said = ", ".join(f for f in facts if f)
        return f"`{field}`" + (f" ({said})" if said else "")
    title = attrs.get("title") or attrs.get("label")
    if title:
        return title
    if name.lower() in _BOXES:
        return (attrs.get("type") or name).capitalize()
    if name.endswith("TabItem") and attrs.get("value"):
        return attrs["value"]  # Docusaurus labels a tab with its value when it has no label
    return ""


def components_shown(text: str) -> str:
    """``text`` (outside code) with each component tag line shown as its title ("OpenAI:")
    or not at all; a blank line after a dropped one goes too, so no gap of two lines."""
    if "<" not in text:
        return text
    out: list[str] = []
    dropped = False
    for line in text.split("\n"):
        title = component_title(line) if "<" in line else None
        if title is None:
            if not (dropped and not line.strip() and (not out or not out[-1].strip())):
                out.append(line)
            dropped = False
        elif title:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{title}{'' if _TAG_LINE.fullmatch(line).group(5) else ':'}")
            dropped = False
        else:
            dropped = True
    return "\n".join(out)


def mdx_lines(text: str, body: int = 0) -> tuple[str, list[tuple[int, int, int]]]:
    """``text`` with each line of its body (from ``body``, past the front matter)
    indented four columns or more, outside a code block, written with its indentation at
    its end instead, and those lines (start, length of the indentation, length of the
    rest): MDX has no indented code blocks, and Mintlify's pages indent whole bodies
    inside components ("<Accordion>" over "    Set the key:" and "    ```toml"). Read as
    CommonMark, that prose was code, and a fence indented so was no fence: its code at
    column 0 ("# Use the interceptor") read as a heading, the section of the rest of the
    page. Same length: line numbers hold, and mover maps offsets back to the text as
    written."""
    if "\n    " not in text and "\n\t" not in text:
        return text, []
    lines, fence, moved, at = text.split("\n"), None, [], 0
    for n, line in enumerate(lines):
        if at < body:
            at += len(line) + 1
            continue
        is_fence, after = fence_step(line, fence)
        bare = line.lstrip(" \t")
        indent = len(line) - len(bare)
        if bare and (fence is None or is_fence) and len(line[:indent].expandtabs(4)) >= 4:
            lines[n] = bare + line[:indent]  # inside a code block a line stays as written
            moved.append((at, indent, len(bare)))
        fence = after
        at += len(line) + 1
    return "\n".join(lines), moved


def mover(moved: list[tuple[int, int, int]]):
    """Offsets in mdx_lines' text -> offsets in the text as written: within a moved
    line's words, shifted by its indentation; in the indentation written after them,
    the line's end."""
    firsts = [m[0] for m in moved]

    def at(p: int) -> int:
        i = bisect.bisect_right(firsts, p) - 1
        if i < 0:
            return p
        start, indent, words = moved[i]
        return p if p > start + words + indent else min(p, start + words) + indent

    return at
