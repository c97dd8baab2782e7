"""A reference entry's field lines ("**Command line:** `--reload`", "**Default:**
`False`" over a setting's description, as Gunicorn's settings and tox's `.. conf::`
entries write them): which lines are fields, and the units of an entry's text that are
shown under them (answer/units.py makes the units, answer/shown.py shows them)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.answer.units import Unit

# A field line of a reference entry: "**Command line:** `--reload`", "- **Default**: `30`",
# "**Type:** int". Only labels that entries use (a sponsor list's "**GitHub Sponsors**:",
# an OS list's "**Linux:**", a "**NOTE:**" are the page's text), and a value that is
# code or short.
_FIELD_LABEL = (r"(?:default(?: value)?|type|value|values|possible values|allowed values|command[- ]line|cli|flag|"
                r"option|env(?:ironment)?(?: var(?:iable)?)?|config(?:uration)?(?: key| file)?|setting|required|"
                r"aliases?|scope|argument type|multiple arguments|units?|(?:version )?(?:added|changed|deprecated)"
                r"(?: in)?|since)")
FIELD = re.compile(rf"[ \t]*(?:[-*+][ \t]+)?\*\*(?i:{_FIELD_LABEL})(?::\*\*|\*\*:)[ \t]*(?:`[^\n]{{1,150}}|[^\s`][^\n]{{0,40}})")
# A version field says when, not what: fields that are all of this kind name nothing.
_WHEN = re.compile(r"[ \t]*(?:[-*+][ \t]+)?\*\*(?i:(?:version )?(?:added|changed|deprecated)(?: in)?|since)")
_FIELDS = 300  # more than a signature reads as the entry's text


def under_fields(text: str, sections, blocks, units: list[Unit]) -> list[Unit]:
    """``units`` with the prose, items and introductions of each section that opens with
    field lines (Gunicorn's settings: "**Command line:** `--reload`", "**Default:**
    `False`", then the description) shown under those lines, as a row under its head
    row: the description alone ("Restart workers when code changes.") does not say which
    flag it describes, and the question usually asks for the flag. Shown only
    (Unit.intro), not embedded: embedded, the description's cosine fell and answerable
    questions were declined (Gunicorn, 2 of 121). A list whose first items are fields
    and whose others are not is a list, not an entry's fields."""
    for sec in sections:
        body = [b for b in blocks if sec.start <= b.start < sec.end and b.kind not in ("heading", "header")]
        n = 0
        while n < len(body) and body[n].kind in ("paragraph", "item") and all(
                FIELD.fullmatch(line) for line in text[body[n].start : body[n].end].strip().split("\n")):
            n += 1
        if (not n or n == len(body) or body[n - 1].end - body[0].start > _FIELDS
                or body[n - 1].kind == "item" and body[n].kind == "item"):
            continue
        lines = [line.strip() for line in text[body[0].start : body[n - 1].end].strip().split("\n") if line.strip()]
        if all(_WHEN.match(line) for line in lines):
            continue
        # Apart, as the page shows them (in a Markdown reader, lines one newline apart
        # run into one paragraph, and into the quote under them).
        fields = "\n\n".join(lines) + "\n"
        after, end = body[n - 1].end, sec.end
        units = [replace(u, intro=fields) if after <= u.start < end and not u.context and not u.intro
                 and u.kind in ("sentence", "pair", "lead", "item") else u for u in units]
    return units
