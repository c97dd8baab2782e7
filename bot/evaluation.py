"""`cited eval`: measure retrieval and answers on BEIR and SQuAD data, or a user's checks.

Each function indexes its data into a store of its own (a temporary folder unless
given one) through the same sync and answering code as `cited ask`, and returns
plain dicts; the CLI renders them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bot.metrics import percentile, retrieval_scores

Tick = Callable[[int, int], None]


@dataclass
class BeirData:
    corpus: dict[str, tuple[str, str]]  # id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def load_beir(folder: Path, split: str = "test") -> BeirData:
    from index.errors import CitedError

    folder = Path(folder)
    try:
        corpus = {}
        for line in (folder / "corpus.jsonl").open(encoding="utf-8"):
            d = json.loads(line)
            corpus[str(d["_id"])] = (d.get("title", ""), d.get("text", ""))
        queries = {str(d["_id"]): d["text"] for d in map(json.loads, (folder / "queries.jsonl").open(encoding="utf-8"))}
        qrels: dict[str, dict[str, int]] = {}
        with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as f:
            next(f)  # header
            for line in f:
                q, d, r = line.rstrip("\n").split("\t")
                qrels.setdefault(q, {})[d] = int(r)
    except FileNotFoundError as e:
        raise CitedError(f"not a BEIR folder: {e.filename} is missing") from None
    except (ValueError, KeyError) as e:
        raise CitedError(f"bad BEIR data in {folder}: {e}") from None
    return BeirData(corpus, {q: t for q, t in queries.items() if q in qrels}, qrels)


def write_beir_sources(data: BeirData, folder: Path) -> None:
    """One text file per document, named by its id: the same path a user's files take."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, text) in data.corpus.items():
        (folder / f"{doc_id}.txt").write_text(f"{title}\n\n{text}" if title else text, encoding="utf-8")


def doc_ranking(hits) -> list[str]:
    """Documents in order of their best chunk."""
    seen: dict[str, None] = {}
    for h in hits:
        seen.setdefault(Path(h.source).stem, None)
    return list(seen)


def eval_beir(cited, data: BeirData, limit: int | None = None, tick: Tick | None = None) -> dict:
    """Index ``data.corpus`` into ``cited``'s store, run every query, score the runs."""
    qids = sorted(data.queries)[:limit] if limit else sorted(data.queries)
    runs, lat = {}, []
    searcher = cited.searcher
    for n, q in enumerate(qids, 1):
        t = time.perf_counter()
        hits = searcher.search(data.queries[q], k=150)
        lat.append((time.perf_counter() - t) * 1000)
        runs[q] = doc_ranking(hits)[:100]
        if tick:
            tick(n, len(qids))
    return {
        "queries": len(qids),
        **retrieval_scores(runs, data.qrels),
        "latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1)},
    }


