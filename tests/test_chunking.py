"""Chunks cut as the reader needs them: a code block kept whole or carrying its fence, a
table's or an API entry's head carried into each chunk, a cut never starting inside a
sentence, never more than the model reads."""


from helpers import extracted, indexed
from index.chunking import chunk
from index.splitter import Splitter, sentence_splitter


def test_fenced_code_is_kept_whole_when_it_fits(tmp_path):
    code = "```python\n" + "\n\n".join(f"step_{i} = run({i})" for i in range(12)) + "\n```"
    f = tmp_path / "code.md"
    f.write_text("# Code\n\n" + "Some words here. " * 30 + "\n\n" + code + "\n\nAfter the code, more words.\n")
    # Small chunks: the prose must be cut, the code block (about 90 tokens) must not.
    sp = sentence_splitter(120, 16)
    chunks = chunk(extracted(f), sp)
    holding = [c for c in chunks if "step_0" in c.text or "step_11" in c.text]
    assert len(holding) == 1 and code in holding[0].text
    assert len(chunks) >= 3


def test_a_code_block_cut_across_chunks_keeps_its_fence(tmp_path):
    from index.answer.units import candidates
    from index.search import Hit

    code = "```dockerfile\n" + "\n".join(f"RUN step_{i} --flag value-{i} && echo done-{i}" for i in range(40)) + "\n```"
    f = tmp_path / "docker.md"
    f.write_text("# Docker\n\nA sample Dockerfile:\n\n" + code + "\n\nThen build the image.\n")
    chunks = chunk(extracted(f), sentence_splitter(120, 16))
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
    assert not any(c.fence for c in chunk(extracted(g), sentence_splitter(120, 16)))


def test_an_open_fence_is_closed_for_the_reader_never_in_the_quote(tmp_path, embedder):

    d = tmp_path / "docs"
    d.mkdir()
    code = "```python\n" + "\n".join(f"configure_worker_pool(size={i}, timeout={i * 3}, retries={i % 4})" for i in range(60)) + "\n```"
    (d / "pool.md").write_text("# Worker pool\n\nA long example that configures the worker pool:\n\n" + code + "\n")
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("How do I configure the worker pool size and timeout?")
    assert not ans.abstained
    import re

    for part in re.split(r"\s\[\d+\]", ans.answer):
        assert part.count("```") % 2 == 0, part  # every fence the reader sees is closed
    # A closing fence stands alone on its line: "``` [1]" would not close the block.
    assert not re.search(r"^```.*\[\d+\]", ans.answer, re.M), ans.answer
    assert "```\n\n[1]" in ans.answer
    # A block cut by the chunk's end says so before its closing fence: it goes on.
    assert re.search(r"…\n```\n\n\[\d\]", ans.answer), ans.answer
    text = (d / "pool.md").read_text()
    assert all(text[c.start : c.end] == c.quote for c in ans.citations)


TABLE_HEAD = "| Option | Type | Default | Description |\n|---|---|---|---|"


def test_a_table_cut_across_chunks_gives_each_chunk_its_head_row(tmp_path, splitter, embedder):

    rows = "\n".join(f"| `option_{i}` | int | `{i * 10}` | How many widgets of kind {i} a pool may hold. |"
                     for i in range(40))
    d = tmp_path / "docs"
    d.mkdir()
    (d / "settings.md").write_text(f"# Settings\n\nEvery setting:\n\n{TABLE_HEAD}\n{rows}\n")
    chunks = chunk(extracted(d / "settings.md"), splitter)
    later = chunks[1:]
    assert later and all(c.text.startswith("| `option_") and c.fence == TABLE_HEAD for c in later)
    assert chunks[0].fence == ""  # the first holds the head row itself
    for c in later:  # embedded (and indexed) under the head row, within what the model reads
        assert c.embed_text.startswith("Settings\n\n| Option | Type | Default | Description |\n| `option_")
        assert splitter.count_tokens(c.embed_text) <= 256
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("What is the default of option_37?")
    first = ans.citations[0]
    assert first.quote.startswith("| `option_37` | int | `370` |")
    # Under its section's heading, on a line of its own so the table still reads as one.
    assert ans.answer.startswith("Settings:\n| Option | Type | Default | Description |\n| `option_37` |")
    assert (d / "settings.md").read_text()[first.start : first.end] == first.quote


