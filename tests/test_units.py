"""Answers shaped like the source: a colon-led list, a table row under its head row, a
code block with the sentence that explains it, a short section, an introduction with its example."""

import pytest

from helpers import DOC, indexed, md_hit

# -- answers over structured sources (real model, real Chroma) ---------------------


@pytest.fixture
def docs_cited(tmp_path, embedder):

    d = tmp_path / "docs"
    d.mkdir()
    (d / "guide.md").write_text(DOC)
    fixes = " ".join(f"Fixed bug number {i} in the parser." for i in range(25))
    (d / "long.md").write_text("# Changelog\n\n## Release notes\n\n- " + fixes + "\n")
    # As Jekyll and Docusaurus pages are written: the title in front matter, no H1.
    (d / "deploy.md").write_text("---\ntitle: Deploying\n---\n\nThe server listens on port 8421 unless "
                                 "the LISTEN_PORT variable names another.\n\n## Logs\n\nLogs go to stderr.\n")
    cited = indexed(d, tmp_path / ".c", embedder)
    return cited


def test_colon_led_list_is_answered_as_a_unit(docs_cited):
    ans = docs_cited.ask("How do I send my requests through a proxy?")
    assert not ans.abstained
    first = ans.citations[0]
    assert first.quote.startswith("To route traffic through a proxy, set one of these options:")
    assert "`proxy_url`" in first.quote and "`proxy_auth`" in first.quote
    assert first.section == "Setup guide › Options › Proxy"
    assert first.where().startswith("guide.md › Setup guide › Options › Proxy, line")
    assert ans.to_dict()["citations"][0]["section"] == "Setup guide › Options › Proxy"


def test_text_before_the_first_heading_is_cited_under_the_page_title(docs_cited):
    ans = docs_cited.ask("Which port does the server listen on?")
    first = ans.citations[0]
    assert first.source == "deploy.md" and "8421" in first.quote
    assert first.section == "Deploying" and first.where().startswith("deploy.md › Deploying, line")


def test_table_row_answers_alone(docs_cited):
    ans = docs_cited.ask("What is the default timeout setting?")
    assert not ans.abstained
    assert any("5 seconds" in c.quote for c in ans.citations)


def test_long_units_are_trimmed_and_still_exact(docs_cited):
    ans = docs_cited.ask("What fixes are in the release notes of the changelog?")
    assert not ans.abstained
    c = ans.citations[0]
    assert len(c.quote) <= 600
    assert "…" in ans.answer
    text = (docs_cited.settings.sources / c.source).read_text()
    assert text[c.start : c.end] == c.quote


# -- answer units of a docs passage (pure: no model) -----------------------------------


def _units(text: str) -> list[tuple[str, str]]:
    from index.answer.units import units_of

    return [(u.kind, text[u.start : u.end]) for u in units_of(md_hit(text))]


def test_a_code_block_brings_the_sentence_that_explains_it():
    text = ("# Headers\n\nHeaders are kept as sent. The Headers type is case-insensitive.\n\n"
            "```python\nr.headers['content-type']\n```\n")
    units = _units(text)
    assert ("lead", "The Headers type is case-insensitive.\n\n```python\nr.headers['content-type']\n```") in units
    # The example does not also stand alone: on its own it answers nothing.
    assert not any(kind == "code" for kind, _ in units)


