"""Sources keep their structure: heading paths, page chrome left out, tables, definition
lists and code fences as the reader sees them. How chunks are cut is in
test_chunking.py, answer units in test_units.py, declining in test_abstain.py."""

import io


from helpers import DOC, extracted, indexed, make_pdf
from index.chunking import chunk, sentence_splitter
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


SPHINX_OPTIONS = """<html><head><title>Command line</title></head><body>
<div class="sphinxsidebar" role="navigation"><a href="index.html">Home</a></div>
<div class="body" role="main"><section id="command-line">
<h1>Command line<a class="headerlink" href="#command-line">¶</a></h1>
<p>The <code>tool</code> command accepts these options.</p>
<dl class="std option"><dt id="cmdoption-tool-j"><span class="pre">-j</span> <span class="pre">N</span>, <span class="pre">--jobs</span> <span class="pre">N</span><a class="headerlink" href="#cmdoption-tool-j">¶</a></dt>
<dd><p>Run N jobs in parallel. The default is the number of CPU cores.</p></dd></dl>
<dl class="std option"><dt id="cmdoption-tool-q"><span class="pre">-q</span>, <span class="pre">--quiet</span><a class="headerlink" href="#cmdoption-tool-q">¶</a></dt>
<dd><p>Print only warnings and errors.</p></dd></dl>
</section></div></body></html>"""


def test_definition_lists_are_one_unit_per_term_with_its_definition(tmp_path, embedder):
    # Sphinx writes options and API entries as <dl>: the term ("--jobs N") is what its
    # definition is about, so the two are one unit, quoted exactly.
    from index.html_page import html_to_markdown
    from index.structure import markdown_structure

    md, _ = html_to_markdown(SPHINX_OPTIONS)
    _, _, blocks = markdown_structure(md)
    items = [md[b.start : b.end] for b in blocks if b.kind == "item"]
    assert items[0].startswith("-j N, --jobs N\n") and items[0].endswith("number of CPU cores.")
    assert items[1].startswith("-q, --quiet\n") and items[1].endswith("warnings and errors.")
    # Markdown's own definition lists (MkDocs' def_list) read the same way.
    _, _, blocks = markdown_structure("# CLI\n\n`--jobs N`\n:   Run N jobs in parallel.\n\n`--quiet`\n:   Less output.\n")
    assert [b.kind for b in blocks] == ["heading", "item", "item"]

    d = tmp_path / "docs"
    d.mkdir()
    (d / "cli.html").write_text(SPHINX_OPTIONS)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("how do I run several jobs in parallel?")
    first = ans.citations[0]
    assert first.quote.startswith("-j N, --jobs N") and "Run N jobs in parallel" in first.quote
    assert first.section == "Command line"


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


def test_mdx_pages_are_read_as_markdown_without_their_import_lines(tmp_path):
    f = tmp_path / "config.mdx"
    f.write_text("---\ntitle: Config\n---\n\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
                 "# Configuration\n\nThe `workers` option sets how many processes run.\n")
    ex = extracted(f)
    assert ex.title == "Config" and [s.label for s in ex.sections] == ["Configuration"]
    first = ex.blocks[0]
    assert ex.text[first.start : first.end] == "# Configuration"
    # Docusaurus admonitions: the ":::" marker lines are no part of the text's blocks,
    # and a short one answers whole, as a list item does (a long one is its paragraphs).
    text = ":::tip Use the CLI\nRun `tool init` to create the file.\n:::\n\n:::note[A note]\n\nNotes here.\n\n:::\n"
    assert [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]] == [
        ("item", "Run `tool init` to create the file."), ("item", "Notes here.")]
    long = "\n\n".join(f"Step {i} of a long caution about caches and stale builds." for i in range(15))
    assert {b.kind for b in markdown_structure(f":::caution\n{long}\n:::\n")[2]} == {"paragraph"}
    # MkDocs' admonitions too, their body indented under the marker line.
    text = '!!! note "Workers"\n    Set `--workers` to the number of cores.\n\nAfter the note.\n'
    assert [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]] == [
        ("item", "Set `--workers` to the number of cores."), ("paragraph", "After the note.")]
    # GitHub's alerts are notes; a plain blockquote is not.
    text = "> [!TIP]\n> Run `tool init` first.\n\n> A plain quote.\n"
    assert [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]] == [
        ("item", "> Run `tool init` first."), ("paragraph", "> A plain quote.")]
    # VitePress folds and tabbed examples too.
    text = "::: details Show the config\nSet `base` first.\n:::\n\n::: code-group\n```sh [npm]\nnpm i\n```\n:::\n"
    assert [text[b.start : b.end] for b in markdown_structure(text)[2]] == ["Set `base` first.", "```sh [npm]\nnpm i\n```"]
    # A MyST target line ("(option-boolean-flag)=") is a label for Sphinx, not text.
    text = "## Counting\n\nSet `count=True`.\n\n(option-boolean-flag)=\n\n## Flags\n\nMore (x)= text.\n"
    assert [text[b.start : b.end] for b in markdown_structure(text)[2]] == [
        "## Counting", "Set `count=True`.", "## Flags", "More (x)= text."]
    # An HTML comment on lines of its own is never rendered, so no block; other HTML is.
    text = "Before:\n\n<!-- prettier-ignore -->\n```js\nf( a )\n```\n\n<div>Shown</div>\n"
    assert [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]] == [
        ("paragraph", "Before:"), ("code", "```js\nf( a )\n```"), ("html", "<div>Shown</div>")]
    # A page that merely begins with the word keeps it.
    assert markdown_structure("import the file 'a.txt' first.\n")[2][0].start == 0
    assert markdown_structure('export PATH="$HOME/bin:$PATH"\n')[2][0].start == 0


