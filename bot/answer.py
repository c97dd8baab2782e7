"""Extractive answers: verbatim source sentences, each with its citation."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

import numpy as np

from index.errors import BadQuestion
from index.search import Hit, Searcher

ABSTAIN_TEXT = "The sources do not answer this question."
# Passages whose sentences compete for the answer.
READ_PASSAGES = 3
# A second sentence joins the answer only when it scores nearly as well as the
# first. A judgement, not a measurement: SQuAD's answer_hit reads only the first
# sentence, so this trades answer length (median 219 characters) against context.
SECOND_SENTENCE_RATIO = 0.9
MAX_SENTENCES = 2


@dataclass
class Citation:
    n: int
    source: str
    page: int | None
    start: int
    end: int
    quote: str
    score: float
    # First and last line of the quote in text and Markdown sources (from old stores,
    # and for HTML and PDF, None). Not in the JSON, whose shape is fixed.
    lines: tuple[int, int] | None = None

    def where(self) -> str:
        """Where the quote is, for a reader: source, page or lines, and offsets."""
        parts = [self.source]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.lines is not None:
            a, b = self.lines
            parts.append(f"line {a}" if a == b else f"lines {a}-{b}")
        parts.append(f"chars {self.start}-{self.end}")
        return ", ".join(parts)


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The passages the answer was read from, in reading order (searched, then
    # re-ranked); empty when it abstained. For evaluation; not part of the JSON.
    passages: list[Hit] = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The `cited ask --json` object."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [{k: v for k, v in asdict(c).items() if k != "lines"} for c in self.citations],
            "timings_ms": self.timings_ms,
        }


def validate_question(question: str, max_chars: int = 2000) -> str:
    """The question, stripped, or BadQuestion saying why it cannot be asked."""
    q = (question or "").strip()
    if not q:
        raise BadQuestion("the question is empty")
    if len(q) > max_chars:
        raise BadQuestion(f"the question is {len(q):,} characters long; the limit is {max_chars:,}")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") and ch not in "\n\t" for ch in q):
        raise BadQuestion("the question contains control characters")
    if not any(ch.isalnum() for ch in q):
        raise BadQuestion("the question has no words in it")
    return q


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


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been being what which who whom whose "
    "when where why how did do does done this that these those it its as into than then there their them they "
    "he she his her i you we our your not no".split()
)


def _content_words(text: str) -> set[str]:
    # Crude prefix stemming (first 5 letters) so "join" matches "joined".
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP}


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


class SentenceVectors:
    """Vectors of each passage's sentences, kept by chunk id in a bounded LRU.

    Popular passages are read again and again, and a chunk id names one immutable
    text, so the vectors never go stale. Thread-safe: the bot answers in threads.
    """

    def __init__(self, embedder, max_chunks: int = 20000):
        self.embedder = embedder
        self.max_chunks = max_chunks
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, cands: list[Candidate]) -> np.ndarray:
        hits = {c.hit.id: c.hit for c in cands}
        with self._lock:
            missing = [h for cid, h in hits.items() if cid not in self._cache]
        if missing:
            texts = [[h.text[s:e] for s, e in split_sentences(h.text)] for h in missing]
            vecs = self.embedder.embed([t for ts in texts for t in ts])
            at = 0
            with self._lock:
                for h, ts in zip(missing, texts):
                    self._cache[h.id] = vecs[at : at + len(ts)]
                    at += len(ts)
        with self._lock:
            rows = [self._cache[c.hit.id][c.k] for c in cands]
            for cid in hits:
                self._cache.move_to_end(cid)
            while len(self._cache) > self.max_chunks:
                self._cache.popitem(last=False)
        return np.asarray(rows, dtype=np.float32).reshape(len(cands), -1)


_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(January|February|March|April|May|June|July|August|"
                   r"September|October|November|December)\b")
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                     r"fifty|hundred|thousand|million|billion|dozen|half|percent)\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-zA-Z\-]+")


def answer_type(question: str) -> str | None:
    """What the question asks for: 'time', 'number', 'name', or None."""
    q = question.lower()
    if re.search(r"\b(when|what year|which year|what century)\b", q):
        return "time"
    if re.search(r"\b(how many|how much|what percentage|how old|how long)\b", q):
        return "number"
    return "name" if re.search(r"\b(who|whom|whose|which|where)\b", q) else None


def has_type(kind: str | None, sentence: str, question: str) -> bool:
    """Does ``sentence`` hold something of ``kind`` that the question does not already say?"""
    if kind == "time":
        return bool(_YEAR.search(sentence))
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "name":
        asked = set(_WORD.findall(question.lower()))
        # From the second character on: a sentence's first word is capitalised anyway.
        return any(m.group(0).lower() not in asked for m in _NAME.finditer(sentence, 1))
    return False


# Weights of the sentence score's parts: the best of a grid searched by
# bench/tune_answer.py on half of a SQuAD dev-a sample, scaled to sum to 1 so a
# citation's score stays in 0..1. The context part (question words in the sentence
# *and the one before it*) lets "It was finished in 1889." answer "When was the Eiffel
# Tower finished?": held out, the first sentence holds the answer for 0.760 of
# questions, against 0.743 without it. The answer-type part is kept because without it
# "Which companies joined…?" over the seeds is answered by a sentence that restates the
# question and names no company.
W_SIMILARITY, W_OVERLAP, W_PASSAGE, W_TYPE, W_CONTEXT = (w / 1.4 for w in (0.5, 0.2, 0.3, 0.1, 0.3))


def sentence_features(question: str, q_vec: np.ndarray, cands: list[Candidate], vecs: np.ndarray) -> np.ndarray:
    """One row per candidate sentence: its similarity to the question, the share of the
    question's words it holds, its passage's score, whether it holds the kind of thing
    asked for (a new name for "who/which", a year for "when", a number), and the share
    of the question's words it and the sentence before it hold together (a sentence
    often names its subject only as "it" or "he")."""
    qwords = _content_words(question)
    n = max(len(qwords), 1)
    kind = answer_type(question)
    words = [_content_words(c.text) for c in cands]
    rows = []
    for i, (c, v) in enumerate(zip(cands, vecs)):
        before = words[i - 1] if i > 0 and cands[i - 1].hit.id == c.hit.id else set()
        rows.append([
            float(v @ q_vec),
            len(qwords & words[i]) / n,
            c.hit.score,
            float(has_type(kind, c.text, question)),
            len(qwords & (words[i] | before)) / n,
        ])
    return np.array(rows, dtype=np.float64).reshape(len(cands), 5)


SENTENCE_WEIGHTS = np.array([W_SIMILARITY, W_OVERLAP, W_PASSAGE, W_TYPE, W_CONTEXT])


def score_sentences(question: str, q_vec: np.ndarray, cands: list[Candidate], vecs: np.ndarray) -> np.ndarray:
    """How well each candidate sentence answers (see sentence_features)."""
    if not cands:
        return np.zeros(0)
    return sentence_features(question, q_vec, cands, vecs) @ SENTENCE_WEIGHTS


# Passages re-ranked by their own best evidence before the answer is read from them.
# Weights of (fused score, passage cosine, best sentence cosine, best sentence word
# overlap): a grid on half of a SQuAD dev-a sample; held out, the gold paragraph came
# first for 0.838 of questions instead of 0.808 (bench/RESULTS.md).
RERANK_PASSAGES = 5
RERANK_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0])


def rerank(question: str, q_vec: np.ndarray, hits: list[Hit], sentence_vectors: "SentenceVectors") -> list[Hit]:
    """The first RERANK_PASSAGES hits re-ordered by how well their best sentence
    matches the question; the rest keep their order after them."""
    head, tail = hits[:RERANK_PASSAGES], hits[RERANK_PASSAGES:]
    if len(head) < 2:
        return hits
    cands = candidates(head, dedupe=False)
    f = sentence_features(question, q_vec, cands, sentence_vectors.of(cands))
    best_sim = {h.id: -1.0 for h in head}
    best_overlap = {h.id: 0.0 for h in head}
    for c, (sim, overlap) in zip(cands, f[:, :2]):
        best_sim[c.hit.id] = max(best_sim[c.hit.id], float(sim))
        best_overlap[c.hit.id] = max(best_overlap[c.hit.id], float(overlap))
    feats = np.array([[h.score, h.dense, best_sim[h.id], best_overlap[h.id]] for h in head])
    order = np.argsort(-(feats @ RERANK_WEIGHTS), kind="stable")
    return [head[i] for i in order] + tail


def ranked_passages(query: str, searcher: Searcher, sentence_vectors: "SentenceVectors", k: int = 5) -> list[Hit]:
    """The passages in the order the answer reads them: searched, then re-ranked."""
    q_vec = searcher.embedder.embed([query])[0]
    hits = searcher.search(query, k=max(k, RERANK_PASSAGES), vector=q_vec)
    return rerank(query, q_vec, hits, sentence_vectors)[:k]


def select(cands: list[Candidate], scores: np.ndarray) -> list[int]:
    """Indices of the sentences that make the answer, best first."""
    if len(cands) == 0:
        return []
    order = list(np.argsort(-scores, kind="stable"))
    chosen = [order[0]]
    for i in order[1:MAX_SENTENCES]:
        if scores[i] >= SECOND_SENTENCE_RATIO * scores[order[0]]:
            chosen.append(i)
    return chosen


def answer(
    question: str,
    searcher: Searcher,
    *,
    history: list[str] | None = None,
    top_k: int = 5,
    abstain_below: float = 0.31,
    max_chars: int = 2000,
    sentence_vectors: SentenceVectors | None = None,
    paths: frozenset[str] | None = None,
) -> Answer:
    """Answer ``question`` from the store behind ``searcher``.

    ``history`` holds earlier questions of the same conversation; a follow-up is
    searched together with the previous question. Abstains (no citations) when the
    best passage's similarity to the question is below ``abstain_below``. With
    ``paths``, only those files are searched.
    """
    from bot.conversation import contextual_query

    t0 = time.perf_counter()
    q = validate_question(question, max_chars)
    query = contextual_query(q, history or [])
    q_vec = searcher.embedder.embed([query])[0]
    sentence_vectors = sentence_vectors or SentenceVectors(searcher.embedder)
    hits = searcher.search(query, k=max(top_k, READ_PASSAGES, RERANK_PASSAGES), vector=q_vec, paths=paths)
    t1 = time.perf_counter()
    result = Answer(question=q, answer=ABSTAIN_TEXT, abstained=True)
    if hits and max(h.dense for h in hits) >= abstain_below:
        hits = rerank(query, q_vec, hits, sentence_vectors)
        cands = candidates(hits[:READ_PASSAGES])
        vecs = sentence_vectors.of(cands)
        scores = score_sentences(query, q_vec, cands, vecs)
        chosen = select(cands, scores)
        parts, cites = [], []
        for n, i in enumerate(chosen, start=1):
            c = cands[i]
            parts.append(f"{c.text} [{n}]")
            cites.append(Citation(n, c.hit.source, c.hit.page, c.start, c.end, c.text, round(float(scores[i]), 4), c.lines))
        result = Answer(question=q, answer=" ".join(parts), abstained=False, citations=cites, passages=hits)
    t2 = time.perf_counter()
    result.timings_ms = {
        "retrieve": round((t1 - t0) * 1000, 1),
        "answer": round((t2 - t1) * 1000, 1),
        "total": round((t2 - t0) * 1000, 1),
    }
    return result
