"""MkDocs Material's and pymdownx's markup, read as their site shows it: content tabs,
`///` blocks, code includes, fence options and anchors, pydantic's own notes and code
annotations (index/notes.py, index/answer/rendered.py)."""

from index.answer.rendered import as_shown
from index.structure import markdown_structure


def test_content_tabs_are_read_as_their_bodys_blocks():
    # MkDocs Material's tabs ('=== "Docker"' over an indented body): the body's table and
    # code are rows and code, not a paragraph or an indented code block.
    text = ('# Metrics\n\nIntro.\n\n=== "Prometheus"\n    | Metric | Type |\n    | --- | --- |\n'
            '    | `traefik_config_reloads_total` | Count |\n\n=== "TOML"\n\n    ```toml\n    [metrics]\n    ```\n\n'
            '===+ "YAML"\n    A sentence in a tab.\n\n\n    Another, after two blank lines.\n\nAfter the tabs.\n')
    _, _, blocks = markdown_structure(text)
    kinds = [(b.kind, text[b.start : b.end]) for b in blocks]
    assert ("row", "| `traefik_config_reloads_total` | Count |") in kinds
    assert ("code", "```toml\n    [metrics]\n    ```") in kinds
    assert ("paragraph", "A sentence in a tab.") in kinds and ("paragraph", "After the tabs.") in kinds
    assert ("paragraph", "Another, after two blank lines.") in kinds
    assert not any("===" in t for _, t in kinds)


def test_slash_blocks_are_notes_and_code_includes_are_tag_lines():
    # FastAPI's docs (pymdownx.blocks): "/// tip" … "///" is a note, a short one answering
    # whole; "//// tab | …" holds its body's blocks; "{* x.py *}" includes code from a
    # file that is not a source, so it is no block. A Rust doc comment is no marker.
    text = ("# Settings { #settings }\n\nRead it from a file:\n\n{* ../../docs_src/settings/app.py hl[2] *}\n\n"
            "/// tip\n\nA file starting with a dot is hidden.\n\n///\n\n"
            "//// tab | Python 3.10+\n\n```py\nx: int | None\n```\n\n////\n\n"
            "/// Returns nothing.\n")
    title, sections, blocks = markdown_structure(text)
    assert sections[0].path == ("Settings",)
    assert [(b.kind, text[b.start : b.end]) for b in blocks] == [
        ("heading", "# Settings { #settings }"), ("paragraph", "Read it from a file:"),
        ("item", "A file starting with a dot is hidden."), ("code", "```py\nx: int | None\n```"),
        ("paragraph", "/// Returns nothing.")]
    # Shown as the site shows them: the block's kind or title over its body, no closers,
    # no include line; inside code a "///" line is the code's.
    body = text[text.index("Read it") :]
    assert as_shown(body) == ("Read it from a file:\n\nTip:\n\nA file starting with a dot is hidden.\n\n"
                              "Python 3.10+:\n\n```py\nx: int | None\n```\n\n/// Returns nothing.\n")
    assert as_shown("```rust\n///\n/// note\nfn f() {}\n```") == "```rust\n///\n/// note\nfn f() {}\n```"
    # A console session's colours written as HTML (termynal) are shown without their
    # tags; in any other code block a tag is the example.
    console = '```console\n$ <font color="#4E9A06">fastapi</font> run <u style="x">main.py</u>\n```'
    assert as_shown(console) == "```console\n$ fastapi run main.py\n```"
    assert as_shown("```html\n<span>kept</span>\n```") == "```html\n<span>kept</span>\n```"
    # A fence's language as an attribute list (pymdownx.superfences) is shown as a language.
    assert as_shown("```{ .dockerfile .annotate }\nFROM python:3.14\n```") == "```dockerfile\nFROM python:3.14\n```"


def test_fence_options_and_anchor_attributes_are_not_shown():
    # pydantic's and MkDocs Material's pages: '```yaml title="x.yml" hl_lines="14"' read
    # in a chat as a language named by the whole line; "[](){#strict-mode}" and a
    # heading's "{#strict-lax}" are anchors the site never shows.
    assert as_shown('```yaml title="example.yml" hl_lines="14"\na: 1\n```') == "```yaml\na: 1\n```"
    assert as_shown('```python {lint="skip"}\nx = 1\n```') == "```python\nx = 1\n```"
    assert as_shown("Strict mode[](){#strict-mode} is off.\n## Strict mode {#strict-lax}\n") == \
        "Strict mode is off.\n## Strict mode\n"
    # An equals sign in a fence's code, or an attribute list inside a line, stays.
    assert as_shown("```console\n$ a=b\n```") == "```console\n$ a=b\n```"
    assert as_shown("Use {#id} here.") == "Use {#id} here."


def test_pydantic_s_markup_reads_as_its_site_shows_it():
    from index.notes import note_title
    from index.structure import plain

    # Its own note kinds, titled as the site titles them.
    assert note_title("/// version-added | v2.11") == "Added in v2.11" and note_title("/// deprecated") == "Deprecated"
    text = "# A\n\n/// version-added | v2.11\nThe `x` flag.\n///\n\nNext.\n"
    assert as_shown(text[text.index("///") :]).startswith("Added in v2.11:\nThe `x` flag.")
    # A heading's reference link reads as its words, in the section path and the header.
    assert plain("Custom `datetime` Validator via [`Annotated`][typing.Annotated] Metadata") == \
        "Custom datetime Validator via Annotated Metadata"
    # A code annotation's marker is the site's button; a comment that says more stays.
    code = "```python\nuser = User(username='j')  # (1)!\nprint(user)  # (2)\nx = f(1)  # keep (3) this\n```"
    assert as_shown(code) == "```python\nuser = User(username='j')\nprint(user)\nx = f(1)  # keep (3) this\n```"


def test_a_note_a_quote_runs_into_shows_as_its_title():
    # A unit spanning a paragraph and the note after it showed the marker raw ("> [!TIP]",
    # ":::tip", "!!! warning"): the page shows a box titled "Tip", so the quote reads "Tip:".
    assert as_shown("The module shows the tag.\n\n> [!TIP]\n> It is disabled by default.") == (
        "The module shows the tag.\n\n> Tip:\n> It is disabled by default.")
    assert as_shown("Para.\n\n:::tip\nUse the CLI.\n:::\n\nMore.") == "Para.\n\nTip:\nUse the CLI.\n\nMore."
    assert as_shown('Para.\n\n!!! warning "Careful"\n    Body.') == "Para.\n\nCareful:\n    Body."
    assert as_shown("Para.\n\n::: details Click me\nbody\n:::") == "Para.\n\nClick me:\nbody"
    # In code, a marker is an example of the syntax and stays as written.
    example = "Write:\n\n```md\n> [!NOTE]\n> text\n:::tip\n:::\n```"
    assert as_shown(example) == example