def test_a_bare_list_item_is_shown_under_the_sentence_that_introduces_its_list():
    # "- `DOWNLOAD_DELAY`: `delay`" alone says nothing (a reviewer's finding on Scrapy).
    from index.answer.quotes import joined
    from index.answer.shown import shown_quote
    from index.answer.units import BARE_ITEM, candidates

    intro = "For other downloader slots default settings values will be used:"
    items = ["- `DOWNLOAD_DELAY`: `delay`", "- `CONCURRENT_REQUESTS`: `concurrency`", "- `RANDOMIZE`: `randomize`"]
    long_item = "- " + "A long item that says what it is about by itself, " * 2
    text = f"# Slots\n\n{intro}\n\n" + "\n".join(items + [long_item.strip()]) + "\n\nA paragraph.\n\n- `X`: `y`\n"
    cands = candidates([md_hit(text, "Slots")])
    item = [c for c in cands if c.kind == "item"]
    assert [(c.text, c.intro, c.context) for c in item[:3]] == [(i, intro, "") for i in items]  # shown, not embedded
    assert len(long_item) > BARE_ITEM and item[3].intro == ""  # says enough alone
    assert item[4].intro == ""  # a list after prose that introduces nothing
    assert shown_quote(item[0], 1) == f"Slots:\n{intro}\n- `DOWNLOAD_DELAY`: `delay` … [1]"  # the list goes on
    # Two items of the list shown as one run: under the sentence once.
    (run, _), = joined(cands, [cands.index(item[0]), cands.index(item[2])])
    assert run.text == "\n".join(items) and shown_quote(run, 1).count(intro) == 1
    # A nested item is introduced by its parent, not the sentence; a run across two lists
    # is shown under neither introduction (a reviewer's findings).
    nested = ("# S\n\nThe client takes these options:\n\n- `retries`: how many\n- `backoff`, one of:\n  - `none`\n\n"
              "The second list holds these other settings:\n\n- `B_ONE`: `c`\n")
    cands = candidates([md_hit(nested, "S")])
    by = {c.text: c for c in cands if c.kind == "item"}
    assert by["- `retries`: how many"].intro == "The client takes these options:" and by["- `none`"].intro == ""
    (run, _), = joined(cands, [cands.index(by["- `B_ONE`: `c`"]), cands.index(by["- `backoff`, one of:"])])
    assert run.intro == "" and shown_quote(run, 1).count("The client takes") == 0
    # A note after the list is no item of it (Starship's "> [!TIP]" after its conditions).
    noted = "# S\n\nShown if any of these is met:\n\n- `a` exists\n\n> [!TIP]\n> Define several with a dot.\n"
    cands = candidates([md_hit(noted, "S")])
    note = next(c for c in cands if c.kind == "item" and "dot" in c.text)
    assert note.intro == "" and "Shown if" not in shown_quote(note, 1)
    assert not any(c.kind == "lead" and "dot" in c.text for c in cands)  # nor brought by the introduction
    # Items quoted from a list that goes on end on "…": two of six conditions read as all.
    listed = "# N\n\nShown if:\n\n- `a.json` exists\n- `.nvmrc` exists\n  - nested\n- `b` exists\n\n> [!TIP]\n> A tip.\n\n- `x`\n"
    shown = {c.text: shown_quote(c, 1) for c in candidates([md_hit(listed, "N")]) if c.kind == "item"}
    assert shown["- `a.json` exists"].endswith("exists … [1]") and shown["- `b` exists"].endswith("exists [1]")
    assert "… [1]" in shown["- `.nvmrc` exists"] and "…" not in shown["- nested"] + shown["> A tip."]
    lead = next(c for c in candidates([md_hit(listed, "N")]) if c.kind == "lead")
    assert lead.text.endswith("- `b` exists") and shown_quote(lead, 1).endswith("exists [1]")  # the whole list
    many = "# N\n\nShown if:\n\n" + "\n".join(f"- condition {i} " + "holds " * 20 for i in range(8)) + "\n"
    lead = next(c for c in candidates([md_hit(many, "N")]) if c.kind == "lead")
    assert "condition 7" not in lead.text and shown_quote(lead, 1).endswith(" … [1]")  # the first items only


def test_an_introduction_that_ends_its_passage_brings_its_example_from_the_next_chunk():
    from dataclasses import replace

    from index.answer.neighbours import completed
    from index.answer.units import units_of

    # "…, like this:" closing a chunk whose example the next chunk holds (chunks overlap):
    # alone it was cited without the example.
    page = ("# Timeouts\n\nRequests waits forever by default. Give a single value, like this:\n\n"
            "```\nrequests.get(url, timeout=5)\n```\n\nThe value applies to connect and read.\n")
    cut = page.index("\n\n```")
    first = replace(md_hit(page[:cut]), id="f-abc-00001")
    nxt_start = page.index("Give")
    done = completed(first, (nxt_start, page[nxt_start:]))
    assert done.id != first.id and done.start == 0 and done.text == page[: done.end]
    assert done.text.endswith("timeout=5)\n```")  # the example, not the rest of the next chunk
    assert ("lead", "Give a single value, like this:\n\n```\nrequests.get(url, timeout=5)\n```") in \
        [(u.kind, done.text[u.start : u.end]) for u in units_of(done)]
    # No next chunk, a gap between the two, or no introduction at the end: the passage as it was.
    assert completed(first, None) is first
    assert completed(first, (cut + 5, page[cut + 5 :])) is first
    whole = md_hit(page)
    assert completed(whole, (0, page)) is whole


