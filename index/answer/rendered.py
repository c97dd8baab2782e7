"""The source's markup as an answer shows it (as_shown): without HTML tags, template
tags and reference-link labels, MyST's and MDX's markup as the built page reads, a
content tab's marker as its label. Display only: what is chunked, embedded and quoted
is the source's text (markup.py reads it)."""

from __future__ import annotations

import re
import textwrap

from index.fences import fence_step
from index.markup import AUTOREF_ANCHOR, FENCED, REFERENCE_LINK, SHORTCODE_LINE, code_fenced, unpadded, without_tags
from index.mdx import components_shown
from index.myst import MYST_TARGET, myst_shown
from index.notes import COLON_CLOSE, SLASH_CLOSE, TAB_LINE, opener_shown

_FENCED_BLOCK = re.compile(FENCED, re.M | re.S)
# Liquid's escape around an example ("{% raw %}`{% include %}`{% endraw %}"): not shown.
_RAW_TAG = re.compile(r"\{%-?[ \t]*(?:end)?raw[ \t]*-?%\}")


def as_shown(text: str, marks: bool = True) -> str:
    """``text`` as an answer shows it: without HTML tags (``marks``: code, emphasis and bold
    as Markdown's marks), table cells unpadded, a content tab's marker as its label
    ("Mercurial:"; units may span tabs, and what a tab holds often answers), MyST's
    directives and roles as the built page shows them (myst.myst_shown), a definition's
    term before it on its line, MDX components' tag lines as their titles (mdx.py)."""
    if "{eval-rst}" in text:
        text = _EVAL_RST.sub(_rst_code, text)
    text = unpadded(without_tags(_without_labels(_without_tag_lines(myst_shown(code_fenced(text, shown=True)))),
                                 shown=marks))
    text = _outside_code(text, _prose_shown) if "<" in text or "\n:" in text else text
    if "<" in text and "console" in text:
        text = _FENCED_BLOCK.sub(_uncoloured, text)
    if "(" in text and ("``" in text or "~~" in text):
        text = _FENCED_BLOCK.sub(lambda m: _ANNOTATION.sub("", m.group(0)), text)
    if "{" in text:
        text = _ANCHOR_ATTR.sub("", _ATTR_FENCE.sub(r"\1\2", text))
    if "=" in text:
        text = _FENCE_OPTIONS.sub(r"\1", text)
    if "\n\n\n" in text:
        text = _outside_code(text, lambda part: _BLANK_RUN.sub("\n\n", part))
    return TAB_LINE.sub(r"\1\2:", text) if "===" in text else text


# The lines an image or a tag line stood on, left empty: one blank line between
# paragraphs, as the page shows them (Homebrew's FAQ showed three after a screenshot).
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")


# A terminal session recorded with its colours as HTML ("$ <font color="#4E9A06">fastapi
# </font> run", FastAPI's docs under termynal): the site shows the colours, a chat would
# show the tags. Only in a console block, where such a tag is no example of HTML.
_CONSOLE_INFO = re.compile(r"[ \t]*(?:`{3,}|~{3,})[ \t]*console\b")
# A fence whose language is written as an attribute list ("```{ .dockerfile .annotate }",
# pymdownx.superfences): a chat reads "```dockerfile". A MyST directive ("```{note}") has no dot.
_ATTR_FENCE = re.compile(r"^([ \t]*(?:`{3,}|~{3,}))[ \t]*\{[ \t]*\.([\w+#-]+)[^}\n]*\}[ \t]*$", re.M)
# A code annotation's marker, MkDocs Material's ("user = User(name='x')  # (1)!", its
# note in the list after the block): the site shows a button, a chat the comment.
_ANNOTATION = re.compile(r"[ \t]*(?:#|//)[ \t]*\(\d+\)!?[ \t]*$", re.M)
_COLOUR_TAG = re.compile(r"</?(?:font|span|u|b)(?:\s[^<>\n]*)?>")
# A fence's options after its language ('```yaml title="example.yml" hl_lines="14"',
# '```python {lint="skip"}'): a chat reads the whole line as the language. An anchor
# written as an attribute list, an autorefs one ("[](){#strict-mode}") or a heading's
# ("## Strict mode {#strict-mode}"), is not shown by the site.
_FENCE_OPTIONS = re.compile(r"^([ \t]*(?:`{3,}|~{3,})[ \t]*[\w+#.-]+)[ \t]+[^\n`]*=[^\n`]*$", re.M)
_ANCHOR_ATTR = re.compile(AUTOREF_ANCHOR + r"|[ \t]+\{#[\w:.-]+\}(?=[ \t]*$)", re.M)


