"""MyST, the Markdown that Sphinx projects write (Black's, pip's, Jupyter Book's docs):
directive fences ("```{note}", "````{tab} Linux"), their options, labels and roles
("{file}`~/.pip/pip.conf`"), as structure.py reads them and as an answer shows them."""

from __future__ import annotations

import re

from index.fences import bare_fence, fence_step
from index.rst import TEXT_ROLES, VERSION_SAID, role_text

# A MyST cross-reference target, "(option-boolean-flag)=" on its own line before a
# heading: a label for Sphinx, nothing for a reader. Labels may hold slashes (Black's
# "(labels/line-length)=": 24 of them were quoted as text).
MYST_TARGET = re.compile(r"[ \t]*\([\w./:-]+\)=[ \t]*")

# A MyST directive written as a fence ("```{note}", "```{admonition} Title",
# "```{toctree}"; Sphinx projects writing Markdown: Black, Jupyter Book): its body is
# Markdown a reader sees as a note, not code, so it is read for its blocks. Code
# directives stay code; the ones whose body is no text for a reader (a table of
# contents, an include, an image's path) are no blocks at all.
DIRECTIVE = re.compile(r"\s*\{([\w:-]+)\}")
# Read as text: the directives whose body is prose for a reader. Any other one (a code
# cell, "{r}", "{doctest}", "{csv-table}", a directive of some extension) stays code,
# as it was before MyST was read at all. "{tab}" is sphinx-inline-tabs' (pip's docs: a
# Unix and a Windows tab over each location and command); read as code, its prose
# was shown in a code block.
PROSE_DIRECTIVES = frozenset({"note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
                              "error", "admonition", "seealso", "versionadded", "versionchanged", "deprecated",
                              "dropdown", "topic", "sidebar", "margin", "rubric", "epigraph", "pull-quote",
                              "highlights", "card", "grid-item-card", "tab-item", "tab-set", "div", "glossary",
                              "list-table", "figure", "tab", "versionremoved"})
NO_TEXT_DIRECTIVES = frozenset({"toctree", "contents", "include", "literalinclude", "image", "tableofcontents",
                                "autosummary"})
# A directive's options open its body (":maxdepth: 2", ":class: tip"), or MyST's
# YAML between "---" lines.
DIRECTIVE_OPTIONS = re.compile(r"(?:[ \t]*:[\w-]+:[^\n]*\n)+|[ \t]*---[ \t]*\n.*?\n[ \t]*---[ \t]*\n", re.S)

# A prose directive's opening fence line: its indentation, fence, name and argument.
_OPEN = re.compile(r"([ \t]*)(`{3,}|~{3,})[ \t]*\{([\w:-]+)\}[ \t]*([^\n]*?)[ \t]*")
_OPTION_LINE = re.compile(r"[ \t]*:[\w-]+:.*")
_CLOSE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*")
_ROLE_OR_CODE = re.compile(r"\{([\w:+-]+)\}`([^`\n]+)`|(?<!`)(`+)(?!`).*?(?<!`)\3(?!`)")


def directive_title(line: str) -> str | None:
    """What a prose directive's opening fence ``line`` is shown as over its body: its
    argument ("Linux", an admonition's title), its kind ("Note"), or a version note as
    Sphinx says it ("New in version 10.0"). None when the line opens none."""
    m = _OPEN.fullmatch(line)
    if m is None or m.group(3).lower() not in PROSE_DIRECTIVES:
        return None
    name, arg = m.group(3).lower(), m.group(4)
    if name in VERSION_SAID:
        return f"{VERSION_SAID[name]} {arg}".strip()
    return arg or name.capitalize()


def myst_shown(text: str) -> str:
    """``text`` as a reader of the built page sees it: a prose directive's opening fence
    as its title ("Linux:"), its options and closing fence not at all (the site shows a
    tab or a box, not a fence: shown, the prose inside read as a code block), a closing
    fence whose opener is before the quote dropped, and roles as their text
    ("{file}`$HOME/.pip/pip.conf`" as `$HOME/.pip/pip.conf`). Code is left as written."""
    if "{" not in text and "`" not in text:
        return text
    out = []
    for line, event, titles in _walk(text.split("\n")):
        if event == "open":
            out.append(f"{_OPEN.fullmatch(line).group(1)}{titles[-1]}:")
        elif event == "text":
            out.append(_roles_shown(line) if "{" in line else line)
        elif event == "code":
            out.append(line)
    return "\n".join(out)


