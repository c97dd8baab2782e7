"""MyST pages (pip's docs): sphinx-inline-tabs' "{tab}" read as prose, and an answer
showing directive fences and roles as the built page does (index/myst.py)."""

from helpers import indexed
from index.answer.rendered import as_shown
from index.structure import markdown_structure

CACHING = """\
# Caching

## Default paths

````{tab} Linux
:sync: linux

```
~/.cache/pip
```

Pip also respects `XDG_CACHE_HOME` for the cache, see {ref}`the configuration <config-file>`.
````

````{tab} Windows
```
%LocalAppData%\\pip\\Cache
```
````

## Disabling caching

```{versionadded} 6.0
```

Pass {option}`--no-cache-dir` to turn the cache off; {doc}`configuration` lists where to write it.
"""


def test_a_tab_directive_is_prose_not_code():
    # Read as code, the tab's sentence was one code block with its fences and options.
    blocks = markdown_structure(CACHING)[2]
    kinds = {CACHING[b.start : b.end]: b.kind for b in blocks}
    sentence = next(t for t in kinds if t.startswith("Pip also respects"))
    assert kinds[sentence] == "paragraph" and kinds["```\n~/.cache/pip\n```"] == "code"


def test_directive_fences_and_roles_are_shown_as_the_page_reads():
    tab = CACHING[CACHING.index("````{tab} Linux") : CACHING.index("````{tab} Windows")].rstrip()
    assert as_shown(tab) == ("Linux:\n\n```\n~/.cache/pip\n```\n\n"
                             "Pip also respects `XDG_CACHE_HOME` for the cache, see the configuration.")
    # A quote opening inside the tab ends with the tab's closing fence: not shown, or it
    # would open a code block in Discord.
    assert as_shown("Pip also respects it.\n````") == "Pip also respects it."
    # Roles as their text (code ones as code); a role written inside code is an example.
    assert as_shown("Pass {option}`--no-cache-dir`, see {doc}`configuration` and {pep}`668`.") == (
        "Pass `--no-cache-dir`, see configuration and PEP 668.")
    assert as_shown("Write `` {ref}`label` `` for a link.\n\n```md\n{ref}`label`\n```") == (
        "Write `` {ref}`label` `` for a link.\n\n```md\n{ref}`label`\n```")
    # {file} and {samp} undo backslash escapes and drop the braces around what a reader
    # replaces, as Sphinx's roles do; other roles keep their text as written.
    assert as_shown("In {file}`%APPDATA%\\\\pip\\\\pip.ini` run {samp}`pip install {name}`.") == (
        "In `%APPDATA%\\pip\\pip.ini` run `pip install name`.")
    assert as_shown("```{versionadded} 6.0\nCaching.\n```") == "New in version 6.0:\nCaching."
    # A code directive stays a code block, shown as written.
    assert as_shown("```{code-block} python\nrun()\n```") == "```{code-block} python\nrun()\n```"


def test_an_answer_from_a_tab_is_shown_under_its_label(tmp_path, embedder):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "caching.md").write_text(CACHING)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("Does pip respect XDG_CACHE_HOME for its cache?")
    quote = next(c for c in ans.citations if "XDG_CACHE_HOME" in c.quote)
    assert quote.quote in CACHING  # the quote is the source, exact
    assert "Linux:" in ans.answer and "{tab}" not in ans.answer and "````" not in ans.answer
    assert "{ref}" not in ans.answer and ans.answer.count("```") % 2 == 0


UTILS = """\
## ANSI Colors

```{admonition} Older Windows Support
:class: note

Older versions of Windows need colorama: install it and call `colorama.init()`.
```

For styling a string, the {func}`style` function can be used:

```python
click.echo(click.style('Hello World!', fg='green'))
click.echo(click.style('ATTENTION', bold=True))
```
"""


def _unit(text: str, first: str, last: str):
    from index.answer.units import Candidate
    from index.search import Hit

    s = text.index(first)
    e = text.index(last, s) + len(last)
    return Candidate(Hit("h", "utils.md", None, 0, len(text), text, 1.0, 1.0, 1.0), 0, s, e, text[s:e])


def test_a_quote_begun_inside_a_box_or_a_code_block_is_shown_as_the_page_reads():
    from index.answer.shown import shown_quote

    # Begun inside the box: its closing fence is not shown (it opened a code block that
    # swallowed the prose after it, and an added fence closed nothing).
    shown = shown_quote(_unit(UTILS, "Older versions", "can be used:"), 1)
    assert shown.startswith("Older Windows Support: Older versions of Windows need colorama")
    assert "```" not in shown and "the `style` function can be used: [1]" in shown
    # Begun inside a code block: shown as one, its opening line first.
    shown = shown_quote(_unit(UTILS, "click.echo(click.style('ATTENTION'", "bold=True))\n```"), 2)
    assert shown == "```python\nclick.echo(click.style('ATTENTION', bold=True))\n```\n\n[2]"
    # Begun on the code block's closing fence: shown from the line after it.
    tail = UTILS + "\nThe combination is also available as {func}`secho`.\n"
    shown = shown_quote(_unit(tail, "```\n\nThe combination", "as {func}`secho`."), 3)
    assert shown == "The combination is also available as `secho`. [3]"
    # A list item opening with its fence ("- ```", pip's environment variables) opens a
    # code block: its closing fence opens none.
    items = "- `A=1` is `--a`\n- ```\n  B=2\n  ```\n\n  is the same as `--b`\n\n- `C=3` is the same as `-vvv`"
    assert shown_quote(_unit(items, "- `C=3`", "`-vvv`"), 4) == "- `C=3` is the same as `-vvv` [4]"
    # An indented opening line (in a list item, in a component) is shown at the margin,
    # or it would follow the label on its line and open nothing.
    steps = "1. Run:\n\n   ```sh\n   make a\n   make b\n   ```\n"
    # Its other lines lose the indentation the first had (the closing fence at the margin).
    assert shown_quote(_unit(steps, "make b", "make b\n   ```"), 5) == "```sh\nmake b\n```\n\n[5]"


def test_a_rest_example_and_a_target_line_are_shown_as_the_page_reads():
    # Click's pages wrap their examples in reST ("```{eval-rst}" around
    # ".. click:example::"): the page shows the code, not the directive.
    text = ("Like this:\n\n```{eval-rst}\n.. click:example::\n\n    @click.command()\n    def hello():\n\n"
            "        pass\n```\n\nAfter.")
    assert as_shown(text) == "Like this:\n\n```\n@click.command()\ndef hello():\n\n    pass\n```\n\nAfter."
    assert as_shown("```{eval-rst}\n.. code-block:: python\n    :caption: x.py\n\n    import click\n```") == (
        "```python\nimport click\n```")
    # reST that is not one directive over indented code is left as written.
    assert as_shown("```{eval-rst}\n.. autoclass:: click.Option\n```") == "```{eval-rst}\n.. autoclass:: click.Option\n```"
    # A target line a quote spanning a section holds ("(InspectReportItem)=", pip's) is
    # not shown; in code it is an example.
    assert as_shown("Values.\n\n(InspectReportItem)=\n\nAn item.") == "Values.\n\nAn item."
    assert as_shown("Write:\n\n```md\n(my-label)=\n```") == "Write:\n\n```md\n(my-label)=\n```"