def test_a_passage_opening_with_code_is_begun_over_the_sentence_introducing_it():
    from dataclasses import replace

    from index.answer.neighbours import preceded
    from index.answer.units import units_of

    # Flask's blueprint page: the chunker carries a short example into the next chunk
    # without "Here is an example …:", and that chunk's answer quoted the code alone.
    page = ("# Errors\n\nBlueprints support the decorator too.\n\nHere is an example for a 404 exception:\n\n"
            "```python\n@bp.errorhandler(404)\ndef missing(e):\n    return '404'\n```\n\nMost handlers just work.\n")
    at = page.index("```python")
    hit = replace(md_hit(page[at:]), id="f-abc-00002", start=at, end=len(page), line=page[:at].count("\n") + 1)
    done = preceded(hit, (0, page[: at + 20]))  # the chunk before overlaps the code block
    intro = page.index("Here is")
    assert done.id != hit.id and done.start == intro and done.text == page[intro:]
    assert done.line == page[:intro].count("\n") + 1
    assert ("lead", page[intro : page.index("\n\nMost")]) in [(u.kind, done.text[u.start : u.end]) for u in units_of(done)]
    # No chunk before, a gap, a sentence that introduces nothing, or a heading: the passage as it was.
    assert preceded(hit, None) is hit
    assert preceded(hit, (0, page[: at - 2])) is hit  # ends on the ":", two characters before the hit
    # ...unless the chunker recorded that gap as white space (Chunk.before).
    gapped = preceded(replace(hit, before="\n\n"), (0, page[: at - 2]))
    assert gapped.start == intro and gapped.text == page[intro:] and gapped.intro == at - intro
    # Of a long paragraph, its last sentence.
    long = page.replace("Here is an", "Blueprints register handlers for their own views only. " * 4 + "Here is an")
    lat = long.index("```python")
    lhit = replace(md_hit(long[lat:]), id="f-abc-00002", start=lat, end=len(long))
    assert preceded(lhit, (0, long[: lat + 20])).text.startswith("Here is an example")
    plain = page.replace("for a 404 exception:", "for a 404 exception.")
    assert preceded(hit, (0, plain[: at + 20])) is hit
    heading = "## An example:\n\n"
    assert preceded(hit, (0, "y" * (at - len(heading) - 2) + "\n\n" + heading + page[at : at + 20])) is hit
    # In a content tab, begun on the tab's indented line: shown at the margin, fences and
    # all (Ruff's Neovim setup showed its example four spaces in, its fences raw).
    from index.answer.shown import shown_quote
    from index.answer.units import candidates

    tab = '# Setup\n\n=== "Lua"\n\n    Then enable it in `init.lua`:\n\n    ```lua\n    vim.lsp.enable(1)\n    ```\n'
    tat = tab.index("```lua")
    thit = replace(md_hit(tab[tat:]), id="f-abc-00002", start=tat, end=len(tab))  # overlapping: no before
    lead = [c for c in candidates([preceded(thit, (0, tab[: tat + 10]))]) if c.kind == "lead"]
    assert "`init.lua`:\n\n```lua\nvim.lsp.enable(1)\n```" in shown_quote(lead[0], 1)


def test_a_short_section_is_also_one_unit():
    text = "### retries\n\nHow many times a failed download is tried again.\n\n**Default**: `3`\n\n### timeout\n\nSeconds.\n"
    units = _units(text)
    assert ("section", "How many times a failed download is tried again.\n\n**Default**: `3`") in units
    # A one-sentence section is its sentence already.
    assert [t for k, t in units if k == "section"] == ["How many times a failed download is tried again.\n\n**Default**: `3`"]


