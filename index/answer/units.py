"""Sentence units: where sentences start and end, and the candidates an answer is chosen from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.search import Hit


# Sentence ends: ., ! or ? (optionally closed by quotes/brackets) followed by space,
# or a blank line. Hand-written because the answer path must stay import-light and
# needs exact character offsets, which NLTK's tokenizer does not give directly.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")
_ABBREV = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|St|Mt|Gen|Gov|Sen|Rep|Lt|Col|vs|etc|e\.g|i\.e|cf|approx|U\.S|U\.K|U\.N|"
    r"No|Inc|Ltd|Co|Corp|Jr|Sr|al|Fig|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, whitespace trimmed."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text[start : m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s >= 3:
            out.append((s, e))
    return out


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    k: int  # which sentence of its chunk
    start: int  # offsets into the source's extracted text
    end: int
    text: str

    @property
    def lines(self) -> tuple[int, int] | None:
        h = self.hit
        if h.line is None:
            return None
        first = h.line + h.text.count("\n", 0, self.start - h.start)
        return first, first + self.text.count("\n")


def candidates(hits: list[Hit], dedupe: bool = True) -> list[Candidate]:
    """Sentences of the hits, deduplicated (chunks overlap) unless told not to."""
    seen = set()
    out = []
    for h in hits:
        for k, (s, e) in enumerate(split_sentences(h.text)):
            key = (h.source, h.start + s)
            if dedupe and key in seen:
                continue
            seen.add(key)
            out.append(Candidate(h, k, h.start + s, h.start + e, h.text[s:e]))
    return out

