"""Sources keep their structure: heading paths, page chrome left out, tables, definition
lists and code fences as the reader sees them. The markup docs tools write around
their text (MDX, MyST, admonitions, template tags, HTML inside Markdown) is in
test_markup.py and test_material.py, Sphinx-built pages in test_sphinx_html.py, how
chunks are cut in test_chunking.py, answer units in test_units.py, declining in
test_abstain.py."""

import io


from helpers import DOC, extracted, indexed, make_pdf
from index.chunking import chunk
from index.splitter import sentence_splitter
from index.structure import markdown_structure


def test_markdown_sections_atx_setext_and_front_matter(tmp_path, splitter):
    f = tmp_path / "guide.md"
    f.write_text(DOC)
    ex = extracted(f)
    assert ex.title == "Front matter title"
    labels = [s.label for s in ex.sections]
    assert labels == ["Setup guide", "Setup guide › Options", "Setup guide › Options › Password prompt",
                      "Setup guide › Options › Proxy", "Setup guide › Other settings"]
    # The whole guide fits one chunk: a section stays with its subsections.
    (whole,) = chunk(ex, splitter)
    assert whole.section == "Setup guide" and "never echoes" in whole.text and "| `retries` | 3 |" in whole.text
    assert "weight: 10" not in whole.text  # front matter is not indexed
    # Small chunks: sections are cut apart, and no chunk straddles two of them.
    chunks = chunk(ex, sentence_splitter(60, 8))
    assert len(chunks) >= 4
    for c in chunks:
        assert ex.text[c.start : c.end] == c.text  # the quote never holds the header
        sec = next(s for s in ex.sections if s.label == c.section)
        end = max(s.end for s in ex.sections if s.path[: len(sec.path)] == sec.path)
        assert sec.start <= c.start and c.end <= end
        inner = [s for s in ex.sections if c.start < s.start < c.end]
        # A chunk holding a later heading holds that subsection whole (it fit with its parent).
        assert all(s.path[: len(sec.path)] == sec.path and s.end <= c.end for s in inner)
    prompt = next(c for c in chunks if "never echoes" in c.text)
    assert prompt.section == "Setup guide › Options › Password prompt"
    assert prompt.embed_text.startswith("Front matter title › Setup guide › Options › Password prompt\n\n")
    assert prompt.line == ex.text.count("\n", 0, prompt.start) + 1


# As curl writes its option pages: facts (the version an option came in, its one-line
# help) only in the front matter.
OPTION_PAGE = ("---\nLong: retry-all-errors\nHelp: Retry on any error\nAdded: 7.71.0\nCategory: curl\n"
               "See-also:\n  - retry\n---\n\n# `--retry-all-errors`\n\nRetry on any and all errors.\n")


def test_front_matter_with_fields_of_its_own_is_a_section(tmp_path, splitter):
    (tmp_path / "retry.md").write_text(OPTION_PAGE)
    # Only a title and a description: what the page's text says again, not indexed.
    (tmp_path / "plain.md").write_text("---\ntitle: Plain\ndescription: A page.\nweight: 3\n---\n\nSome text.\n")
    ex = extracted(tmp_path / "retry.md")
    front, body = chunk(ex, splitter)
    assert front.section == "" and front.fence == "---" and ex.text[front.start : front.end] == front.text
    assert front.text.startswith("Long: retry-all-errors") and front.text.endswith("  - retry")
    assert "Added" not in body.text and body.section == "--retry-all-errors"
    assert front.embed_text == "--retry-all-errors\n\n" + front.text  # no fence embedded
    (only,) = chunk(extracted(tmp_path / "plain.md"), splitter)
    assert only.text == "Some text."
    # TOML front matter too; a site generator's keys (layout, weight, menu) are no facts.
    (tmp_path / "toml.md").write_text("+++\nlong = 'x'\narg = '<n>'\nadded = '1.2'\n+++\n\n# X\n\nText.\n")
    (tmp_path / "site.md").write_text("---\ntitle: T\nlayout: docs\nweight: 3\nmenu:\n  docs: 1\n---\n\nText.\n")
    assert chunk(extracted(tmp_path / "toml.md"), splitter)[0].fence == "+++"
    assert len(chunk(extracted(tmp_path / "site.md"), splitter)) == 1


