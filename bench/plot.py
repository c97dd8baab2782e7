"""Draw bench/retrieval.png from bench/out/retrieval.json (run bench/retrieval.py first)
and the warm latency of each retriever, measured here on SciFact's test queries.
    python bench/plot.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, scifact_cited  # noqa: E402


def latencies(cited, queries):
    s = cited.searcher
    lex = s.lexical()
    s.search("warm up")
    out = {"BM25": [], "dense": [], "cited hybrid": []}
    for q in queries:
        t = time.perf_counter()
        lex.search(q, 100)
        out["BM25"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        s.store.query(cited.embedder.embed([q])[0], 100)
        out["dense"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        s.search(q, k=10)
        out["cited hybrid"].append((time.perf_counter() - t) * 1000)
    return out


def main():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = json.loads((OUT / "retrieval.json").read_text())
    table = res["table"]
    names = [n for n in table if "as shipped" not in n]
    labels = ["BM25", "dense\n(MiniLM)", "cited\nhybrid"]
    cited, data, _, _ = scifact_cited()
    lat = latencies(cited, [data.queries[q] for q in sorted(data.queries)])

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    x = range(len(names))
    w = 0.38
    nd = [table[n]["ndcg@10"] for n in names]
    rc = [table[n]["recall@100"] for n in names]
    b1 = a1.bar([i - w / 2 for i in x], nd, w, label="nDCG@10", color="#4C72B0")
    b2 = a1.bar([i + w / 2 for i in x], rc, w, label="Recall@100", color="#DD8452")
    a1.bar_label(b1, fmt="%.3f", fontsize=8)
    a1.bar_label(b2, fmt="%.3f", fontsize=8)
    a1.axhline(0.74, ls="--", lw=1, color="grey")
    a1.text(-0.45, 0.745, "nDCG@10 target 0.74", fontsize=7, color="grey", ha="left")
    a1.set_xticks(list(x), labels)
    a1.set_ylim(0.5, 1.0)
    a1.set_title(f"SciFact test ({res['queries']} queries)")
    a1.legend(loc="lower right", fontsize=8)

    a2.boxplot(list(lat.values()), showfliers=False)
    a2.set_xticks([1, 2, 3], ["BM25", "dense\n(embed + Chroma)", "cited hybrid\n(embed + both + fuse)"])
    a2.set_ylabel("ms per query (warm)")
    a2.set_title("Warm query latency (100 candidates, top 10 returned)")
    fig.suptitle("cited retrieval on SciFact (bench/retrieval.py, bench/plot.py)", fontsize=10)
    fig.tight_layout()
    fig.savefig(Path(__file__).parent / "retrieval.png", dpi=110)
    print("wrote bench/retrieval.png")


if __name__ == "__main__":
    main()
