"""reStructuredText sources (Sphinx projects' docs) read by docutils, as HTML.

docutils knows reST but not Sphinx: a project's `.rst` files are full of Sphinx roles
(:func:`requests.get`, :ref:`installed <install>`) and directives (versionadded,
toctree, autoclass, function). Unknown to docutils, a role comes out as its raw markup
and a directive's whole block is dropped, so the ones docs use are taught here: a
role shows its text (as code when it names code), a directive that wraps prose keeps
it, one that describes an API entry becomes a definition (signature, then its text),
and one that pulls in content from elsewhere (autodoc, toctree, literalinclude) shows
nothing. The HTML then takes the same path as an HTML source (sections, lists, code,
tables and definitions as blocks).
"""

from __future__ import annotations

import functools
import io
import re
from contextvars import ContextVar

# Roles whose text names code: shown as `code`, the way Sphinx renders them.
_CODE_ROLES = ("func", "meth", "class", "attr", "exc", "mod", "data", "obj", "const", "type", "option", "envvar",
               "file", "samp", "program", "command", "kbd", "mimetype", "makevar", "regexp", "token", "any")
# Roles whose text is prose (a cross-reference's title, a term, a label).
TEXT_ROLES = ("ref", "doc", "term", "numref", "keyword", "download", "abbr", "dfn", "guilabel",
               "menuselection", "newsgroup", "eq")
_DOMAINS = ("py", "c", "cpp", "js", "rst", "std")

# Directives that describe an API entry or a command-line option: a signature and its text.
_ENTRY_DIRECTIVES = ("function", "class", "method", "attribute", "data", "exception", "decorator",
                     "classmethod", "staticmethod", "property", "describe", "object", "option", "envvar",
                     "program", "cmdoption", "confval", "setting")
# Cross-reference types projects declare for their own docs (Sphinx's add_crossref_type:
# Scrapy's, Django's): without a body, a link target that shows nothing.
_TARGET_DIRECTIVES = ("setting", "reqmeta", "signal", "command", "stat", "templatetag", "templatefilter",
                      "fieldlookup", "django-admin", "django-admin-option")
# Directives that bring content from elsewhere (the code, other files): nothing to read.
_EMPTY_DIRECTIVES = ("toctree", "module", "automodule", "autoclass", "autofunction", "automethod", "autoattribute",
                     "autodata", "autoexception", "autosummary", "autoprogram", "literalinclude", "currentmodule",
                     "index", "tabularcolumns", "highlight", "sectionauthor", "moduleauthor", "codeauthor",
                     "only", "ifconfig", "testsetup", "testcleanup", "graphviz", "inheritance-diagram")
# Directives that wrap prose, shown with what they say ("New in version 2.1.").
VERSION_SAID = {"versionadded": "New in version", "versionchanged": "Changed in version",
                "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
_PROSE_DIRECTIVES = {**VERSION_SAID, "seealso": "See also", "centered": "", "hlist": "", "glossary": "", "tab": "",
                     "tabs": "", "group-tab": "", "doctest": "", "productionlist": "", "rubric": "",
                     "todo": "Todo"}
# Directives whose content is code or a program's input: shown as a code block. docutils'
# own `code` refuses Sphinx's options (":caption:", ":linenos:") and drops the block.
_CODE_DIRECTIVES = ("code", "code-block", "sourcecode", "testcode", "testoutput", "code-tab",
                    "jupyter-execute", "ipython", "plot", "mermaid",
                    "program-output", "command-output", "runblock", "exec")
_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+(?:\|[^|\n]+\|[ \t]+)?([\w][\w:.+-]*)::", re.M)
# A line that reads as code: a call or an index ("f(x)", "a[0]"), braces, an
# assignment, a statement's closing semicolon, a prompt, a decorator, a keyword. A
# bracket after a space is prose's ("the request (command, environment, etc.)").
_CODE_LINE = re.compile(r"\w[(\[]|[{}=]|;\s*$|^\s*(?:[$>@#]|def |class |import |from |return\b|if |for |with )")


# Options of an extension's directive that name what it documents (see Unknown), and
# ones that only wire up its links (":ref_suffix: external"), which the page never shows:
# shown, two entries of one setting read as two different answers.
# (":name:" is docutils' own reference target, a dropdown's or a tab's, not a name.)
_NAME_OPTIONS = ("keys", "key", "setting", "settings")
_PLUMBING = re.compile(r"(?:^|[_-])(?:ref|refs|index|noindex|anchor|label|suffix|prefix|class|target|contents|name)"
                       r"(?:$|[_-])")
# Options of Sphinx's own entries that the page shows (".. confval:: timeout" with
# ":type: int" and ":default: 30").
_SHOWN_OPTIONS = ("type", "default", "value")
# An option's value as the page shows it: ``30`` as 30, :class:`int` as int.
_VALUE_MARKUP = re.compile(r"(?::[\w:.+-]+:)?`{1,2}([^`]+)`{1,2}")

# docutils is pure Python: a 1.5 MB file took 18 s, a 10 MB one 232 s and 2.9 GB. Past
# this many characters a file is read as plain text (sources._rst), which still answers.
RST_MAX_CHARS = 1_000_000

_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)


