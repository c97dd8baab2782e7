"""Table rows as answer units: a row shown under its head row, rows of one table quoted as
one run, the row that answers chosen over the table that holds it."""

from helpers import indexed, md_hit


def test_a_table_row_is_shown_under_its_head_row_which_is_not_quoted():
    text = ("# Server options\n\nThe server reads these options.\n\n| Option | Default | Description |\n"
            "|---|---|---|\n| `port` | `8080` | The TCP port it listens on. |\n| `workers` | `1` | Processes. |\n\n"
            "Options can also come from the environment.\n")
    from index.answer.units import candidates

    rows = [c for c in candidates([md_hit(text)]) if c.kind == "row"]
    assert [c.text for c in rows] == ["| `port` | `8080` | The TCP port it listens on. |", "| `workers` | `1` | Processes. |"]
    assert {c.context for c in rows} == {"| Option | Default | Description |"}
    assert all(text[c.start : c.end] == c.text for c in rows)
    # Only rows carry a head row.
    assert not any(c.context for c in candidates([md_hit(text)]) if c.kind != "row")
    # An HTML table without <thead> comes out of markdownify under an empty head row:
    # its first row names the columns of the others.
    text = "# Views\n\n|  |  |\n| --- | --- |\n| URL | Method |\n| `/users/` | `GET` |\n| `/users/<id>` | `PATCH` |\n"
    rows = [c for c in candidates([md_hit(text)]) if c.kind == "row"]
    assert [(c.text, c.context) for c in rows][1:] == [("| `/users/` | `GET` |", "| URL | Method |"),
                                                       ("| `/users/<id>` | `PATCH` |", "| URL | Method |")]


def test_rows_of_one_table_are_quoted_as_one_run_under_its_head_row():
    # Hugo writes tables without their outer pipes.
    text = ("# URLs\n\nA url without a leading slash is relative to the language prefix.\n\n"
            "Site type|Front matter `url`|Resulting URL\n:--|:--|:--\nmonolingual|`about`|`/about/`\n"
            "multilingual|`/about`|`/about/`\nmultilingual|`about`|`/de/about/`\n")
    from index.answer.quotes import joined
    from index.answer.shown import shown_quote
    from index.answer.units import candidates

    cands = candidates([md_hit(text)])
    rows = [n for n, c in enumerate(cands) if c.kind == "row"]
    sentence = next(n for n, c in enumerate(cands) if c.kind == "sentence")
    assert len(rows) == 3
    shown = joined(cands, [sentence, rows[2], rows[0]])
    # Two quotes, not three: the rows as one span (the one between them too), exact.
    assert [c.kind for c, _ in shown] == ["sentence", "row"]
    run, at = shown[1]
    assert at == rows[2] and run.context == "Site type|Front matter `url`|Resulting URL"
    assert run.text == text[run.start : run.end] == "\n".join(text.splitlines()[6:9])
    # The marker goes on a line of its own: after the last row, it would join the table.
    assert shown_quote(run, 2).endswith("multilingual|`about`|`/de/about/`\n\n[2]")
    assert shown_quote(shown[0][0], 1).endswith("prefix. [1]")
    # The best unit stays alone: joined, the row asked about would sit inside a run,
    # and no run of the others may hold it either.
    shown = joined(cands, [rows[2], rows[0], rows[1]])
    assert [c.text for c, _ in shown] == ["multilingual|`about`|`/de/about/`",
                                          "monolingual|`about`|`/about/`\nmultilingual|`/about`|`/about/`"]
    shown = joined(cands, [rows[1], rows[0], rows[2]])
    assert [c.text for c, _ in shown] == ["multilingual|`/about`|`/about/`", "monolingual|`about`|`/about/`",
                                          "multilingual|`about`|`/de/about/`"]
    # Rows of two tables under the same head row are two tables, not one run.
    text = ("# Options\n\nThere are two tables.\n\n| Option | Description |\n|---|---|\n| `host` | The host. |\n\n"
            "Client options come next.\n\n| Option | Description |\n|---|---|\n| `timeout` | Seconds. |\n")
    cands = candidates([md_hit(text)])
    rows = [n for n, c in enumerate(cands) if c.kind == "row"]
    best = next(n for n, c in enumerate(cands) if c.text == "There are two tables.")
    assert [c.text for c, _ in joined(cands, [best, *rows])][1:] == ["| `host` | The host. |", "| `timeout` | Seconds. |"]


