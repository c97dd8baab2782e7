"""MDX components on lines of their own (Mintlify's `<ParamField>` and `<Accordion>`,
Starlight's and Docusaurus' `<TabItem>`), as a reader of the built page sees them: a
box's or a tab's title over its body, a field's name, type and default, and no tag
lines. The quote keeps them; only what an answer shows changes."""

from __future__ import annotations

import re

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
