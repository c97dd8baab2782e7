"""Query speed. Cold: `cited ask` as a new process each time (like a terminal user), on
the SciFact store, and `cited index` with nothing changed. Warm: search() inside one
process over SciFact's 300 test queries. Baselines in the same run: `python -c "import
sentence_transformers"` (what the cold path would pay on the torch route), `python -c
"import llama_index.core"` (what a sync paid before it imported llama-index only for a
text that needs cutting) and, warm, dense-only and BM25-only retrieval.
    python bench/speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, scifact_cited  # noqa: E402
from index.metrics import percentile  # noqa: E402

QUESTION = "Does vitamin D deficiency increase the risk of multiple sclerosis?"


def timed(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"{cmd} failed: {r.stderr}")
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    cited, data, _, _ = scifact_cited()
    env = {**os.environ, "CITED_DATA_DIR": str(cited.settings.data_dir), "CITED_SOURCES": str(cited.settings.sources)}
    cold, st_import, py, noop, llama_import = [], [], [], [], []
    for _ in range(args.runs):
        cold.append(timed([sys.executable, "-m", "bot.cli", "ask", QUESTION, "--json"], env))
        st_import.append(timed([sys.executable, "-c", "import sentence_transformers"], env))
        py.append(timed([sys.executable, "-c", "pass"], env))
        noop.append(timed([sys.executable, "-m", "bot.cli", "index"], env))
        llama_import.append(timed([sys.executable, "-c", "import llama_index.core"], env))

    s = cited.searcher
    s.search("warm up")
    queries = [data.queries[q] for q in sorted(data.queries)]
    warm, dense_only, bm25_only = [], [], []
    lex = s.lexical()
    for q in queries:
        t = time.perf_counter()
        s.search(q, k=10)
        warm.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        s.store.query(cited.embedder.embed([q])[0], 10)
        dense_only.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        lex.search(q, 10)
        bm25_only.append((time.perf_counter() - t) * 1000)

    def p(xs):
        return {"p50": round(percentile(xs, 50), 1), "p95": round(percentile(xs, 95), 1)}

    result = {
        "cold_ask_s": {"median": round(statistics.median(cold), 3), "runs": args.runs},
        "import_sentence_transformers_s": round(statistics.median(st_import), 3),
        "python_startup_s": round(statistics.median(py), 3),
        "cold_ratio_to_st_import": round(statistics.median(cold) / statistics.median(st_import), 2),
        "cold_index_nothing_changed_s": round(statistics.median(noop), 3),
        "import_llama_index_core_s": round(statistics.median(llama_import), 3),
        "cold_index_ratio_to_llama_import": round(statistics.median(noop) / statistics.median(llama_import), 2),
        "warm_search_ms": p(warm),
        "dense_only_ms": p(dense_only),
        "bm25_only_ms": p(bm25_only),
        "warm_ratio_to_dense_only_p50": round(percentile(warm, 50) / percentile(dense_only, 50), 2),
        "queries": len(queries),
        "chunks": cited.store.count(),
    }
    (OUT / "speed.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
