"""The markup docs tools write around their text (index/markup.py), read as their
readers see it: MDX import lines and components, container markers, MyST directive
fences and notes, Hugo's and Liquid's template tags, HTML written inside Markdown."""

from helpers import extracted, indexed
from index.chunking import chunk
from index.splitter import sentence_splitter
from index.answer.rendered import as_shown
from index.structure import markdown_structure


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
            '{% hint style="info" %}\nA hint.\n{% endhint %}\n\nSee {{< relref "cli" >}} too.\n\n'
            '{{ conversion_table_json }}\n\nSet {{ var }} once.\n\n[](){#include-and-exclude}\n')
    # A mkdocs-macros placeholder alone on its line is filled by the build, an autorefs
    # anchor is a link target: no text here (an anchor was cited as an empty quote).
    assert [text[b.start : b.end] for b in markdown_structure(text)[2]] == [
        "# Install", "On Windows, use `py` instead.\nThen restart.", "Install with pipx.", "A hint.",
        'See {{< relref "cli" >}} too.', "Set {{ var }} once."]


def test_hugo_code_shortcodes_are_code_blocks_shown_fenced():
    # "{{< code-toggle >}}" holds a configuration in TOML (Hugo shows it in TOML, YAML
    # and JSON tabs): one code block, not a paragraph whose lines join into one sentence.
    text = ("# Feeds\n\nCap the feed:\n\n  {{< code-toggle file=hugo >}}\n  [services.rss]\n  limit = 42\n"
            "  {{< /code-toggle >}}\n\n{{< highlight go \"linenos=table\" >}}\n# not a heading\n{{< /highlight >}}\n\n"
            "{{< code-toggle config=markup.goldmark />}}\n")
    blocks = [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]]
    assert blocks[2:4] == [
        ("code", "{{< code-toggle file=hugo >}}\n  [services.rss]\n  limit = 42\n  {{< /code-toggle >}}"),
        ("code", '{{< highlight go "linenos=table" >}}\n# not a heading\n{{< /highlight >}}')]
    assert not any(kind == "heading" and "not a heading" in b for kind, b in blocks)
    # Shown as a fenced block; the quote keeps the tags (offsets are the source's).
    assert as_shown(blocks[2][1]) == "```toml\n  [services.rss]\n  limit = 42\n```"
    assert as_shown(blocks[3][1]) == "```go\n# not a heading\n```"
    # A self-closing one has no body and is no block of code.
    assert all("goldmark" not in b or kind != "code" for kind, b in blocks)
    # Liquid's highlight tag (Jekyll) is a code block too.
    text = "# Upgrade\n\n{% highlight diff %}\n- gem 'a'\n+ gem 'b'\n{% endhighlight %}\n"
    (code,) = [text[b.start : b.end] for b in markdown_structure(text)[2] if b.kind == "code"]
    assert as_shown(code) == "```diff\n- gem 'a'\n+ gem 'b'\n```"
    # Inside a code block the tags are an example of themselves, shown as written.
    example = "```liquid\n{% highlight ruby %}\ndef foo\nend\n{% endhighlight %}\n```"
    blocks = [(b.kind, text[b.start : b.end]) for text in [f"# Tags\n\n{example}\n"]
              for b in markdown_structure(text)[2]]
    assert blocks[1:] == [("code", example)] and as_shown(example) == example


def test_code_shortcodes_keep_offsets_and_never_hang(tmp_path, splitter):
    # Found by a reviewer: an empty body added a line (every later block moved), an
    # opener without a closer scanned to the end from each one, a longer outer fence
    # holding a shorter one ended too early, a long block's later chunks read as prose.
    import time

    from index.markup import code_fenced

    for text in ["{{< highlight go >}}\n{{< /highlight >}}\nA sentence.\n",
                 "````md\n```\n{% highlight x %}\n````\n\n{% highlight python %}\n# a comment\n{% endhighlight %}\n"]:
        assert len(code_fenced(text)) == len(text)
    text = "# T\n\n````md\n```\n{% highlight x %}\n````\n\n{% highlight python %}\n# a comment\n{% endhighlight %}\n"
    assert [b.kind for b in markdown_structure(text)[2]] == ["heading", "code", "code"]
    t = time.perf_counter()
    code_fenced("{% highlight ruby %}\n" * 50_000 + "{{< highlight go >}}\n" * 50_000)
    assert time.perf_counter() - t < 2.0
    body = "\n".join(f"setting_{i} = {i}  # step {i} of the long example" for i in range(120))
    (tmp_path / "config.md").write_text(f"# Config\n\n{{% highlight python %}}\n{body}\n{{% endhighlight %}}\n")
    ex = extracted(tmp_path / "config.md")
    later = chunk(ex, splitter)[1:]
    assert later and all(c.fence == "```python" for c in later)
    # code-toggle's body may be YAML or JSON, not only TOML.
    assert as_shown("{{< code-toggle file=hugo >}}\ntitle: Home\n{{< /code-toggle >}}").startswith("```yaml\n")


