"""Long code blocks as answer units: read on window after window, each quoted exactly and
shown as a code block under its opening fence."""

from helpers import indexed, md_hit

# A CLI's help output, as docs paste it: the line asked about is far past the first
# 600 characters of the block.
WORDS = ("colorization", "verbosity", "diagnostics", "configuration", "experimental", "notifications", "statistics")
OPTIONS = "\n".join(f"  --{w}  Enables {w} everywhere, overriding configuration defaults permanently." for w in WORDS)
HELP = ("# Command line\n\n## Full help\n\n```text\nUsage: tool format [OPTIONS] [FILES]...\n\nOptions:\n"
        f"{OPTIONS}\n  --range <RANGE>  Format only the lines of the file in the given range,\n"
        "                   written as <start_line>-<end_line>.\n  --silent  Print nothing.\n```\n\n"
        "## Exit codes\n\nThe tool exits with 0 when nothing had to change.\n")


def test_a_long_code_block_is_read_window_after_window():
    from index.answer.units import CODE_WINDOWS, units_of

    hit = md_hit(HELP)
    code = [u for u in units_of(hit) if u.kind == "code"]
    assert len(code) >= 2 and code[0].trimmed
    assert "--range" not in HELP[code[0].start : code[0].end]
    window = next(u for u in code if "--range <RANGE>" in HELP[u.start : u.end])
    # Whole lines, each window after the one before; the last ends the block with its
    # closing fence, as a whole block's unit does, and is more than that fence.
    assert HELP[window.start - 1] == "\n" and all(a.end <= b.start for a, b in zip(code, code[1:]))
    assert HELP[code[-1].start : code[-1].end].rstrip().endswith("Print nothing.\n```")
    assert len(code) <= 1 + CODE_WINDOWS


def test_the_window_holding_the_line_asked_about_answers(tmp_path, embedder):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "cli.md").write_text(HELP)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("How do I format only some lines of a file, not all of it?")
    first = ans.citations[0]
    # The block is one chunk's: its first 600 characters, all the answer read before.
    assert any("```text" in p.text and "--range" in p.text for p in ans.passages)
    assert "--range <RANGE>" in first.quote
    assert HELP[first.start : first.end] == first.quote
    # Shown as a code block: opened with the block's fence line, closed after the quote.
    assert ans.answer.startswith("Full help:\n```text\n") and "--range <RANGE>" in ans.answer.split("[1]")[0]
    assert ans.answer.split("[1]")[0].rstrip().endswith("```")


def test_a_chunk_opening_on_a_tabs_indented_fence_reads_the_prose_after_it_as_prose():
    # Overlapping chunks carry no indentation (no before): read as written, the closing
    # fence four spaces in closed nothing, and the prose after it was one "code" unit
    # whose quote began with a newline (Ruff's FAQ).
    from index.answer.units import units_of

    text = ("```toml\n    [lint.isort]\n    known-third-party = [\"wandb\"]\n    ```\n\n"
            "If the field is omitted, Ruff uses the project root.\n\nIn this case, Ruff checks the src folder.\n")
    kinds = [(u.kind, text[u.start : u.end]) for u in units_of(md_hit(text))]
    assert kinds[0] == ("code", text[: text.index("    ```") + 7])
    assert ("sentence", "If the field is omitted, Ruff uses the project root.") in kinds
    assert ("sentence", "In this case, Ruff checks the src folder.") in kinds


def test_a_config_examples_window_keeps_each_comment_with_its_key():
    # Config references comment every key above it, a blank line apart (Prometheus):
    # cut at the last line end that fits, the comment "…avoiding duplicate targets."
    # ended one window and its key opened the next, so no unit held both.
    from index.answer.units import MAX_UNIT_CHARS, units_of

    filler = "\n\n".join(f"# The {w} setting, used when discovery needs it.\n[ {w}: <string> ]"
                         for w in ("host", "port", "role", "namespace", "proxy_url", "tls_config", "selectors"))
    split = ("# Sort the networks by name and keep the first one,\n# thus avoiding duplicate targets.\n"
             "[ match_first_network: <boolean> | default = true ]")
    text = f"```yaml\n{filler}\n\n{split}\n\n# Filters.\n[ filters: <list> ]\n```\n"
    assert text.index("thus avoiding") < MAX_UNIT_CHARS < text.index("[ match_first_network")
    code = [text[u.start : u.end] for u in units_of(md_hit(text)) if u.kind == "code"]
    assert len(code) >= 2
    held = [w for w in code if "thus avoiding duplicate targets" in w and "match_first_network" in w]
    assert held and held[0].startswith("# Sort the networks")
    # A window opens on a line of the block, not on the blank line it was cut at.
    assert all(not w.startswith("\n") for w in code)


def test_an_example_quoted_alone_is_shown_under_the_sentence_introducing_it():
    # Homebrew's licence guide: "Use `:any_of` to indicate…:" over its ```ruby example;
    # quoted alone, the example did not say what it shows. Not a block after a list.
    from index.answer.shown import shown_quote
    from index.answer.units import candidates

    text = ("Use `:any_of` to indicate that the user can choose which licence applies:\n\n"
            "```ruby\nlicense any_of: [\"MIT\", \"0BSD\"]\n```\n\n- an item of a list\n\n```sh\nbrew audit\n```\n")
    code = [c for c in candidates([md_hit(text)]) if c.kind == "code"]
    first = next(c for c in code if "any_of" in c.text)
    assert first.text == text[first.start - first.hit.start : first.end - first.hit.start]  # the quote is the block
    assert shown_quote(first, 1).startswith("Guide:\nUse `:any_of` to indicate that the user can choose")
    assert not next(c for c in code if "brew audit" in c.text).intro
