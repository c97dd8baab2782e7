"""How well a sentence or a passage answers a question: features, weights, re-ranking."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from index.answer.units import Candidate, candidates, is_structured, own_heading, units_of
from index.sentences import clauses
from index.chunking import readable, with_context
from index.search import Hit


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been being what which who whom whose "
    "when where why how did do does done this that these those it its as into than then there their them they "
    "he she his her i you we our your not no".split()
)


def _content_words(text: str) -> set[str]:
    # Crude prefix stemming (first 5 letters) so "join" matches "joined". Not the BM25
    # side's Snowball stems and stop words: tried, SQuAD dev-a answer_hit was the same
    # (0.761 both), the Poetry dev set lost (0.608 -> 0.600) and the seeds' "Which
    # companies joined the UN Global Compact?" lost its answer (re-ranking changed), so
    # the weights, tuned with these words, stay with them.
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP}


class SentenceVectors:
    """Vectors of each passage's units (kept by chunk id), of its sentences' clauses
    (by chunk id and unit) and of single words, each in a bounded LRU.

    Popular passages are read again and again, and a chunk id names one immutable
    text, so the vectors never go stale. Thread-safe: the bot answers in threads.
    """

    def __init__(self, embedder, max_chunks: int = 20000):
        self.embedder = embedder
        self.max_chunks = max_chunks
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._clause_cache: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._word_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, cands: list[Candidate]) -> np.ndarray:
        # Each unit is embedded under its section's own heading ("install" of
        # "Commands › install"; "Directory › Options" where the last names only a kind,
        # units.own_heading): an option list's items rarely repeat what they are
        # options of. A table row also under its head row.
        got = self._cached(self._cache, {c.hit.id: c.hit for c in cands},
                           lambda h: [with_context("\n".join(filter(None, (own_heading(u.section), u.context))),
                                                   h.text[u.start : u.end]) for u in units_of(h)])
        rows = [got[c.hit.id][c.k] for c in cands]
        return np.asarray(rows, dtype=np.float32).reshape(len(cands), -1)

    def words(self, words: list[str]) -> np.ndarray:
        """Each word's vector, alone (abstain.py looks for synonyms with them)."""
        got = self._cached(self._word_cache, {w: w for w in words}, lambda w: [w])
        return np.asarray([got[w][0] for w in words], dtype=np.float32)

    def best_clause(self, cands: list[Candidate], q_vec: np.ndarray) -> float:
        """The highest cosine between the question and a clause of one of ``cands``'
        sentences (-1 when none has clauses): a long source sentence ("Two Chinese
        manufacturers of video surveillance equipment—state-owned Hikvision and…")
        can answer with one of its clauses while the whole sits far from the question."""
        prose = {(c.hit.id, c.k): c for c in cands if c.kind in ("sentence", "pair")}
        got = self._cached(self._clause_cache, prose, lambda c: [c.text[a:b] for a, b in clauses(c.text, 0, len(c.text))])
        return max((float(np.max(v @ q_vec)) for v in got.values() if len(v)), default=-1.0)

    def _cached(self, cache: OrderedDict, items: dict, texts: Callable) -> dict:
        """The vectors of ``texts(item)`` for each key of ``items``, from ``cache`` (a
        bounded LRU) or embedded in one batch, outside the lock, when missing. What was
        found is copied under the lock: another thread may evict it meanwhile."""
        with self._lock:
            got = {k: cache[k] for k in items if k in cache}
            for k in got:
                cache.move_to_end(k)
        missing = [k for k in items if k not in got]
        if missing:
            batches = [texts(items[k]) for k in missing]
            flat = [t for ts in batches for t in ts]
            vecs = self.embedder.embed(flat) if flat else np.zeros((0, 0), dtype=np.float32)
            at = 0
            with self._lock:
                for k, ts in zip(missing, batches):
                    got[k] = cache[k] = vecs[at : at + len(ts)]
                    at += len(ts)
                while len(cache) > self.max_chunks:
                    cache.popitem(last=False)
        return got