def test_a_unit_is_labelled_with_the_name_its_heading_gives():
    from dataclasses import replace

    from index.answer.shown import label
    from index.answer.units import Candidate

    text = "The URL of the page (affects `window.location`)."
    unit = Candidate(md_hit(text), 0, 0, len(text), text)

    def under(section):
        return label(replace(unit, section=section))

    # The nearest heading that names an option or an API, with its signature or type.
    assert under("Reference › testEnvironmentOptions [Object] › JSDOM options") == "testEnvironmentOptions [Object]"
    assert under("Reference › jest.fn(implementation?)") == "jest.fn(implementation?)"
    assert under("Options › proxy_url") == "proxy_url"
    assert under("Reference › testEnvironment") == "testEnvironment"
    # A heading that names nothing: its own last heading, unless the unit repeats it.
    assert under("Guide › Page address") == "Page address"
    assert under("Guide › Tests are slow on a CI server.") == "Tests are slow on a CI server"
    assert under("Guide › The URL of the page") == ""
    # A heading naming an option in it says more than the page's bare name above it.
    assert under("attach › Examples › Override the detach sequence (--detach-keys)") == \
        "Override the detach sequence (--detach-keys)"
    # A name the unit repeats only far in still labels it: "Default: `2`" is RETRY_TIMES'.
    entry = ("Default: `2`\n\nMaximum number of times to retry, in addition to the first download. It can also "
             "be given per request: the `max_retry_times` meta key takes precedence over the `RETRY_TIMES` setting.")
    assert label(Candidate(md_hit(entry, "Settings › RETRY_TIMES"), 0, 0, len(entry), entry,
                           section="Settings › RETRY_TIMES")) == "RETRY_TIMES"
    assert label(Candidate(md_hit(entry, "Settings › max_retry_times"), 0, 0, len(entry), entry,
                           section="Settings › max_retry_times")) == "max_retry_times"


def test_clause_similarity_reads_the_clauses_of_the_sentences_given(embedder):
    from index.answer.scoring import SentenceVectors
    from index.answer.units import Candidate
    from index.sentences import clauses
    from index.search import Hit

    sentence = "Two Chinese makers of video surveillance equipment, state-owned Hikvision and Dahua, joined the compact"
    hit = Hit("c", "a.md", None, 0, 200, "x" * 200, 0.5, 0.5, 0.5)
    code = Candidate(hit, 0, 0, 40, "a, b, c, d, e, f, g, h, i, j, k, l, m, n", "code")
    sent = Candidate(hit, 1, 40, 40 + len(sentence), sentence, "sentence")
    q = embedder.embed(["What kind of equipment do the two firms make?"])[0]
    want = max(float(v @ q) for v in embedder.embed([sentence[a:b] for a, b in clauses(sentence, 0, len(sentence))]))
    sv = SentenceVectors(embedder)
    # A code block ahead of the sentence must not lend it its own "clauses".
    assert abs(sv.best_clause([code, sent], q) - want) < 1e-5
    assert abs(sv.best_clause([sent], q) - want) < 1e-5  # and from the cache, the same
    assert sv.best_clause([code], q) == -1.0


def test_a_sentence_that_asks_brings_the_one_that_answers():
    text = ('# Docker\n\nA common question is **"how many workers should I run?"**. '
            "The recommended approach is to let your orchestration system decide.\n")
    units = _units(text)
    assert ("pair", 'A common question is **"how many workers should I run?"**. '
                    "The recommended approach is to let your orchestration system decide.") in units
    # A sentence that asks nothing does not pull the next one in.
    assert ("sentence", "Each one has its own loop.") in _units("# W\n\nWorkers share nothing. Each one has its own loop.\n")


def test_an_image_without_words_is_no_unit():
    from index.answer.units import candidates

    text = "Snapshots can be updated.\n\n![](/img/content/failedSnapshotTest.png)\n\n![Diff view](/img/diff.png)\n"
    texts = [c.text for c in candidates([md_hit(text)])]
    assert "![](/img/content/failedSnapshotTest.png)" not in texts
    assert "![Diff view](/img/diff.png)" in texts and "Snapshots can be updated." in texts


def test_a_trimmed_unit_never_ends_inside_an_html_tag():
    from index.answer.units import _trim, read_chars

    text = "Option entry " + '<dt class="option-term" id="option-cargo-tree---edges"><code>--edges</code></dt> ' * 12
    for limit in range(20, 100, 7):
        end, trimmed = _trim(text, 0, len(text), limit)
        shown = text[:end]
        assert trimmed and read_chars(shown) <= limit < read_chars(text)
        # Every "<" that opens a tag in the kept text is closed in it.
        assert shown.count("<") == shown.count(">"), (limit, shown[-40:])


