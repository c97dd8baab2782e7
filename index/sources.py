"""Find source files in a folder and extract their text.

A source's *extracted text* is what offsets point into: for .txt and .md the decoded
file, for HTML its visible text (as Markdown), for reStructuredText the visible text of
the page docutils renders, for PDF its pages' text joined by blank lines.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from index.errors import SourceError
from index.structure import Block, Section

log = logging.getLogger(__name__)

# Sources whose extracted text is Markdown (HTML and reStructuredText are read as it):
# their chunks are cut at headings and answered in blocks (index/answer/units.py).
RST_SUFFIXES = (".rst", ".rest")
MARKDOWN_READ = (".md", ".markdown", ".mdx", ".html", ".htm", *RST_SUFFIXES)
SUFFIXES = {".txt", ".pdf", *MARKDOWN_READ}
PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SourceFile:
    """A file found in the sources folder. ``rel`` is its POSIX path relative to it."""

    rel: str
    path: Path


@dataclass(frozen=True)
class Skipped:
    rel: str
    reason: str


# Reasons a sync reads to decide what a skip means for the store (index/sync.py): a
# folder that cannot be listed keeps its files, a broken link is a deleted document.
UNLISTED = "cannot list folder"
BROKEN_LINK = "broken link"


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    start: int
    end: int


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: list[Page] | None  # None for formats without pages
    # True when the text's lines are the file's own (plain text, Markdown), so a line
    # number points a reader at the right place; HTML's visible text and PDF pages
    # have no lines a reader could go to.
    lines: bool = False
    title: str | None = None
    # Heading paths over the text (Markdown, HTML, PDF with an outline), in order;
    # None for plain text, which has no structure.
    sections: list[Section] | None = None
    # Paragraphs, list items, table rows and code blocks (Markdown and HTML).
    blocks: list[Block] | None = None


def printable(text: str) -> str:
    """``text`` with newlines and other control characters escaped as Python would
    (``\\n``, ``\\x1b``): a file name put in a one-line message cannot start a line of
    its own (a fake citation) or move the terminal's cursor."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def select(paths, patterns: list[str]) -> set[str]:
    """The ``paths`` (relative, with /) that any of ``patterns`` names: a glob
    (``*.pdf``, ``reports/2024-*``), a folder (``reports``, ``reports/``, ``./reports``)
    or, for a pattern without a slash, a file's name wherever it is (``CLI.md``), as
    .gitignore reads one."""
    from fnmatch import fnmatchcase

    out = set()
    for pat in patterns:
        pat = pat.strip().replace("\\", "/")
        while pat.startswith("./"):
            pat = pat[2:]
        folder = pat.rstrip("/") + "/"
        by_name = "/" not in pat.rstrip("/")
        # An exact name matches too: "report[final].pdf" is no glob to its owner.
        name_of = lambda p: p.rsplit("/", 1)[-1]  # noqa: E731
        out |= {p for p in paths if fnmatchcase(p, pat) or p == pat or p.startswith(folder)
                or (by_name and (fnmatchcase(name_of(p), pat) or name_of(p) == pat))}
    return out


def check_folder(folder: Path) -> Path:
    """``folder`` as a Path, SourceError when it is not a folder that exists."""
    folder = Path(folder)
    if not folder.exists():
        raise SourceError(f"sources folder {folder} does not exist")
    if not folder.is_dir():
        raise SourceError(f"sources folder {folder} is a file, not a folder")
    return folder