_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(January|February|March|April|May|June|July|August|"
                   r"September|October|November|December)\b")
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                     r"fifty|hundred|thousand|million|billion|dozen|half|percent)\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-zA-Z\-]+")
# "Which release introduced…", "since which version…", "minimum Python version": docs
# answer with a version number ("3.12.0", "3.10").
_ASKS_VERSION = re.compile(r"\b(?:which|what|since|minimum|oldest|first)\b(?:(?!\b(?:do|does|did)\b)[^?.])*"
                           r"\b(?:version|release)\b")  # not "what does photosynthesis release"
_VERSION = re.compile(r"\b\d+\.\d+")


def answer_type(question: str) -> str | None:
    """What the question asks for: 'version', 'time', 'number', 'name', or None."""
    q = question.lower()
    if _ASKS_VERSION.search(q):
        return "version"
    if re.search(r"\b(when|what year|which year|what century)\b", q):
        return "time"
    if re.search(r"\b(how many|how much|what percentage|how old|how long)\b", q):
        return "number"
    return "name" if re.search(r"\b(who|whom|whose|which|where)\b", q) else None


def has_type(kind: str | None, sentence: str, question: str) -> bool:
    """Does ``sentence`` hold something of ``kind`` that the question does not already say?"""
    if kind == "version":
        return bool(_VERSION.search(sentence))
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
# The block part (a list item, table row, code block, a sentence with what it
# introduces or a code block with its explanation, a short section) and the code part
# (it holds `code`) were first chosen on the httpx and Poetry dev sets (bench/data/
# devsets, a coarse grid; the unit holding the expected words came first for 0.52 ->
# 0.61 and 0.39 -> 0.51 of questions, with the section-aware unit vectors of
# SentenceVectors); they are 0 for plain prose, so SQuAD is unchanged.
# The section part doubles the passage part when the passage comes from a document
# with headings (Markdown, HTML): its chunks are sections, each about one thing, so
# its score speaks for each of its units; a prose chunk is an arbitrary window.
# Chosen on the three dev sets together (httpx, Poetry, MkDocs, with short sections
# as units: answer hit 0.779 -> 0.803, 0.650 -> 0.667, 0.636 -> 0.654); doubling the passage part for every passage
# did as well there but lost the seed article's "Which companies joined…?" to its
# introduction. With sections and code examples as units, the block part was then
# halved (0.2 -> 0.1), long units having won over the sentence that answers (answer
# hit 0.844 -> 0.869, 0.692 -> 0.717, 0.754 -> 0.764 with three-unit answers).
_RAW = (0.5, 0.2, 0.3, 0.1, 0.3, 0.1, 0.1, 0.3)
W_SIMILARITY, W_OVERLAP, W_PASSAGE, W_TYPE, W_CONTEXT, W_BLOCK, W_CODE, W_SECTION = (w / sum(_RAW) for w in _RAW)
_BLOCKS = frozenset({"item", "row", "code", "lead", "section"})


def sentence_features(question: str, q_vec: np.ndarray, cands: list[Candidate], vecs: np.ndarray,
                      sections: bool = False) -> np.ndarray:
    """One row per candidate sentence: its similarity to the question, the share of the
    question's words it holds, its passage's score, whether it holds the kind of thing
    asked for (a new name for "who/which", a year for "when", a number), and the share
    of the question's words it and the sentence before it hold together (a sentence
    often names its subject only as "it" or "he"), whether it is a block (list item,
    table row, code, an introduction with what it introduces, a short section), whether it holds
    `code`, and its passage's score again when that passage is a section of Markdown or HTML.
    With ``sections``, a unit of a document with headings holds its section path's words
    too (see score_sentences)."""
    qwords = _content_words(question)
    n = max(len(qwords), 1)
    kind = answer_type(question)
    words = [_content_words(f"{c.text} {c.section}" if sections and is_structured(c.hit) else c.text) for c in cands]
    rows = []
    for i, (c, v) in enumerate(zip(cands, vecs)):
        before = words[i - 1] if i > 0 and cands[i - 1].hit.id == c.hit.id else set()
        rows.append([
            float(v @ q_vec),
            len(qwords & words[i]) / n,
            c.hit.score,
            float(has_type(kind, c.text, question)),
            len(qwords & (words[i] | before)) / n,
            float(c.kind in _BLOCKS),
            float("`" in c.text),
            c.hit.score if is_structured(c.hit) else 0.0,
        ])
    return np.array(rows, dtype=np.float64).reshape(len(cands), 8)


