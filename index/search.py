"""Hybrid search: dense (Chroma) and lexical (BM25) candidates, fused into one ranking."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedding import Embedder
from index.lexical import LexicalIndex, rebuild_from_store
from index.records import path_key
from index.store import Store

log = logging.getLogger(__name__)

# Candidates taken from each retriever before fusion; 100 covers Recall@100.
CANDIDATES = 100
# Weight of the dense score in the fusion, chosen on SciFact *train* queries
# (bench/retrieval.py; the table is in bench/RESULTS.md).
DENSE_WEIGHT = 0.6


@dataclass(frozen=True)
class Hit:
    id: str
    source: str
    page: int | None
    start: int
    end: int
    text: str
    score: float  # fused, 0..1
    dense: float  # cosine similarity to the question, -1..1
    lexical: float  # BM25 score normalised by the query's best, 0..1
    line: int | None = None  # 1-based line of ``start`` in text and Markdown sources
    section: str = ""  # heading path of the chunk's section, "Options › Password prompt"
    title: str | None = None  # its file's title
    fence: str = ""  # see chunking.Chunk.fence
    anchors: str = ""  # JSON {section label: id} of the sections it holds (HTML pages), see anchor()
    before: str = ""  # the white space between the chunk before and this one (chunking.Chunk.before)
    intro: int = 0  # characters of an introduction read from the chunk before (answer.neighbours.preceded)

    def anchor(self, section: str) -> str | None:
        """The id a link to ``section`` (a heading path this chunk holds) ends with."""
        if not self.anchors or not section:
            return None
        import json

        return json.loads(self.anchors).get(section)

    def cited_section(self, section: str | None = None) -> str:
        """The heading path a citation of this chunk's text (or of a unit of it under
        ``section``) names. Text before a page's first heading sits under the page's
        title: a front matter title is the heading its site shows, and the reader
        otherwise sees a citation under no heading at all."""
        return (self.section if section is None else section) or self.title or ""


def fuse(dense: dict[str, float], lexical: dict[str, float], dense_weight: float = DENSE_WEIGHT) -> list[tuple[str, float]]:
    """Convex combination of min-max normalised dense and BM25 scores.

    ``dense`` holds a cosine for every candidate; ``lexical`` raw BM25 scores (absent =
    0). Min-max per query puts the two scales on one footing; on SciFact train it beat
    reciprocal-rank fusion (bench/RESULTS.md).
    """
    if not dense:
        return []
    d = np.array(list(dense.values()), dtype=np.float64)
    lo, hi = d.min(), d.max()
    lmax = max(lexical.values(), default=0.0)
    out = []
    for cid, cos in dense.items():
        dn = (cos - lo) / (hi - lo) if hi > lo else 1.0
        ln = lexical.get(cid, 0.0) / lmax if lmax > 0 else 0.0
        out.append((cid, dense_weight * dn + (1 - dense_weight) * ln))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out


class Searcher:
    """Answers queries from a store; safe to share between threads."""

    def __init__(self, store: Store, embedder: Embedder, lexical_dir: Path, dense_weight: float = DENSE_WEIGHT):
        self.store = store
        self.embedder = embedder
        self.lexical_dir = Path(lexical_dir)
        self.dense_weight = dense_weight
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._checked = 0.0
        self._refreshed = 0.0

    def lexical(self) -> LexicalIndex:
        """The BM25 index for the store's current generation (reloaded or rebuilt
        when another process re-indexed)."""
        with self._lock:
            now = time.monotonic()
            # Reading the generation is one small Chroma call; doing it at most every
            # 0.5 s keeps warm queries fast while re-indexes show up within a second.
            if self._lexical is not None and now - self._checked < 0.5:
                return self._lexical
            self._checked = now
            gen = self.store.generation()
            if self._lexical is not None and self._lexical.generation == gen:
                return self._lexical
            if self._lexical is not None:
                self.store.refresh()  # re-indexed elsewhere: see the new vectors too
            lex = LexicalIndex.load(self.lexical_dir)
            if lex is None or lex.generation != gen:
                lex = rebuild_from_store(self.store, gen)
                try:
                    lex.save(self.lexical_dir)
                except OSError:
                    pass  # a read-only data folder still answers, from memory
            self._lexical = lex
            return lex

    def search(
        self, query: str, k: int = 10, vector: np.ndarray | None = None, paths: frozenset[str] | None = None
    ) -> list[Hit]:
        """The ``k`` best live chunks for ``query``; of the files in ``paths`` only, when given."""
        qv = self.embedder.embed([query])[0] if vector is None else vector
        from chromadb.errors import InternalError

        try:
            return self._search(query, k, qv, paths)
        except InternalError:
            # Another process is writing to an embedded store: our view of it went
            # stale mid-query ("Error finding id"). Refresh once; a second failure is
            # a real one.
            log.info("stale view of the store mid-query; refreshing", exc_info=True)
            with self._lock:
                self.store.refresh()
                self._lexical = None
            return self._search(query, k, qv, paths)

    def _search(self, query: str, k: int, qv: np.ndarray, paths, retry: bool = True) -> list[Hit]:
        if not self.store.exists():
            return []
        dense, lex = self.candidates(query, qv, paths)
        ranked = fuse(dense, lex, self.dense_weight)
        hits, superseded = self._materialise(ranked, dense, lex, k)
        if superseded and retry and (self._may_refresh() or not hits):
            # Files were re-indexed since our view of the vectors was taken (another
            # process is syncing): look again, once, with a fresh view.
            self.store.refresh()
            return self._search(query, k, qv, paths, retry=False)
        return hits

    def candidates(
        self, query: str, qv: np.ndarray, paths: frozenset[str] | None = None
    ) -> tuple[dict[str, float], dict[str, float]]:
        """The union of both retrievers' top candidates: a cosine for each (looked up
        for BM25-only ones), and BM25 scores for those BM25 found."""
        keys = {path_key(p) for p in paths} if paths is not None else None
        lex = dict(self.lexical().search(query, CANDIDATES, keys))
        dres = self.store.query(qv, CANDIDATES, paths)
        dense = {i: 1.0 - d for i, d in zip(dres["ids"][0], dres["distances"][0])}
        missing = [i for i in lex if i not in dense]
        if missing:
            got = self.store.get_chunks(missing, include=("embeddings",))
            for i, e in zip(got["ids"], got["embeddings"]):
                dense[i] = float(np.dot(qv, np.asarray(e, dtype=np.float32)))
        return dense, lex

    def _may_refresh(self) -> bool:
        # Reopening an embedded store reloads its vectors: at most once a second
        # (a server store's refresh is free, but the same limit does no harm).
        with self._lock:
            now = time.monotonic()
            if now - self._refreshed < 1.0:
                return False
            self._refreshed = now
            return True

    def _materialise(self, ranked, dense, lex, k) -> tuple[list[Hit], int]:
        """The top ``k`` live hits, and how many candidates a newer version of their
        file superseded."""
        # Only live chunks count: the manifest must hold their file at their hash,
        # so a file being re-indexed is seen whole, old or new, never half.
        lmax = max(lex.values(), default=0.0) or 1.0
        hits: list[Hit] = []
        superseded = 0
        pos = 0
        while len(hits) < k and pos < len(ranked):
            window = ranked[pos : pos + 2 * k]
            pos += len(window)
            got = self.store.get_chunks([i for i, _ in window])
            by_id = dict(zip(got["ids"], zip(got["documents"], got["metadatas"])))
            # A record without a path (damaged metadata) is no file's: never live.
            manifest = self.store.manifest([p for _, m in by_id.values() if (p := (m or {}).get("path"))])
            for cid, score in window:
                if cid not in by_id:
                    continue
                doc, m = by_id[cid]
                rec = manifest.get((m or {}).get("path"))
                if rec is None or rec.sha != m["sha"]:
                    superseded += rec is not None
                    continue
                hits.append(
                    Hit(cid, m["path"], m.get("page"), int(m["start"]), int(m["end"]), doc,
                        round(float(score), 4), float(dense[cid]), lex.get(cid, 0.0) / lmax, m.get("line"),
                        m.get("section", ""), m.get("title"), m.get("fence", ""), m.get("anchors", ""),
                        m.get("before", ""))
                )
                if len(hits) == k:
                    break
        return hits, superseded

    def following(self, hits: list[Hit]) -> dict[str, tuple[int, str]]:
        """The chunk after each hit's in its file and on its page (that chunk's start
        and text), by the hit's id: one read for all. The next chunk of the same file
        version is live when the hit is (both carry the version's hash in their id).
        With the white space before it (Chunk.before), it starts where the hit ends."""
        return {hid: (int(m["start"]) - len(m.get("before", "")), m.get("before", "") + doc)
                for hid, doc, m in self._neighbours(hits, 1)}

    def preceding(self, hits: list[Hit]) -> dict[str, tuple[int, str]]:
        """The chunk before each hit's in its file and on its page (its start and text), by the hit's id."""
        return {hid: (int(m["start"]), doc) for hid, doc, m in self._neighbours(hits, -1)}

    def _neighbours(self, hits: list[Hit], step: int) -> list[tuple[str, str, dict]]:
        want: dict[str, Hit] = {}
        for h in hits:
            head, _, n = h.id.rpartition("-")
            if n.isdigit() and int(n) + step >= 0:
                want[f"{head}-{int(n) + step:0{len(n)}d}"] = h
        if not want:
            return []
        got = self.store.get_chunks(list(want))
        return [(want[cid].id, doc, m) for cid, doc, m in zip(got["ids"], got["documents"], got["metadatas"])
                if m and m.get("path") == want[cid].source and m.get("page") == want[cid].page]