def test_a_unit_is_trimmed_by_how_long_it_reads():
    # Traefik's option rows: each cell padded to its column's widest, the option's name in
    # an anchor tag. 1,100 characters in the file, 230 as read: the row is not cut before
    # its Default column, and the answer shows it unpadded.
    from index.answer.units import _trim, read_chars
    from index.answer.rendered import as_shown

    row = ('| <a id="opt-idleTimeout" href="#opt-idleTimeout" title="#opt-idleTimeout">`idleTimeout`</a> | '
           + "Maximum duration an idle (keep-alive) connection will remain idle before closing itself." + " " * 600
           + "| 180s" + " " * 200 + "| No |")
    assert len(row) > 900 and read_chars(row) < 250
    assert _trim(row, 0, len(row)) == (len(row), False)
    assert as_shown(row) == ("| `idleTimeout` | Maximum duration an idle (keep-alive) connection will remain idle "
                             "before closing itself. | 180s | No |")
    # Prose and code keep their spaces; a long row is still cut, by what it reads.
    assert as_shown("a  b") == "a  b"
    tree = "```text\n|-- docs/\n|   |-- index.md\n```"
    assert as_shown(tree) == tree
    # A unit spanning content tabs shows each tab's label, not its marker line.
    assert as_shown('| `git` | git+https |\n\n=== "Mercurial"\n    | `hg` | hg+https |') == (
        '| `git` | git+https |\n\nMercurial:\n| `hg` | hg+https |')
    end, trimmed = _trim(row, 0, len(row), limit=100)
    assert trimmed and read_chars(row[:end]) <= 100
    # Cut inside the padding before the Default column, it still shows the default.
    long_row = "| `idleTimeout` | " + ("word " * 108)[:540] + " " * 600 + "| 180s" + " " * 200 + "| Only when the server is idle for long |"
    end, trimmed = _trim(long_row, 0, len(long_row))
    assert trimmed and "180s" in long_row[:end] and read_chars(long_row[:end]) <= 600
    # A comment the cut would open is left out whole, never shown raw.
    text = "Intro words here. " * 10 + "<!-- " + "a comment that spans words " * 30 + "-->" + "x" * 400 + " tail" * 100
    end, trimmed = _trim(text, 0, len(text))
    assert trimmed and read_chars(text[:end]) <= 600 and "<!--" not in text[:end].replace(text[text.index("<!--"):text.index("-->") + 3], "")


def test_a_reference_style_link_is_shown_as_its_words():
    # Node's API docs write most links as "[`x()`][label]", defined at the end of the
    # file: an answer quoting one would show "[`--max-old-space-size`][]" raw. Code keeps
    # its brackets ("args[0][1]", a code block), and the quote itself is never changed.
    from index.answer.rendered import as_shown

    text = ("If [`--max-old-space-size`][] is set, see [`process.emitWarning()`][emit_warning] "
            "and [semi-space][], not args[0][1] or `m[a][b]`. The [environment\nvariables][env] [a\n\nb][c]\n\n```js\nconst v = m[x][y];\n[a][b]\n```")
    assert as_shown(text) == ("If `--max-old-space-size` is set, see `process.emitWarning()` "
                              "and semi-space, not args[0][1] or `m[a][b]`. The environment\nvariables [a\n\nb][c]\n\n```js\nconst v = m[x][y];\n[a][b]\n```")


