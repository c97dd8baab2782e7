"""Sentences and their clauses: where each one starts and ends in a text, with exact offsets.

One definition for the answer's units and for the chunker's cut points (a chunk never
starts inside a sentence that only looks finished: "…to U.N. Secretary-General").
"""

from __future__ import annotations

import re

# Sentence ends: ., ! or ? (optionally closed by quotes/brackets) followed by space,
# or a blank line. Hand-written because the answer path must stay import-light and
# needs exact character offsets, which NLTK's tokenizer does not give directly. Chunks
# are cut by LlamaIndex's SentenceSplitter (its sentences are only a size guide
# there; importing llama-index would put ~1.3 s on every answer), whose cut points
# chunking._locate moves to a sentence start by this definition.
_SENT_END = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")
_ABBREV = re.compile(
    # Dotted ones of any letters ("a.k.a.", "e.g.", "p.m."): "a bundle of SSL
    # certificates (a.k.a. CA bundle)" was two sentences, the first cut at "a.k.a.".
    r"\b(?:[A-Za-z]\.)+[A-Za-z]\.$|\b(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|St|Mt|Gen|Gov|Sen|Rep|Lt|Col|vs|etc|e\.g|i\.e|cf|approx|U\.S|U\.K|U\.N|"
    r"No|Inc|Ltd|Co|Corp|Jr|Sr|al|Fig|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def split_sentences(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` (of ``text[lo:hi]`` when given, offsets
    still ``text``'s), whitespace trimmed."""
    if lo or hi is not None:
        return [(lo + a, lo + b) for a, b in split_sentences(text[lo:hi])]
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text[start : m.start()]):
            continue
        # A closing quote or bracket ends the sentence with it ('… “crimes against humanity.”').
        spans.append((start, m.end(1) if m.group(1) is not None else m.start()))
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


def sentence_start(text: str, at: int, lo: int = 0) -> int:
    """Where the sentence holding position ``at`` of ``text`` starts, looking back no
    further than ``lo``: ``at`` itself when a sentence starts there."""
    for s, e in split_sentences(text[lo : at + 400]):
        if s <= at - lo < e:
            return lo + s
    return at


_CLAUSE = re.compile(r"[,;:()\u2013\u2014]\s*")


def clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The clauses of the sentence text[s:e] (cut at , ; : dashes, brackets) of three
    words or more, when there are at least two."""
    out, at = [], s
    for m in _CLAUSE.finditer(text, s, e):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, e))
    out = [(a, b) for a, b in out if len(text[a:b].split()) >= 3]
    return out if len(out) >= 2 else []
