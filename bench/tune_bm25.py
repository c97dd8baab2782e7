"""Choose BM25's k1 and b on SciFact train queries (fused with dense, as cited ranks),
then report the chosen setting on test. Vectors come from the SciFact store; BM25 is
rebuilt in memory for each setting.
    python bench/tune_bm25.py
"""
import sys, numpy as np, itertools
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))
import bm25s
from bench.retrieval import to_docs
from bench.common import SCIFACT, scifact_cited
from index.evaluation import load_beir
from index.metrics import retrieval_scores
from index.lexical import tokenize, _stemmer
from index.search import fuse, CANDIDATES
cited, test, _, _ = scifact_cited()
rows = list(cited.store.iter_chunks(include=("documents", "metadatas", "embeddings")))
ids = [r["ids"] for r in rows]; doc_of = {r["ids"]: r["metadatas"]["path"].rsplit(".",1)[0] for r in rows}
E = np.array([r["embeddings"] for r in rows], dtype=np.float32)
st = _stemmer(); toks = tokenize([r["documents"] for r in rows], st)
train = load_beir(SCIFACT, "train")
def qdata(qs):
    qids = sorted(qs); V = cited.embedder.embed([qs[q] for q in qids]); return qids, V, [tokenize([qs[q]], st)[0] for q in qids]
trq = qdata(train.queries); teq = qdata(test.queries)
def runs(model, qd, w):
    out = {}
    qids, V, T = qd
    for q, v, t in zip(qids, V, T):
        s = model.get_scores(t) if t else np.zeros(len(ids))
        top = np.argpartition(-s, CANDIDATES)[:CANDIDATES]
        lex = {ids[i]: float(s[i]) for i in top if s[i] > 0}
        d = E @ v; dtop = np.argpartition(-d, CANDIDATES)[:CANDIDATES]
        dense = {ids[i]: float(d[i]) for i in dtop}
        for i in lex:
            if i not in dense:
                dense[i] = float(E[idx[i]] @ v)
        out[q] = to_docs([i for i, _ in fuse(dense, lex, w)], doc_of)
    return out
idx = {c: n for n, c in enumerate(ids)}
res = []
for k1, b, method in itertools.product([0.9, 1.2, 1.5], [0.4, 0.75, 0.9], ["lucene"]):
    m = bm25s.BM25(k1=k1, b=b, method=method); m.index(toks, show_progress=False)
    for w in [0.5, 0.6, 0.7]:
        r = retrieval_scores(runs(m, trq, w), train.qrels)["ndcg@10"]
        res.append((r, k1, b, w)); print(k1, b, w, r, flush=True)
res.sort(reverse=True); best = res[0]; print("best train", best)
m = bm25s.BM25(k1=best[1], b=best[2]); m.index(toks, show_progress=False)
print("test", retrieval_scores(runs(m, teq, best[3]), test.qrels))
