"""SciFact: BM25 alone, dense alone and cited's hybrid search, in one run.

The fusion weight is chosen on SciFact's *train* queries and reported on *test*.
    python bench/retrieval.py            # prints a table, writes bench/out/retrieval.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, SCIFACT, scifact_cited  # noqa: E402
from index.evaluation import doc_ranking, load_beir  # noqa: E402
from index.metrics import percentile, retrieval_scores  # noqa: E402
from index.search import CANDIDATES, fuse  # noqa: E402

WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]


def candidates(cited, queries: dict[str, str]):
    """Per query: dense cosines and BM25 scores of the union of both top-100s."""
    qids = sorted(queries)
    vecs = cited.embedder.embed([queries[q] for q in qids])
    return {q: cited.searcher.candidates(queries[q], qv) for q, qv in zip(qids, vecs)}


def to_docs(ranked_ids, doc_of) -> list[str]:
    seen: dict[str, None] = {}
    for i in ranked_ids:
        seen.setdefault(doc_of[i], None)
    return list(seen)[:100]


def runs_for(cands, doc_of, method):
    runs = {}
    for q, (dense, lex) in cands.items():
        if method == "rrf":
            # Reciprocal-rank fusion (Cormack et al. 2009, k=60): the usual alternative.
            rank = {}
            for ranking in (sorted(dense, key=lambda i: -dense[i])[:CANDIDATES], sorted(lex, key=lambda i: -lex[i])):
                for r, i in enumerate(ranking):
                    rank[i] = rank.get(i, 0.0) + 1.0 / (60 + r + 1)
            ids = sorted(rank, key=lambda i: -rank[i])
        elif method == "bm25":
            ids = [i for i, _ in sorted(lex.items(), key=lambda x: -x[1])]
        elif method == "dense":
            ids = [i for i, _ in sorted(dense.items(), key=lambda x: -x[1])[:CANDIDATES]]
        else:
            ids = [i for i, _ in fuse(dense, lex, method)]
        runs[q] = to_docs(ids, doc_of)
    return runs


def main() -> dict:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chunk-size", type=int, default=None)
    ap.add_argument("--chunk-overlap", type=int, default=None)
    args = ap.parse_args()
    over = {k: v for k, v in {"chunk_size": args.chunk_size, "chunk_overlap": args.chunk_overlap}.items() if v}
    name = "scifact" + "".join(f"-{v}" for v in over.values())
    cited, test, index_s, report = scifact_cited(name, **over)
    print(f"index: {report.summary()} in {index_s:.1f} s", file=sys.stderr)
    doc_of = {row["ids"]: Path(row["metadatas"]["path"]).stem for row in cited.store.iter_chunks()}
    train = load_beir(SCIFACT, "train")

    tune = {}
    train_c = candidates(cited, train.queries)
    for w in WEIGHTS:
        tune[w] = retrieval_scores(runs_for(train_c, doc_of, w), train.qrels)["ndcg@10"]
    best = max(tune, key=tune.get)
    tune["rrf (k=60)"] = retrieval_scores(runs_for(train_c, doc_of, "rrf"), train.qrels)["ndcg@10"]
    print("train nDCG@10 by dense weight:", tune, "-> chosen", best, file=sys.stderr)

    test_c = candidates(cited, test.queries)
    table = {
        "BM25 (bm25s, stemmed)": retrieval_scores(runs_for(test_c, doc_of, "bm25"), test.qrels),
        "dense (all-MiniLM-L6-v2)": retrieval_scores(runs_for(test_c, doc_of, "dense"), test.qrels),
        f"cited hybrid (w={best})": retrieval_scores(runs_for(test_c, doc_of, best), test.qrels),
    }
    # The product's own path end to end, at its configured weight, with latency.
    lat, runs = [], {}
    s = cited.searcher
    for q in sorted(test.queries):
        t = time.perf_counter()
        hits = s.search(test.queries[q], k=150)
        lat.append((time.perf_counter() - t) * 1000)
        runs[q] = doc_ranking(hits)[:100]
    table["cited search() as shipped"] = retrieval_scores(runs, test.qrels)
    result = {
        "split": "test",
        "queries": len(test.queries),
        "train_tuning": tune,
        "chosen_weight": best,
        "table": table,
        "warm_latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1)},
        "index_seconds": round(index_s, 1),
    }
    OUT.mkdir(exist_ok=True)
    result["settings"] = {"chunk_size": cited.settings.chunk_size, "chunk_overlap": cited.settings.chunk_overlap}
    (OUT / f"retrieval{name[7:]}.json").write_text(json.dumps(result, indent=2))
    print("| system | nDCG@10 | Recall@100 | MRR@10 |\n|---|---|---|---|")
    for name, m in table.items():
        print(f"| {name} | {m['ndcg@10']:.3f} | {m['recall@100']:.3f} | {m['mrr@10']:.3f} |")
    print(f"\nwarm search latency over {len(lat)} test queries: p50 {result['warm_latency_ms']['p50']} ms, "
          f"p95 {result['warm_latency_ms']['p95']} ms")
    return result


if __name__ == "__main__":
    main()