def test_liquid_and_kramdown_tags_are_neither_text_nor_shown():
    # Jekyll's docs: "{% raw %}" around an example, "{: .note .info}" under the paragraph
    # it styles, a version badge included in a heading.
    text = ("# Tags\n\n## Marking lines {%- include badge.html version=\"4.4.0\" -%}\n{: #marking-lines }\n\n"
            "Mark lines with `mark_lines`:\n\n{% raw %}\n```liquid\n{% highlight ruby mark_lines=\"1 2\" %}\n```\n"
            "{% endraw %}\n\nUse {% raw %}`{% include %}`{% endraw %} here.\nNote the class.\n{: .note .info}\n")
    title, sections, blocks = markdown_structure(text)
    assert sections[-1].path == ("Tags", "Marking lines")
    paragraphs = [text[b.start : b.end] for b in blocks if b.kind == "paragraph"]
    assert paragraphs[-1] == "Use {% raw %}`{% include %}`{% endraw %} here.\nNote the class."
    body = text[text.index("Mark lines") :]
    assert markdown_structure("## The `{% link %}` tag\n")[1][0].path == ("The {% link %} tag",)
    # Shown without them; the example's own tag, inside its code block, stays.
    assert as_shown(body) == ("Mark lines with `mark_lines`:\n\n```liquid\n{% highlight ruby mark_lines=\"1 2\" %}\n"
                              "```\n\nUse `{% include %}` here.\nNote the class.\n")


def test_a_link_to_a_template_tag_is_shown_as_its_words():
    # Poetry's docs link with Hugo's relref: the quote keeps it, a reader sees the words.
    text = ('Poetry supports a rich [dependency specification]({{< relref "dependency-specification" >}}) syntax; '
            'see the [Introduction]({{< relref "docs" >}} "Introduction") and [the tag]({% link _docs/x.md %}).\n\n'
            '```md\n[kept]({{< relref "x" >}})\n```\n[a page](page.md)')
    assert as_shown(text) == ("Poetry supports a rich dependency specification syntax; see the Introduction and "
                              'the tag.\n\n```md\n[kept]({{< relref "x" >}})\n```\n[a page](page.md)')
    # An example of the syntax in a code span stays; so does an image; a ")" inside the tag
    # or a space before it changes nothing.
    odd = ('Write `[text]({{< relref "page" >}})` in Hugo. ![logo]({{< relref "i.png" >}}) '
           '[guide]({{< relref "a (b)" >}}) [docs]( {{< relref "x" >}})')
    assert as_shown(odd) == 'Write `[text]({{< relref "page" >}})` in Hugo. ![logo]({{< relref "i.png" >}}) guide docs'


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
    from index.chunking import readable
    from index.markup import without_tags

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


def test_a_line_break_tag_in_a_table_cell_reads_as_a_space():
    # Traefik writes "<br />" in most cells of its option tables: read as a line break,
    # it cut each row in two, and the second half read as no row at all.
    from index.chunking import readable

    table = ("| Field | Description | Default |\n|---|---|---|\n"
             "| <a id=\"opt-t\">`transport.`<br />`idleTimeout`</a> | Idle time.<br />Zero: none. | 180s |\n")
    assert readable(table).splitlines()[2] == "| `transport.` `idleTimeout` | Idle time. Zero: none. | 180s |"
    # Outside a row (and in a line that only holds a "|" later) it is still a line break.
    assert readable("`c` | k<br>l") == "`c` | k\nl" and readable("one<br>two") == "one\ntwo"
    # One pass per line, however many code spans a row holds.
    import time

    t = time.perf_counter()
    row = "| " + "`x` <br> " * 50_000 + "|"
    assert "\n" not in readable(row)
    assert time.perf_counter() - t < 5.0


