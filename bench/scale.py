"""Scale: SciFact's 5,183 abstracts as one file each. Full index, a re-index with
nothing changed, and adding 10 new files; the baseline in the same run is the time
to embed those 10 files' chunks alone (the part that cannot be avoided).
    python bench/scale.py
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, SCIFACT  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.evaluation import load_beir, write_beir_sources  # noqa: E402
from index.cited import Cited  # noqa: E402


def main():
    data = load_beir(SCIFACT, "test")
    src = OUT / "scale-src"
    shutil.rmtree(src, ignore_errors=True)
    write_beir_sources(data, src)
    store = OUT / "scale-store"
    shutil.rmtree(store, ignore_errors=True)
    cited = Cited(Settings(data_dir=store, sources=src))
    cited.embedder.embed(["warm up"])

    t = time.perf_counter()
    full = cited.index(src)
    t_full = time.perf_counter() - t

    t = time.perf_counter()
    same = cited.index(src)
    t_same = time.perf_counter() - t

    new = {}
    for i, (doc_id, (title, text)) in enumerate(list(data.corpus.items())[:10]):
        new[f"new-{i}.txt"] = f"{title} (revised)\n\n{text} This abstract was added later."
    for name, body in new.items():
        (src / name).write_text(body)
    t = time.perf_counter()
    added = cited.index(src)
    t_add = time.perf_counter() - t

    from index.chunking import chunk
    from index.splitter import sentence_splitter
    from index.sources import Extracted

    split = sentence_splitter(cited.settings.chunk_size, cited.settings.chunk_overlap)
    texts = [c.text for body in new.values() for c in chunk(Extracted(body, None), split)]
    t = time.perf_counter()
    cited.embedder.embed(texts)
    t_embed = time.perf_counter() - t

    result = {
        "files": len(data.corpus),
        "chunks": cited.store.count(),
        "full_index_s": round(t_full, 1),
        "full_summary": full.summary(),
        "no_change_reindex_s": round(t_same, 2),
        "no_change_summary": same.summary(),
        "no_change_embedded": same.embedded,
        "add_10_files_s": round(t_add, 2),
        "add_10_summary": added.summary(),
        "embedding_those_10_alone_s": round(t_embed, 2),
        "add_10_ratio_to_embedding_alone": round(t_add / t_embed, 2),
    }
    (OUT / "scale.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
