"""Sources keep their structure: heading paths, blocks kept whole, page chrome left out,
tables, definition lists and code fences as the reader sees them. Answer units are in
test_units.py, declining in test_abstain.py."""

import io

import pytest

from helpers import DOC, indexed, make_pdf
from index.chunking import Splitter, chunk, sentence_splitter
from index.sources import SourceFile, extract
from index.structure import markdown_structure


def _extract(path):
    return extract(SourceFile(path.name, path), path.read_bytes())


@pytest.fixture(scope="module")
def splitter():
    return sentence_splitter(256, 32)


def test_markdown_sections_atx_setext_and_front_matter(tmp_path, splitter):
    f = tmp_path / "guide.md"
    f.write_text(DOC)
    ex = _extract(f)
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


def test_fenced_code_is_kept_whole_when_it_fits(tmp_path):
    code = "```python\n" + "\n\n".join(f"step_{i} = run({i})" for i in range(12)) + "\n```"
    f = tmp_path / "code.md"
    f.write_text("# Code\n\n" + "Some words here. " * 30 + "\n\n" + code + "\n\nAfter the code, more words.\n")
    # Small chunks: the prose must be cut, the code block (about 90 tokens) must not.
    sp = sentence_splitter(120, 16)
    chunks = chunk(_extract(f), sp)
    holding = [c for c in chunks if "step_0" in c.text or "step_11" in c.text]
    assert len(holding) == 1 and code in holding[0].text
    assert len(chunks) >= 3


def test_a_code_block_cut_across_chunks_keeps_its_fence(tmp_path):
    from index.answer.units import candidates
    from index.search import Hit

    code = "```dockerfile\n" + "\n".join(f"RUN step_{i} --flag value-{i} && echo done-{i}" for i in range(40)) + "\n```"
    f = tmp_path / "docker.md"
    f.write_text("# Docker\n\nA sample Dockerfile:\n\n" + code + "\n\nThen build the image.\n")
    chunks = chunk(_extract(f), sentence_splitter(120, 16))
    text = f.read_text()
    inside = [c for c in chunks if c.fence]
    assert inside and all(c.fence == "```dockerfile" for c in inside)
    assert not any(c.fence for c in chunks if c.text.startswith("# Docker"))
    # Read as an answer, the rest of the block is one code unit, shown under its
    # opening fence (not quoted), never the closing fence read as an opening one.
    last = inside[-1]
    assert last.text.rstrip().endswith("```")
    hit = Hit("c2", "docker.md", None, last.start, last.end, last.text, 0.5, 0.5, 0.5, last.line, last.section, None,
              last.fence)
    units = candidates([hit])
    assert [(u.kind, u.context) for u in units] == [("code", "```dockerfile")]
    assert units[0].text.endswith("```") and text[units[0].start : units[0].end] == units[0].text
    # An indented code block has no fence line to carry.
    g = tmp_path / "indented.md"
    g.write_text("# Log\n\nA long log:\n\n" + "\n".join(f"    line {i} of the log output here" for i in range(60)) + "\n")
    assert not any(c.fence for c in chunk(_extract(g), sentence_splitter(120, 16)))


def test_an_open_fence_is_closed_for_the_reader_never_in_the_quote(tmp_path, embedder):

    d = tmp_path / "docs"
    d.mkdir()
    code = "```python\n" + "\n".join(f"configure_worker_pool(size={i}, timeout={i * 3}, retries={i % 4})" for i in range(60)) + "\n```"
    (d / "pool.md").write_text("# Worker pool\n\nA long example that configures the worker pool:\n\n" + code + "\n")
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("How do I configure the worker pool size and timeout?")
    assert not ans.abstained
    import re

    for part in re.split(r"\s\[\d+\]", ans.answer):
        assert part.count("```") % 2 == 0, part  # every fence the reader sees is closed
    # A closing fence stands alone on its line: "``` [1]" would not close the block.
    assert not re.search(r"^```.*\[\d+\]", ans.answer, re.M), ans.answer
    assert "```\n\n[1]" in ans.answer
    text = (d / "pool.md").read_text()
    assert all(text[c.start : c.end] == c.quote for c in ans.citations)