def test_an_introduction_cut_from_its_example_by_the_chunker_is_quoted_with_it(tmp_path, embedder):
    from helpers import indexed
    from index.answer.neighbours import completed

    (tmp_path / "docs").mkdir()
    filler = " ".join(f"Sessions keep cookies across requests number {i}, and pool connections." for i in range(18))
    (tmp_path / "docs" / "advanced.md").write_text(
        "# Timeouts\n\n" + filler + "\n\nIf you specify a single value for the timeout, like this:\n\n"
        "```python\nr = requests.get('https://github.com', timeout=5)\n" + "# a comment line\n" * 12 + "```\n\n"
        "The timeout value will be applied to both the connect and the read timeouts.\n")
    cited = indexed(tmp_path / "docs", tmp_path / "data", embedder)
    chunks = sorted(cited.store.stored_chunks(), key=lambda c: c.start)
    text = (tmp_path / "docs" / "advanced.md").read_text()
    # The chunker ends a chunk on the introduction (its example did not fit after it).
    assert any(text[c.start : c.end].rstrip().endswith("like this:") for c in chunks)
    hits = cited.searcher.search("What if I specify a single value for the timeout?", k=5)
    first = next(h for h in hits if h.start == 0)
    after = cited.searcher.following(hits)
    assert after[first.id] == (chunks[1].start, text[chunks[1].start : chunks[1].end])  # read from the store
    done = completed(first, after[first.id])
    assert done.text == text[: done.end] and done.text.endswith("timeout=5)\n" + "# a comment line\n" * 12 + "```")
    # Asked, the introduction is never quoted without its example.
    ans = cited.ask("What if I specify a single value for the timeout?")
    intro = [c for c in ans.citations if "like this:" in c.quote]
    assert intro and all("timeout=5)" in c.quote and text[c.start : c.end] == c.quote for c in intro)


def test_an_introduction_is_quoted_with_its_example_across_the_blank_line_between_chunks(tmp_path, embedder):
    # The chunker may cut at the blank line: the next chunk starts two characters after
    # the introduction ends. Those characters are kept with it (Chunk.before), so the
    # quote runs on exactly (a reviewer's finding on Flask: "…using the `request` proxy
    # object:" quoted without its example).
    from helpers import indexed

    (tmp_path / "docs").mkdir()
    filler = " ".join(f"Sessions keep cookies across requests number {i}, and pool connections." for i in range(14))
    text = ("# Errors\n\n" + filler + " To handle errors per URL prefix, define the handlers at the application "
            "level using the request proxy object:\n\n```python\n@app.errorhandler(404)\ndef handle(ex):\n"
            + "    return ex  # a comment line\n" * 12 + "```\n\nSee Handling Application Errors.\n")
    (tmp_path / "docs" / "errors.md").write_text(text)
    cited = indexed(tmp_path / "docs", tmp_path / "data", embedder)
    first, second = sorted(cited.store.stored_chunks(), key=lambda c: c.start)
    assert text[first.start : first.end].endswith("proxy object:") and text[first.end : second.start] == "\n\n"
    ans = cited.ask("How do I handle errors per URL prefix at the application level?")
    intro = [c for c in ans.citations if "proxy object:" in c.quote]
    assert intro and all("@app.errorhandler(404)" in c.quote and text[c.start : c.end] == c.quote for c in intro)


def test_an_example_the_chunker_carried_without_its_sentence_is_quoted_with_it(tmp_path, embedder):
    # The chunker repeats a short last block at the start of the next chunk; a code
    # block went there without "Here is an example …:" and was quoted alone (a
    # reviewer's finding on Flask's blueprint page). The sentence is read from the chunk before.
    from helpers import indexed

    (tmp_path / "docs").mkdir()
    filler = " ".join(f"Blueprints support the errorhandler decorator just like the app object, case {i}." for i in range(9))
    after = ("Most errorhandlers will simply work as expected; however, there is a caveat concerning handlers for "
             "404 and 405 exceptions. " + " ".join(f"These handlers are only invoked from abort in view {i}." for i in range(6)))
    text = ("# Blueprint Error Handlers\n\n" + filler + "\n\nHere is an example for a 404 Page Not Found exception:\n\n"
            "```python\n@simple_page.errorhandler(404)\ndef page_not_found(e):\n    return render_template('404.html')\n```"
            "\n\n" + after + "\n")
    (tmp_path / "docs" / "blueprints.md").write_text(text)
    cited = indexed(tmp_path / "docs", tmp_path / "data", embedder)
    chunks = sorted(cited.store.stored_chunks(), key=lambda c: c.start)
    assert any(text[c.start : c.end].startswith("```python") for c in chunks)  # carried alone
    for q in ("How do I write a 404 handler for a blueprint?", "what's the caveat about 404 handlers in blueprints?"):
        coded = [c for c in cited.ask(q).citations if "@simple_page.errorhandler(404)" in c.quote]
        assert coded and all(c.quote.startswith("Here is an example") and text[c.start : c.end] == c.quote for c in coded)