def test_carried_lines_never_push_a_chunk_past_what_the_model_reads(tmp_path, splitter):
    # Rows carried under their head row leave room for it: a table followed by prose, a
    # row that fits alone but not with its head, and a long one-line list item (which
    # carries nothing: its first line is a paragraph, not a term).
    rows = "\n".join(f"| `opt_{i}` | int | `{i}` | Widgets of kind {i} a pool may hold. |" for i in range(25))
    big = " ".join(["word"] * 215)
    prose = "\n\n".join(f"Paragraph {i} about pools and widgets and how they block." for i in range(12))
    md = (f"# Settings\n\n{TABLE_HEAD}\n{rows}\n\n{prose}\n\n## Big\n\n{TABLE_HEAD}\n| `big` | str | `x` | {big} |\n"
          f"| `next` | int | `1` | Small. |\n\n## Notes\n\n- " + " ".join(f"Fixed bug {i}." for i in range(200)) + "\n")
    (tmp_path / "s.md").write_text(md)
    chunks = chunk(extracted(tmp_path / "s.md"), splitter)
    assert all(splitter.count_tokens(c.embed_text) <= 256 for c in chunks)
    assert any(c.fence == TABLE_HEAD for c in chunks)
    notes = [c for c in chunks if c.section.endswith("Notes")]
    assert len(notes) > 1 and all(c.fence == "" for c in notes)


