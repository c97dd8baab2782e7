"""MDX components on lines of their own (Mintlify, Starlight, Docusaurus), shown in an
answer as the built page reads them (index/mdx.py); the quote stays the source."""

from helpers import indexed
from index.markup import as_shown

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
