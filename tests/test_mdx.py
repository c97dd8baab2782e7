"""MDX components on lines of their own (Mintlify, Starlight, Docusaurus), shown in an
answer as the built page reads them (index/mdx.py); the quote stays the source. MDX
pages read as Markdown, and the notes docs tools write read as blocks."""

from helpers import extracted, indexed
from index.answer.rendered import as_shown
from index.structure import markdown_structure

CHECKPOINTS = """\
# Checkpointing

## Reference

<ParamField path="location" type="str" default='"./.checkpoints"'>
  Storage destination: a directory for the JSON provider, a database file for SQLite.
</ParamField>

<ParamField path="max_checkpoints" type="int | None" required>
  Maximum checkpoints to retain. Oldest are pruned after each write.
</ParamField>

## Providers

<AccordionGroup>
  <Accordion title="SQLite">
    Set `provider=SqliteProvider()` to keep checkpoints in one database file.

    ```jsx
    <Accordion title="shown as written in code">
    ```
  </Accordion>
</AccordionGroup>

<Tabs groupId="package-manager">
<TabItem value="npm">

Run `npm i checkpoints`.

</TabItem>
</Tabs>

<Note>
  Checkpoints are written after each task by default.
</Note>
"""


def test_component_tag_lines_are_shown_as_their_titles():
    shown = as_shown(CHECKPOINTS)
    assert '`location` (str, default: "./.checkpoints"):\n  Storage destination' in shown
    assert "`max_checkpoints` (int | None, required):" in shown
    assert "  SQLite:\n    Set `provider=SqliteProvider()`" in shown and "npm:\n\nRun `npm i checkpoints`." in shown
    assert "Note:\n  Checkpoints are written" in shown
    # Closing tags and title-less wrappers show nothing; code shows its tags as written.
    assert "</" not in shown and "<Tabs" not in shown and "<AccordionGroup>" not in shown
    assert '    <Accordion title="shown as written in code">' in shown
    # Not a component: HTML and a type in prose stay.
    assert as_shown("A `Vec<T>` and Vec<T> here.") == "A `Vec<T>` and Vec<T> here."
    # VitePress's "::: code-group" opener has no title: the page shows tabs, labelled by
    # their fences; the opener and its closer are not shown (Vite's answers showed it raw).
    assert as_shown("Install it:\n\n::: code-group\n\n```bash [npm]\nnpm i vite\n```\n\n:::\n") == (
        "Install it:\n\n```bash [npm]\nnpm i vite\n```\n")


def test_an_answer_from_a_field_shows_its_default(tmp_path, embedder):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "checkpointing.mdx").write_text(CHECKPOINTS)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("Where is the storage destination for checkpoints?")
    quote = next(c for c in ans.citations if "Storage destination" in c.quote)
    assert quote.quote in CHECKPOINTS  # the source, exact
    assert '`location` (str, default: "./.checkpoints")' in ans.answer and "<ParamField" not in ans.answer


def test_an_mdx_page_has_no_indented_code_blocks(tmp_path):
    # Mintlify indents a component's body: read as CommonMark, "    Set the key" was an
    # indented code block and the indented fence no fence, so its code at column 0
    # ("# Use the interceptor") became a heading over the rest of the page.
    from helpers import extracted

    page = ("# LLMs\n\n<Accordion title=\"Interceptors\">\n    Set the key in your environment first.\n\n"
            "    **Basic usage:**\n    ```python\nimport httpx\n\n# Use the interceptor\nllm = LLM()\n    ```\n"
            "</Accordion>\n\n## Streaming\n\nStreaming sends chunks.\n")
    f = tmp_path / "llms.mdx"
    f.write_text(page)
    ex = extracted(f)
    assert [s.label for s in ex.sections] == ["LLMs", "LLMs › Streaming"]
    shown = {ex.text[b.start : b.end]: b.kind for b in ex.blocks}
    assert shown["**Basic usage:**"] == "paragraph"
    code = next(t for t, k in shown.items() if k == "code")
    assert code.startswith("```python\nimport httpx") and code.endswith("llm = LLM()\n    ```")
    # The same page as .md stays CommonMark.
    g = tmp_path / "llms.md"
    g.write_text(page)
    assert "Use the interceptor" in " ".join(s.label for s in extracted(g).sections)


def test_a_fence_after_a_component_tag_is_a_code_block(tmp_path):
    # MDX has no HTML blocks. Read as CommonMark's, "<Step …>" made the fence after it raw
    # HTML up to the blank line, and the code's closing fence opened a code block that
    # ran into the next step (crewAI's checkpointing page).
    from helpers import extracted

    page = ("# Checkpoints\n\n<Steps>\n  <Step title=\"Create the crew\">\n    ```python\n    crew = Crew()\n\n"
            "    crew.kickoff()\n    ```\n  </Step>\n  <Step title=\"Resume it\">\n    Press `Ctrl+C`, then run "
            "`crewai resume`.\n  </Step>\n</Steps>\n")
    f = tmp_path / "checkpoints.mdx"
    f.write_text(page)
    ex = extracted(f)
    code = [ex.text[b.start : b.end] for b in ex.blocks if b.kind == "code"]
    assert code == ["```python\n    crew = Crew()\n\n    crew.kickoff()\n    ```"]
    assert any("Press `Ctrl+C`" in ex.text[b.start : b.end] and b.kind == "paragraph" for b in ex.blocks)


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
    text = "## Counting\n\nSet `count=True`.\n\n(option-boolean-flag)=\n\n(labels/flags)=\n## Flags\n\nMore (x)= text.\n"
    assert [text[b.start : b.end] for b in markdown_structure(text)[2]] == [
        "## Counting", "Set `count=True`.", "## Flags", "More (x)= text."]
    # An HTML comment on lines of its own is never rendered, so no block; other HTML is.
    text = "Before:\n\n<!-- prettier-ignore -->\n```js\nf( a )\n```\n\n<div>Shown</div>\n"
    assert [(b.kind, text[b.start : b.end]) for b in markdown_structure(text)[2]] == [
        ("paragraph", "Before:"), ("code", "```js\nf( a )\n```"), ("html", "<div>Shown</div>")]
    # A page that merely begins with the word keeps it.
    assert markdown_structure("import the file 'a.txt' first.\n")[2][0].start == 0
    assert markdown_structure('export PATH="$HOME/bin:$PATH"\n')[2][0].start == 0