def test_a_fact_only_in_front_matter_is_answered(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retry.md").write_text(OPTION_PAGE)
    (docs / "json.md").write_text(OPTION_PAGE.replace("retry-all-errors", "json").replace("7.71.0", "7.82.0")
                                  .replace("Retry on any error", "Post JSON"))
    ans = indexed(docs, tmp_path / "data", embedder).ask("Since which version does curl have --retry-all-errors?")
    first = ans.citations[0]
    assert first.source == "retry.md" and "Added: 7.71.0" in first.quote
    assert first.section == "--retry-all-errors"  # under the page's title, as text before its first heading


def test_html_sections_lists_tables_and_hidden_text(tmp_path, splitter):
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>Client docs</title><script>var x=1</script></head><body>"
        "<h1>Client</h1><p>Intro.</p><h2>Timeouts</h2><p>Set them like this:</p>"
        "<ul><li>connect: 5 seconds</li><li>read: 10 seconds</li></ul>"
        "<table><tr><th>name</th><th>default</th></tr><tr><td>pool</td><td>none</td></tr></table>"
        "<pre><code>client.get(url, timeout=3)</code></pre>"
        "<div hidden>secret hidden text</div><p style='display: none'>invisible words</p>"
        # A tab's panel is hidden until its tab is clicked (sphinx-tabs): read, under its label.
        "<div role='tablist'><button role='tab' id='t1'>macOS</button><button role='tab' id='t2'>Windows</button></div>"
        "<div role='tabpanel' aria-labelledby='t1'><pre>python3 -m venv .venv</pre></div>"
        "<div role='tabpanel' aria-labelledby='t2' hidden='true'><pre>py -3 -m venv .venv</pre></div>"
        "<h3>Read timeout</h3><p>The read timeout covers each chunk.</p></body></html>"
    )
    ex = extracted(f)
    assert ex.title == "Client docs"
    assert "secret hidden" not in ex.text and "invisible words" not in ex.text and "var x" not in ex.text
    assert "Windows:\n\n```\npy -3 -m venv .venv\n```" in ex.text and "macOS:" in ex.text
    kinds = {b.kind for b in ex.blocks}
    assert {"item", "row", "code", "heading", "paragraph"} <= kinds
    assert [s.label for s in ex.sections] == ["Client", "Client › Timeouts", "Client › Timeouts › Read timeout"]
    chunks = chunk(ex, sentence_splitter(40, 8))
    sections = {c.section for c in chunks}
    assert "Client › Timeouts › Read timeout" in sections
    assert any("connect: 5 seconds" in c.text and c.section == "Client › Timeouts" for c in chunks)
    assert all(ex.text[c.start : c.end] == c.text for c in chunks)


def test_html_page_chrome_is_left_out(tmp_path):
    """A docs site's page: its menu, sidebar, footer and heading anchors repeat on every
    page and are not what it says; <main> is."""
    f = tmp_path / "options.html"
    f.write_text(
        "<html><head><title>Options</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/changelog'>Changelog</a></nav>"
        "<div class='sphinxsidebar' role='navigation'><p>Table of contents: everything</p></div>"
        "<main><h1>Options<a class='headerlink' href='#options'>¶</a></h1>"
        "<h2>use_directory_urls</h2><p>Set <code>use_directory_urls</code> to <em>false</em> for file:// sites.</p>"
        "</main><footer>Built with a site generator</footer></body></html>"
    )
    ex = extracted(f)
    assert "Changelog" not in ex.text and "Table of contents" not in ex.text and "Built with" not in ex.text
    assert "¶" not in ex.text
    assert [s.label for s in ex.sections] == ["Options", "Options › use_directory_urls"]
    # Quoted as the page shows it, not as Markdown escapes it.
    assert "Set `use_directory_urls` to *false*" in ex.text
    # Without <main>, the chrome still goes: the site's header, sidebar and footer.
    f.write_text("<html><body><header>Site Search</header><nav>Home Changelog</nav>"
                 "<aside><ul><li>Changelog</li></ul></aside><div role='complementary'>Ads</div>"
                 "<article><header><h1>Options</h1></header><p>Text.</p><aside>A note.</aside></article>"
                 "<footer>Built</footer></body></html>")
    assert extracted(f).text == "# Options\n\nText.\n\nA note."
    # <div role="main"> marks the content as <main> does.
    f.write_text("<html><body><div class='menu'>Menu text</div><div role='main'><h1>Options</h1><p>Text.</p></div></body></html>")
    assert extracted(f).text == "# Options\n\nText."