def test_a_definition_is_shown_on_its_terms_line():
    # Markdown's definition lists (Hugo's settings, pip's locations): a chat shows the
    # ": " lines raw. Code keeps its lines.
    text = "`enable`\n: (`bool`) Whether to enable it.\n\n```yaml\nkey\n: x\n```"
    assert as_shown(text) == "`enable`: (`bool`) Whether to enable it.\n\n```yaml\nkey\n: x\n```"
    # A blank line between them (Homebrew's manpage) is the same list.
    spaced = "`--minimum-version`\n\n: Only list a formula below it.\n\n`-g`, `--greedy`\n\n: Also list casks."
    assert as_shown(spaced) == "`--minimum-version`: Only list a formula below it.\n\n`-g`, `--greedy`: Also list casks."


def test_an_image_between_paragraphs_leaves_one_blank_line_not_three():
    text = "Many apps update themselves:\n\n<img src=\"a.png\" alt=\"update window\">\n\nAn app's own updater…"
    assert as_shown(text) == "Many apps update themselves:\n\nAn app's own updater…"
    code = "```text\na\n\n\n\nb\n```"
    assert as_shown(code) == code  # code keeps its lines


def test_a_list_item_opening_with_its_fence_opens_a_code_block():
    # "- ```" (pip's environment variables): the tags in the item's code are its
    # example, kept; its closing fence opens nothing, so the prose after it is read.
    from index.fences import fence_step

    assert fence_step("- ```html", None) == (True, "```")
    assert fence_step("  1. ~~~", None) == (True, "~~~")
    assert fence_step("- ```", "```") == (False, "```")  # inside code, an item's fence is code
    assert as_shown("- ```html\n  <b>x</b>\n  ```\n\n<b>y</b> text") == "- ```html\n  <b>x</b>\n  ```\n\n**y** text"


def test_vitepress_snippet_imports_and_link_attributes_are_not_shown():
    # "<<< @/public/x.toml" is the file's text on the built page, "{download}" a link's
    # attribute: a chat showed both raw (Starship's presets). Code keeps them as written.
    text = ("```sh\nstarship preset x\n```\n\n[Click to download TOML](/presets/toml/x.toml){download}\n\n"
            "<<< @/public/presets/toml/x.toml\n\nAfter.")
    assert as_shown(text) == "```sh\nstarship preset x\n```\n\n[Click to download TOML](/presets/toml/x.toml)\n\nAfter."
    example = "Write `[a](b){download}` and\n\n```md\n<<< @/snippets/x.js\n```"
    assert as_shown(example) == example


def test_a_collapsible_blocks_summary_shows_as_the_label_of_its_body():
    # Starship sets up each shell in a "<details><summary>Fish</summary>" block: quoted,
    # the summaries read as bare lines ("Fish", "Ion") between the shells' commands.
    from index.notes import note_title

    text = ("Step 2.\n\n<details>\n<summary>Bash</summary>\n\nAdd this:\n\n```sh\neval x\n```\n\n</details>\n\n"
            "<details>\n<summary>Fish</summary>\n\nAdd that.\n\n</details>")
    assert as_shown(text) == "Step 2.\n\nBash:\n\nAdd this:\n\n```sh\neval x\n```\n\nFish:\n\nAdd that.\n"
    assert note_title("<details><summary><b>Fish</b></summary>") == "Fish" and note_title("<summary></summary>") is None


def test_a_heading_written_as_html_in_markdown_opens_a_section(tmp_path):
    # ripgrep's FAQ: each question between '<h3 name="…">' and '</h3>' lines.
    f = tmp_path / "FAQ.md"
    f.write_text('## FAQ\n\n<h3 name="config">\nDoes ripgrep support <code>config</code> files?\n</h3>\n\n'
                 'Yes. See the guide.\n\n<h3 name="release">When is the next release?</h3>\n\n'
                 'No dates will ever be given.\n\n<h1 align="center"><img src="logo.png"></h1>\n\nThe end.\n')
    ex = extracted(f)
    assert [s.label for s in ex.sections] == ["FAQ", "FAQ › Does ripgrep support config files?",
                                              "FAQ › When is the next release?"]
    release = next(s for s in ex.sections if s.label.endswith("release?"))
    assert "No dates" in ex.text[release.start : release.end] and "The end." in ex.text[release.start : release.end]