def test_container_marker_lines_and_mdx_lines_are_no_blocks(tmp_path):
    md = tmp_path / "api.md"
    md.write_text("# API\n\n## `mock()`\n\nImporting it in a setup file prevents mocking.\n\n:::\n\n"
                  "Mocks last for one file.\n\nimport TOCInline from '@theme/TOCInline';\n\n"
                  "<TOCInline toc={toc.slice(2)} />\n\n<TypeScriptExamplesNote />\n\n:::tip\n\nUse types.\n")
    ex = extracted(md)
    text = md.read_text()
    shown = [text[b.start : b.end] for b in ex.blocks if b.kind not in ("heading",)]
    assert shown == ["Importing it in a setup file prevents mocking.", "Mocks last for one file.", "Use types."]


def test_myst_directive_fences_are_notes_not_code():
    # Sphinx projects writing Markdown (MyST: Black, Click) put notes in fences whose
    # info string is a directive. A short note is one item, read as prose (no fence
    # lines); a long one its own blocks; code directives stay code; a table of contents
    # or an include is no text at all.
    note = "Do not run tests in threads. Use pytest-xdist, which runs one process per worker."
    long = "\n\n".join(f"Paragraph {i} of a long warning about parallel test runs and shared state." for i in range(12))
    text = (f"# Testing\n\n```{{warning}}\n{note}\n```\n\n```{{admonition}} Note on arguments\n:class: note\n\n"
            f"   Setting `required=True` is possible.\n```\n\n```{{toctree}}\n:hidden:\nusage\napi\n```\n\n"
            f"```{{code-block}} python\nrun()\n```\n\n:::{{tip}}\nA colon-fenced tip.\n:::\n\n```{{note}}\n{long}\n```\n")
    blocks = markdown_structure(text)[2]
    shown = [(b.kind, text[b.start : b.end]) for b in blocks]
    assert shown[:5] == [("heading", "# Testing"), ("item", note), ("item", "Setting `required=True` is possible."),
                         ("code", "```{code-block} python\nrun()\n```"), ("item", "A colon-fenced tip.")]
    assert [k for k, _ in shown[5:]] == ["paragraph"] * 12 and "usage" not in [t for _, t in shown]
    # A note's item opens where its fence does, so a chunk that begins with it holds
    # both fence lines (else its closing fence would open a code block when re-read).
    assert text[blocks[1].opens :].startswith("```{warning}\n")


def test_a_chunk_opening_with_a_myst_note_holds_its_fence(tmp_path):
    from index.answer.units import candidates
    from index.search import Hit

    f = tmp_path / "testing.md"
    note = "Do not run CLI tests in threads. Use process-based isolation instead: pytest-xdist does this."
    f.write_text("# Testing\n\n" + "The runner swaps global state while it runs. " * 40 + f"\n\n```{{warning}}\n{note}\n```\n\n"
                 "More text after the note.\n")
    chunks = chunk(extracted(f), sentence_splitter(120, 16))
    holding = next(c for c in chunks if "pytest-xdist" in c.text)
    assert holding.text.startswith("```{warning}\n")
    hit = Hit("c1", "testing.md", None, holding.start, holding.end, holding.text, 0.5, 0.5, 0.5, holding.line,
              holding.section, None, holding.fence)
    units = candidates([hit])
    assert (("item", note) in [(u.kind, u.text) for u in units]
            and not any(u.kind == "code" or "```" in u.text for u in units))