TABLE_HEAD = "| Option | Type | Default | Description |\n|---|---|---|---|"


def test_a_table_cut_across_chunks_gives_each_chunk_its_head_row(tmp_path, splitter, embedder):

    rows = "\n".join(f"| `option_{i}` | int | `{i * 10}` | How many widgets of kind {i} a pool may hold. |"
                     for i in range(40))
    d = tmp_path / "docs"
    d.mkdir()
    (d / "settings.md").write_text(f"# Settings\n\nEvery setting:\n\n{TABLE_HEAD}\n{rows}\n")
    chunks = chunk(_extract(d / "settings.md"), splitter)
    later = chunks[1:]
    assert later and all(c.text.startswith("| `option_") and c.fence == TABLE_HEAD for c in later)
    assert chunks[0].fence == ""  # the first holds the head row itself
    for c in later:  # embedded (and indexed) under the head row, within what the model reads
        assert c.embed_text.startswith("Settings\n\n| Option | Type | Default | Description |\n| `option_")
        assert splitter.count_tokens(c.embed_text) <= 256
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("What is the default of option_37?")
    first = ans.citations[0]
    assert first.quote.startswith("| `option_37` | int | `370` |")
    # Under its section's heading, on a line of its own so the table still reads as one.
    assert ans.answer.startswith("Settings:\n| Option | Type | Default | Description |\n| `option_37` |")
    assert (d / "settings.md").read_text()[first.start : first.end] == first.quote


def test_carried_lines_never_push_a_chunk_past_what_the_model_reads(tmp_path, splitter):
    # Rows carried under their head row leave room for it: a table followed by prose, a
    # row that fits alone but not with its head, and a long one-line list item (which
    # carries nothing: its first line is a paragraph, not a term).
    rows = "\n".join(f"| `opt_{i}` | int | `{i}` | Widgets of kind {i} a pool may hold. |" for i in range(25))
    big = " ".join(["word"] * 215)
    prose = "\n\n".join(f"Paragraph {i} about pools and widgets and how they block." for i in range(12))
    md = (f"# Settings\n\n{TABLE_HEAD}\n{rows}\n\n{prose}\n\n## Big\n\n{TABLE_HEAD}\n| `big` | str | `x` | {big} |\n"
          f"| `next` | int | `1` | Small. |\n\n## Notes\n\n- " + " ".join(f"Fixed bug {i}." for i in range(200)) + "\n")
    (tmp_path / "s.md").write_text(md)
    chunks = chunk(_extract(tmp_path / "s.md"), splitter)
    assert all(splitter.count_tokens(c.embed_text) <= 256 for c in chunks)
    assert any(c.fence == TABLE_HEAD for c in chunks)
    notes = [c for c in chunks if c.section.endswith("Notes")]
    assert len(notes) > 1 and all(c.fence == "" for c in notes)


def test_html_sections_lists_tables_and_hidden_text(tmp_path, splitter):
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>Client docs</title><script>var x=1</script></head><body>"
        "<h1>Client</h1><p>Intro.</p><h2>Timeouts</h2><p>Set them like this:</p>"
        "<ul><li>connect: 5 seconds</li><li>read: 10 seconds</li></ul>"
        "<table><tr><th>name</th><th>default</th></tr><tr><td>pool</td><td>none</td></tr></table>"
        "<pre><code>client.get(url, timeout=3)</code></pre>"
        "<div hidden>secret hidden text</div><p style='display: none'>invisible words</p>"
        "<h3>Read timeout</h3><p>The read timeout covers each chunk.</p></body></html>"
    )
    ex = _extract(f)
    assert ex.title == "Client docs"
    assert "secret hidden" not in ex.text and "invisible words" not in ex.text and "var x" not in ex.text
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
    ex = _extract(f)
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
    assert _extract(f).text == "# Options\n\nText.\n\nA note."
    # <div role="main"> marks the content as <main> does.
    f.write_text("<html><body><div class='menu'>Menu text</div><div role='main'><h1>Options</h1><p>Text.</p></div></body></html>")
    assert _extract(f).text == "# Options\n\nText."


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
    chunks = chunk(_extract(f), splitter)
    sections = {c.page: c.section for c in chunks}
    assert sections == {1: "Install", 2: "Install › Windows", 3: "Logging"}