def test_plain_splitter_functions_still_work(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("# A\n\nOne.\n\n# B\n\nTwo.\n")
    chunks = chunk(extracted(f), lambda t: [t])
    assert [c.section for c in chunks] == ["A", "B"]
    assert isinstance(Splitter(lambda t: [t], len, 10).size, int)


def _sphinx_function(n_params: int) -> str:
    params = "".join(f"<li><p><strong>option_{i}</strong> – (optional) How many widgets of kind {i} the "
                     f"pool may hold before it blocks.</p></li>" for i in range(n_params))
    return ("<html><head><title>API</title></head><body><div class='body' role='main'><section>"
            "<h1>API<a class='headerlink' href='#api'>¶</a></h1>"
            "<dl class='py function'><dt class='sig sig-object py' id='pool.make'>"
            "<span class='sig-prename descclassname'>pool.</span><span class='sig-name descname'>make</span>"
            "(<em class='sig-param'>size</em>, <em class='sig-param'>**kwargs</em>)"
            "<a class='reference internal' href='_modules/pool.html#make'><span class='viewcode-link'>"
            "<span class='pre'>[source]</span></span></a></dt>"
            "<dd><p>Makes a pool.</p><dl class='field-list'><dt>Parameters:</dt><dd><ul>" + params +
            "</ul></dd></dl></dd></dl></section></div></body></html>")


def test_a_long_api_entry_cut_across_chunks_gives_each_chunk_its_name(tmp_path, splitter, embedder):
    from index.answer.units import units_of
    from index.search import Hit

    d = tmp_path / "docs"
    d.mkdir()
    (d / "api.html").write_text(_sphinx_function(30))
    ex = extracted(d / "api.html")
    assert "[source]" not in ex.text  # Sphinx's viewcode links are chrome
    # The entry is a section under its name; its signature is code, its parameters items.
    assert [s.label for s in ex.sections] == ["API", "API › make"]
    assert "## `make`\n\n`pool.make(size, **kwargs)`\n\nMakes a pool.\n\nParameters:\n\n- **option_0** –" in ex.text
    chunks = chunk(ex, splitter)
    later = [c for c in chunks if c.start > ex.text.index("Parameters:")]
    assert len(later) >= 2 and all(c.section == "API › make" for c in later)
    for c in later:
        assert c.embed_text.startswith("API › make\n\n- **option_")  # each piece says whose options
        assert splitter.count_tokens(c.embed_text) <= 256
        # Read alone, the entry's lines are still list items, not a code block.
        units = units_of(Hit("x", "api.html", None, c.start, c.end, c.text, .5, .5, .5, c.line, c.section, c.title, c.fence))
        assert units and all(u.kind == "item" for u in units)
        assert all(c.text[u.start : u.end].startswith("- **option_") for u in units)
    cited = indexed(d, tmp_path / ".c", embedder)
    ans = cited.ask("what does option_27 of pool.make do?")
    first = ans.citations[0]
    assert first.section == "API › make" and ans.answer.startswith("make:")  # the answer names its entry
    assert "- **option_27** – (optional) How many widgets of kind 27" in first.quote
    assert ex.text[first.start : first.end] == first.quote


def test_a_table_s_head_row_opens_the_chunk_of_its_rows(tmp_path):
    # The head row fits after the prose, its first row does not: it goes with the rows.
    f = tmp_path / "options.md"
    f.write_text("## Quote Props\n\nChange when properties in objects are quoted, and in which files the rule "
                 "applies to every key of every object literal you write in the project.\n\n"
                 "| Default | CLI Override | API Override |\n| --- | --- | --- |\n"
                 "| `\"as-needed\"` | `--quote-props <as-needed|consistent|preserve>` | "
                 "`quoteProps: \"<as-needed|consistent|preserve>\"` |\n")
    ex = extracted(f)
    chunks = chunk(ex, sentence_splitter(80, 8))
    assert len(chunks) >= 2
    for c in chunks:
        if "| Default |" in c.text:
            assert "quoteProps" in c.text, c.text
    assert "| Default |" not in chunks[0].text



def test_a_cut_piece_starts_with_its_sentence_not_after_an_abbreviation():
    from index.chunking import _locate

    text = "The letter went out. They wrote to U.N. Secretary-General Guterres about it. Then they waited."
    cut = text.index("Secretary")

    def split(t):  # a splitter whose sentences end at every full stop, as LlamaIndex's do
        return [t[:cut].strip(), t[cut:]]

    pieces = _locate(text, 0, len(text), split, None)
    assert pieces[1].text.startswith("They wrote to U.N. Secretary-General")
    assert text[pieces[1].start : pieces[1].end] == pieces[1].text
    # Unless the longer piece would not fit what the model reads.
    assert _locate(text, 0, len(text), split, None, fits=lambda piece: False)[1].text.startswith("Secretary")


def test_a_text_that_fits_is_not_cut_and_needs_no_llama_index(tmp_path):
    import subprocess
    import sys

    from llama_index.core.node_parser import SentenceSplitter

    from index.embedding import model_tokenizer

    # The fast path returns what SentenceSplitter returns for a text that fits.
    sp = sentence_splitter(256, 32)
    tok = model_tokenizer()
    llama = SentenceSplitter(chunk_size=256, chunk_overlap=32,
                             tokenizer=lambda t: tok.encode(t, add_special_tokens=False).ids).split_text
    texts = ["  Owls turn their heads.\n\nThey see well at night.  ", "x", "word " * 250, "word " * 300]
    for t in texts:
        assert sp.split_text(t) == llama(t), t[:20]
    # An index of short files never imports llama-index (~2 s of every `cited index`).
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# Owls\n\nOwls turn their heads.\n")
    code = ("import sys; from pathlib import Path; from index.cited import Cited; from index.settings import Settings;"
            f"Cited(Settings(data_dir={str(tmp_path / 'data')!r})).index(Path({str(src)!r}));"
            "print('llama_index' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "False", r.stderr