def test_template_tag_lines_are_not_part_of_the_paragraph_they_wrap():
    # Hugo's shortcodes (Poetry's docs) and Liquid tags glued to a paragraph: the site
    # shows a box or tabs, so a quote must not open with "{{% note %}}". A line of tags
    # alone is no block; a tag inside a sentence stays (the quote is the source's).
    text = ('# Install\n\n{{% note %}}\nOn Windows, use `py` instead.\nThen restart.\n{{% /note %}}\n\n'
            '{{< tabs tabTotal="2" tabID1="a" >}}\n\n{{< tab tabID="a" >}}\nInstall with pipx.\n{{< /tab >}}\n\n'
            '{% hint style="info" %}\nA hint.\n{% endhint %}\n\nSee {{< relref "cli" >}} too.\n')
    assert [text[b.start : b.end] for b in markdown_structure(text)[2]] == [
        "# Install", "On Windows, use `py` instead.\nThen restart.", "Install with pipx.", "A hint.",
        'See {{< relref "cli" >}} too.']


def test_odd_notes_and_tags_lose_no_text_and_never_hang():
    # Found by a reviewer. Text between two tags on one line is text; many tags on a
    # line are matched in linear time (the first pattern backtracked exponentially).
    import time

    def shown(text):
        return [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]]

    line = "{{< hint info >}}Install with pipx first.{{< /hint >}}"
    assert shown(line + "\n\nNext.\n") == [("paragraph", line), ("paragraph", "Next.")]
    assert shown("{% raw %}Use {{ var }} here.{% endraw %}\n") == [("paragraph", "{% raw %}Use {{ var }} here.{% endraw %}")]
    assert shown("  {{% note %}}\n  Indented body.\n  {{% /note %}}\n") == [("paragraph", "Indented body.")]
    t = time.perf_counter()
    markdown_structure("Intro.\n\n" + "{{< icon >}}" * 40 + " then the sentence.\n")
    assert time.perf_counter() - t < 1.0
    # A note holding code or a heading is no one item (its code keeps its fence, its
    # heading its section); an unknown directive ("{r}", a code cell) stays code.
    code = "```\n" + "\n".join("sha256:" + "ab" * 24 for _ in range(10)) + "\n```"
    assert [k for k, _ in shown(f":::details Checksums\n{code}\n:::\n")] == ["code"]
    assert [k for k, _ in shown(":::tip\nIntro.\n\n## Inside\n\nSome text.\n:::\n")] == ["paragraph", "heading", "paragraph"]
    assert shown("```{r}\n# Summary\nsummary(cars)\n```\n") == [("code", "```{r}\n# Summary\nsummary(cars)\n```")]
    # MyST's colon fences take options too.
    assert shown(":::{tip}\n:class: dropdown\nTip text.\n:::\n") == [("item", "Tip text.")]


def test_a_long_myst_note_cut_across_chunks_carries_its_fence(tmp_path):
    from index.answer.units import candidates
    from index.search import Hit

    f = tmp_path / "testing.md"
    paras = "\n\n".join(f"Paragraph {i} of a long warning about running tests in parallel across many workers."
                        for i in range(8))
    f.write_text(f"# Testing\n\n```{{warning}}\n{paras}\n```\n\nAfter the note comes a plain paragraph.\n")
    chunks = chunk(extracted(f), sentence_splitter(120, 16))
    assert len(chunks) >= 2 and chunks[0].text.startswith("# Testing\n\n```{warning}")
    last = chunks[-1]
    assert last.fence == "```{warning}" and last.text.rstrip().endswith("After the note comes a plain paragraph.")
    hit = Hit("c", "testing.md", None, last.start, last.end, last.text, 0.5, 0.5, 0.5, last.line, last.section, None,
              last.fence)
    units = candidates([hit])
    # Its closing fence closes the note: no unit shows it, and the paragraph after is
    # a unit of its own.
    assert not any("```" in u.text for u in units)
    assert ("sentence", "After the note comes a plain paragraph.") in [(u.kind, u.text) for u in units]


# Cargo's command pages (mdBook) write their option lists as HTML inside the Markdown.
CARGO_OPTIONS = """# cargo-tree(1)

## OPTIONS

### Tree Options

<dl>

<dt class="option-term" id="option-cargo-tree---depth"><a class="option-anchor" href="#option-cargo-tree---depth"><code>--depth</code> <em>depth</em></a></dt>
<dd class="option-desc"><p>Maximum display depth of the dependency tree. A depth of 1 displays the direct
dependencies, for example.</p>
</dd>


<dt class="option-term" id="option-cargo-tree---prefix"><a class="option-anchor" href="#option-cargo-tree---prefix"><code>--prefix</code> <em>prefix</em></a></dt>
<dd class="option-desc"><p>Sets how each line is displayed: &lt;indent&gt; or none.</p>
</dd>

</dl>

Types like Vec<T> in prose keep their angle brackets.
"""


