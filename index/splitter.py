"""How text is cut to size: a prose splitter with a token counter.

Kept apart from chunking (which decides where sections and blocks go) because it is
the one part that imports llama-index, and only when indexing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable


@dataclass(frozen=True)
class Splitter:
    """How to cut text: a prose splitter, a token counter, and the size to fit."""

    split_text: Callable[[str], list[str]]
    count_tokens: Callable[[str], int]
    size: int
    # The prose splitter for a smaller size (a section whose header takes room); None
    # when the splitter has only one size.
    resized: Callable[[int], Callable[[str], list[str]]] | None = None


def as_splitter(split) -> Splitter:
    """A Splitter from a plain ``text -> pieces`` function (tests use those), counting
    words, with no size limit on blocks."""
    if isinstance(split, Splitter):
        return split
    return Splitter(split, lambda t: len(t.split()), 10**9)


def sentence_splitter(chunk_size: int, chunk_overlap: int) -> Splitter:
    """LlamaIndex's SentenceSplitter, counting the embedding model's own tokens.

    Sizes in model tokens mean a chunk never exceeds what the model reads (it
    truncates at 256), and the Rust tokenizer counts ~5x faster than the default
    tiktoken. llama-index is imported at the first text that needs cutting: it costs
    ~2 s to import, and a sync of unchanged or short files needs none.
    """
    from index.embedding import model_tokenizer

    tok = model_tokenizer()

    def count(text: str) -> int:
        return len(tok.encode(text, add_special_tokens=False).ids)

    @lru_cache(maxsize=None)  # one splitter per size: headers of a few lengths recur
    def llama_splitter(size: int) -> Callable[[str], list[str]]:
        from llama_index.core.node_parser import SentenceSplitter

        return SentenceSplitter(chunk_size=size, chunk_overlap=min(chunk_overlap, size // 4),
                                tokenizer=lambda text: tok.encode(text, add_special_tokens=False).ids).split_text

    def splitter_for(size: int) -> Callable[[str], list[str]]:
        # A text that fits is what SentenceSplitter returns for it (one piece, stripped),
        # without importing it: an index of short files never loads llama-index.
        return lambda text: [text.strip()] if count(text) <= size else llama_splitter(size)(text)

    return Splitter(splitter_for(chunk_size), count, chunk_size, splitter_for)