def test_pdf_without_outline_has_pages_only(tmp_path, splitter):
    f = tmp_path / "plain.pdf"
    f.write_bytes(make_pdf(["One page.", "Two pages."]))
    chunks = chunk(_extract(f), splitter)
    assert [c.page for c in chunks] == [1, 2] and all(c.section == "" for c in chunks)


def test_blocks_of_nested_lists_stand_alone():
    text = "- top item\n  - nested one\n  - nested two\n- second top\n"
    _, _, blocks = markdown_structure(text)
    items = [text[b.start : b.end] for b in blocks if b.kind == "item"]
    assert items == ["- top item", "- nested one", "- nested two", "- second top"]


def test_plain_splitter_functions_still_work(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("# A\n\nOne.\n\n# B\n\nTwo.\n")
    chunks = chunk(_extract(f), lambda t: [t])
    assert [c.section for c in chunks] == ["A", "B"]
    assert isinstance(Splitter(lambda t: [t], len, 10).size, int)


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
    from index.structure import html_to_markdown, markdown_structure

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
    c = chunk(_extract(f), splitter)[0]
    assert "https://github.com/org/tool" in c.text  # what is quoted is the source, exact
    assert "https" not in c.embed_text


def _sphinx_function(n_params: int) -> str:
    params = "".join(f"<li><p><strong>option_{i}</strong> – (optional) How many widgets of kind {i} the "
                     f"pool may hold before it blocks.</p></li>" for i in range(n_params))
    return ("<html><head><title>API</title></head><body><div class='body' role='main'><section>"
            "<h1>API<a class='headerlink' href='#api'>¶</a></h1>"
            "<dl class='py function'><dt class='sig sig-object py' id='pool.make'>"
            "<span class='sig-prename descclassname'>pool.</span><span class='sig-name descname'>make</span>"
            "(<em class='sig-param'>size</em>, <em class='sig-param'>**kwargs</em>)"
            "<a class='reference internal' href='_modules/pool.html#make'><span class='viewcode-link'>"
            "<span class='pre'>[source]</span></span></a></dt>"
            "<dd><p>Makes a pool.</p><dl class='field-list'><dt>Parameters:</dt><dd><ul>" + params +
            "</ul></dd></dl></dd></dl></section></div></body></html>")


def test_a_long_api_entry_cut_across_chunks_gives_each_chunk_its_signature(tmp_path, splitter, embedder):
    from index.answer.units import units_of
    from index.search import Hit

    d = tmp_path / "docs"
    d.mkdir()
    (d / "api.html").write_text(_sphinx_function(30))
    ex = _extract(d / "api.html")
    assert "[source]" not in ex.text  # Sphinx's viewcode links are chrome
    # The parameters are items of their own, the first without the definition's ":" marker.
    items = [ex.text[b.start : b.end] for b in ex.blocks if b.kind == "item"]
    assert items[0].startswith("pool.make(") and items[1].startswith("- **option_0** –")
    chunks = chunk(ex, splitter)
    later = [c for c in chunks if c.start > ex.text.index("pool.make(")]
    assert len(later) >= 2 and all(c.fence == "pool.make(*size*, ***kwargs*)" for c in later)
    for c in later:
        assert c.embed_text.startswith("API\n\npool.make(*size*, ***kwargs*)\n")
        assert splitter.count_tokens(c.embed_text) <= 256
        # Read alone, the entry's indented lines are still list items, not a code block.
        units = units_of(Hit("x", "api.html", None, c.start, c.end, c.text, .5, .5, .5, c.line, c.section, c.title, c.fence))
        assert units and all(u.kind == "item" and u.context == c.fence for u in units)
        assert all(c.text[u.start : u.end].startswith("- **option_") for u in units)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("what does option_27 of pool.make do?")
    first = ans.citations[0]
    assert first.quote.startswith("- **option_27** – (optional) How many widgets of kind 27")
    assert ans.answer.startswith("API:\npool.make(*size*, ***kwargs*)\n- **option_27**")
    assert ex.text[first.start : first.end] == first.quote


def test_mdx_pages_are_read_as_markdown_without_their_import_lines(tmp_path):
    f = tmp_path / "config.mdx"
    f.write_text("---\ntitle: Config\n---\n\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
                 "# Configuration\n\nThe `workers` option sets how many processes run.\n")
    ex = _extract(f)
    assert ex.title == "Config" and [s.label for s in ex.sections] == ["Configuration"]
    first = ex.blocks[0]
    assert ex.text[first.start : first.end] == "# Configuration"
    # Docusaurus admonitions: the ":::" marker lines are no part of the text's blocks.
    text = ":::tip Use the CLI\nRun `tool init` to create the file.\n:::\n\n:::note[A note]\n\nNotes here.\n\n:::\n"
    assert [text[b.start : b.end] for b in markdown_structure(text)[2]] == ["Run `tool init` to create the file.",
                                                                            "Notes here."]
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


def test_a_table_s_head_row_opens_the_chunk_of_its_rows(tmp_path):
    # The head row fits after the prose, its first row does not: it goes with the rows.
    f = tmp_path / "options.md"
    f.write_text("## Quote Props\n\nChange when properties in objects are quoted, and in which files the rule "
                 "applies to every key of every object literal you write in the project.\n\n"
                 "| Default | CLI Override | API Override |\n| --- | --- | --- |\n"
                 "| `\"as-needed\"` | `--quote-props <as-needed|consistent|preserve>` | "
                 "`quoteProps: \"<as-needed|consistent|preserve>\"` |\n")
    ex = _extract(f)
    chunks = chunk(ex, sentence_splitter(80, 8))
    assert len(chunks) >= 2
    for c in chunks:
        if "| Default |" in c.text:
            assert "quoteProps" in c.text, c.text
    assert "| Default |" not in chunks[0].text



def test_a_cut_piece_starts_with_its_sentence_not_after_an_abbreviation():
    from index.chunking import _locate

    text = "The letter went out. They wrote to U.N. Secretary-General Guterres about it. Then they waited."
    cut = text.index("Secretary")

    def split(t):  # a splitter whose sentences end at every full stop, as LlamaIndex's do
        return [t[:cut].strip(), t[cut:]]

    pieces = _locate(text, 0, len(text), split, None)
    assert pieces[1].text.startswith("They wrote to U.N. Secretary-General")
    assert text[pieces[1].start : pieces[1].end] == pieces[1].text
    # Unless the longer piece would not fit what the model reads.
    assert _locate(text, 0, len(text), split, None, fits=lambda piece: False)[1].text.startswith("Secretary")


def test_container_marker_lines_and_mdx_lines_are_no_blocks(tmp_path):
    md = tmp_path / "api.md"
    md.write_text("# API\n\n## `mock()`\n\nImporting it in a setup file prevents mocking.\n\n:::\n\n"
                  "Mocks last for one file.\n\nimport TOCInline from '@theme/TOCInline';\n\n"
                  "<TOCInline toc={toc.slice(2)} />\n\n<TypeScriptExamplesNote />\n\n:::tip\n\nUse types.\n")
    ex = _extract(md)
    text = md.read_text()
    shown = [text[b.start : b.end] for b in ex.blocks if b.kind not in ("heading",)]
    assert shown == ["Importing it in a setup file prevents mocking.", "Mocks last for one file.", "Use types."]
