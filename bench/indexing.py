"""Indexing speed on SciFact's 5,183 abstracts: cited vs a plain LlamaIndex pipeline
(VectorStoreIndex over ChromaVectorStore with HuggingFaceEmbedding of the same model,
default settings), in one run, with the retrieval quality each index gives.
    pip install -e ".[bench]" && python bench/indexing.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, SCIFACT  # noqa: E402
from index.evaluation import load_beir, write_beir_sources  # noqa: E402
from index.metrics import retrieval_scores  # noqa: E402


def time_cited(src: Path, data: Path, precision: str) -> tuple[float, object]:
    from index.settings import Settings
    from index.cited import Cited

    shutil.rmtree(data, ignore_errors=True)
    cited = Cited(Settings(data_dir=data, sources=src, index_precision=precision))
    cited.index_embedder.embed(["warm up"])  # model load is not indexing
    t = time.perf_counter()
    cited.index(src)
    return time.perf_counter() - t, cited


def time_llamaindex(src: Path, data: Path) -> tuple[float, object]:
    import chromadb
    from llama_index.core import Settings as LISettings, SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.embedding import model_path

    shutil.rmtree(data, ignore_errors=True)
    embed = HuggingFaceEmbedding(model_name=str(model_path()), device="cpu")
    embed.get_text_embedding("warm up")
    LISettings.embed_model = embed
    LISettings.llm = None
    t = time.perf_counter()
    docs = SimpleDirectoryReader(str(src)).load_data()
    client = chromadb.PersistentClient(path=str(data))
    store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("li-bench"))
    index = VectorStoreIndex.from_documents(docs, storage_context=StorageContext.from_defaults(vector_store=store))
    return time.perf_counter() - t, index


def dense_runs_cited(cited, queries):
    from index.evaluation import doc_ranking
    from index.search import Hit

    runs = {}
    vecs = cited.embedder.embed([queries[q] for q in sorted(queries)])
    ids_to_path = {r["ids"]: r["metadatas"]["path"] for r in cited.store.iter_chunks()}
    for q, v in zip(sorted(queries), vecs):
        res = cited.store.query(v, 100)
        hits = [Hit(i, ids_to_path[i], None, 0, 0, "", 0, 0, 0) for i in res["ids"][0]]
        runs[q] = doc_ranking(hits)[:100]
    return runs


def hybrid_runs_cited(cited, queries):
    from index.evaluation import doc_ranking

    return {q: doc_ranking(cited.searcher.search(queries[q], k=150))[:100] for q in sorted(queries)}


def runs_llamaindex(index, queries):
    retriever = index.as_retriever(similarity_top_k=100)
    runs = {}
    for q in sorted(queries):
        seen: dict[str, None] = {}
        for n in retriever.retrieve(queries[q]):
            seen.setdefault(Path(n.node.metadata["file_name"]).stem, None)
        runs[q] = list(seen)[:100]
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=None, help="index only the first N abstracts (quick check)")
    args = ap.parse_args()
    data = load_beir(SCIFACT, "test")
    if args.limit:
        data.corpus = dict(list(data.corpus.items())[: args.limit])
    src = OUT / f"indexing-src-{args.limit or 'all'}"
    shutil.rmtree(src, ignore_errors=True)
    write_beir_sources(data, src)

    results = {}
    for precision in ("fp32", "int8"):
        secs, cited = time_cited(src, OUT / f"indexing-cited-{precision}", precision)
        results[f"cited {precision}"] = {
            "seconds": round(secs, 1),
            "dense": retrieval_scores(dense_runs_cited(cited, data.queries), data.qrels),
            "hybrid": retrieval_scores(hybrid_runs_cited(cited, data.queries), data.qrels),
        }
        print(f"cited {precision}: {secs:.1f} s", file=sys.stderr)
    t_li, li = time_llamaindex(src, OUT / "indexing-llamaindex")
    results["llamaindex"] = {"seconds": round(t_li, 1), "dense": retrieval_scores(runs_llamaindex(li, data.queries), data.qrels)}
    print(f"llamaindex: {t_li:.1f} s", file=sys.stderr)
    for precision in ("fp32", "int8"):
        results[f"speedup {precision}"] = round(t_li / results[f"cited {precision}"]["seconds"], 2)
    results["documents"] = len(data.corpus)
    (OUT / f"indexing-{args.limit or 'all'}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
