"""A page's front matter: where its body begins past it (and past MDX's import lines),
its title, and its lines when they hold facts of their own. structure.py reads the page
with them; a chunk of front matter carries its fence (chunking.Chunk.fence)."""

from __future__ import annotations

import re

from index.markup import IMPORT_FROM

# The fences of YAML and TOML front matter; a chunk of it carries one (Chunk.fence).
FRONT_FENCES = ("---", "+++")
_FRONT = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*[:=]\s*[\"']?(.*?)[\"']?\s*$", re.M)
# MDX (Docusaurus) pages open with ES module lines ("import Tabs from '@theme/Tabs';"):
# code for the site's build, not text for a reader.
_ESM = re.compile(rf"(?:[ \t]*\n|(?:{IMPORT_FROM}|import\s+['\"][^'\"\n]+['\"]"
                  r"|export\s+(?:default|const|function|let|var|class)\b[^\n]*);?[ \t]*\n)+")
# A top-level key of YAML or TOML front matter.
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*[:=]", re.M)
# What a page's front matter tells its site generator (Jekyll, Hugo, Docusaurus,
# VitePress, Starlight, Mintlify) about the page: its title and description, which the
# page's text says again, and where and how to show it.
_SITE_KEYS = frozenset("""title description page_title linktitle sidebar_label sidebar_position sidebar slug id
    permalink layout type draft weight menu aliases redirect_from date lastmod author tags categories keywords
    icon mode hide toc hide-toc tableofcontents template nav_order parent""".split())
# Front matter with at least this many other keys holds facts of its own: curl's option
# pages have 8 to 11 (Long, Arg, Help, Added, Protocols…); a page with a key or two
# besides (npm's "section: 1", a "source:" link) says nothing its text does not.
FRONT_FIELDS = 3


def front_matter(text: str) -> tuple[int, str | None]:
    """Where the body starts after YAML/TOML front matter and MDX's import lines, and
    the front matter's title."""
    m = _FRONT.match(text)
    body, title = (m.end(), _FRONT_TITLE.search(m.group(0))) if m else (0, None)
    esm = _ESM.match(text, body)
    if esm and esm.group(0).strip():
        body = esm.end()
    return body, (title.group(1).strip() or None) if title else None


def front_fields(text: str) -> tuple[int, int, str] | None:
    """The span of ``text``'s front matter lines, between its fences, and its fence,
    when it holds fields of its own (FRONT_FIELDS); else None. They are one block that
    answers whole, carrying the fence so a passage of it is read as front matter again.
    Facts live there: curl's option pages give the version an option was added in and
    its one-line help only there; skipped, "since which version does curl have --json?"
    had no answer. A site's keys alone say what the page's text does: indexed, they
    took the place of that text among the passages read (crewAI -2 questions, Jekyll,
    npm, Traefik -1)."""
    m = _FRONT.match(text)
    if m is None or len({k.lower() for k in _FRONT_KEY.findall(m.group(2))} - _SITE_KEYS) < FRONT_FIELDS:
        return None
    s, e = m.start(2), m.end(2)
    while text[s] == "\n":
        s += 1
    while text[e - 1].isspace():
        e -= 1
    return s, e, m.group(1)