def find_sources(folder: Path) -> tuple[list[SourceFile], list[Skipped]]:
    """Every supported file under ``folder``, sorted; hidden entries are left out, and
    so (reported) are links leading outside the folder, files that are not regular
    files (named pipes, devices) and a second name that reads the same as a first.

    The walk is iterative (no recursion limit) and enters each real folder once
    (tracked by device and inode), whatever the links to it: real folders are walked
    first, links to folders only after, and only when their target was not walked,
    so a link loop or two links to ``.`` cost one look each."""
    folder = check_folder(folder)
    root = folder.resolve()
    found: dict[str, SourceFile] = {}
    skipped: list[Skipped] = []
    seen = {_dir_key(folder)}
    real = [folder]  # a stack: the walk is iterative
    links: list[Path] = []  # links to folders inside, entered after every real folder
    while real or links:
        if real:
            d = real.pop()
        else:
            d = links.pop(0)
            key = _dir_key(d)
            if key is None:
                continue  # vanished meanwhile
            if key in seen:
                skipped.append(Skipped(_rel(d, folder), "link to a folder indexed already"))
                continue
            seen.add(key)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            skipped.append(Skipped(_rel(d, folder) or ".", f"{UNLISTED}: {e.strerror or e}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            p = Path(d, entry.name)
            try:
                is_link = entry.is_symlink()
                st = os.stat(p)  # follows links: what the entry leads to
            except OSError:
                if p.suffix.lower() in SUFFIXES:
                    # A link whose target is gone is a deleted document (its last version
                    # goes); a file gone between the listing and now is a race (it stays).
                    gone = BROKEN_LINK if entry.is_symlink() else "vanished file"
                    skipped.append(Skipped(_rel(p, folder), gone))
                continue
            # Only a link can lead outside: every folder walked lies inside (the root, or
            # a link's target checked here), so its other entries do too. Resolving each
            # entry made a walk 1,200 folders deep take 25 s.
            if stat.S_ISDIR(st.st_mode):
                if is_link and not _inside(p, root):
                    skipped.append(Skipped(_rel(p, folder), "link leads outside the sources folder"))
                elif is_link:
                    links.append(p)
                elif (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    subdirs.append(p)
                continue
            if p.suffix.lower() not in SUFFIXES:
                continue
            rel = _rel(p, folder)
            if is_link and not _inside(p, root):
                skipped.append(Skipped(rel, "link leads outside the sources folder"))
            elif not stat.S_ISREG(st.st_mode):
                skipped.append(Skipped(rel, "not a regular file (a named pipe, device or socket)"))
            elif rel in found:
                # Two byte names that decode to the same text (Latin-1 names differing
                # in an accent) would share one store id: the first is indexed.
                skipped.append(Skipped(rel, "its name reads the same as another file's, indexed instead"))
            else:
                found[rel] = SourceFile(rel, p)
        real += reversed(subdirs)  # popped in name order
    return sorted(found.values(), key=lambda s: s.rel), sorted(skipped, key=lambda s: s.rel)


def _dir_key(p: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(p)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _rel(p: Path, folder: Path) -> str:
    # surrogateescape keeps non-UTF-8 names round-trippable without crashing JSON/Chroma.
    rel = p.relative_to(folder).as_posix()
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(p: Path, root: Path) -> bool:
    try:
        p.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


# Larger files are skipped: a 50 MB text is ~10,000 pages, more than any document
# people ask questions of, and reading one costs a few GB of memory while chunking.
MAX_BYTES = 50 * 1024 * 1024


def read_bytes(src: SourceFile) -> bytes:
    """The file's bytes, read open-then-verify: the file is opened first (the final
    component without following links, and non-blocking so a named pipe cannot hang
    the run), then the *opened* file is checked to be a regular file inside the
    sources folder, then read through that same descriptor. A link swapped between
    the walk and the read therefore cannot get a file outside the folder read."""
    root = _root_of(src)
    fd = None
    try:
        target = os.path.realpath(src.path)
        if not _within(target, root):
            raise SourceError("link leads outside the sources folder")
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SourceError("not a regular file (a named pipe, device or socket)")
        if not _opened_inside(fd, st, target, root):
            raise SourceError("link leads outside the sources folder")
        if st.st_size > MAX_BYTES:
            raise SourceError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        parts, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES:  # grew while being read
                raise SourceError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        return b"".join(parts)
    except FileNotFoundError:
        raise SourceError("file disappeared while indexing") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as e:
        if e.errno == errno.ELOOP:  # the final component became a link after realpath
            raise SourceError("file changed into a link while indexing") from None
        raise SourceError(f"cannot read: {e.strerror or e}") from None
    finally:
        if fd is not None:
            os.close(fd)


def _root_of(src: SourceFile) -> str:
    # ``path`` is the sources folder joined with the components of ``rel``.
    return os.path.realpath(src.path.parents[src.rel.count("/")])


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _opened_inside(fd: int, st: os.stat_result, target: str, root: str) -> bool:
    """Whether the open file ``fd`` lies inside ``root``: its path as the kernel knows
    it (Linux), else the file at ``target`` being the very file opened."""
    try:
        return _within(os.readlink(f"/proc/self/fd/{fd}"), root)
    except OSError:
        pass
    try:
        now = os.stat(target, follow_symlinks=False)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino) and _within(os.path.realpath(target), root)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract(src: SourceFile, data: bytes, labels: dict[str, str] | None = None) -> Extracted:
    """The text of one file, or SourceError saying why there is none. ``labels``: the
    reStructuredText labels of the folder (rst.rst_labels), for cross-references."""
    suffix = src.path.suffix.lower()
    if suffix == ".pdf":
        from index.pdf_text import read_pdf

        ex = read_pdf(data)
    elif suffix in (".html", ".htm"):
        ex = _html(decode(data))
    elif suffix in RST_SUFFIXES:
        ex = _rst(decode(data), labels)
    elif suffix in (".md", ".markdown", ".mdx"):
        from index.structure import markdown_structure

        text = decode(data)
        title, sections, blocks = markdown_structure(text, mdx=suffix == ".mdx")
        ex = Extracted(text, None, lines=True, title=title, sections=sections, blocks=blocks)
    else:
        ex = Extracted(decode(data), None, lines=True)
    if not ex.text.strip():
        raise SourceError("no text (empty file)")
    return ex


def _rst(source: str, labels: dict[str, str] | None = None) -> Extracted:
    """A reStructuredText file read as the page docutils makes of it (index/rst.py),
    or as plain text when docutils cannot read it or it is too long to render quickly
    (RST_MAX_CHARS): the text still answers."""
    from index.rst import RST_MAX_CHARS, rst_to_html

    if len(source) > RST_MAX_CHARS:
        return Extracted(source, None, lines=True)
    try:
        html = rst_to_html(source, labels)
    except Exception:  # noqa: BLE001 - docutils fails on odd input in many ways; the text is still readable
        log.warning("docutils could not read a reStructuredText file; indexing it as plain text", exc_info=True)
        return Extracted(source, None, lines=True)
    return _html(html)


def _html(markup: str) -> Extracted:
    """An HTML page read as the Markdown of its visible text, with its structure."""
    from index.html_page import html_to_markdown, with_anchors
    from index.structure import markdown_structure

    try:
        text, page_title, anchors = html_to_markdown(markup)
    except RecursionError:
        # markdownify walks the tree recursively: thousands of nested elements (a
        # generated or hostile page) are input it cannot read, not a bug to log.
        raise SourceError("its HTML is nested too deeply to read") from None
    title, sections, blocks = markdown_structure(text)
    return Extracted(text, None, title=page_title or title, sections=with_anchors(sections, anchors), blocks=blocks)


def decode(data: bytes) -> str:
    """UTF-8 text, or text in the encoding charset-normalizer detects (Latin-1, cp1252,
    cp1251, ...); binary content is refused."""
    if b"\x00" in data[:8192]:
        raise SourceError("binary content, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    return text.replace("\r\n", "\n")


def _decode_legacy(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise SourceError("binary content or an unknown text encoding")
    # On short texts the detector cannot tell single-byte code pages apart (it reads
    # "caf\xe9 cr\xe8me" as Farsi cp1006); among the least chaotic readings, prefer
    # cp1252, the most common legacy encoding (Latin-1's superset for printable text).
    calm = [m for m in matches if m.chaos <= matches[0].chaos]
    order = [e for m in calm if "cp1252" in m.could_be_from_charset for e in ("cp1252", "latin_1")]
    order += [m.encoding for m in matches]
    for enc in order:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError("binary content or an unknown text encoding")
