"""Sources keep their structure: heading paths, blocks kept whole, answer units shaped
like the source, and abstentions that say which word the sources lack."""

import io

import pytest

from conftest import SEEDS
from helpers import make_pdf
from index.chunking import Splitter, chunk, sentence_splitter
from index.sources import SourceFile, extract
from index.structure import markdown_structure

DOC = """---
title: Front matter title
weight: 10
---

Setup guide
===========

Intro text before any option.

## Options

### Password prompt

The prompt asks once. It never echoes what you type.

### Proxy

To route traffic through a proxy, set one of these options:

- `proxy_url`: the address of the proxy.
- `proxy_auth`: a user name and password for it.

```python
client = Client(proxy_url="http://localhost:8030")

client.get("/")
```

Other settings
--------------

| setting | default |
|---|---|
| `timeout` | 5 seconds |
| `retries` | 3 |
"""


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
    from index.cited import Cited
    from index.settings import Settings

    d = tmp_path / "docs"
    d.mkdir()
    code = "```python\n" + "\n".join(f"configure_worker_pool(size={i}, timeout={i * 3}, retries={i % 4})" for i in range(60)) + "\n```"
    (d / "pool.md").write_text("# Worker pool\n\nA long example that configures the worker pool:\n\n" + code + "\n")
    cited = Cited(Settings(data_dir=tmp_path / ".c", sources=d), embedder=embedder)
    cited.index(d)
    ans = cited.ask("How do I configure the worker pool size and timeout?")
    assert not ans.abstained
    for part in ans.answer.split(" ["):
        assert part.count("```") % 2 == 0, part  # every fence the reader sees is closed
    text = (d / "pool.md").read_text()
    assert all(text[c.start : c.end] == c.quote for c in ans.citations)

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


# -- answers over structured sources (real model, real Chroma) ---------------------


@pytest.fixture
def docs_cited(tmp_path, embedder):
    from index.cited import Cited
    from index.settings import Settings

    d = tmp_path / "docs"
    d.mkdir()
    (d / "guide.md").write_text(DOC)
    (d / "long.md").write_text("# Changelog\n\n## Release notes\n\n- " + " ".join(f"Fixed bug number {i} in the parser." for i in range(25)) + "\n")
    cited = Cited(Settings(data_dir=tmp_path / ".c", sources=d), embedder=embedder)
    cited.index(d)
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


def test_table_row_answers_alone(docs_cited):
    ans = docs_cited.ask("What is the default timeout setting?")
    assert not ans.abstained
    assert any("5 seconds" in c.quote for c in ans.citations)


def test_a_table_row_is_shown_under_its_head_row_which_is_not_quoted():
    text = ("# Server options\n\nThe server reads these options.\n\n| Option | Default | Description |\n"
            "|---|---|---|\n| `port` | `8080` | The TCP port it listens on. |\n| `workers` | `1` | Processes. |\n\n"
            "Options can also come from the environment.\n")
    from index.answer.units import candidates

    rows = [c for c in candidates([_md_hit(text)]) if c.kind == "row"]
    assert [c.text for c in rows] == ["| `port` | `8080` | The TCP port it listens on. |", "| `workers` | `1` | Processes. |"]
    assert {c.context for c in rows} == {"| Option | Default | Description |"}
    assert all(text[c.start : c.end] == c.text for c in rows)
    # Only rows carry a head row.
    assert not any(c.context for c in candidates([_md_hit(text)]) if c.kind != "row")


def test_the_row_that_answers_wins_over_the_table_that_holds_it(tmp_path, embedder):
    from index.cited import Cited
    from index.settings import Settings

    d = tmp_path / "docs"
    d.mkdir()
    (d / "options.md").write_text(
        "# Server options\n\nThe server reads the following options from its configuration file.\n\n"
        "| Option | Type | Default | Description |\n|---|---|---|---|\n"
        "| `port` | int | `8080` | The TCP port the server listens on. |\n"
        "| `bind_address` | string | `127.0.0.1` | The interface to bind to. |\n"
        "| `max_upload_mb` | int | `25` | The largest request body accepted, in megabytes. |\n"
        "| `log_format` | string | `text` | Either `text` or `json`. |\n")
    cited = Cited(Settings(data_dir=tmp_path / ".c", sources=d), embedder=embedder)
    cited.index(d)
    ans = cited.ask("What port does the server listen on by default?")
    first = ans.citations[0]
    assert first.quote == "| `port` | int | `8080` | The TCP port the server listens on. |"
    # The reader sees which column is the default; the quote stays the row, exact.
    assert ans.answer.startswith("| Option | Type | Default | Description |\n| `port` | int | `8080` |")


