"""Extractive answers: verbatim source sentences, each with its citation.

The orchestration of one answer: validate, search, re-rank, score the sentences,
decide whether to decline (abstain), choose the quotes (quotes).
"""

from __future__ import annotations

import time
import unicodedata

import numpy as np

from index.answer import abstain
from index.answer.model import ABSTAIN_TEXT, Answer, Citation
from index.answer.quotes import quotes
from index.answer.scoring import RERANK_PASSAGES, RESCUE_FROM, SentenceVectors, rerank, score_sentences
from index.answer.shown import as_answer, label, shown_quote, unrepeated
from index.answer.neighbours import with_neighbours
from index.answer.units import candidates
from index.chunking import indexed_text
from index.errors import BadQuestion
from index.search import Hit, Searcher

# Passages whose sentences compete for the answer.
READ_PASSAGES = 3

# Units whose clauses are also compared with the question when deciding to decline.
CLAUSE_UNITS = 5


def unit_similarity(cands, sims, scores, q_vec, sentence_vectors) -> float:
    """The best answer unit's cosine to the question (``sims``: each unit's), or one of
    its clauses' among the CLAUSE_UNITS best units. ("What kind of equipment do the two firms make?" is 0.23
    from the seed sentence that answers it and 0.46 from its clause "Two Chinese
    manufacturers of video surveillance equipment".)"""
    if not len(cands):
        return -1.0
    best = [cands[i] for i in np.argsort(-scores, kind="stable")[:CLAUSE_UNITS]]
    return max(float(np.max(sims)), sentence_vectors.best_clause(best, q_vec))


def validate_question(question: str, max_chars: int) -> str:
    """The question, stripped, or BadQuestion saying why it cannot be asked."""
    q = (question or "").strip()
    if not q:
        raise BadQuestion("the question is empty")
    if len(q) > max_chars:
        raise BadQuestion(f"the question is {len(q):,} characters long; the limit is {max_chars:,}")
    if any(unicodedata.category(ch) == "Cs" for ch in q):
        # A terminal in another encoding: Python keeps the bytes that are not UTF-8 as
        # lone surrogates ("caf\udce9").
        raise BadQuestion("the question is not valid UTF-8 text (is the terminal set to another encoding?)")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co") and ch not in "\n\t" for ch in q):
        raise BadQuestion("the question contains control characters")
    if not any(ch.isalnum() for ch in q):
        raise BadQuestion("the question has no words in it")
    return q


def _searched(query: str, searcher: Searcher, k: int, q_vec: np.ndarray,
              paths: frozenset[str] | None = None) -> list[Hit]:
    """The passages re-ranking chooses from, for an answer that reads the best ``k``:
    deep enough for a closer one further down to join them (scoring.RESCUE_FROM)."""
    return searcher.search(query, k=max(k, RERANK_PASSAGES, RESCUE_FROM), vector=q_vec, paths=paths)


def ranked_passages(query: str, searcher: Searcher, sentence_vectors: "SentenceVectors", k: int) -> list[Hit]:
    """The passages in the order the answer reads them: searched, then re-ranked (copies left out)."""
    q_vec = searcher.embedder.embed([query])[0]
    return rerank(query, q_vec, _searched(query, searcher, k, q_vec), sentence_vectors)[:k]


def _other_file_units(hits: list[Hit], query: str, q_vec: np.ndarray, sentence_vectors: SentenceVectors):
    """The units of the next passage of a file none of the passages read is from, with
    their scores and cosines, for another file's quote only (quotes.SECOND_FILE_RATIO). None
    when there is no such passage."""
    read_files = {h.source for h in hits[:READ_PASSAGES]}
    other = next((h for h in hits[READ_PASSAGES:] if h.source not in read_files), None)
    if other is None:
        return None
    more = candidates([other])
    vecs = sentence_vectors.of(more)
    return more, score_sentences(query, q_vec, more, vecs), vecs @ q_vec