def test_the_row_that_answers_wins_over_the_table_that_holds_it(tmp_path, embedder):

    d = tmp_path / "docs"
    d.mkdir()
    (d / "options.md").write_text(
        "# Server options\n\nThe server reads the following options from its configuration file.\n\n"
        "| Option | Type | Default | Description |\n|---|---|---|---|\n"
        "| `port` | int | `8080` | The TCP port the server listens on. |\n"
        "| `bind_address` | string | `127.0.0.1` | The interface to bind to. |\n"
        "| `max_upload_mb` | int | `25` | The largest request body accepted, in megabytes. |\n"
        "| `log_format` | string | `text` | Either `text` or `json`. |\n")
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("What port does the server listen on by default?")
    first = ans.citations[0]
    assert first.quote == "| `port` | int | `8080` | The TCP port the server listens on. |"
    # The reader sees which column is the default; the quote stays the row, exact.
    assert ans.answer.startswith("Server options:\n| Option | Type | Default | Description |\n| `port` | int | `8080` |")


def test_a_row_under_a_kind_heading_is_read_and_shown_with_its_module(tmp_path, embedder):
    # A reference repeats "Options" under every module (Starship's has 106): a row read
    # and shown under "Options" alone was any module's ("truncation_length | 1" was
    # Spack's, asked about the directory module's), and the answer's next quote ran on
    # after the marker ("…| [1] Options:") as if [1] were its.
    from index.answer.units import own_heading

    assert own_heading("Configuration › Directory › Options") == "Directory › Options"
    assert own_heading("Commands › install") == "install" and own_heading("Options") == "Options"
    d = tmp_path / "docs"
    d.mkdir()
    modules = {"Directory": ("3", "parent folders the current directory is truncated to"),
               "Spack": ("1", "directories the environment path is truncated to"),
               "Conda": ("1", "directories the environment path is truncated to")}
    (d / "config.md").write_text("# Configuration\n\n" + "".join(
        f"## {name}\n\nThe `{name.lower()}` module shows the {name.lower()}.\n\n### Options\n\n"
        f"| Option | Default | Description |\n| --- | --- | --- |\n| `truncation_length` | `{default}` | The number "
        f"of {what}. |\n| `style` | `'bold'` | The style for the module. |\n\n" for name, (default, what) in modules.items()))
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("What is the default truncation_length of the directory module?")
    assert ans.citations[0].section.endswith("Directory › Options") and "`3`" in ans.citations[0].quote
    assert ans.answer.startswith("Directory › Options:\n| Option | Default | Description |\n| `truncation_length` | `3` |")
    if len(ans.citations) > 1:
        assert "|\n\n[1]\n\n" in ans.answer  # the next quote opens a paragraph of its own


def test_a_row_under_a_repeated_kind_heading_keeps_its_own_command():
    # A generated CLI reference repeats "Flags" down the path: the chunk opening on the
    # analyze command's "Flags" was cut at the first "Flags" in its path, and its rows
    # cited as the query command's (a reviewer tried `promtool query --duration`).
    from index.answer.units import units_of

    path = "Commands › promtool query › Flags › promtool query analyze › Flags"
    text = ("###### Flags\n\n| Flag | Description | Default |\n| --- | --- | --- |\n"
            "| `--duration` | Time frame to analyze. | `1h` |\n| `--time` | Query time, defaults to now. |  |\n")
    rows = [u for u in units_of(md_hit(text, section=path)) if "--duration" in text[u.start : u.end]]
    assert rows and all(u.section == path for u in rows)