def test_long_units_are_trimmed_and_still_exact(docs_cited):
    ans = docs_cited.ask("What fixes are in the release notes of the changelog?")
    assert not ans.abstained
    c = ans.citations[0]
    assert len(c.quote) <= 600
    assert "…" in ans.answer
    text = (docs_cited.settings.sources / c.source).read_text()
    assert text[c.start : c.end] == c.quote


def test_abstention_names_the_missing_word(seeded):
    ans = seeded.ask("Does Hikvision support GraphQL subscriptions?")
    assert ans.abstained and ans.citations == []
    assert ans.answer == "The sources don't mention GraphQL."


def test_seed_state_owned_question_is_answered_with_the_hikvision_passage(seeded):
    ans = seeded.ask("Which of the two companies is state-owned?")
    assert not ans.abstained
    assert "state-owned Hikvision" in ans.citations[0].quote
    assert ans.citations[0].source == "hikvision-dahua-un-global-compact.txt"
    assert SEEDS.joinpath(ans.citations[0].source).read_text()[ans.citations[0].start : ans.citations[0].end] == ans.citations[0].quote


def test_heading_text_keeps_identifiers_and_drops_emphasis():
    from index.structure import plain

    assert plain("`NO_PROXY`") == "NO_PROXY"
    assert plain("SSL_CERT_FILE") == "SSL_CERT_FILE"
    assert plain("**Note** on `__init__`") == "Note on __init__"
    assert plain("[The client](client.md) and *timeouts*") == "The client and timeouts"


# -- answer units of a docs passage (pure: no model) -----------------------------------


def _md_hit(text: str, section: str = "Guide"):
    from index.search import Hit

    return Hit("c1", "guide.md", None, 0, len(text), text, 0.5, 0.5, 0.5, 1, section, "Guide")


def _units(text: str) -> list[tuple[str, str]]:
    from index.answer.units import units_of

    return [(u.kind, text[u.start : u.end]) for u in units_of(_md_hit(text))]


def test_a_code_block_brings_the_sentence_that_explains_it():
    text = ("# Headers\n\nHeaders are kept as sent. The Headers type is case-insensitive.\n\n"
            "```python\nr.headers['content-type']\n```\n")
    units = _units(text)
    assert ("lead", "The Headers type is case-insensitive.\n\n```python\nr.headers['content-type']\n```") in units
    # The example does not also stand alone: on its own it answers nothing.
    assert not any(kind == "code" for kind, _ in units)


def test_a_short_section_is_also_one_unit():
    text = "### retries\n\nHow many times a failed download is tried again.\n\n**Default**: `3`\n\n### timeout\n\nSeconds.\n"
    units = _units(text)
    assert ("section", "How many times a failed download is tried again.\n\n**Default**: `3`") in units
    # A one-sentence section is its sentence already.
    assert [t for k, t in units if k == "section"] == ["How many times a failed download is tried again.\n\n**Default**: `3`"]


