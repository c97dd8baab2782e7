"""Finding and reading sources; bad files are skipped and reported, the rest indexes."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import HashEmbedder, extracted, make_pdf
from index.chunking import chunk
from index.errors import SourceError
from index.sources import find_sources




def test_formats_are_read(corpus):
    files, skipped = find_sources(corpus)
    assert [f.rel for f in files] == ["hikvision-dahua-un-global-compact.txt", "notes.md", "page.html"]
    assert skipped == []
    html = extracted(corpus / "page.html").text
    assert "Penguins live in the Southern Hemisphere." in html
    assert "alert" not in html and "color" not in html and "<p>" not in html
    md = corpus / "notes.md"
    assert extracted(md).text == md.read_text()


def test_pdf_pages_are_kept(tmp_path):
    p = tmp_path / "doc.pdf"
    p.write_bytes(make_pdf(["Cats purr when content.", "Dogs bark at strangers."]))
    ex = extracted(p)
    assert [pg.number for pg in ex.pages] == [1, 2]
    assert ex.text[ex.pages[1].start : ex.pages[1].end] == "Dogs bark at strangers."
    chunks = chunk(ex, lambda t: [t])
    assert [(c.page, c.text) for c in chunks] == [(1, "Cats purr when content."), (2, "Dogs bark at strangers.")]
    assert all(ex.text[c.start : c.end] == c.text for c in chunks)


def test_text_chunks_know_their_lines_and_other_formats_do_not(tmp_path, corpus):
    md = tmp_path / "notes.txt"
    paras = [f"Paragraph {i} starts here.\nIt goes on for a second line." for i in range(1, 40)]
    md.write_text("# Title\n\n" + "\n\n".join(paras) + "\n")
    ex = extracted(md)
    chunks = chunk(ex, lambda t: t.split("\n\n"))
    assert len(chunks) == 40
    for c in chunks:
        assert c.line == ex.text.count("\n", 0, c.start) + 1
        assert ex.text.splitlines()[c.line - 1].startswith(c.text.splitlines()[0])
    assert chunks[1].line == 3 and chunks[-1].line == 3 + 3 * 38
    html = chunk(extracted(corpus / "page.html"), lambda t: t.split("\n\n"))
    assert html and all(c.line is None for c in html)
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(make_pdf(["Cats purr when content.", "Dogs bark at strangers."]))
    assert all(c.line is None for c in chunk(extracted(pdf), lambda t: [t]))


def test_hidden_and_outside_links_are_left_out(tmp_path, corpus):
    (corpus / ".secret.txt").write_text("hidden")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "x.txt").write_text("hidden")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside the folder")
    (corpus / "link.txt").symlink_to(outside)
    (corpus / "inside-link.txt").symlink_to(corpus / "notes.md")
    files, skipped = find_sources(corpus)
    rels = [f.rel for f in files]
    assert ".secret.txt" not in rels and ".git/x.txt" not in rels and "link.txt" not in rels
    assert "inside-link.txt" in rels
    assert [(s.rel, s.reason) for s in skipped] == [("link.txt", "link leads outside the sources folder")]


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "corrupt or invalid PDF"),
        ("binary.txt", bytes(range(256)) * 4, "binary content"),
        ("empty.txt", b"", "no text"),
    ],
)
def test_bad_files_raise_source_error(tmp_path, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(SourceError, match=reason):
        extracted(p)


def test_bad_folder_is_one_clear_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        find_sources(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SourceError, match="is a file"):
        find_sources(tmp_path / "file.txt")


@contextmanager
def as_unprivileged():
    """Root reads every file whatever its mode; drop to 'nobody' to make chmod 000 bite."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_bad_files_are_skipped_and_the_rest_indexes(tmp_path, settings, monkeypatch):
    import tempfile

    import index.sync as sync_mod
    from index.cited import Cited

    # A world-traversable folder, so an unprivileged reader reaches the files.
    top = Path(tempfile.mkdtemp(prefix="cited-perm-"))
    top.chmod(0o755)
    src = top / "src"
    src.mkdir(mode=0o755)
    (src / "good.txt").write_text("Otters hold hands while they sleep.")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (src / "binary.txt").write_bytes(bytes(range(256)))
    (src / "empty.md").write_text("")
    locked = src / "locked.txt"
    locked.write_text("nobody may read this")
    for p in src.iterdir():
        p.chmod(0o644)
    locked.chmod(0o000)

    # Root reads any file whatever its mode, so each source is read as 'nobody':
    # the real read, refused by the real kernel. Everything else runs as usual.
    real_read = sync_mod.read_bytes

    def read_unprivileged(source):
        with as_unprivileged():
            return real_read(source)

    monkeypatch.setattr(sync_mod, "read_bytes", read_unprivileged)
    cited = Cited(settings.model_copy(update={"data_dir": tmp_path / "data"}), embedder=HashEmbedder())
    report = cited.index(src)
    indexed = [r.path for r in cited.sources()]
    shutil.rmtree(top, ignore_errors=True)
    reasons = {s.rel: s.reason for s in report.skipped}
    assert indexed == ["good.txt"]
    assert reasons["locked.txt"] == "permission denied"
    assert reasons["broken.pdf"].startswith("corrupt or invalid PDF")
    assert reasons["binary.txt"].startswith("binary content")
    assert reasons["empty.md"].startswith("no text")
    assert report.summary().startswith("1 added, 0 changed, 0 removed, 0 unchanged, 4 skipped")