def test_an_asciidoctor_page_reads_its_notes_as_notes_without_its_toc_and_footer(tmp_path):
    # Asciidoctor writes a note as a one-row table (label cell, text cell), its table of
    # contents and "Last updated" footer as divs.
    f = tmp_path / "install.html"
    f.write_text(
        "<html><body><div id='header'><h1>Installing</h1><div id='toc' class='toc'><div id='toctitle'>Contents"
        "</div><ul><li><a href='#_install'>Install</a></li></ul></div></div><div id='content'>"
        "<div class='sect1'><h2 id='_install'>Install</h2><div class='sectionbody'>"
        "<div class='paragraph'><p>Run the installer.</p></div>"
        "<div class='admonitionblock note'><table><tr><td class='icon'><div class='title'>Note</div></td>"
        "<td class='content'>\nIt needs <code>root</code> on Linux.\n</td></tr></table></div>"
        "<div class='admonitionblock warning'><table><tr><td class='icon'><i class='fa icon-warning' title='Warning'></i>"
        "</td><td class='content'><div class='paragraph'><p>Never run it twice.</p></div>"
        "<div class='ulist'><ul><li><p>Not even in CI.</p></li></ul></div></td></tr></table></div>"
        "</div></div></div><div id='footer'><div id='footer-text'>Last updated 2026-01-01</div></div></body></html>")
    ex = extracted(f)
    assert ex.text == ("# Installing\n\n## Install\n\nRun the installer.\n\nNote: It needs `root` on Linux.\n\n"
                       "Warning: Never run it twice.\n\n- Not even in CI.")


def test_a_minified_docusaurus_page_reads_as_its_markdown(tmp_path):
    # Docusaurus 3 writes a table without its optional end tags, a code block one <div>
    # per line ending in <br/>, a note as a heading div over a content div, tabs as a
    # list of labels over unnamed panels, and its "On this page" list inside <main>.
    f = tmp_path / "options.html"
    line = "<div class=token-line><span class='token plain'>{}</span><br/></div>"
    f.write_text(
        "<html><body><main><article><h1>Options</h1>"
        "<table><thead><tr><th>Default<th>CLI Override<tbody><tr><td><code>false</code><td><code>--semi</code></table>"
        "<pre class=prism-code><code>" + "".join(line.format(t) for t in ["# artifacts:", "build", ""]) + "</code></pre>"
        "<div class='theme-admonition theme-admonition-tip alert'><div class=admonitionHeading_x><span><svg></svg></span>"
        "tip</div><div class=admonitionContent_y><p>Follow .gitignore.</div></div>"
        "<div class=tabs-container><ul role=tablist><li role=tab>npm<li role=tab>yarn</ul><div>"
        "<div role=tabpanel><p>Run it.</div><div role=tabpanel hidden><p>Run yarn.</div></div></div>"
        "</article><div class='theme-doc-toc-desktop'><ul class=table-of-contents><li><a href=#x>Options</a></ul></div>"
        "</main></body></html>")
    assert extracted(f).text == (
        "# Options\n\n| Default | CLI Override |\n| --- | --- |\n| `false` | `--semi` |\n\n"
        "```\n# artifacts:\nbuild\n```\n\nTip: Follow .gitignore.\n\nnpm:\n\nRun it.\n\nyarn:\n\nRun yarn.")


