"""Reading a PDF: its pages' text with the structure their layout shows (code,
paragraphs, list items), its title, and its sections from the outline.

pypdf's plain extraction gives a page as lines: a code example loses its indentation
and runs into the sentence after it, and paragraphs run together, so a PDF's answer
units were sentences cut across code (the Flask docs printed to PDF answered 0.71 of
their questions against 0.80 as HTML, bench/RESULTS.md). The layout says more: code is
set in a fixed-pitch font, a paragraph ends where the next line starts lower than the
line spacing, a heading is set larger. So the page is written as Markdown: code fenced
with its indentation measured from its x positions, a blank line between paragraphs
and around headings, "•" items as "- " items. index.structure then reads its blocks as
it reads any Markdown. No library does this for pypdf's text runs (pdfplumber and
PyMuPDF give words with fonts but would be a second PDF reader).
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field, replace

from index.errors import SourceError
from index.sources import PAGE_SEPARATOR, Extracted, Page
from index.structure import Section, markdown_structure

log = logging.getLogger(__name__)

# Fixed-pitch fonts by name, for PDFs whose font descriptor does not flag them.
# ("code" alone would take "Arial Unicode MS" for one, "mono" "Monotype Corsiva".)
_MONO_NAME = re.compile(r"mono(?!type)|courier|consol|menlo|monaco|inconsolata|sourcecode|firacode|typewriter|cousine|"
                        r"cmtt|lmtt|fixedsys", re.I)
# A heading's permalink, printed after it: "Quickstart¶".
PERMALINK = "¶§"
_BULLET = re.compile(r"^[•·◦▪‣●○■□–]\s+")
# Advance of a fixed-pitch glyph, in ems (Courier, DejaVu Sans Mono, Consolas: 0.6).
MONO_ADVANCE = 0.6


@dataclass
class _Line:
    runs: list[tuple[str, bool]] = field(default_factory=list)  # (text, fixed-pitch)
    x: float | None = None
    y: float | None = None
    size: float = 0.0

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs).rstrip()

    @property
    def code(self) -> bool:
        shown = [mono for t, mono in self.runs if t.strip()]
        return bool(shown) and all(shown)


def _fixed_pitch(font) -> bool:
    if not font:
        return False
    try:
        name = str(font.get("/BaseFont", ""))
        desc = font.get("/FontDescriptor")
        if desc is None and "/DescendantFonts" in font:
            desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        flags = int(desc.get_object().get("/Flags", 0)) if desc is not None else 0
    except Exception:  # noqa: BLE001 - a malformed font dict only loses the hint
        return False
    return bool(flags & 1) or bool(_MONO_NAME.search(name))


def _lines(page) -> list[_Line]:
    """The page's lines as pypdf breaks them, each with its first glyph's position and
    size and whether each run is in a fixed-pitch font."""
    lines = [_Line()]
    fonts: dict[str, bool] = {}

    def visit(text, cm, tm, font, size):
        if not text:
            return
        # By name, not id(): a font dict pypdf made for one run can be freed and its
        # id given to another font's.
        key = str(font.get("/BaseFont", "")) if font else ""
        if key not in fonts:
            fonts[key] = _fixed_pitch(font)
        # Where the glyphs land: the text matrix through the current one.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs((tm[3] or tm[0]) * (cm[3] or cm[0])) or 1.0
        for n, part in enumerate(text.split("\n")):
            line = lines[-1]
            # pypdf breaks most lines itself; a run set lower than the line's is a new
            # line too (it misses some).
            if n or (part.strip() and line.y is not None and abs(y - line.y) > 0.5 * abs(size) * scale):
                line = _Line()
                lines.append(line)
            if part:
                if line.x is None and part.strip():
                    line.x, line.y, line.size = x, y, abs(size) * scale
                line.runs.append((part, fonts[key]))

    page.extract_text(visitor_text=visit)
    return _bullets_joined([line for line in lines if line.text.strip()])


def _bullets_joined(lines: list[_Line]) -> list[_Line]:
    """Lines with a list marker drawn apart from its item's text (WeasyPrint draws all
    of a list's markers after its text) given back to the line they stand beside."""
    out = []
    for line in lines:
        if _BULLET.match(line.text + " ") and len(line.text.strip()) == 1 and line.y is not None:
            beside = next((o for o in lines if o is not line and o.y is not None and o.x is not None
                           and abs(o.y - line.y) < 0.5 * (line.size or 1) and o.x > (line.x or 0)
                           and not _BULLET.match(o.text)), None)
            if beside is not None:
                beside.runs.insert(0, ("- ", False))
                continue
        out.append(line)
    return out