def answer(
    question: str,
    searcher: Searcher,
    *,
    top_k: int,
    min_confidence: float,
    max_chars: int,
    history: list[str] | None = None,
    sentence_vectors: SentenceVectors | None = None,
    paths: frozenset[str] | None = None,
) -> Answer:
    """Answer ``question`` from the store behind ``searcher``.

    ``history`` holds earlier questions of the same conversation. A question that reads
    as a follow-up is answered twice, searched together with the questions it continues
    and on its own, and the reading the sources answer more surely (abstain.p_answerable)
    is kept: "and proxies?" after a question on JSON bodies changes topic, "and for the
    whole client?" after one on redirects does not, and only the evidence tells them
    apart (bench/followups.py). Declines (no citations) when the evidence gives the
    sources less than ``min_confidence`` chance of answering, a little more when a rare
    word of the question is missing (abstain.declines). With ``paths``, only those files
    are searched.
    """
    from index.conversation import contextual_query

    t0 = time.perf_counter()
    q = validate_question(question, max_chars)
    sentence_vectors = sentence_vectors or SentenceVectors(searcher.embedder)
    query = contextual_query(q, history or [])
    readings = [query] if query == q else [query, q]
    answers = [_answered(q, r, searcher, top_k, min_confidence, sentence_vectors, paths) for r in readings]
    # A reading that answers wins over one that declines (a decline is not only P's:
    # abstain.MIN_UNIT_SIM), then the likelier; the first wins a tie: the asker wrote a follow-up.
    result = max(answers, key=lambda a: (not a.abstained, abstain.p_answerable(a.evidence) if a.evidence else -1.0))
    result.timings_ms["total"] = round((time.perf_counter() - t0) * 1000, 1)
    return result


def _answered(q: str, query: str, searcher: Searcher, top_k: int, min_confidence: float,
              sentence_vectors: SentenceVectors, paths: frozenset[str] | None) -> Answer:
    """The answer to ``q`` from the passages ``query`` finds (``q`` itself, or ``q`` with
    the earlier questions it continues)."""
    t0 = time.perf_counter()
    q_vec = searcher.embedder.embed([query])[0]
    k = max(top_k, READ_PASSAGES, RERANK_PASSAGES)
    hits = _searched(query, searcher, k, q_vec, paths)
    t1 = time.perf_counter()
    result = Answer(question=q, answer=ABSTAIN_TEXT, abstained=True)
    if hits:
        hits = rerank(query, q_vec, hits, sentence_vectors)[:k]
        shown = hits[:READ_PASSAGES]
        cands = candidates(with_neighbours(searcher, shown))
        vecs = sentence_vectors.of(cands)
        scores = score_sentences(query, q_vec, cands, vecs)
        sims = vecs @ q_vec
        ev = abstain.gather(
            query, searcher.lexical(),
            [indexed_text(h.title, h.section, h.text, h.fence) for h in hits[:READ_PASSAGES]],
            # Over the passages every answer searches, whatever ``top_k``: a larger k
            # would otherwise make declining less likely (the model was fitted at 5).
            passage_sim=max(h.dense for h in hits[:RERANK_PASSAGES]),
            unit_sim=unit_similarity(cands, sims, scores, q_vec, sentence_vectors),
            word_vectors=sentence_vectors.words,
            matches=searcher.store.matches,
        )
        if abstain.declines(ev, min_confidence):
            text = f"The sources don't mention {ev.missing}." if ev.missing else ABSTAIN_TEXT
            result = Answer(question=q, answer=text, abstained=True, passages=hits, evidence=ev)
        else:
            read = len(cands)  # the units that may answer; another file's may follow
            more = _other_file_units(hits, query, q_vec, sentence_vectors)
            if more:
                cands = cands + more[0]
                scores, sims = np.concatenate([scores, more[1]]), np.concatenate([sims, more[2]])
            chosen = quotes(cands, scores, sims, read=read)
            parts, labelled, places, cites = [], [], [], []
            chosen = list(zip(unrepeated([c for c, _ in chosen]), [i for _, i in chosen]))
            for n, (c, i) in enumerate(chosen, start=1):
                name = label(c)
                parts.append(shown_quote(c, n, name))
                labelled.append(bool(name))
                places.append((c.hit.source, c.section))
                cites.append(Citation(n, c.hit.source, c.hit.page, c.start, c.end, c.text,
                                      round(float(scores[i]), 4), c.lines, c.hit.cited_section(c.section),
                                      c.hit.anchor(c.section)))
            result = Answer(question=q, answer=as_answer(parts, labelled, places), abstained=False, citations=cites,
                            passages=hits, evidence=ev)
    t2 = time.perf_counter()
    result.timings_ms = {"retrieve": round((t1 - t0) * 1000, 1), "answer": round((t2 - t1) * 1000, 1)}
    return result