def test_html_api_page_as_nodes_tooling_builds_it(tmp_path):
    """Node.js's own HTML pages: a "#" permalink in each heading, a collapsed version
    history under each entry, one <pre> holding the ES module and CommonJS examples."""
    f = tmp_path / "path.html"
    f.write_text(
        "<html><body><div role='main' id='apicontent'>"
        "<h2>Path<span><a class='mark' href='#path' id='path'>#</a></span></h2><p>Paths.</p>"
        "<h3><code>path.resolve([...paths])</code><span><a class='mark' href='#resolve'>#</a></span></h3>"
        "<div class='api_metadata'><details class='changelog'><summary>History</summary><table>"
        "<tr><th>Version</th><th>Changes</th></tr><tr><td>v10.0.0</td><td>Deprecation revoked.</td></tr>"
        "</table></details></div>"
        "<p>Resolves a sequence of paths from right to left.</p>"
        "<pre><input class='js-flavor-toggle' type='checkbox'><code class='language-js mjs'>import path from 'node:path';"
        "</code><code class='language-js cjs'>const path = require('node:path');</code>"
        "<button class='copy-button'>copy</button></pre>"
        "<details><summary>Why right to left?</summary><p>Each absolute path starts again.</p></details>"
        "<details open><summary>History</summary><p>Shown to every reader.</p></details>"
        "</div></body></html>"
    )
    ex = extracted(f)
    assert [s.label for s in ex.sections] == ["Path", "Path › path.resolve([...paths])"]
    assert [s.anchor for s in ex.sections] == ["path", "resolve"]  # from the "#" permalinks, though they go
    assert "#\n" not in ex.text and "Deprecation revoked" not in ex.text and "copy" not in ex.text
    # A collapsed <details> that is not a history, or an open one, is the page's text.
    assert "Each absolute path starts again." in ex.text and "Shown to every reader." in ex.text
    codes = [ex.text[b.start : b.end] for b in ex.blocks if b.kind == "code"]
    assert codes == ["```\nimport path from 'node:path';\n```", "```\nconst path = require('node:path');\n```"]


