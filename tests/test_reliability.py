"""Issue 12, reading the sources: no bad file stops an index, nothing outside the
folder is read. Each test reproduces one way it used to go wrong. The store's side
(damage is not emptiness, the BM25 cache, what the CLI prints) is test_store_damage.py."""

import io
import logging
import os
import threading
from pathlib import Path

import pytest

import index.sources as sources_mod
import index.sync as sync_mod
from helpers import make_pdf
from index.errors import SourceError
from index.sources import SourceFile, extract, find_sources, read_bytes
from test_sync import make, text_of


def encrypted_pdf(text: str, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([text]))))
    w.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# -- 1. a file that becomes unreadable keeps its last indexed version ----------------
def test_file_that_becomes_unreadable_keeps_its_last_version(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.txt").write_text("Capybaras are the largest rodents on Earth.")
    (src / "doc.pdf").write_bytes(make_pdf(["Axolotls regrow lost limbs."]))
    cited = make(tmp_path, {})
    assert sorted(cited.index(src).added) == ["doc.pdf", "notes.txt"]

    (src / "notes.txt").write_bytes(bytes(range(256)) * 8)  # overwritten with binary bytes
    (src / "doc.pdf").write_bytes(make_pdf(["Axolotls regrow lost limbs."])[:60])  # half copied
    r = cited.index(src)
    assert r.removed == [] and r.changed == []
    assert sorted(s.rel for s in r.skipped) == ["doc.pdf", "notes.txt"]
    assert [x.path for x in cited.sources()] == ["doc.pdf", "notes.txt"]
    assert cited.searcher.search("Capybaras largest rodents", k=1)[0].source == "notes.txt"
    assert cited.searcher.search("Axolotls regrow limbs", k=1)[0].source == "doc.pdf"


# -- 2. non-UTF-8 text is read; binary is still refused ------------------------------
@pytest.mark.parametrize("text, encoding", [
    ("caf\xe9 cr\xe8me", "latin-1"),
    ("Le caf\xe9 est tr\xe8s bon, \u201cdit-il\u201d \u2014 na\xefve.", "cp1252"),
    ("Die Stra\xdfe f\xfchrt \xfcber den Fluss.", "latin-1"),
    ("\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430? "
     "\u0412\u0441\u0451 \u0445\u043e\u0440\u043e\u0448\u043e.", "cp1251"),
])
def test_non_utf8_text_is_read(tmp_path, text, encoding):
    p = tmp_path / "legacy.txt"
    p.write_bytes(text.encode(encoding))
    assert extract(SourceFile(p.name, p), p.read_bytes()).text == text


def test_binary_content_is_still_refused(tmp_path):
    import random

    rng = random.Random(12)
    noise = bytes(rng.randrange(1, 256) for _ in range(4000))  # no NUL byte to give it away
    for data in (bytes(range(256)) * 4, noise):
        p = tmp_path / "x.txt"
        p.write_bytes(data)
        with pytest.raises(SourceError, match="binary"):
            extract(SourceFile(p.name, p), data)


# -- 3. encrypted PDFs; no exception escapes one file --------------------------------
def test_encrypted_pdfs_open_or_are_skipped_with_one_line(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "open.pdf").write_bytes(encrypted_pdf("Ocelots hunt at night.", ""))  # AES-256, empty password
    (src / "locked.pdf").write_bytes(encrypted_pdf("Nobody reads this.", "secret"))
    r = make(tmp_path, {}).index(src)
    assert r.added == ["open.pdf"]
    assert [(s.rel, s.reason) for s in r.skipped] == [("locked.pdf", "encrypted PDF (needs a password)")]


def test_an_unexpected_error_in_one_file_is_a_skip_and_logged(tmp_path, monkeypatch, caplog):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text(f"File {name} tells of herons and kingfishers.")
    real = sync_mod.extract

    def bad_on_b(s, data, labels=None):
        if s.rel == "b.txt":
            raise RuntimeError("a library's surprise\nsecond line")
        return real(s, data, labels)

    monkeypatch.setattr(sync_mod, "extract", bad_on_b)
    with caplog.at_level(logging.ERROR, logger="index.sync"):
        r = make(tmp_path, {}).index(src)
    assert r.added == ["a.txt", "c.txt"]
    assert [(s.rel, s.reason) for s in r.skipped] == [("b.txt", "unexpected RuntimeError: a library's surprise")]
    assert any(rec.exc_info and "b.txt" in rec.getMessage() for rec in caplog.records)


# -- 4. the walk -------------------------------------------------------------------
def test_walk_survives_links_to_dot_and_loops(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha")
    (src / "sub" / "b.txt").write_text("beta")
    for n in ("l1", "l2", "l3"):
        (src / n).symlink_to(src)  # two links to "." used to grow the walk exponentially
    (src / "sub" / "up").symlink_to(src)  # a loop
    files, skipped = find_sources(src)
    assert [f.rel for f in files] == ["a.txt", "sub/b.txt"]
    assert {s.rel for s in skipped} == {"l1", "l2", "l3", "sub/up"}
    assert {s.reason for s in skipped} == {"link to a folder indexed already"}


def test_a_link_to_a_folder_inside_is_walked_once_under_its_real_name(tmp_path):
    src = tmp_path / "src"
    (src / "v2").mkdir(parents=True)
    (src / "v2" / "guide.md").write_text("# Guide")
    (src / "latest").symlink_to(src / "v2")
    files, skipped = find_sources(src)
    assert [f.rel for f in files] == ["v2/guide.md"]
    assert [s.rel for s in skipped] == ["latest"]


def test_walk_has_no_recursion_limit(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    deep = src
    for _ in range(1100):  # 2,200 characters of path: under PATH_MAX
        deep = deep / "d"
        deep.mkdir()  # os.makedirs would itself hit the recursion limit
    (deep / "bottom.txt").write_text("deep down")
    try:
        files, _ = find_sources(src)
        assert [f.rel for f in files] == ["d/" * 1100 + "bottom.txt"]
    finally:  # pytest's own clean-up (shutil.rmtree) would hit the recursion limit
        (deep / "bottom.txt").unlink()
        while deep != src:
            deep.rmdir()
            deep = deep.parent


def test_a_named_pipe_is_skipped_not_read(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("Puffins nest in burrows.")
    os.mkfifo(src / "pipe.txt")
    files, skipped = find_sources(src)
    assert [f.rel for f in files] == ["good.txt"]
    assert [(s.rel, s.reason) for s in skipped] == [("pipe.txt", "not a regular file (a named pipe, device or socket)")]
    # Read anyway (it became a pipe after the walk): refused at once, never blocking.
    done = []
    t = threading.Thread(target=lambda: done.append(pytest.raises(SourceError, read_bytes,
                                                                  SourceFile("pipe.txt", src / "pipe.txt"))))
    t.start()
    t.join(10)
    assert done and "not a regular file" in str(done[0].value)


def test_names_that_read_the_same_are_indexed_once(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for raw in (b"caf\xe8.txt", b"caf\xe9.txt"):  # both decode to "caf\ufffd.txt"
        with open(os.fsencode(src) + b"/" + raw, "w") as f:
            f.write("Narwhal tusks are teeth.")
    files, skipped = find_sources(src)
    assert [f.rel for f in files] == ["caf\ufffd.txt"]
    assert [s.rel for s in skipped] == ["caf\ufffd.txt"]
    r = make(tmp_path, {}).index(src)  # used to raise DuplicateIDError
    assert r.added == ["caf\ufffd.txt"]


# -- 5. open-then-verify, and a size cap ----------------------------------------------
def test_link_swapped_after_the_walk_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    src = tmp_path / "src"
    src.mkdir()
    (src / "real.txt").write_text("inside")
    (src / "link.txt").symlink_to(src / "real.txt")
    files, _ = find_sources(src)
    link = next(f for f in files if f.rel == "link.txt")
    (src / "link.txt").unlink()
    (src / "link.txt").symlink_to(secret)  # swapped between walk and read
    with pytest.raises(SourceError, match="outside the sources folder"):
        read_bytes(link)


def test_file_swapped_for_a_link_between_check_and_open_is_not_read(tmp_path, monkeypatch):
    """The race itself: the file is replaced by a link to a file outside right after
    its path was resolved, before it is opened."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text("inside")
    outside_dir = tmp_path / "elsewhere"
    outside_dir.mkdir()
    (outside_dir / "a.txt").write_text("root:x:0:0")
    real_realpath = os.path.realpath

    def racing(p, *a, **kw):
        got = real_realpath(p, *a, **kw)
        if str(p).endswith("a.txt"):
            attack(Path(p))
        return got

    monkeypatch.setattr(sources_mod.os.path, "realpath", racing)
    # The final component becomes a link: O_NOFOLLOW refuses it.
    attack = lambda p: (p.unlink(), p.symlink_to(secret))  # noqa: E731
    with pytest.raises(SourceError):
        read_bytes(SourceFile("sub/a.txt", src / "sub" / "a.txt"))
    # A folder on the way becomes a link: the opened file's real path gives it away.
    (src / "sub" / "a.txt").unlink()
    (src / "sub" / "a.txt").write_text("inside")

    def swap_folder(p):
        os.rename(src / "sub", src / "old-sub")
        (src / "sub").symlink_to(outside_dir)

    attack = swap_folder  # noqa: F841 - read by racing()
    with pytest.raises(SourceError, match="outside the sources folder"):
        read_bytes(SourceFile("sub/a.txt", src / "sub" / "a.txt"))


def test_files_over_the_size_cap_are_skipped_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(sources_mod, "MAX_BYTES", 1000)
    src = tmp_path / "src"
    src.mkdir()
    (src / "big.txt").write_text("Walruses. " * 200)
    (src / "small.txt").write_text("Walruses use their tusks to climb.")
    r = make(tmp_path, {}).index(src)
    assert r.added == ["small.txt"]
    assert [s.rel for s in r.skipped] == ["big.txt"] and r.skipped[0].reason.startswith("larger than")


# -- 6. text without blank lines -----------------------------------------------------
def test_text_without_blank_lines_is_cut_before_the_splitter(tmp_path):
    """A log with no blank line used to reach the prose splitter as one paragraph:
    superlinear time and memory (4 MB: 16 s and 1 GB; 15 MB failed the run)."""
    from index.chunking import chunk

    line = "2024-05-01 12:00:01 INFO worker-7 processed request id=123456 status=200\n"
    log_text = line * 3000  # 220,000 characters, no blank line
    seen = []

    def splitter(text):
        seen.append(len(text))
        return [text]

    ex = sync_mod._bounded(extract(SourceFile("server.log.txt", tmp_path / "x.txt"), log_text.encode()))
    chunks = chunk(ex, splitter)
    assert seen and max(seen) <= sync_mod.WINDOW  # the splitter never sees the whole paragraph
    assert all(ex.text[c.start : c.end] == c.text for c in chunks)
    assert "".join(c.text for c in chunks) == log_text
    # Markdown's blocks are cut too, and keep their kind.
    md = sync_mod._bounded(extract(SourceFile("log.md", tmp_path / "log.md"), ("# Log\n\n" + log_text).encode()))
    assert max(b.end - b.start for b in md.blocks) <= sync_mod.WINDOW
    assert {b.kind for b in md.blocks} == {"heading", "paragraph"}
    # Ordinary prose is cut exactly as before.
    prose = extract(SourceFile("p.txt", tmp_path / "p.txt"), text_of(range(20)).encode())
    assert sync_mod._bounded(prose) is prose


def test_a_long_table_is_not_cut_into_windows(tmp_path, splitter):
    # A table of short rows runs far past LONG_RUN without a blank line (Traefik's
    # option tables: 50 KB). Its rows are blocks of their own: cut into windows, the
    # rows after the first window lost their head row and were no rows.
    from index.chunking import chunk

    rows = "".join(f"| `option{n}` | What option {n} does, in a sentence or two of prose. {'x' * 300} | {n}s |\n"
                   for n in range(80))
    text = "# Options\n\n| Name | Description | Default |\n|---|---|---|\n" + rows
    assert len(rows) > sync_mod.LONG_RUN
    f = tmp_path / "options.md"
    f.write_text(text)
    ex = sync_mod._bounded(extract(SourceFile("options.md", f), text.encode()))
    chunks = chunk(ex, splitter)
    assert len(chunks) > 1 and all(ex.text[c.start : c.end] == c.text for c in chunks)
    later = [c for c in chunks if c.text.startswith("| `option")]
    assert later and all(c.fence.startswith("| Name | Description | Default |") for c in later)


def test_a_long_code_block_cut_into_windows_keeps_its_fence(tmp_path, splitter):
    # A block longer than LONG_RUN is still cut (no regex time-out), and each piece of a
    # code block carries its opening fence, or its closing one would open a block.
    from index.chunking import chunk

    body = "\n\n".join(f"key{n}: value {n}\n" + "line: " + "x" * 60 for n in range(600))
    text = "# Config\n\n```yaml\n" + body + "\n```\n"
    f = tmp_path / "config.md"
    f.write_text(text)
    ex = sync_mod._bounded(extract(SourceFile("config.md", f), text.encode()))
    chunks = chunk(ex, splitter)
    code = [c for c in chunks if "key" in c.text]
    assert len(code) > 5 and all(c.text.startswith("```yaml") or c.fence == "```yaml" for c in code)