# A cross-reference without a title (:ref:`topics-feed-exports`) shows, as in Sphinx,
# the title of the section its label stands over (".. _topics-feed-exports:" above
# "Feed exports"), not the label. Labels of the file itself and, given, of the folder's
# other .rst files (a sync reads them all: rst_labels). A title renamed in another file
# is seen when this one is next indexed.
_LABELS: ContextVar[dict[str, str]] = ContextVar("rst_labels", default={})
_LABEL_LINE = re.compile(r"\.\.[ \t]+_([^:`\n]+):[ \t]*$")
_ADORNMENT = re.compile(r"([=\-~^\"'`#*+<>:._])\1{2,}[ \t]*$")


def rst_labels(text: str) -> dict[str, str]:
    """{label: title of the section it stands over} of one reStructuredText file,
    labels in lower case, as Sphinx keeps them."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    waiting: list[str] = []  # labels seen, their section not yet
    for n, line in enumerate(lines):
        m = _LABEL_LINE.match(line)
        if m:
            waiting.append(" ".join(m.group(1).split()).lower())
            continue
        if not waiting or not line.strip() or _ADORNMENT.match(line):
            continue  # blank lines, or a title's overline, between a label and its title
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if _ADORNMENT.match(following):
            out.update((label, line.strip()) for label in waiting)
        waiting = []  # a label over anything but a section (a figure, a table) has no title
    return out


def rst_to_html(text: str, labels: dict[str, str] | None = None) -> str:
    """The page docutils renders for ``text``, with the Sphinx roles and directives
    taught above; untitled cross-references show the titles ``labels`` and the file's
    own labels give them. Never reads another file or raw HTML: `include`, `raw` and
    `csv-table :file:` are off, as are docutils' configuration files."""
    token = _LABELS.set({**(labels or {}), **rst_labels(text)})
    try:
        return _rendered(text)
    finally:
        _LABELS.reset(token)


def _rendered(text: str) -> str:
    from docutils import nodes
    from docutils.core import publish_doctree, publish_from_doctree
    from docutils.parsers.rst import Parser
    from docutils.writers.html5_polyglot import Writer

    _register_unknown(text, _register())
    settings = {
        "report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(),
        "file_insertion_enabled": False, "raw_enabled": False, "_disable_config": True,
        "input_encoding": "unicode", "output_encoding": "unicode", "embed_stylesheet": False,
        "stylesheet_path": "", "syntax_highlight": "none", "math_output": "html",
    }
    doctree = publish_doctree(text, parser=Parser(inliner=_inliner()), settings_overrides=settings)
    # Inline literals as <code>, as Sphinx writes them (docutils writes a <span>): the
    # HTML reading keeps them as `code`, which answers weigh (a name the reader can type).
    for literal in doctree.findall(nodes.literal):
        literal["classes"].append("code")
    return publish_from_doctree(doctree, writer=Writer(), settings_overrides=settings)