def test_html_headings_keep_their_anchors_for_chunks_and_citations(tmp_path, embedder):
    """A heading's link target, as docs generators write it (an id on the heading, on
    the <section> it opens, or a permalink in it), goes with the chunks under it and
    into the citation: a reader goes to guide.html#timeouts, not the page's top. A
    heading without one gets none, not its neighbour's."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.html").write_text(
        "<html><body><main><section id='guide'><h1>Guide</h1><p>How to use the client.</p>"
        "<section id='timeouts'><h2>Timeouts<a class='headerlink' href='#timeouts'>¶</a></h2>"
        "<p>Every request gives up after 30 seconds unless you pass the timeout argument.</p></section>"
        "<h2>Retries</h2><p>Failed requests are retried three times with exponential backoff.</p>"
        "<h2 id='proxies'>Proxies</h2><p>Set HTTPS_PROXY to send requests through a proxy server.</p>"
        "</section></main></body></html>")
    ex = extracted(docs / "guide.html")
    assert [(s.label, s.anchor) for s in ex.sections] == [
        ("Guide", "guide"), ("Guide › Timeouts", "timeouts"), ("Guide › Retries", ""), ("Guide › Proxies", "proxies")]
    cited = indexed(docs, tmp_path / "data", embedder)
    ans = cited.ask("How long before a request times out?")
    c = ans.citations[0]
    assert (c.section, c.anchor) == ("Guide › Timeouts", "timeouts")
    assert c.where().startswith("guide.html#timeouts › Guide › Timeouts, chars ")
    assert "anchor" not in ans.to_dict()["citations"][0]  # the JSON keeps its shape
    retried = cited.ask("How many times is a failed request retried?").citations[0]
    assert retried.section == "Guide › Retries" and retried.anchor is None
    assert retried.where().startswith("guide.html › Guide › Retries")


def test_pdf_outline_gives_sections(tmp_path, splitter):
    from pypdf import PdfReader, PdfWriter

    raw = make_pdf(["Installing on Linux needs glibc.", "Windows users run the installer.", "Logs go to stderr."])
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(raw)))
    install = writer.add_outline_item("Install", 0)
    writer.add_outline_item("Windows", 1, parent=install)
    writer.add_outline_item("Logging", 2)
    buf = io.BytesIO()
    writer.write(buf)
    f = tmp_path / "manual.pdf"
    f.write_bytes(buf.getvalue())
    chunks = chunk(extracted(f), splitter)
    sections = {c.page: c.section for c in chunks}
    assert sections == {1: "Install", 2: "Install › Windows", 3: "Logging"}


def test_a_printed_docs_page_keeps_its_code_paragraphs_and_items(tmp_path, splitter, embedder):
    """A docs page printed to PDF (as a browser or Sphinx prints it): the heading set
    larger with its permalink, paragraphs apart, "•" items, and code in Courier whose
    indentation is only in the glyphs' x positions."""
    from pypdf import PdfReader, PdfWriter

    from index.answer.units import units_of
    from index.search import Hit

    # Lines 13-14 points apart, paragraphs and blocks 20 or more.
    page = [("Dispatch by Path\u00b6", "bold", 18, 72, 735),
            ("The dispatcher looks at the request path up to the", "text", 11, 72, 712),
            ("first slash and picks the app for that prefix:", "text", 11, 72, 698),
            ("class PathDispatcher:", "mono", 10, 72, 676),
            ("def __init__(self, default_app):", "mono", 10, 96, 663),
            ("self.default_app = default_app", "mono", 10, 120, 650),
            ("It falls back to the default app when none matches.", "text", 11, 72, 628),
            ("\u00b7 the prefix is the first path segment", "text", 11, 72, 606),
            ("\u00b7 apps are created once per prefix", "text", 11, 72, 592)]
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([page]))))
    writer.add_outline_item("Dispatch by Path\u00b6", 0)
    buf = io.BytesIO()
    writer.write(buf)
    f = tmp_path / "dispatch.pdf"
    f.write_bytes(buf.getvalue())
    ex = extracted(f)
    code = [ex.text[b.start : b.end] for b in ex.blocks if b.kind == "code"]
    assert code == ["```\nclass PathDispatcher:\n    def __init__(self, default_app):\n"
                    "        self.default_app = default_app\n```"]
    items = [ex.text[b.start : b.end] for b in ex.blocks if b.kind == "item"]
    assert items == ["- the prefix is the first path segment", "- apps are created once per prefix"]
    assert "Dispatch by Path\n\nThe dispatcher" in ex.text  # the permalink is chrome
    (c,) = chunk(ex, splitter)
    assert c.section == "Dispatch by Path"
    hit = Hit("x", "dispatch.pdf", c.page, c.start, c.end, c.text, 1.0, 1.0, 1.0, section=c.section)
    kinds = {ex.text[c.start + u.start : c.start + u.end]: u.kind for u in units_of(hit)}
    # The sentence ending in ":" brings the code it introduces, as in Markdown.
    assert any(k == "lead" and "class PathDispatcher" in t for t, k in kinds.items())
    assert kinds["It falls back to the default app when none matches."] == "sentence"


def test_pdf_without_outline_has_pages_only(tmp_path, splitter):
    f = tmp_path / "plain.pdf"
    f.write_bytes(make_pdf(["One page.", "Two pages."]))
    chunks = chunk(extracted(f), splitter)
    assert [c.page for c in chunks] == [1, 2] and all(c.section == "" for c in chunks)


