"""Fenced code blocks followed line by line, for the passes that must not read inside
code (markup's tags and labels, MyST's directives, MDX's indentation)."""

from __future__ import annotations

import re

# A list item's marker: an item may open with its fence ("- ```", pip's environment
# variables); only a bare fence closes one.
ITEM_MARKER = r"(?:[-*+]|\d{1,9}[.)])[ \t]+"
# A fence line's marker: its run of backticks or tildes (a block closes on a run of the
# same character at least as long).
_FENCE_MARK = re.compile(r"[ \t]*(" + ITEM_MARKER + r")?(`{3,}|~{3,})")


def fence_step(line: str, fence: str | None) -> tuple[bool, str | None]:
    """Whether ``line`` is a fence line, and the marker of the fenced block open after
    it, given ``fence``, the one open before it (None: outside code)."""
    mark = _FENCE_MARK.match(line)
    if mark is None:
        return False, fence
    run = mark.group(2)
    if fence is None:
        return True, run
    if mark.group(1):
        return False, fence  # inside code, "- ```" is code
    closes = run[0] == fence[0] and len(run) >= len(fence) and not line[mark.end() :].strip()
    return True, None if closes else fence


def bare_fence(line: str) -> str:
    """An opening fence line without the list item's marker it may follow ("- ```" reads
    "  ```"), the same length."""
    mark = _FENCE_MARK.match(line)
    if mark is None or not mark.group(1):
        return line
    return line[: mark.start(1)] + " " * len(mark.group(1)) + line[mark.end(1) :]