def _inliner():
    """An inliner for which an interpreted-text role docutils does not know (a Sphinx
    extension's, a domain's like :py:func:) shows its text as code, not its raw markup."""
    import types

    from docutils import nodes
    from docutils.parsers.rst import roles
    from docutils.parsers.rst.states import Inliner

    def interpreted(self, rawsource, text, role, lineno):
        role_fn, messages = roles.role(role, self.language, lineno, self.reporter)
        if role_fn:
            made, more = role_fn(role, rawsource, text, lineno, self)
            return made, messages + more
        return [nodes.literal(rawsource, role_text(text))], []

    # Set on the instance, not by subclassing: docutils builds the inliner's patterns
    # from the attributes of its exact class (vars(self.__class__)).
    inliner = Inliner()
    inliner.interpreted = types.MethodType(interpreted, inliner)
    return inliner


_REPLACED = re.compile(r"(?<!\x00)[{}]")


def role_text(text: str) -> str:
    # `title <target>` shows the title; a leading "~" or "!" is Sphinx's display flag.
    m = _TITLED.match(text)
    shown = m.group(1) if m and m.group(1) else text
    return shown.lstrip("~!")


def _register_unknown(text: str, unknown) -> None:
    """Register the directives ``text`` uses that docutils does not know as Unknown
    (below): without it, docutils drops a directive it does not know with its content."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser, directives, languages
    from docutils.utils import new_document

    names = {name.lower() for name in _DIRECTIVE.findall(text)}  # docutils looks them up in lower case
    if not names:
        return
    document = new_document("<rst>", get_default_settings(Parser))
    document.reporter.stream = io.StringIO()  # lookups that fail say so; we only ask
    english = languages.get_language("en")
    for name in names:
        if directives.directive(name, english, document)[0] is None:
            directives.register_directive(name, unknown)


@functools.cache
def _register():
    """Teach docutils the Sphinx roles and directives (docutils keeps them in its own
    registry: done once per process, the same every time). Returns the directive that
    stands for ones no one taught it (see _register_unknown)."""
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives, roles

    def code_role(name, rawtext, text, lineno, inliner, options=None, content=None):
        if name.split(":")[-1] in ("file", "samp"):
            # Braces mark the part a reader replaces ("{venv}/bin/python"); Sphinx drops
            # them. docutils hands escapes over as NUL + character, so "\\{" stays.
            text = _REPLACED.sub("", text)
        return [nodes.literal(rawtext, role_text(text))], []

    def text_role(name, rawtext, text, lineno, inliner, options=None, content=None):
        if name.split(":")[-1] == "ref" and not _TITLED.match(text):
            title = _LABELS.get().get(" ".join(text.split()).lower())
            if title:
                return [nodes.inline(rawtext, title)], []
        return [nodes.inline(rawtext, role_text(text))], []

    for name in _CODE_ROLES:
        roles.register_local_role(name, code_role)
        for domain in _DOMAINS:
            roles.register_local_role(f"{domain}:{name}", code_role)
    for name in TEXT_ROLES:
        roles.register_local_role(name, text_role)
        roles.register_local_role(f"std:{name}", text_role)

    class AnyOptions(dict):
        # Directives take options (":maxdepth: 2", ":noindex:") we neither know nor need.
        def __missing__(self, key):
            return directives.unchanged

        def __bool__(self):  # docutils reads options only when the spec is truthy
            return True

    class Lenient(Directive):
        """Takes any arguments, options and content, as the directives it stands for do."""

        optional_arguments = 10
        final_argument_whitespace = True
        has_content = True
        option_spec = AnyOptions()

        def marker(self) -> bool:
            # ".. setting:: DOWNLOAD_DELAY" over the section titled DOWNLOAD_DELAY, ".. reqmeta::
            # dont_retry" before the paragraph on it (Scrapy's and Django's docs): a
            # cross-reference type's name, no body. Sphinx makes it a link target and
            # shows nothing; shown, its name was a stray line ending the section before.
            # An API entry without a body (".. class:: LogStats") still shows its signature.
            return self.name in _TARGET_DIRECTIVES and not self.content and len(self.arguments) == 1

    class Empty(Lenient):
        def run(self):
            return []

    class Prose(Lenient):
        def run(self):
            said, args = _PROSE_DIRECTIVES.get(self.name, ""), self.arguments
            if said.endswith("version") and args:
                # "New in version 2.4: Separate connect and read timeouts.", as Sphinx says it.
                rest = " ".join(args[1:])
                lead = f"{said} {args[0]}" + (f": {rest}" if rest else ".")
            else:
                lead = " ".join(filter(None, (said, " ".join(args))))
            box = nodes.container()
            if lead:
                box += nodes.paragraph(text=lead)
            self.state.nested_parse(self.content, self.content_offset, box)
            return [box]

    def entry(directive, signature: str, kind: str, fields=()) -> list:
        # Marked as Sphinx marks its entries (a dt of class "sig-object", the name in
        # "sig-name"): the page is then read as a built one is, each entry a section
        # under its name (html_page._sphinx_entries).
        term = nodes.term(classes=["sig-object"])
        if kind in ("class", "exception", "attribute", "data", "property", "method",
                    "classmethod", "staticmethod", "decorator"):
            term += nodes.emphasis(text=kind)
            term += nodes.Text(" ")
        term += nodes.literal(text=signature, classes=["sig-name"])
        definition = nodes.definition("", *fields)
        directive.state.nested_parse(directive.content, directive.content_offset, definition)
        return [nodes.definition_list("", nodes.definition_list_item("", term, definition), classes=[kind])]

    def field_lines(options: dict, keep) -> list:
        # "**Default:** `<empty list>`", as answer/fields.py reads an entry's fields.
        return [nodes.paragraph("", "", nodes.strong(text=f"{k.replace('_', ' ').capitalize()}:"), nodes.Text(" "),
                                nodes.literal(text=_VALUE_MARKUP.sub(lambda m: role_text(m.group(1)), v.strip())))
                for k, v in options.items() if v.strip() and keep(k)]

    class Entry(Lenient):
        def run(self):
            if self.marker():
                return []
            return entry(self, " ".join(self.arguments), self.name.split(":")[-1],
                         field_lines(self.options, lambda k: k in _SHOWN_OPTIONS))

    def literal(content) -> list:
        code = "\n".join(content)
        return [nodes.literal_block(code, code)] if code.strip() else []

    class Code(Lenient):
        def run(self):
            return literal(self.content)

    class Unknown(Lenient):
        """A directive of an extension we do not know (`.. click:example::`, `.. tab-item::
        Linux`): its content is kept, as code when most of its lines read as code, else
        as text; its arguments, a title, before it."""

        def run(self):
            lines = [line for line in self.content if line.strip()]
            named = next((o for o in _NAME_OPTIONS if self.options.get(o, "").strip()), None)
            if lines and named and not self.arguments:
                # An extension's entry named by an option (tox's ".. conf::" with ":keys:
                # requires", ":default: <empty list>"): an entry under that name, its other
                # options its field lines ("**Default:** `<empty list>`"), as the built
                # page shows them. Dropped, the text said what a setting does, not its name.
                fields = field_lines(self.options, lambda k: k != named and not _PLUMBING.search(k))
                return entry(self, self.options[named].strip(), self.name.split(":")[-1], fields)
            if self.marker() or not lines:
                # Without a body, an extension's directive makes its text from elsewhere
                # (".. pip-command-usage:: check", ".. click:run::" output): its arguments
                # alone were a stray line ('check "python -m pip"') under the heading.
                return []
            if sum(bool(_CODE_LINE.search(line)) for line in lines) * 2 >= len(lines):
                made = literal(self.content)
            else:
                box = nodes.container()
                self.state.nested_parse(self.content, self.content_offset, box)
                made = [box]
            if self.arguments:
                made.insert(0, nodes.paragraph(text=" ".join(self.arguments)))
            return made

    for name in _CODE_DIRECTIVES:
        directives.register_directive(name, Code)
    for name in _EMPTY_DIRECTIVES:
        directives.register_directive(name, Empty)
    for name in _PROSE_DIRECTIVES:
        directives.register_directive(name, Prose)
    for name in _ENTRY_DIRECTIVES:
        directives.register_directive(name, Entry)
        for domain in _DOMAINS:
            directives.register_directive(f"{domain}:{name}", Entry)
    return Unknown
