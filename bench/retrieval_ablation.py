"""What else was tried to lift SciFact nDCG@10 with the one model cited may use.

Each variant's weights (and its own parameters) are chosen on SciFact *train* queries and
reported on *test*, beside the shipped fusion, with a paired bootstrap 95% interval of the
test difference: it tells a real gain from the noise of 300 queries.
    python bench/retrieval_ablation.py   # writes bench/out/retrieval_ablation.json

The first run embeds every sentence of the corpus (about 52,000) and the title-prefixed
chunks (about 4,500), some 5 minutes here; the vectors are cached in bench/out/ablation/.
Dense scores are exact (numpy) rather than HNSW, so the shipped row may differ from
bench/retrieval.py in the fourth decimal.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, SCIFACT, scifact_cited  # noqa: E402
from index.answer import split_sentences  # noqa: E402
from index.evaluation import load_beir  # noqa: E402
from index.metrics import ndcg_at  # noqa: E402
from index.lexical import LexicalIndex  # noqa: E402
from index.search import CANDIDATES  # noqa: E402

CACHE = OUT / "ablation"


def minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x)


def zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def by_max(x: np.ndarray) -> np.ndarray:
    return x / x.max() if x.max() > 0 else x


def cached(name: str, texts: list[str], embed) -> np.ndarray:
    CACHE.mkdir(parents=True, exist_ok=True)
    f = CACHE / f"{name}.npy"
    if f.exists():
        v = np.load(f)
        if len(v) == len(texts):
            return v
    print(f"embedding {len(texts)} texts for '{name}'…", file=sys.stderr)
    v = embed(texts)
    np.save(f, v)
    return v


class Corpus:
    """The SciFact store's chunks in memory, plus the extra representations tried."""

    def __init__(self, cited, sources: Path):
        rows = list(cited.store.iter_chunks(include=("documents", "metadatas", "embeddings")))
        self.ids = [r["ids"] for r in rows]
        self.texts = [r["documents"] for r in rows]
        self.E = np.array([r["embeddings"] for r in rows], dtype=np.float32)
        metas = [r["metadatas"] for r in rows]
        self.doc = np.array([Path(m["path"]).stem for m in metas])
        self.pos = {c: i for i, c in enumerate(self.ids)}
        self.lexical = cited.searcher.lexical()

        # Title context: a chunk after the first loses its abstract's title; give it
        # back (first line of the source) to both retrievers.
        titles = {m["path"]: (sources / m["path"]).read_text(encoding="utf-8").split("\n", 1)[0].strip() for m in metas}
        later = [i for i, m in enumerate(metas) if int(m["start"]) > 0]
        titled = list(self.texts)
        for i in later:
            titled[i] = titles[metas[i]["path"]] + "\n" + self.texts[i]
        self.E_title = self.E.copy()
        self.E_title[later] = cached("title-chunks", [titled[i] for i in later], cited.embedder.embed)
        self.lexical_title = LexicalIndex.build(self.ids, titled, "ablation")

        # Sentence evidence: every sentence of every chunk, embedded on its own.
        sents, owner = [], []
        for i, t in enumerate(self.texts):
            for s, e in split_sentences(t):
                sents.append(t[s:e])
                owner.append(i)
        self.owner = np.array(owner)
        self.S = cached("sentences", sents, cited.embedder.embed)


class Query:
    def __init__(self, corpus: Corpus, qid: str, text: str, vec: np.ndarray):
        self.qid, self.vec = qid, vec
        c = corpus
        self.dense = c.E @ vec
        self.dense_title = c.E_title @ vec
        self.sent = np.full(len(c.ids), -1.0, dtype=np.float32)
        np.maximum.at(self.sent, c.owner, c.S @ vec)
        self.lex = self._bm25(c, c.lexical, text)
        self.lex_title = self._bm25(c, c.lexical_title, text)

    @staticmethod
    def _bm25(c: Corpus, index: LexicalIndex, text: str) -> np.ndarray:
        out = np.zeros(len(c.ids))
        for cid, s in index.search(text, CANDIDATES):
            out[c.pos[cid]] = s
        return out

    def candidates(self, dense: np.ndarray, lex: np.ndarray) -> np.ndarray:
        top = np.argpartition(-dense, CANDIDATES)[:CANDIDATES]
        return np.union1d(top, np.flatnonzero(lex))


def prf(c: Corpus, q: Query, m: int, beta: float) -> np.ndarray:
    """Rocchio feedback on the query vector from the top ``m`` chunks of the shipped fusion."""
    cand = q.candidates(q.dense, q.lex)
    first = 0.6 * minmax(q.dense[cand]) + 0.4 * by_max(q.lex[cand])
    top = cand[np.argsort(-first)[:m]]
    v = q.vec + beta * c.E[top].mean(axis=0)
    return c.E @ (v / np.linalg.norm(v))