# A MyST page's reST example (Click's: "```{eval-rst}" around ".. click:example::" and
# its indented code): the page shows the code, a chat the reST around it. Shown as a
# code block of the directive's body, in the language its argument names
# (".. code-block:: python"), when the body is all the block holds.
_EVAL_RST = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*\{eval-rst\}[ \t]*\n[ \t]*\.\.[ \t]+([\w:-]+)::[ \t]*([\w+#.-]*)[ \t]*\n"
                       r"(?:[ \t]*:[\w-]+:[^\n]*\n)*((?:[ \t]*\n)*[ \t]+\S[^\n]*\n(?:[ \t]*\n|[ \t]+\S[^\n]*\n)*)"
                       r"\1\2[ \t]*$", re.M)
_CODE_DIRECTIVES = ("code-block", "code", "sourcecode")


def _rst_code(m: re.Match) -> str:
    indent, fence, name, arg, body = m.groups()
    code = textwrap.dedent(body).strip("\n")
    lang = arg if name in _CODE_DIRECTIVES else ""
    return f"{indent}{fence}{lang}\n" + textwrap.indent(code, indent) + f"\n{indent}{fence}"


def _uncoloured(block: re.Match) -> str:
    code = block.group(0)
    return _COLOUR_TAG.sub("", code) if _CONSOLE_INFO.match(code) else code


# VitePress's code-snippet import ("<<< @/public/presets/x.toml", the file's text on the
# built page) and a link's attribute list ("[Download](/x.toml){download}"): the page
# shows neither, a chat would show both raw (Starship's presets).
_SNIPPET_IMPORT = re.compile(r"[ \t]*<<<[ \t]+@?/\S+[^\n]*")
# A collapsible block's own tag lines: its summary shows as a label (notes.opener_shown).
_DETAILS_LINE = re.compile(r"[ \t]*</?details(?:\s[^<>\n]*)?>[ \t]*")
# VitePress's "::: code-group" opener: the page shows its examples as tabs, each labelled
# by its fence ("```bash [npm]"); the opener has no title to show (Vite's answers showed it raw).
_CODE_GROUP = re.compile(r"[ \t]*:{3,}[ \t]*code-group[ \t]*")
# Not an autorefs anchor ("[](){#x}"), which _ANCHOR_ATTR drops whole.
_LINK_ATTRS = re.compile(r"(?<=\))\{[ \t]*[\w.-][\w.#-]*(?:[ \t]+[\w.#-]+)*[ \t]*\}")


def _without_tag_lines(text: str) -> str:
    """``text`` without its lines of template tags (SHORTCODE_LINE) and Liquid's raw
    markers, outside code: a quote spanning blocks holds them between its blocks ("{%
    raw %}" over an example, "{: .note}" under a paragraph), and the site shows none of
    them. Code shows its tags: an example of a template is written with them. A slash
    block's opener shows as its title or its kind ("Tip:", "Python 3.10+:", as a tab's
    marker does) and its closer not at all, as are the other notes' (":::tip", "!!! tip",
    "> [!TIP]" as "Tip:"; notes.opener_shown). Nor are MyST targets and VitePress's
    "::: code-group" openers."""
    if not any(mark in text for mark in ("{{", "{%", "{:", "{*", "///", ":::", "!!!", "???", "[!", "<<<", "){", "<summary",
                                         ")=")):
        return text
    out, fence, dropped = [], None, False
    for line in text.split("\n"):
        is_fence, fence = fence_step(line, fence)
        if not is_fence and fence is None:
            # A MyST target ("(InspectReportItem)=") is no block, but a quote spanning a
            # section holds it between its blocks.
            if (SHORTCODE_LINE.fullmatch(line) or SLASH_CLOSE.fullmatch(line) or COLON_CLOSE.fullmatch(line)
                    or _SNIPPET_IMPORT.fullmatch(line) or _DETAILS_LINE.fullmatch(line) or _CODE_GROUP.fullmatch(line)
                    or MYST_TARGET.fullmatch(line)):
                # The blank line after a dropped one goes too: no gap of two lines.
                dropped = not out or not out[-1].strip()
                continue
            if dropped and not line.strip():
                continue
            if (shown := opener_shown(line)) is not None:
                line = shown
            # Not inside a code span: "Wrap it in `{% raw %}`" names the tag.
            line = _outside_spans(line, lambda part: _LINK_ATTRS.sub("", _RAW_TAG.sub("", part)))
        dropped = False
        out.append(line)
    return "\n".join(out)


# A link whose target a site generator fills in ("[pyproject section]({{< relref
# "pyproject" >}})", Hugo's in Poetry's docs; "({% link _docs/x.md %})", Jekyll's): a
# chat shows the template tag raw, and no reader can follow it.
# Not an image's ("![logo](…)"), not inside a code span (an example of the syntax).
_TEMPLATE_LINK = re.compile(r"(?<![!\\])\[([^\]\n]+)\]\(\s*(?:\{\{.*?\}\}|\{%.*?%\})[^)\n]*\)")


def _template_links_shown(part: str) -> str:
    return _outside_spans(part, lambda p: _TEMPLATE_LINK.sub(r"\1", p))


def _without_labels(text: str) -> str:
    """``text`` with its reference-style links shown as their words ("[`x()`][x]" as
    `x()`), outside code blocks: without the definition the brackets show raw. So are
    links to a template tag (_TEMPLATE_LINK)."""
    if "][" in text:
        text = _outside_code(text, lambda part: REFERENCE_LINK.sub(r"\1", part))
    return _outside_code(text, _template_links_shown) if "{{" in text or "{%" in text else text


# A definition list's term over its definition ("`enable`" over ": (`bool`) Whether…",
# Hugo's and pip's docs; Markdown's deflist syntax): Discord has none, and shows the
# colon lines raw. Shown "`enable`: (`bool`) Whether…", as the site reads. A blank line
# may stand between them (Homebrew's manpage: "`--minimum-version`", "", ": Only list…"),
# as PHP Markdown Extra and Pandoc allow.
_DEFINITION = re.compile(r"^([ \t]*[^\s:][^\n]*)\n(?:[ \t]*\n)?[ \t]*:[ \t]+", re.M)


def _prose_shown(part: str) -> str:
    """A piece of an answer outside code with its definitions on their terms' lines and
    its MDX component lines as their titles (mdx.components_shown)."""
    return components_shown(_DEFINITION.sub(_on_term_line, part) if "\n:" in part else part)


def _on_term_line(m: re.Match) -> str:
    # A term that ends with its colon already (Sphinx's "Parameters:") gets no second.
    return m.group(1) + (" " if m.group(1).endswith(":") else ": ")


def _outside_code(text: str, change) -> str:
    """``text`` with ``change`` applied to what is outside its fenced code blocks."""
    out, at = [], 0
    for m in _FENCED_BLOCK.finditer(text) if "``" in text or "~~~" in text else ():
        out += [change(text[at : m.start()]), m.group(0)]
        at = m.end()
    out.append(change(text[at:]))
    return "".join(out)


_CODE_SPAN = re.compile(r"(`+[^`]*`+)")


def _outside_spans(text: str, change) -> str:
    """``text`` with ``change`` applied to what is outside its code spans."""
    return "".join(p if p.startswith("`") else change(p) for p in _CODE_SPAN.split(text))
