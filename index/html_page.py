"""An HTML page read as Markdown: its visible text with its headings, lists, tables and
code (markdownify over BeautifulSoup), so HTML takes Markdown's one path through
structure.markdown_structure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.structure import Section

# Elements whose content a reader never sees.
_HIDDEN_TAGS = ["script", "style", "noscript", "template", "head", "svg", "iframe", "object", "button"]
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_HISTORY = re.compile(r"(version )?(history|changelog|changes)$", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def html_to_markdown(markup: str) -> tuple[str, str | None, list[tuple[str, str]]]:
    """The visible text of an HTML page as Markdown (headings, lists, tables, code kept),
    its <title>, and its headings' anchors: (heading text, id) in the page's order, for
    the headings a link can point at (see _anchor). Hidden elements (``hidden``,
    ``aria-hidden``, ``display:none``) are left out, but for a tab's panel, which a click
    shows."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    # lxml, not html.parser: a minified page leaves out the end tags HTML lets it omit
    # ("<tr><th>Default<th>CLI Override"), and html.parser nested each cell in the one
    # before, so Docusaurus' option tables read as a table inside a table.
    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else None
    # A docs site's page is its content plus chrome repeated on every page (menus,
    # sidebars, footers, the "¶" anchors beside headings): read the page's main
    # element when it marks one, and leave the chrome out either way, or every page
    # would answer "where is the changelog?" with its sidebar.
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        soup = main
    # Read before the permalinks that may carry them go with the chrome.
    for h in soup.find_all(_HEADINGS):
        anchor = _anchor(h)
        if anchor:
            h[_ANCHOR_ATTR] = anchor
    chrome = soup.find_all(["nav", "footer"]) + soup.find_all(
        attrs={"role": ["navigation", "search", "banner", "contentinfo", "complementary"]})
    # A page's own header and asides stay (an article's <header> holds its title, an
    # <aside> in the text is a note); the site's, outside any article, go.
    chrome += [t for t in soup.find_all(["header", "aside"]) if t.find_parent(["article", "main", "section"]) is None]
    # Sphinx's "[source]" and "[docs]" links beside each API entry (viewcode) are
    # chrome too: they would sit in every signature a chunk carries.
    chrome += soup.find_all("a", class_="headerlink") + soup.find_all(class_=["viewcode-link", "viewcode-back"])
    # Tables of contents that are not <nav>: Asciidoctor's (a div, with its "Last
    # updated" footer), Docusaurus' "On this page" list beside the text (inside <main>,
    # so every page ended with its own headings run together).
    chrome += soup.find_all(id=["toc", "footer"]) + soup.find_all("div", class_="toc")
    chrome += soup.find_all(class_=["table-of-contents", "theme-doc-toc-desktop", "theme-doc-toc-mobile"])
    # Any heading's permalink that shows only a symbol ("#" in Node.js's pages, "§",
    # "🔗"): left in, every section path read "URL# › Legacy URL API#".
    chrome += [a for h in soup.find_all(_HEADINGS) for a in h.find_all("a", href=re.compile(r"^#"))
               if not any(ch.isalnum() for ch in a.get_text())]
    for tag in chrome:
        if not tag.decomposed:  # inside chrome already gone
            tag.decompose()
    # A tab's panel (sphinx-tabs, Docusaurus: role="tabpanel") is hidden until its tab
    # is clicked, so it is read like the one shown, under its tab's label ("Windows"):
    # the Flask dev set's Windows commands were only there. Read before the buttons
    # holding the labels go.
    # Docusaurus names no panel's tab: its tabs and panels pair in order.
    paired = {}
    tablists = soup.find_all(attrs={"role": "tablist"})
    for tablist in tablists:
        tabs = tablist.find_all(attrs={"role": "tab"})
        panels = tablist.parent.find_all(attrs={"role": "tabpanel"}) if tablist.parent else []
        if tabs and len(tabs) == len(panels):
            paired.update({id(panel): tab for tab, panel in zip(tabs, panels)})
    for panel in soup.find_all(attrs={"role": "tabpanel"}):
        tab = soup.find(id=panel.get("aria-labelledby")) if panel.get("aria-labelledby") else paired.get(id(panel))
        name = " ".join(tab.get_text(" ").split()) if tab is not None else ""
        if name and not " ".join(panel.get_text(" ").split()).startswith(name):
            label = soup.new_tag("p")
            label.string = name + ":"
            panel.insert(0, label)
    for tablist in tablists:
        tablist.decompose()  # the tabs' labels now open their panels
    # A collapsed version history (Node.js's "History" under each API entry: the
    # table its Markdown keeps in a comment) is metadata, not the entry's text.
    for details in soup.find_all("details"):
        summary = details.find("summary")
        if "open" not in details.attrs and summary is not None and _HISTORY.match(summary.get_text(" ").strip()):
            details.decompose()
    for tag in soup(_HIDDEN_TAGS):
        tag.decompose()
    _sphinx_entries(soup)
    _asciidoc_admonitions(soup)
    _docusaurus_admonitions(soup)
    _admonitions(soup)
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = tag.attrs or {}
        if attrs.get("role") == "tabpanel":
            continue
        if ("hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
                or _HIDDEN_STYLE.search(str(attrs.get("style", "")))):
            tag.decompose()
    # A code block written one <div> per line, each ending in <br> (Docusaurus'
    # prism-react-renderer: '<div class="token-line"><span>build</span><br/></div>'):
    # read as blocks and breaks, every line was followed by an empty one.
    for pre in soup.find_all("pre"):
        lines = [d for d in pre.find_all("div") if d.find("div") is None]
        if not lines:
            continue  # most blocks: no text is walked for them
        inside = {id(d) for d in lines}
        if not any(t.strip() and not any(id(p) in inside for p in t.parents) for t in pre.find_all(string=True)):
            # (text outside the line divs would be lost)
            code = pre.find("code") or pre
            text = "\n".join(line.get_text() for line in lines)
            code.clear()
            code.append(text)
    # One <pre> holding the same example twice, one <code> per flavour that a toggle
    # shows (Node.js's ES module and CommonJS examples): each its own code block, as
    # in the page's Markdown, not the last line of one run into the first of the next.
    for pre in soup.find_all("pre"):
        for code in pre.find_all("code", recursive=False)[1:]:
            block = soup.new_tag("pre")
            pre.insert_after(block)
            block.append(code.extract())
            pre = block
    # Bold or italic words holding an asterisk (a parameter "<strong>**kwargs</strong>"):
    # written with Markdown's marks they ran into "****kwargs**"; a name, read as code.
    for tag in soup.find_all(["strong", "b", "em", "i"]):
        if "*" in tag.get_text() and tag.find_parent(["pre", "code"]) is None:
            tag.name = "code"
    # Links keep their text only and images go: URLs would fill quotes and embeddings
    # with noise a reader does not see. Nothing is escaped: the text is only ever read
    # for its blocks, never rendered, and "use\_directory\_urls" in a quote is neither
    # what the page shows nor what a reader searches for (HTML copies of the MkDocs dev
    # set: answer hit 0.700 with markdownify's escapes).
    md = MarkdownConverter(heading_style="ATX", bullets="-", strip=["a", "img"], escape_misc=False,
                           escape_underscores=False, escape_asterisks=False, code_language="").convert_soup(soup)
    lines = [line.rstrip() for line in md.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    anchors = [(" ".join(h.get_text(" ").split()), h[_ANCHOR_ATTR]) for h in soup.find_all(_HEADINGS)
               if h.get(_ANCHOR_ATTR)]
    return text, title or None, anchors


_ANCHOR_ATTR = "data-cited-anchor"


def _anchor(h) -> str | None:
    """The id a link to heading ``h`` ends with (page.html#id), as docs generators write
    it: on the heading (MkDocs, Docusaurus, Hugo), on a permalink inside it (Node.js's
    "#" links, Sphinx's "¶"), or on the <section> it opens (Sphinx). Not a wrapper's
    that merely starts with it (a page's content <div>)."""
    if h.get("id"):
        return h["id"]
    for a in h.find_all("a"):
        if a.get("id") or a.get("name"):
            return a.get("id") or a.get("name")
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            return href[1:]
    parent = h.parent
    if parent is not None and parent.get("id") and parent.find(_HEADINGS) is h and (
            parent.name == "section" or "section" in (parent.get("class") or [])):
        return parent["id"]
    return None


# How far past the last matched anchor a heading's own is looked for: a heading the
# Markdown lost or an anchor on a heading it merged is skipped, not the rest misaligned.
_ANCHOR_LOOKAHEAD = 3


def with_anchors(sections: list[Section], anchors: list[tuple[str, str]]) -> list[Section]:
    """``sections`` with the anchors of their headings: ``anchors`` holds (heading text,
    id) in the page's order, as html_to_markdown reads them. Matched in order on the
    heading's letters alone (the page's text and its Markdown space code and marks
    differently); a heading without its anchor's match gets none rather than the wrong one."""
    def key(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())

    out, at = [], 0
    for sec in sections:
        if sec.path:
            ahead = range(at, min(at + _ANCHOR_LOOKAHEAD, len(anchors)))
            found = next((i for i in ahead if key(anchors[i][0]) == key(sec.path[-1])), None)
            if found is not None:
                sec, at = replace(sec, anchor=anchors[found][1]), found + 1
        out.append(sec)
    return out


# A Sphinx API entry (autodoc's classes, functions, methods, attributes; a config value
# or an option described with a directive) is a <dl> whose <dt> is its signature.
_DOMAINS = {"py", "c", "cpp", "js", "rst", "std", "confval"}


def _is_entry(dl) -> bool:
    dt = dl.find("dt", recursive=False)
    if dt is None:
        return False
    return "sig-object" in (dt.get("class") or []) or bool(dt.get("id") and _DOMAINS & set(dl.get("class") or []))


def _sphinx_entries(soup) -> None:
    """Each Sphinx API entry read as a section of its own, under a heading of its name
    (as Sphinx's own table of contents lists it): its signature, then its text. As one
    definition list, a module's page was one section ("Fields") of hundreds of entries,
    its chunks straddled them and cut signatures mid-way, and no citation said which
    entry it quoted. A nested entry (a class's method) is a subsection of its class.

    A summary table of the page's own entries (autosummary, autodocsumm: each row links
    to an entry further down) goes, with its "Methods:" label: it repeats each entry's
    first line, as a table of contents does. One linking to other pages stays."""
    tables = soup.find_all("table", class_="autosummary")
    ids = {t["id"] for t in soup.find_all(id=True)} if tables else set()
    for table in tables:
        links = [a.get("href", "") for a in table.find_all("a")]
        if links and all(h.startswith("#") and h[1:] in ids for h in links):
            label = table.find_previous_sibling()
            if label is not None and label.name == "p" and label.get_text().strip().endswith(":") \
                    and label.find("strong") is not None and len(label.get_text()) < 40:
                label.decompose()
            table.decompose()
    _field_lists(soup)
    entries = [dl for dl in soup.find_all("dl") if _is_entry(dl)]
    if not entries:
        return
    placed = []
    for dl in entries:  # levels first, from the page's own headings, before any is added
        above = dl.find_previous(_HEADINGS)
        depth = sum(1 for parent in dl.find_parents("dl") if _is_entry(parent))
        placed.append((dl, min(6, (int(above.name[1]) if above is not None else 1) + 1 + depth)))
    for dl, level in placed:
        dts = dl.find_all("dt", recursive=False)
        name_tag = dts[0].find(class_="sig-name")
        name = " ".join((name_tag or dts[0]).get_text("").split()).split("(")[0].strip()
        if not name:
            continue
        heading = soup.new_tag(f"h{level}")
        if dts[0].get("id"):  # autodoc's "requests.get": the entry's own link target
            heading[_ANCHOR_ATTR] = dts[0]["id"]
        heading.append(soup.new_tag("code"))  # as code: "__init__" would read as bold "init"
        heading.code.string = name
        dl.insert_before(heading)
        for child in list(dl.children):
            if getattr(child, "name", None) == "dt":
                signature = _signature(soup, child)
                if signature.get_text() != name:  # an option, a config value: its name alone
                    dl.insert_before(signature)
            elif getattr(child, "name", None) == "dd":
                for part in list(child.contents):
                    dl.insert_before(part)
        dl.decompose()


def _signature(soup, dt):
    """An entry's signature as a paragraph: its kind ("class") in italics, the rest as
    code, as the site sets it. As Markdown text, its "*args, **kwargs" and the emphasis
    of each parameter ran into runs of asterisks ("Raw(***, truthy…")."""
    line = soup.new_tag("p")
    kind = dt.find(class_="property")
    words = " ".join(kind.get_text("").split()) if kind is not None else ""
    # After the name, "property" holds an attribute's type (": str | None"), part of the
    # code: read as a kind, it was shown first ("*: str | None* `encoding`").
    if kind is not None and not words.startswith((":", "=")):
        if words:
            line.append(soup.new_tag("em"))
            line.em.string = words
            line.append(" ")
        kind.extract()
    code = soup.new_tag("code")
    code.string = " ".join(dt.get_text("").split())
    line.append(code)
    return line


def _field_lists(soup) -> None:
    """An entry's "Parameters:", "Returns:" and "Raises:" (docutils' field list, a <dl>)
    read as the site shows them: the name, then its list, not a definition whose list is
    indented under it (its items then were no items). A one-paragraph field stays on
    its name's line ("Returns: The serialized value")."""
    for dl in soup.find_all("dl", class_="field-list"):
        label = None
        for child in list(dl.children):
            name = getattr(child, "name", None)
            if name == "dt":
                label = soup.new_tag("p")
                label.extend(list(child.contents))
                dl.insert_before(label)
            elif name == "dd":
                parts = [c for c in child.contents if getattr(c, "name", None) or str(c).strip()]
                if len(parts) == 1 and parts[0].name == "p" and label is not None:
                    label.append(" ")
                    label.extend(list(parts[0].contents))
                else:
                    for part in list(child.contents):
                        dl.insert_before(part)
                label = None
        dl.decompose()


def _asciidoc_admonitions(soup) -> None:
    """A note box as Asciidoctor builds it: a one-row table whose first cell holds the
    label ("Note", or an icon titled so) and whose second the text. Read as a table, it
    was a row "| Note | The installer needs root. |"; it becomes the note box Sphinx
    builds (a title and the text's paragraphs), which _admonitions reads."""
    for box in soup.find_all("div", class_="admonitionblock"):
        icon, content = box.find("td", class_="icon"), box.find("td", class_="content")
        if content is None:
            continue
        label = icon.find(class_="title") or icon.find(attrs={"title": True}) or icon.find("img") if icon else None
        name = "" if label is None else " ".join((label.get_text(" ") or label.get("title") or label.get("alt") or "").split())
        note = soup.new_tag("div")
        if name:
            note.append(_note_title(soup, name))
        for wrapper in content.find_all("div", class_="paragraph"):
            wrapper.unwrap()  # so the title opens the first paragraph
        if content.find(["p", "div", "ul", "ol", "pre", "table", "dl"]) is None:
            para = soup.new_tag("p")  # bare text, as Asciidoctor writes a one-paragraph note
            para.extend(list(content.contents))
            first = para.contents[0] if para.contents else None
            if isinstance(first, str):
                first.replace_with(first.lstrip())
            note.append(para)
        else:
            note.extend([c for c in content.contents if not (isinstance(c, str) and not c.strip())])
        box.replace_with(note)


def _docusaurus_admonitions(soup) -> None:
    """A note box as Docusaurus builds it: a heading div ("tip", upper-cased by its
    style) over a content div. It becomes the note box Sphinx builds, which
    _admonitions reads ("Tip: Prettier will follow…")."""
    for box in soup.find_all("div", class_="theme-admonition"):
        parts = box.find_all("div", recursive=False)
        if len(parts) != 2:
            continue
        heading, content = parts
        name = " ".join(heading.get_text(" ").split())
        heading.replace_with(_note_title(soup, name[:1].upper() + name[1:]))
        content.unwrap()


def _note_title(soup, name: str):
    """A note box's title as Sphinx builds it, which _admonitions reads."""
    title = soup.new_tag("p", attrs={"class": "admonition-title"})
    title.string = name
    return title


def _admonitions(soup) -> None:
    """A note box as Sphinx and MkDocs build it (a <div class="admonition note"> whose
    <p class="admonition-title"> says "Note"): its title opens its first paragraph
    ("Note: The connect timeout applies…"), or introduces the list or code that comes
    first ("Note:"). Read as it was, the title was a paragraph of its own, and "Note"
    alone was cited as an answer (requests' Timeouts). Written as the colon container
    its Markdown would be (":::note[Note]"), a short note became one unit, which won over
    the sentence that answers: requests -2 questions."""
    for title in soup.find_all(class_="admonition-title"):
        if title.decomposed:
            continue
        name = " ".join(title.get_text(" ").split()).rstrip(":")
        body = title.find_next_sibling()
        if name and body is not None and body.name == "p":
            body.insert(0, name + ": ")
            title.decompose()
        elif name and body is None:
            # A box that is only its title (Gunicorn's "Added in 25.1.0" under each
            # setting) says it whole: with a colon, the quote ended on an opening.
            title.clear()
            title.append(name if name[-1] in ".!?" else name + ".")
        elif name:
            title.clear()
            title.append(name + ":")
