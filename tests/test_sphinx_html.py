"""Pages as Sphinx builds them (index/html_page.py): each API entry a section under its
name, its signature as code, its "Parameters:" a list, its options one unit per term,
a note box's title over its body."""

from helpers import extracted, indexed


SPHINX_API = """<html><body><div class="body" role="main"><section id="module-pkg.fields">
<h1>Fields<a class="headerlink" href="#module-pkg.fields">¶</a></h1>
<p><strong>Classes:</strong></p>
<table class="autosummary"><tr><td><a href="#pkg.fields.Raw"><code>Raw</code></a>(*)</td>
<td><p>Field that applies no formatting.</p></td></tr></table>
<table class="autosummary"><tr><td><a href="other.html#pkg.Other"><code>Other</code></a></td>
<td><p>Documented on its own page.</p></td></tr></table>
<dl class="py class"><dt class="sig sig-object py" id="pkg.fields.Raw"><em class="property">class </em>\
<span class="sig-prename descclassname">pkg.fields.</span><span class="sig-name descname">Raw</span>(<em>*</em>)\
<a class="reference internal" href="_modules/pkg.html#Raw"><span class="viewcode-link">[source]</span></a>\
<a class="headerlink" href="#pkg.fields.Raw">¶</a></dt>
<dd><p>Field that applies no formatting.</p>
<dl class="py method"><dt class="sig sig-object py" id="pkg.fields.Raw.__init__">
<span class="sig-name descname">__init__</span>(<em>strict</em>)</dt>
<dd><p>Make one.</p>
<dl class="field-list simple"><dt class="field-odd">Parameters<span class="colon">:</span></dt>
<dd class="field-odd"><ul class="simple"><li><p><strong>strict</strong> – Refuse strings.</p></li>
<li><p><strong>name</strong> – Its name.</p></li>
<li><p><strong>**kwargs</strong> – Passed on.</p></li></ul></dd>
<dt class="field-even">Returns<span class="colon">:</span></dt><dd class="field-even"><p>Nothing.</p></dd></dl>
</dd></dl></dd></dl>
<dl class="py function"><dt class="sig sig-object py" id="pkg.fields.make">
<span class="sig-name descname">make</span>()</dt><dd><p>A factory.</p></dd></dl>
<dl class="py attribute"><dt class="sig sig-object py" id="pkg.fields.encoding">
<span class="sig-name descname"><span class="pre">encoding</span></span><em class="property"><span class="p">\
<span class="pre">:</span></span><span class="w"> </span><span class="pre">str</span></em></dt>
<dd><p>The encoding.</p></dd></dl>
</section></div></body></html>"""


def test_sphinx_api_entries_are_sections_under_their_names(tmp_path):
    """A Sphinx-built API page (autodoc): each entry a section under its name, a method
    under its class; its "Parameters:" a list; the summary table of the page's own
    entries left out like a table of contents, one linking elsewhere kept."""
    f = tmp_path / "fields.html"
    f.write_text(SPHINX_API)
    ex = extracted(f)
    assert [s.label for s in ex.sections] == ["Fields", "Fields › Raw", "Fields › Raw › __init__", "Fields › make",
                                              "Fields › encoding"]
    # Each keeps the id a link to it ends with (fields.html#pkg.fields.Raw).
    assert [s.anchor for s in ex.sections] == ["module-pkg.fields", "pkg.fields.Raw", "pkg.fields.Raw.__init__",
                                               "pkg.fields.make", "pkg.fields.encoding"]
    text = ex.text
    assert "Classes:" not in text and "| `Raw`" not in text and "Documented on its own page." in text
    assert "[source]" not in text and "¶" not in text
    assert "*class* `pkg.fields.Raw(*)`" in text and "`__init__(strict)`" in text  # signatures as code
    assert "`encoding: str`" in text  # an attribute's type after its name, as the page reads
    # A name holding an asterisk reads as code, not as a run of marks ("****kwargs**").
    assert "Parameters:\n\n- **strict** – Refuse strings.\n- **name** – Its name.\n- `**kwargs` – Passed on." in text
    assert "Returns: Nothing." in text


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
    # Sphinx writes options and API entries as <dl>: each is a section under its name
    # ("--jobs N"), its text what the section says (the name is not said twice).
    from index.html_page import html_to_markdown
    from index.structure import markdown_structure

    md, _, _ = html_to_markdown(SPHINX_OPTIONS)
    _, sections, _ = markdown_structure(md)
    assert [s.label for s in sections] == ["Command line", "Command line › -j N, --jobs N", "Command line › -q, --quiet"]
    assert "## `-j N, --jobs N`\n\nRun N jobs in parallel." in md and "## `-q, --quiet`\n\nPrint only" in md
    # Markdown's own definition lists (MkDocs' def_list) are one unit per term.
    _, _, blocks = markdown_structure("# CLI\n\n`--jobs N`\n:   Run N jobs in parallel.\n\n`--quiet`\n:   Less output.\n")
    assert [b.kind for b in blocks] == ["heading", "item", "item"]

    d = tmp_path / "docs"
    d.mkdir()
    (d / "cli.html").write_text(SPHINX_OPTIONS)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("how do I run several jobs in parallel?")
    first = ans.citations[0]
    assert first.section == "Command line › -j N, --jobs N" and "Run N jobs in parallel" in first.quote
    assert ans.answer.startswith("-j N, --jobs N: Run N jobs in parallel.")  # the answer names its option


SPHINX_NOTES = """<html><body><div role="main"><section id="timeouts"><h2>Timeouts</h2>
<p>If you specify a single value for the timeout, like this:</p>
<pre>r = requests.get('https://github.com', timeout=5)</pre>
<div class="admonition note"><p class="admonition-title">Note</p>
<p>The connect timeout applies to each connection attempt to an IP address.</p></div>
<div class="admonition warning"><p class="admonition-title">Mind the proxies</p>
<ul><li>Proxies see everything.</li><li>Use HTTPS.</li></ul></div>
<div class="admonition info"><p class="admonition-title">Added in 25.1.0</p></div>
</section></div></body></html>"""


def test_an_html_note_box_title_opens_its_body(tmp_path):
    """Sphinx's and MkDocs' note boxes: the title opens the note's first paragraph, or
    introduces its list; never a paragraph of its own (requests' "Note" was cited alone
    as an answer)."""
    from index.answer.units import units_of
    from index.search import Hit

    f = tmp_path / "advanced.html"
    f.write_text(SPHINX_NOTES)
    ex = extracted(f)
    assert "\n\nNote: The connect timeout applies to each connection attempt to an IP address.\n\n" in ex.text
    assert "\n\nMind the proxies:\n\n- Proxies see everything.\n- Use HTTPS." in ex.text
    # A box that is only its title says it whole (Gunicorn's settings ended on "Added in 25.1.0:").
    assert ex.text.rstrip().endswith("\n\nAdded in 25.1.0.")
    hit = Hit("c", "advanced.html", None, 0, len(ex.text), ex.text, 0.5, 0.5, 0.5, None, "Timeouts", "Timeouts")
    units = [(u.kind, ex.text[u.start : u.end]) for u in units_of(hit)]
    assert ("sentence", "Note: The connect timeout applies to each connection attempt to an IP address.") in units
    assert ("lead", "Mind the proxies:\n\n- Proxies see everything.\n- Use HTTPS.") in units
    assert not any(t.strip(": ") in ("Note", "Mind the proxies") for _, t in units), units
