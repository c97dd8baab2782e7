"""Cut extracted text into sentence-aware, overlapping chunks with exact offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Callable

from index.sources import Extracted

Splitter = Callable[[str], list[str]]


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int
    end: int
    page: int | None
    line: int | None = None  # 1-based line of ``start``, for formats with lines

    @property
    def text_hash(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8", "surrogatepass")).hexdigest()


def sentence_splitter(chunk_size: int, chunk_overlap: int) -> Splitter:
    """LlamaIndex's SentenceSplitter, counting the embedding model's own tokens.

    Sizes in model tokens mean a chunk never exceeds what the model reads (it
    truncates at 256), and the Rust tokenizer counts ~5x faster than the default
    tiktoken. Imported only when indexing: llama-index costs ~1.3 s to import.
    """
    from llama_index.core.node_parser import SentenceSplitter

    from index.embedding import model_tokenizer

    tok = model_tokenizer()
    return SentenceSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        tokenizer=lambda text: tok.encode(text, add_special_tokens=False).ids,
    ).split_text


def chunk(extracted: Extracted, split: Splitter) -> list[Chunk]:
    """Chunks of ``extracted`` such that ``extracted.text[c.start:c.end] == c.text``.

    PDFs are split page by page so each chunk has one page number.
    """
    if extracted.pages is None:
        out = _locate(extracted.text, 0, len(extracted.text), split, None)
        return _with_lines(extracted.text, out) if extracted.lines else out
    out = []
    for page in extracted.pages:
        out.extend(_locate(extracted.text, page.start, page.end, split, page.number))
    return out


def _with_lines(text: str, chunks: list[Chunk]) -> list[Chunk]:
    # Chunk starts only move forward, so counting newlines from the previous start
    # keeps this linear in the text's length however many chunks there are.
    out, line, at = [], 1, 0
    for c in chunks:
        line += text.count("\n", at, c.start)
        at = c.start
        out.append(replace(c, line=line))
    return out


def _locate(text: str, lo: int, hi: int, split: Splitter, page: int | None) -> list[Chunk]:
    # The splitter returns strings, not positions; each piece is found again in the
    # text, searching forward from the previous piece's start (pieces overlap).
    out: list[Chunk] = []
    cursor = lo
    for piece in split(text[lo:hi]):
        if not piece.strip():
            continue
        at = text.find(piece, cursor, hi)
        if at >= 0:
            start, end = at, at + len(piece)
        else:
            # The splitter may fold whitespace; match the words with any spacing.
            pattern = r"\s+".join(re.escape(w) for w in piece.split())
            m = re.compile(pattern).search(text, cursor, hi)
            if not m:
                continue
            start, end = m.start(), m.end()
        out.append(Chunk(text[start:end], start, end, page))
        cursor = start + 1
    return out
