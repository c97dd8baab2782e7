"""Find source files in a folder and extract their text.

A source's *extracted text* is what offsets point into: for .txt and .md the decoded
file, for HTML its visible text, for PDF its pages' text joined by blank lines.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from index.errors import SourceError
from index.structure import Block, Section

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
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


def select(paths, patterns: list[str]) -> set[str]:
    """The ``paths`` (relative, with /) that any of ``patterns`` names: a glob
    (``*.pdf``, ``reports/2024-*``) or a folder (``reports`` or ``reports/``)."""
    from fnmatch import fnmatchcase

    out = set()
    for pat in patterns:
        pat = pat.strip().replace("\\", "/")
        folder = pat.rstrip("/") + "/"
        out |= {p for p in paths if fnmatchcase(p, pat) or p.startswith(folder)}
    return out


def find_sources(folder: Path) -> tuple[list[SourceFile], list[Skipped]]:
    """Every supported file under ``folder``, sorted; hidden entries and links leading
    outside the folder are left out (the latter reported)."""
    folder = Path(folder)
    if not folder.exists():
        raise SourceError(f"sources folder {folder} does not exist")
    if not folder.is_dir():
        raise SourceError(f"sources folder {folder} is a file, not a folder")
    root = folder.resolve()
    found: list[SourceFile] = []
    skipped: list[Skipped] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in list(dirnames):
            if not _inside(Path(dirpath, d), root):
                dirnames.remove(d)
                skipped.append(Skipped(_rel(Path(dirpath, d), folder), "link leads outside the sources folder"))
        for name in sorted(filenames):
            p = Path(dirpath, name)
            if name.startswith(".") or p.suffix.lower() not in SUFFIXES:
                continue
            rel = _rel(p, folder)
            if not _inside(p, root):
                skipped.append(Skipped(rel, "link leads outside the sources folder"))
                continue
            found.append(SourceFile(rel, p))
    found.sort(key=lambda s: s.rel)
    return found, skipped


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


def read_bytes(src: SourceFile) -> bytes:
    try:
        return src.path.read_bytes()
    except FileNotFoundError:
        raise SourceError("file disappeared while indexing") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as e:
        raise SourceError(f"cannot read: {e.strerror or e}") from None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract(src: SourceFile, data: bytes) -> Extracted:
    """The text of one file, or SourceError saying why there is none."""
    suffix = src.path.suffix.lower()
    if suffix == ".pdf":
        ex = _pdf(data)
    elif suffix in (".html", ".htm"):
        from index.structure import html_to_markdown, markdown_structure

        text, page_title = html_to_markdown(_decode(data))
        title, sections, blocks = markdown_structure(text)
        ex = Extracted(text, None, title=page_title or title, sections=sections, blocks=blocks)
    elif suffix in (".md", ".markdown"):
        from index.structure import markdown_structure

        text = _decode(data)
        title, sections, blocks = markdown_structure(text)
        ex = Extracted(text, None, lines=True, title=title, sections=sections, blocks=blocks)
    else:
        ex = Extracted(_decode(data), None, lines=True)
    if not ex.text.strip():
        raise SourceError("no text (empty file)")
    return ex


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise SourceError("binary content, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not valid UTF-8 text") from None
    return text.replace("\r\n", "\n")


def _pdf(data: bytes) -> Extracted:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise SourceError("encrypted PDF (needs a password)")
            except SourceError:
                raise
            except Exception:
                raise SourceError("encrypted PDF (needs a password)") from None
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as e:
        raise SourceError(f"corrupt or invalid PDF ({type(e).__name__})") from None
    parts: list[str] = []
    pages: list[Page] = []
    page_at: dict[int, int] = {}  # page index -> offset of its text in the whole
    pos = 0
    for number, t in enumerate(texts, start=1):
        if not t:
            continue
        if parts:
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        parts.append(t)
        page_at[number - 1] = pos
        pages.append(Page(number, pos, pos + len(t)))
        pos += len(t)
    text = "".join(parts)
    from index.structure import pdf_sections

    title = None
    try:
        title = " ".join(str((reader.metadata or {}).get("/Title") or "").split()) or None
    except Exception:  # noqa: BLE001 - unreadable metadata only loses the title
        title = None
    marks = [(page_at[p] + off, path) for p, off, path in pdf_sections(reader, texts) if p in page_at]
    sections = None
    if marks:
        sections = [Section(0, marks[0][0], ())] if marks[0][0] > 0 else []
        for n, (start, path) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(text)
            if end > start:
                sections.append(Section(start, end, path))
    return Extracted(text, pages, title=title, sections=sections)