def test_html_written_in_markdown_is_read_without_its_tags(tmp_path, embedder, splitter):
    from index.chunking import readable, without_tags

    _, _, blocks = markdown_structure(CARGO_OPTIONS)
    items = [CARGO_OPTIONS[b.start : b.end] for b in blocks if b.kind == "item"]
    # Each <dt>/<dd> entry is one unit, like a Markdown definition list's.
    assert len(items) == 2 and items[0].startswith("<dt") and items[0].endswith("</dd>")
    assert readable(items[0]).split("\n")[0] == "--depth depth"
    assert readable(items[1]).endswith("Sets how each line is displayed: <indent> or none.")
    assert without_tags(items[0], shown=True).startswith("`--depth` _depth_\nMaximum display depth")
    # Prose angle brackets, escaped tags and code stay as written; block tags break lines.
    assert readable("Types like Vec<T> and <path> stay.") == "Types like Vec<T> and <path> stay."
    assert readable(r"A literal \<b> tag") == r"A literal \<b> tag"
    assert readable("<p>First.</p><p>Second.</p>") == "First.\nSecond."
    assert readable("one<br>two <b>bold</b>") == "one\ntwo bold"
    code = 'Mount it on `<div id="app">`:\n\n```html\n<div id="app"></div>\n````\n<p>Done &amp; <b>dusted</b>.</p>'
    assert readable(code) == 'Mount it on `<div id="app">`:\n\n```html\n<div id="app"></div>\n````\nDone & dusted.'
    assert without_tags('<code class="x">target/</code> dir', shown=True) == "`target/` dir"
    assert readable("Sets &lt;indent&gt;.") == "Sets <indent>." and readable("a <!-- <b>c</b> --> b") == "a  b"

    d = tmp_path / "docs"
    d.mkdir()
    (d / "cargo-tree.md").write_text(CARGO_OPTIONS)
    chunks = chunk(extracted(d / "cargo-tree.md"), splitter)
    assert "option-term" not in chunks[0].embed_text and "--depth depth" in chunks[0].embed_text
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("how do I limit how deep the dependency tree is shown?")
    first = ans.citations[0]
    # The quote is the source, exact; the answer shows it as it reads.
    assert first.quote.startswith('<dt class="option-term"') and "Maximum display depth" in first.quote
    assert "`--depth` _depth_\nMaximum display depth" in ans.answer and "<dt" not in ans.answer
    assert first.as_read(marks=True) in ans.answer and "<dt" not in first.as_read()


def test_an_option_entry_is_not_cut_for_its_tags(tmp_path, splitter):
    # 40 options' worth of attributes around a short description: under the budget as
    # read, so one chunk, although its HTML alone is over it.
    entry = ('<dt class="option-term" id="option-cargo-tree---format"><a class="option-anchor" '
             'href="#option-cargo-tree---format"><code>--format</code> <em>format</em></a></dt>\n<dd class="option-desc">'
             + "".join(f'<p><span class="placeholder-{n}" title="x{n}">{{p{n}}}</span></p>' for n in range(40))
             + "</dd>")
    f = tmp_path / "cargo-tree.md"
    f.write_text("# cargo-tree(1)\n\n## Format\n\n" + entry + "\n")
    pieces = chunk(extracted(f), splitter)
    assert splitter.count_tokens(entry) > splitter.size
    assert len(pieces) == 1 and pieces[0].text.startswith("## Format\n\n<dt") and pieces[0].text.endswith("</dd>")


def test_tag_removal_is_linear_on_hostile_text():
    # Each of these made a pattern rescan to the end from every position (a run of
    # spaces before a block tag, comment openers with no closer): minutes, not
    # milliseconds, at these sizes. Checked by what is left, and by the time only as a
    # bound a quadratic pass cannot meet.
    import time

    from index.chunking import readable

    t = time.perf_counter()
    assert readable("<p>" + " " * 200_000 + "x</p>") == "x"
    assert readable("<!--" * 50_000) == "<!--" * 50_000
    assert readable("keep <!-- gone --> this <!-- open") == "keep  this <!-- open"
    assert readable("<b>x</b> " + "`" * 40_000).endswith("`" * 40_000)
    assert time.perf_counter() - t < 5.0