SENTENCE_WEIGHTS = np.array([W_SIMILARITY, W_OVERLAP, W_PASSAGE, W_TYPE, W_CONTEXT, W_BLOCK, W_CODE, W_SECTION])


def score_sentences(question: str, q_vec: np.ndarray, cands: list[Candidate], vecs: np.ndarray) -> np.ndarray:
    """How well each candidate sentence answers (see sentence_features).

    A unit's words include its section path's: a table row or an option's description
    rarely repeats what its heading names ("| `true` | `--no-semi` |" under
    "Semicolons"). Measured on the seven dev sets: answer hit +1 to +3 questions on five
    (Click 0.708 -> 0.721, requests 0.769 -> 0.785), none lower; the same words in the
    passage re-ranking too did as well on answers but cited Poetry's right file for 5
    fewer questions, so rerank() reads the units' own words."""
    if not cands:
        return np.zeros(0)
    return sentence_features(question, q_vec, cands, vecs, sections=True) @ SENTENCE_WEIGHTS


# Passages re-ranked by their own best evidence before the answer is read from them.
# Weights of (fused score, passage cosine, best sentence cosine, best sentence word
# overlap): a grid on half of a SQuAD dev-a sample; held out, the gold paragraph came
# first for 0.838 of questions instead of 0.808 (bench/RESULTS.md).
RERANK_PASSAGES = 5
RERANK_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0])
# The passage closest to the question in meaning joins them when it ranks lower, as far
# as RESCUE_FROM, and is closer than all of them by this much: the fusion's min-max
# BM25 half sinks a passage that shares no word with the question ("make my own `cargo
# foo` command" against Cargo's "Custom subcommands": best cosine of all, rank 47).
# Measured on the twenty-seven dev sets (bench/RESULTS.md, round 20): answer hit mean
# 0.779 -> 0.781, right file 0.902 -> 0.906; with no margin the same hits, but two
# near-domain questions lost their decline.
RESCUE_FROM = 50
RESCUE_MARGIN = 0.03


def rerank(question: str, q_vec: np.ndarray, hits: list[Hit], sentence_vectors: "SentenceVectors") -> list[Hit]:
    """The first RERANK_PASSAGES hits (and a closer one from further down, see
    RESCUE_MARGIN) re-ordered by how well their best sentence matches the question; the
    rest keep their order after them; copies left out (see distinct)."""
    head, tail = hits[:RERANK_PASSAGES], hits[RERANK_PASSAGES:]
    if head and tail:
        closest = max(range(len(tail)), key=lambda i: tail[i].dense)
        if tail[closest].dense > max(h.dense for h in head) + RESCUE_MARGIN:
            head, tail = head + [tail[closest]], tail[:closest] + tail[closest + 1 :]
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
    return distinct([head[i] for i in order] + tail)


def distinct(hits: list[Hit]) -> list[Hit]:
    """``hits`` without a passage whose text, as read, is an earlier one's: generated docs
    paste one option's entry into every command page that takes it (npm: 507 copies of
    114 entries), and three copies read are one passage read."""
    seen: list[str] = []
    out = []
    for h in hits:
        key = " ".join(readable(h.text).split())
        if not any(key in k for k in seen):
            seen.append(key)
            out.append(h)
    return out