def test_blocks_of_nested_lists_stand_alone():
    text = "- top item\n  - nested one\n  - nested two\n- second top\n"
    _, _, blocks = markdown_structure(text)
    items = [text[b.start : b.end] for b in blocks if b.kind == "item"]
    assert items == ["- top item", "- nested one", "- nested two", "- second top"]


def test_heading_text_keeps_identifiers_and_drops_emphasis():
    from index.structure import plain

    assert plain("`NO_PROXY`") == "NO_PROXY"
    assert plain("SSL_CERT_FILE") == "SSL_CERT_FILE"
    assert plain("**Note** on `__init__`") == "Note on __init__"
    assert plain("[The client](client.md) and *timeouts*") == "The client and timeouts"
    assert plain("[The guide](<my guide.md>) and [API](api_(v2).html \"API\")") == "The guide and API"
    # Component tags (VitePress, Docusaurus) and MkDocs attribute lists are no text; code keeps its brackets.
    assert plain("input <NonInheritBadge />") == "input"
    assert plain("`moduleNameMapper` \\[object&lt;string, string&gt;]") == "moduleNameMapper [object<string, string>]"
    assert plain("`a &amp; b` &amp; c") == "a &amp; b & c"  # a code span is kept as written
    assert plain('build.target <Badge type="tip" text="new" />') == "build.target"
    assert plain("Version (*required*) ## {: #version }") == "Version (required)"
    assert plain("Object Format (`Record<string, string>`)") == "Object Format (Record<string, string>)"
    assert plain("if a < b or c > d") == "if a < b or c > d"


def test_link_targets_are_not_indexed_but_quotes_keep_them(tmp_path, splitter):
    from index.chunking import readable, with_context

    text = "Clone [the repository](https://github.com/org/tool) and see [docs](guide.md#setup \"Setup\")."
    assert readable(text) == "Clone [the repository] and see [docs]."
    assert "https" not in with_context("Contributing", text) and "github" not in with_context("", text)
    f = tmp_path / "c.md"
    f.write_text("# Contributing\n\n" + text + "\n")
    c = chunk(extracted(f), splitter)[0]
    assert "https://github.com/org/tool" in c.text  # what is quoted is the source, exact
    assert "https" not in c.embed_text
    # A MyST role reads as what the page shows: its title, or its target without the
    # role and the "~".
    roles = "See {doc}`Editor / IDE <./editors>`, {meth}`~click.Context.invoke` and {doc}`the_basics`."
    assert readable(roles) == "See Editor / IDE, click.Context.invoke and the_basics."
    # A code span holding braces is no role.
    assert readable("Use `{name}` and `{other}` placeholders") == "Use `{name}` and `{other}` placeholders"


def test_pdf_prose_that_looks_like_markdown_stays_prose():
    from index.pdf_text import _fixed_pitch, read_pdf

    lines = lambda *texts: [(t, "text", 12, 72, 720 - 16 * i) for i, t in enumerate(texts)]  # noqa: E731
    for page in (lines("Intro.", "~~~ is another fence marker", "More prose."), lines("<script> tags are blocked."),
                 lines("# of retries is set by the option.", "Next."), lines("The build uses", "1. at line start"),
                 lines("Alpha", "---", "Beta")):
        ex = read_pdf(make_pdf([page, lines("Page two.")]))
        assert {b.kind for b in ex.blocks} == {"paragraph"}, ex.text
        assert ex.text.endswith("Page two.")  # nothing ran on into the next page
    # Inline code wrapped onto a line of its own stays in its sentence.
    page = [("Call the function", "text", 11, 72, 700), ("configure_the_settings()", "mono", 10, 72, 687),
            ("before you start the server.", "text", 11, 72, 674)]
    ex = read_pdf(make_pdf([page]))
    assert [b.kind for b in ex.blocks] == ["paragraph"] and "```" not in ex.text
    assert not _fixed_pitch({"/BaseFont": "/Monotype-Corsiva"}) and _fixed_pitch({"/BaseFont": "/DejaVuSansMono"})