def enclosing_title(before: str) -> str | None:
    """The title of the prose directive still open at the end of ``before`` (the text of
    a chunk before a quote): the tab ("Linux") a quote from inside it is shown under."""
    titles: list[str] = []
    for _, _, titles in _walk(before.split("\n")):
        pass
    return titles[-1] if titles else None


def still_open(before: str) -> tuple[list[str], str | None]:
    """The opening fence lines of the prose directives still open at the end of
    ``before`` (the text of a chunk before a quote), outermost first, and the code
    block's: a quote begun inside them is shown as if they were written before it, or
    their closing fences in it read as opening code blocks (Click's "Older Windows
    Support" box)."""
    openers: list[str] = []
    code: str | None = None  # the code block's fence, while one is open
    code_line = ""
    for line, event, _ in _walk(before.split("\n")):
        if event == "open":
            openers.append(line)
        elif event == "close" and openers:
            openers.pop()
        elif event == "code":
            is_fence, after = fence_step(line, code)
            if is_fence and code is None:
                code_line = bare_fence(line)  # "- ```" opens "```"
            code = after
    return openers, code_line if code is not None else None


def _walk(lines: list[str]):
    """Each line with what it is ("open", "option", "close" for a prose directive's
    lines; "code" for a code block's, fences included; else "text") and the titles of
    the directives open after it."""
    titles: list[str] = []
    fences: list[str] = []  # the fences of the prose directives open, innermost last
    code: str | None = None  # the fence of the code block we are in
    options = False
    for n, line in enumerate(lines):
        if code is None:
            if (title := directive_title(line)) is not None:
                fences.append(_OPEN.fullmatch(line).group(2))
                titles.append(title)
                options = True
                yield line, "open", titles
                continue
            if options and _OPTION_LINE.fullmatch(line):
                yield line, "option", titles
                continue
            options = False
            if (fence_step(line, fences[-1])[1] is None if fences
                    else (close := _CLOSE.fullmatch(line)) and _closes_before(close.group(1), lines[n + 1 :])):
                if fences:
                    fences.pop()
                    titles.pop()
                yield line, "close", titles
                continue
        is_fence, code = fence_step(line, code)
        yield line, "code" if is_fence or code is not None else "text", titles


def _closes_before(run: str, after: list[str]) -> bool:
    """Does a bare fence ``run`` close a directive opened before the quote, given the
    lines ``after`` it? So when nothing follows it (a fence opens no empty block), or when
    it is longer than code fences are ("````", a directive's fence around code) and
    nothing after it closes it. A bare "```" with text after it opens a code block."""
    if not any(line.strip() for line in after):
        return True
    return len(run) > 3 and not any(fence_step(line, run)[1] is None for line in after)


def _roles_shown(line: str) -> str:
    # One pass, left to right, so a code span is passed over whole: "`{ref}`label``"
    # there is an example of the syntax.
    return _ROLE_OR_CODE.sub(lambda m: _role(m) if m.group(1) else m.group(0), line)


# Sphinx's :file: and :samp: read their text for backslash escapes and {braces} around
# the part a reader replaces ("{file}`C:\\pip.ini`" shows C:\pip.ini):
# MyST hands the text over as written, so escapes are undone here as Sphinx does.
_EMPHASIZED = re.compile(r"\\\\|\\[{}]|[{}]")


def _emphasized_literal(text: str) -> str:
    return _EMPHASIZED.sub(lambda m: m.group(0)[1:] if len(m.group(0)) == 2 else "", text)


def _role(m: re.Match) -> str:
    name, text = m.group(1).split(":")[-1].lower(), role_text(m.group(2))
    if name in ("file", "samp"):
        text = _emphasized_literal(text)
    if name in ("pep", "rfc"):
        return f"{name.upper()} {text}"
    return text if name in TEXT_ROLES else f"`{text}`"