def test_an_answer_takes_at_most_three_units_within_its_budget():
    import numpy as np

    from index.answer.pipeline import ANSWER_CHARS, MAX_UNITS, select
    from index.answer.units import Candidate

    hit = _md_hit("x" * 4000)
    cands = [Candidate(hit, k, k * 500, k * 500 + n, f"{k} " + "w" * (n - 2)) for k, n in enumerate([300, 300, 400, 200, 100])]
    chosen = select(cands, np.array([1.0, 0.95, 0.9, 0.85, 0.5]))
    assert chosen == [0, 1, 3]  # the 400-character one would pass 900; the fifth scores too low
    assert len(chosen) <= MAX_UNITS and sum(len(cands[i].text) for i in chosen) <= ANSWER_CHARS
    # Text another chosen unit already holds adds nothing (docs repeat their examples).
    other = _md_hit("```bash\npoetry build\n```")
    dup = Candidate(other, 0, 0, 24, "```bash\npoetry build\n```")
    lead = Candidate(hit, 9, 0, 70, "The build command builds archives.\n\n```bash\npoetry build\n```")
    assert select([lead, dup], np.array([1.0, 0.99])) == [0]
    # A row the first unit holds may answer instead, but the bar to join stays the best's.
    table = "The options:\n\n| a | b |\n|---|---|\n| `port` | 8080 |\n"
    th = _md_hit(table + "x" * 100)
    sec = Candidate(th, 0, 0, len(table), table, "section")
    row = Candidate(th, 1, table.index("| `port`"), len(table) - 1, "| `port` | 8080 |", "row")
    other = Candidate(_md_hit("y" * 300), 0, 0, 50, "another unit entirely", "sentence")
    assert select([sec, row, other], np.array([1.0, 0.92, 0.75]), similarity=np.array([0.3, 0.6, 0.2])) == [1]


def test_words_the_asker_quotes_or_brackets_are_not_evidence_of_absence():
    from index.answer.abstain import _example_spans

    got = _example_spans("how do I put a '(c) 2024 ACME Corp' line at the bottom? my ID (G-XXXX) isn't shown, "
                         "and \"foo.bar\" doesn't match, `no_such_option`")
    assert {"ACME", "Corp", "XXXX", "foo", "bar"} <= got
    assert not {"isn", "doesn", "bottom", "shown", "no_such_option"} & got  # apostrophes are not quotes; `code` is asked about


def test_clause_similarity_reads_the_clauses_of_the_sentences_given(embedder):
    from index.answer.scoring import SentenceVectors
    from index.answer.units import Candidate, clauses
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


def test_a_question_s_setting_versions_and_folders_are_not_evidence_of_absence():
    from index.answer.abstain import gather
    from index.lexical import LexicalIndex

    texts = ["Use --ssl-keyfile-password to give the password of the SSL key file.",
             "When using Uvicorn through WSL you might have to set WATCHFILES_FORCE_POLLING.",
             "Use --reload-dir to choose which directories to watch.",
             "See the quickstart for a quick tour; environment variables are read too.",
             "Check that the certificate is correct."]
    lex = LexicalIndex.build(["a", "b", "c", "d", "e"], texts, "g1")

    def missing(q):
        return gather(q, lex, texts, 0.5, 0.5).missing

    # What the question asks about, absent and rare in English, is the evidence.
    assert missing("does it support GraphQL subscriptions?") == "GraphQL"
    assert missing("how do I give it a passphrase?") == "passphrase"
    assert missing("does it work with vim?") == "vim"
    assert missing("can it run under WSL3X?") == "WSL3X"
    assert missing("what is src?") == "src"
    # A short form of a word the sources use is theirs; a word one letter short of
    # another ("quic" of "quick", so not of "quickstart") is not.
    assert missing("which env vars does it read?") is None
    assert missing("can I enable HTTP/3 over QUIC?") == "QUIC"
    assert missing("how do I configure CORS origins?") == "CORS"  # stems to "cor", as "correct" begins
    assert missing("WHICH ENV VARS DOES IT READ?") is None  # all capitals: no acronyms to tell apart
    # A part that is not the asker's own setting, or an asking part that says nothing
    # itself, keeps the absent word as evidence.
    assert missing("For GraphQL subscriptions, what do I set?") == "GraphQL"
    assert missing("I want to use GraphQL subscriptions. Is that supported?") == "GraphQL"
    # The asker's circumstances, told in a part that asks nothing, are not.
    assert missing("my TLS key has a passphrase. how do I give uvicorn the password?") is None
    assert missing("which patterns are ignored? my vim swap files keep triggering reloads") is None
    # A versioned name whose name the sources hold, and a folder the asker names.
    assert missing("running on WSL2 and editing files never triggers a reload, any idea?") is None
    assert missing("can I make reload only watch src/?") is None


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
    from index.cited import Cited
    from index.settings import Settings
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
    cited = Cited(Settings(data_dir=tmp_path / ".c", sources=d), embedder=embedder)
    cited.index(d)
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