def page_markdown(page) -> str:
    """The page's text as Markdown (see the module's docstring); pypdf's plain text
    when its layout cannot be read."""
    try:
        lines = _lines(page)
    except Exception:  # noqa: BLE001 - pypdf fails in many ways on odd pages; plain text still answers
        log.debug("reading a PDF page's layout failed", exc_info=True)
        return (page.extract_text() or "").strip()
    if not lines:
        return ""
    sizes = [round(line.size, 1) for line in lines if not line.code and line.size]
    body = statistics.median(sizes) if sizes else 0.0
    steps = [abs(b.y - a.y) for a, b in zip(lines, lines[1:])
             if a.y is not None and b.y is not None and abs(b.y - a.y) > 0.1]
    step = statistics.median(steps) if steps else 0.0
    out: list[str] = []
    code: list[_Line] = []

    def flush_code():
        if not code:
            return
        left = min(line.x for line in code if line.x is not None)
        width = MONO_ADVANCE * (statistics.median(line.size for line in code) or 1.0)
        body_lines = [" " * max(0, round(((line.x or left) - left) / width)) + line.text.strip() for line in code]
        fence = "````" if any("```" in b for b in body_lines) else "```"
        out.extend(["", fence, *body_lines, fence, ""])
        code.clear()

    for i in _inline_code(lines, step):
        lines[i].runs = [(t, False) for t, _ in lines[i].runs]
    prev: _Line | None = None
    for line in lines:
        if line.code:
            code.append(line)
            prev = line
            continue
        flush_code()
        text = _BULLET.sub("- ", _literal(line.text.strip()))
        heading = body and line.size > 1.15 * body
        if heading:
            text = text.rstrip(PERMALINK).rstrip()
        gap = prev is not None and prev.y is not None and line.y is not None and step \
            and abs(line.y - prev.y) > 1.4 * step
        item = text.startswith("- ") and not (out and out[-1].startswith("- "))  # a list starts
        if heading or gap or item or (prev is not None and prev.size > 1.15 * body > 0):
            out.append("")
        out.append(text)
        if heading:
            out.append("")
        prev = line
    flush_code()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


# A prose line that Markdown would read as opening a block: a heading, a quote, a
# numbered item, a fence or an HTML block (which would run to the end of the page), a
# table row, a rule or setext underline, a link definition. Escaped, it stays prose.
_OPENS_BLOCK = re.compile(r"^(#{1,6}(\s|$)|>|\d{1,9}[.)](\s|$)|[*+](\s|$)|`{3,}|~{3,}|<[A-Za-z!/?]|\||"
                          r"[-=_*](\s*[-=_*]){2,}\s*$|\[[^\]]*\]:)")


def _literal(text: str) -> str:
    return "\\" + text if _OPENS_BLOCK.match(text) else text


def _inline_code(lines: list[_Line], step: float) -> list[int]:
    """Lines that are all fixed-pitch only because inline code wrapped onto a line of
    its own: one such line inside a paragraph, with no gap above or below it and
    starting where the paragraph's lines do. (A code block is set apart: a gap, an
    indent, or more lines.)"""
    out = []
    for i in range(1, len(lines) - 1):
        before, line, after = lines[i - 1], lines[i], lines[i + 1]
        if not line.code or before.code or after.code or None in (before.y, line.y, after.y, before.x, line.x):
            continue
        apart = step and (abs(line.y - before.y) > 1.2 * step or abs(after.y - line.y) > 1.2 * step)
        indented = abs(line.x - before.x) > 0.5 * (line.size or 1)
        if not apart and not indented:
            out.append(i)
    return out


def read_pdf(data: bytes) -> Extracted:
    """A PDF's text, page by page (each page's layout read as Markdown, page_markdown),
    its title and the sections its outline gives; SourceError when it cannot be opened."""
    import io

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
            except Exception:  # noqa: BLE001 - pypdf's decryption fails in many ways; each means "cannot open"
                log.debug("decrypting a PDF failed", exc_info=True)
                raise SourceError("encrypted PDF (needs a password)") from None
        texts = [page_markdown(page) for page in reader.pages]
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
    title = None
    try:
        title = " ".join(str((reader.metadata or {}).get("/Title") or "").split()) or None
    except Exception:  # noqa: BLE001 - unreadable metadata only loses the title
        log.debug("reading a PDF's metadata failed", exc_info=True)
        title = None
    marks = [(page_at[p] + off, path) for p, off, path in pdf_sections(reader, texts) if p in page_at]
    sections = None
    if marks:
        sections = [Section(0, marks[0][0], ())] if marks[0][0] > 0 else []
        for n, (start, path) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(text)
            if end > start:
                sections.append(Section(start, end, path))
    # The pages are written as Markdown (index/pdf_text.py): its blocks are the answer
    # units; the sections are the outline's, the file's own headings.
    # Each page parsed alone: a block a page leaves open (a stray fence) ends with it.
    blocks = [replace(b, start=b.start + p.start, end=b.end + p.start,
                      opens=None if b.opens is None else b.opens + p.start)
              for p in pages for b in markdown_structure(text[p.start : p.end])[2]]
    return Extracted(text, pages, title=title, sections=sections, blocks=blocks)


def pdf_sections(reader, page_texts: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(page index, offset in that page's text, heading path) of each outline entry,
    in reading order; empty when the PDF has no outline. An entry's offset is where
    its title appears on its page, else the page's start."""
    entries: list[tuple[int, int, tuple[str, ...]]] = []

    def walk(items, path: tuple[str, ...]):
        last: tuple[str, ...] | None = None
        for item in items:
            if isinstance(item, list):
                if last is not None:
                    walk(item, last)
                continue
            # Without the permalink a printed page shows after each heading ("Quickstart¶").
            title = " ".join(str(getattr(item, "title", "") or "").split()).rstrip(PERMALINK).rstrip()
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # noqa: BLE001 - a broken outline entry only loses that heading
                log.debug("an outline entry has no page", exc_info=True)
                page = None
            last = path + (title,)
            if page is not None and page >= 0 and title:
                text = page_texts[page] if page < len(page_texts) else ""
                at = text.lower().find(title.lower())
                entries.append((page, max(at, 0), last))

    try:
        walk(reader.outline, ())
    except Exception:  # noqa: BLE001 - pypdf raises many types on odd outlines; pages still index
        log.debug("reading a PDF outline failed", exc_info=True)
        return []
    entries.sort(key=lambda e: (e[0], e[1]))
    return entries