def variants(c: Corpus):
    """name -> (parameter grid, function(query, params) -> (candidates, [features]))."""

    def shipped(q, p, norm=minmax, lnorm=by_max):
        cand = q.candidates(q.dense, q.lex)
        return cand, [norm(q.dense[cand]), lnorm(q.lex[cand])]

    def title(q, p):
        cand = q.candidates(q.dense_title, q.lex_title)
        return cand, [minmax(q.dense_title[cand]), by_max(q.lex_title[cand])]

    def feedback(q, p):
        d = prf(c, q, *p)
        cand = q.candidates(d, q.lex)
        return cand, [minmax(d[cand]), by_max(q.lex[cand])]

    def sentences(q, p):
        cand = q.candidates(q.dense, q.lex)
        return cand, [minmax(q.dense[cand]), minmax(q.sent[cand]), by_max(q.lex[cand])]

    def title_sentences(q, p):
        cand = q.candidates(q.dense_title, q.lex_title)
        return cand, [minmax(q.dense_title[cand]), minmax(q.sent[cand]), by_max(q.lex_title[cand])]

    return {
        "shipped: min-max fusion": ([None], shipped),
        "z-score fusion": ([None], lambda q, p: shipped(q, p, zscore, zscore)),
        "title prepended to later chunks": ([None], title),
        "dense pseudo-relevance feedback": (list(itertools.product([1, 2, 3, 5], [0.25, 0.5, 1.0])), feedback),
        "+ sentence max-sim": ([None], sentences),
        "+ sentence max-sim, titles": ([None], title_sentences),
    }


def weight_grid(n: int) -> list[tuple[float, ...]]:
    step = 0.05 if n <= 3 else 0.1
    ticks = np.round(np.arange(0, 1 + 1e-9, step), 2)
    return [(*w, round(1 - sum(w), 2)) for w in itertools.product(ticks, repeat=n - 1) if sum(w) <= 0.9 + 1e-9]


def per_query(c: Corpus, feats, weights, qrels) -> dict[str, float]:
    out = {}
    for qid, (cand, fs) in feats.items():
        score = sum(w * f for w, f in zip(weights, fs))
        ranked = dict.fromkeys(c.doc[cand[np.argsort(-score, kind="stable")]])
        out[qid] = ndcg_at(list(ranked), qrels[qid])
    return out


def paired_ci(a: dict[str, float], b: dict[str, float], rounds: int = 2000) -> tuple[float, float]:
    qs = sorted(a)
    diff = np.array([a[q] - b[q] for q in qs])
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, len(qs), (rounds, len(qs)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def main() -> dict:
    cited, test, _, _ = scifact_cited()
    corpus = Corpus(cited, OUT / "scifact-sources")
    train = load_beir(SCIFACT, "train")
    split_queries = {}
    for name, data in (("train", train), ("test", test)):
        qids = sorted(q for q in data.queries if q in data.qrels)
        vecs = cited.embedder.embed([data.queries[q] for q in qids])
        split_queries[name] = [Query(corpus, q, data.queries[q], v) for q, v in zip(qids, vecs)]

    rows, shipped_test = {}, None
    for name, (params, build) in variants(corpus).items():
        best = (-1.0, None, None)
        for p in params:
            feats = {q.qid: build(q, p) for q in split_queries["train"]}
            nfeat = len(next(iter(feats.values()))[1])
            for w in weight_grid(nfeat):
                s = float(np.mean(list(per_query(corpus, feats, w, train.qrels).values())))
                if s > best[0]:
                    best = (s, p, w)
        _, p, w = best
        test_q = per_query(corpus, {q.qid: build(q, p) for q in split_queries["test"]}, w, test.qrels)
        shipped_test = shipped_test or test_q
        lo, hi = paired_ci(test_q, shipped_test)
        alo, ahi = paired_ci(test_q, dict.fromkeys(test_q, 0.0))
        rows[name] = {"train": round(best[0], 4), "test": round(float(np.mean(list(test_q.values()))), 4),
                      "test_ci95": [round(alo, 4), round(ahi, 4)], "delta_ci95": [round(lo, 4), round(hi, 4)],
                      "weights": w, "params": p}
        print(name, rows[name], file=sys.stderr, flush=True)

    shipped = next(iter(rows.values()))["test"]
    print("| variant (weights chosen on train) | train nDCG@10 | test nDCG@10 (95% CI) | test Δ vs shipped (95% CI) |")
    print("|---|---|---|---|")
    for name, r in rows.items():
        (alo, ahi), (lo, hi) = r["test_ci95"], r["delta_ci95"]
        print(f"| {name} | {r['train']:.3f} | {r['test']:.3f} ({alo:.3f}–{ahi:.3f}) | {r['test'] - shipped:+.3f} ({lo:+.3f} to {hi:+.3f}) |")
    OUT.mkdir(exist_ok=True)
    (OUT / "retrieval_ablation.json").write_text(json.dumps(rows, indent=2, default=str))
    return rows


if __name__ == "__main__":
    main()
